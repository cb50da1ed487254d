// Queries by both ways the SDKs answer them: carried by a workflow task (before the first one
// completed, or while one runs) and answered in its completion, or as a legacy query task
// answered by RespondQueryTaskCompleted (an idle or closed run). Each scenario also runs with
// the engine reopened between steps (queries are never stored, so none spans a reopen).
#include <gtest/gtest.h>

#include <future>

#include "temporal/api/errordetails/v1/message.pb.h"
#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;
using QueryResult = Result<wsv1::QueryWorkflowResponse>;

class QueryScenarios : public ::testing::TestWithParam<bool> {
 protected:
  std::future<QueryResult> Query(const std::string& workflow_id,
                                 milliseconds wait = milliseconds(5000),
                                 enums::QueryRejectCondition reject = enums::QUERY_REJECT_CONDITION_NONE) {
    wsv1::QueryWorkflowRequest r;
    r.set_namespace_("default");
    r.mutable_execution()->set_workflow_id(workflow_id);
    r.mutable_query()->set_query_type("progress");
    *r.mutable_query()->mutable_query_args() = JsonPayloads(R"({"detail":true})");
    r.set_query_reject_condition(reject);
    auto promise = std::make_shared<std::promise<QueryResult>>();
    h.frontend().QueryWorkflow(r, AlarmClock::Clock::now() + wait,
                               [promise](QueryResult result) { promise->set_value(std::move(result)); });
    return promise->get_future();
  }

  Status AnswerQueryTask(const std::string& token, const std::string& answer, bool failed = false) {
    wsv1::RespondQueryTaskCompletedRequest r;
    r.set_namespace_("default");
    r.set_task_token(token);
    if (failed) {
      r.set_completed_type(enums::QUERY_RESULT_TYPE_FAILED);
      r.set_error_message(answer);
      r.mutable_failure()->set_message(answer);
    } else {
      r.set_completed_type(enums::QUERY_RESULT_TYPE_ANSWERED);
      *r.mutable_query_result() = JsonPayloads(answer);
    }
    return Await<wsv1::RespondQueryTaskCompletedResponse>(
               [&](auto done) { h.frontend().RespondQueryTaskCompleted(r, done); })
        .status();
  }

  // Completes a workflow task, answering every query it carries with `answer`.
  Status CompleteAnswering(const wsv1::PollWorkflowTaskQueueResponse& task, const std::string& answer,
                           std::vector<Command> commands = {}) {
    wsv1::RespondWorkflowTaskCompletedRequest r;
    r.set_namespace_("default");
    r.set_task_token(task.task_token());
    r.set_identity("worker@test");
    for (auto& c : commands) *r.add_commands() = std::move(c);
    for (const auto& [id, query] : task.queries()) {
      auto& result = (*r.mutable_query_results())[id];
      result.set_result_type(enums::QUERY_RESULT_TYPE_ANSWERED);
      *result.mutable_answer() = JsonPayloads(answer);
    }
    return h.RespondCompleted(r).status();
  }

  EngineHarness h{GetParam()};
};

TEST_P(QueryScenarios, BeforeTheFirstTaskCompletedTheQueryRidesWithIt) {
  h.Start("q-1");
  h.Step();
  auto answer = Query("q-1");
  auto task = h.PollWorkflowTask();
  ASSERT_EQ(task.queries_size(), 1);
  EXPECT_FALSE(task.has_query());  // Never both.
  EXPECT_EQ(task.queries().begin()->second.query_type(), "progress");
  ASSERT_TRUE(CompleteAnswering(task, R"({"percent":0})").ok());
  auto result = answer.get();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->query_result().payloads(0).data(), R"({"percent":0})");
  // The query wrote nothing.
  h.Step();
  EXPECT_EQ(h.EventTypes("q-1").back(), "WORKFLOW_TASK_COMPLETED");
}

TEST_P(QueryScenarios, DuringATaskTheQueryGoesAsAQueryTaskWhenNoOtherTaskFollows) {
  h.Start("q-2");
  auto first = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(first.task_token(), {}).ok());
  ASSERT_TRUE(h.Signal("q-2", "go").ok());
  auto running = h.PollWorkflowTask();
  auto answer = Query("q-2");
  ASSERT_TRUE(h.CompleteWorkflowTask(running.task_token(), {}).ok());
  auto query_task = h.PollWorkflowTask();
  ASSERT_TRUE(query_task.has_query());
  EXPECT_EQ(query_task.queries_size(), 0);
  EXPECT_EQ(query_task.started_event_id(), 0);
  EXPECT_EQ(query_task.previous_started_event_id(), running.started_event_id());
  EXPECT_EQ(query_task.history().events_size(), static_cast<int>(h.Events("q-2").size()));
  ASSERT_TRUE(AnswerQueryTask(query_task.task_token(), R"({"percent":50})").ok());
  auto result = answer.get();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->query_result().payloads(0).data(), R"({"percent":50})");
  // A second answer to the same task finds nothing waiting.
  EXPECT_EQ(AnswerQueryTask(query_task.task_token(), "1").code(), StatusCode::kNotFound);
}

TEST_P(QueryScenarios, AfterTheRunClosedAndWithARejectCondition) {
  h.Start("q-3");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow(R"("done")")}).ok());
  h.Step();
  auto answer = Query("q-3");
  auto query_task = h.PollWorkflowTask();
  ASSERT_TRUE(query_task.has_query());
  EXPECT_EQ(query_task.history().events().rbegin()->event_type(),
            enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  ASSERT_TRUE(AnswerQueryTask(query_task.task_token(), R"({"percent":100})").ok());
  ASSERT_TRUE(answer.get().ok());

  auto rejected = Query("q-3", milliseconds(5000), enums::QUERY_REJECT_CONDITION_NOT_OPEN).get();
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->query_rejected().status(), enums::WORKFLOW_EXECUTION_STATUS_COMPLETED);
  auto allowed =
      Query("q-3", milliseconds(5000), enums::QUERY_REJECT_CONDITION_NOT_COMPLETED_CLEANLY);
  query_task = h.PollWorkflowTask();
  ASSERT_TRUE(AnswerQueryTask(query_task.task_token(), "1").ok());
  EXPECT_FALSE(allowed.get()->has_query_rejected());
}

TEST_P(QueryScenarios, AFailedQueryIsInvalidArgumentWithItsFailure) {
  h.Start("q-4");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}).ok());
  h.Step();
  auto answer = Query("q-4");
  auto query_task = h.PollWorkflowTask();
  ASSERT_TRUE(AnswerQueryTask(query_task.task_token(), "no handler for progress", true).ok());
  auto result = answer.get();
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(result.status().message(), "no handler for progress");
  temporal::api::errordetails::v1::QueryFailedFailure detail;
  ASSERT_NE(result.status().detail(), nullptr);
  ASSERT_TRUE(result.status().detail()->UnpackTo(&detail));
  EXPECT_EQ(detail.failure().message(), "no handler for progress");
}

TEST_P(QueryScenarios, NoWorkerMeansTheDeadline) {
  h.Start("q-5");
  auto result = Query("q-5", milliseconds(50)).get();
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded);
  auto missing = Query("nobody", milliseconds(50)).get();
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_P(QueryScenarios, AStickyWorkerGetsTheQueryWithoutHistory) {
  h.Start("q-6");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}, "worker-7-sticky").ok());
  EXPECT_TRUE(h.PollWorkflowTask("worker-7-sticky", milliseconds(10), true).task_token().empty());
  auto answer = Query("q-6");
  auto query_task = h.PollWorkflowTask("worker-7-sticky", milliseconds(500), true);
  ASSERT_TRUE(query_task.has_query());
  EXPECT_EQ(query_task.history().events_size(), 0);
  ASSERT_TRUE(AnswerQueryTask(query_task.task_token(), "7").ok());
  ASSERT_TRUE(answer.get().ok());
}

TEST_P(QueryScenarios, AQueryTheStickyWorkerDoesNotTakeMovesToTheNormalQueue) {
  h.Start("q-7");
  auto task = h.PollWorkflowTask();
  wsv1::RespondWorkflowTaskCompletedRequest r;
  r.set_namespace_("default");
  r.set_task_token(task.task_token());
  r.mutable_sticky_attributes()->mutable_worker_task_queue()->set_name("worker-8-sticky");
  r.mutable_sticky_attributes()->mutable_schedule_to_start_timeout()->set_nanos(50'000'000);
  ASSERT_TRUE(h.RespondCompleted(r).ok());
  EXPECT_TRUE(h.PollWorkflowTask("worker-8-sticky", milliseconds(10), true).task_token().empty());
  auto answer = Query("q-7");
  // The sticky worker is gone; after 50 ms the query goes to the normal queue, with history.
  auto query_task = h.PollWorkflowTask(kTaskQueue, milliseconds(2000));
  ASSERT_TRUE(query_task.has_query());
  EXPECT_GT(query_task.history().events_size(), 0);
  ASSERT_TRUE(AnswerQueryTask(query_task.task_token(), "8").ok());
  ASSERT_TRUE(answer.get().ok());
}

INSTANTIATE_TEST_SUITE_P(Engine, QueryScenarios, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Reopened" : "InProcess"; });

}  // namespace
}  // namespace endure::engine::testing
