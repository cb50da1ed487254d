// Runs that continue as new runs: continue-as-new chains and retries by the workflow's retry
// policy, each with the Started attributes Temporal gives the new run. Each runs in one engine
// and reopened between steps.
#include <gtest/gtest.h>

#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
using std::chrono::seconds;
using Types = std::vector<std::string>;

Command ContinueAsNew(const std::string& input_json) {
  Command c;
  c.set_command_type(enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION);
  auto* a = c.mutable_continue_as_new_workflow_execution_command_attributes();
  *a->mutable_input() = JsonPayloads(input_json);
  *a->mutable_last_completion_result() = JsonPayloads(input_json);
  return c;
}

class NewRunScenarios : public ::testing::TestWithParam<bool> {
 protected:
  EngineHarness h{GetParam()};
};

TEST_P(NewRunScenarios, ContinueAsNewFiveTimes) {
  const std::string first = h.Start("chain");
  std::string previous = first;
  for (int i = 1; i <= 5; ++i) {
    auto task = h.PollWorkflowTask();
    ASSERT_FALSE(task.task_token().empty()) << "run " << i;
    EXPECT_EQ(task.workflow_execution().run_id(), previous);
    ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(),
                                       {ContinueAsNew("{\"iteration\":" + std::to_string(i) + "}")})
                    .ok());
    h.Step();
    auto describe = h.Describe("chain");  // The current run: the new one.
    ASSERT_TRUE(describe.ok());
    const std::string current = describe->workflow_execution_info().execution().run_id();
    ASSERT_NE(current, previous);
    auto events = h.Events("chain");
    ASSERT_EQ(h.EventTypes("chain"), (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED"}));
    const auto& started = events[0].workflow_execution_started_event_attributes();
    EXPECT_EQ(started.continued_execution_run_id(), previous);
    EXPECT_EQ(started.initiator(), enums::CONTINUE_AS_NEW_INITIATOR_WORKFLOW);
    EXPECT_EQ(started.first_execution_run_id(), first);
    EXPECT_EQ(started.original_execution_run_id(), current);
    EXPECT_EQ(started.attempt(), 1);
    EXPECT_EQ(started.input().payloads(0).data(), "{\"iteration\":" + std::to_string(i) + "}");
    EXPECT_EQ(started.last_completion_result().payloads(0).data(),
              "{\"iteration\":" + std::to_string(i) + "}");
    EXPECT_EQ(started.workflow_type().name(), "OrderWorkflow");
    EXPECT_EQ(started.workflow_task_timeout().seconds(), 10);
    // The closed run ends with ContinuedAsNew naming its successor.
    wsv1::GetWorkflowExecutionHistoryRequest r;
    r.set_namespace_("default");
    r.mutable_execution()->set_workflow_id("chain");
    r.mutable_execution()->set_run_id(previous);
    auto old = h.GetHistory(r);
    ASSERT_TRUE(old.ok());
    const auto& last = *old->history().events().rbegin();
    ASSERT_EQ(last.event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    EXPECT_EQ(last.workflow_execution_continued_as_new_event_attributes().new_execution_run_id(),
              current);
    previous = current;
  }
  // Cancel and terminate name the chain by its first run.
  wsv1::TerminateWorkflowExecutionRequest other_chain;
  other_chain.set_namespace_("default");
  other_chain.mutable_workflow_execution()->set_workflow_id("chain");
  other_chain.set_first_execution_run_id("00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(Await<wsv1::TerminateWorkflowExecutionResponse>([&](auto done) {
              h.frontend().TerminateWorkflowExecution(other_chain, done);
            }).status().code(),
            StatusCode::kNotFound);
  wsv1::RequestCancelWorkflowExecutionRequest cancel;
  cancel.set_namespace_("default");
  cancel.mutable_workflow_execution()->set_workflow_id("chain");
  cancel.set_first_execution_run_id(first);
  EXPECT_TRUE(Await<wsv1::RequestCancelWorkflowExecutionResponse>([&](auto done) {
                h.frontend().RequestCancelWorkflowExecution(cancel, done);
              }).ok());
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("5")}).ok());
  EXPECT_EQ(h.Describe("chain")->workflow_execution_info().status(),
            enums::WORKFLOW_EXECUTION_STATUS_COMPLETED);
}

TEST_P(NewRunScenarios, AFailedWorkflowIsRetriedByItsRetryPolicy) {
  auto request = h.StartRequest("flaky");
  request.mutable_retry_policy()->set_maximum_attempts(2);
  request.mutable_retry_policy()->mutable_initial_interval()->set_seconds(5);
  auto first = h.Start(request);
  ASSERT_TRUE(first.ok());
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {FailWorkflow("boom")}).ok());
  h.Step();
  auto events = h.Events("flaky");
  // The retry waits out its backoff before its first workflow task.
  ASSERT_EQ(h.EventTypes("flaky"), (Types{"WORKFLOW_EXECUTION_STARTED"}));
  const auto& started = events[0].workflow_execution_started_event_attributes();
  EXPECT_EQ(started.attempt(), 2);
  EXPECT_EQ(started.initiator(), enums::CONTINUE_AS_NEW_INITIATOR_RETRY);
  EXPECT_EQ(started.continued_failure().message(), "boom");
  EXPECT_EQ(started.first_workflow_task_backoff().seconds(), 5);
  EXPECT_EQ(started.first_execution_run_id(), first->run_id());
  EXPECT_EQ(started.input().payloads(0).data(), R"({"order":1})");
  h.Advance(seconds(5));
  h.Step();
  task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  EXPECT_EQ(task.history().events(0).workflow_execution_started_event_attributes().attempt(), 2);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {FailWorkflow("boom again")}).ok());
  h.Step();
  // Attempts ran out: this run's failure is final.
  events = h.Events("flaky");
  const auto& failed = events.back().workflow_execution_failed_event_attributes();
  EXPECT_EQ(failed.retry_state(), enums::RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  EXPECT_TRUE(failed.new_execution_run_id().empty());
  EXPECT_EQ(h.Describe("flaky")->workflow_execution_info().status(),
            enums::WORKFLOW_EXECUTION_STATUS_FAILED);
}

TEST_P(NewRunScenarios, ARunTimeoutIsRetriedToo) {
  auto request = h.StartRequest("slow");
  request.mutable_workflow_run_timeout()->set_seconds(60);
  request.mutable_retry_policy()->set_maximum_attempts(3);
  ASSERT_TRUE(h.Start(request).ok());
  h.Step();
  h.Advance(seconds(60));
  h.Step();
  auto events = h.Events("slow");
  EXPECT_EQ(events[0].workflow_execution_started_event_attributes().attempt(), 2);
  EXPECT_EQ(h.Describe("slow")->workflow_execution_info().status(),
            enums::WORKFLOW_EXECUTION_STATUS_RUNNING);
}

TEST_P(NewRunScenarios, CronRunsOnItsScheduleAndCarriesTheLastResult) {
  auto request = h.StartRequest("nightly");
  request.set_cron_schedule("*/5 * * * *");  // The clock starts at 22:13:20.
  auto first = h.Start(request);
  ASSERT_TRUE(first.ok());
  h.Step();
  EXPECT_EQ(h.Events("nightly")[0]
                .workflow_execution_started_event_attributes()
                .first_workflow_task_backoff()
                .seconds(),
            100);
  EXPECT_TRUE(h.PollWorkflowTask(kTaskQueue, std::chrono::milliseconds(20)).task_token().empty());
  h.Advance(seconds(100));
  auto task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("\"run 1\"")}).ok());
  h.Step();
  auto events = h.Events("nightly");  // The next run, waiting for 22:20.
  const auto& started = events[0].workflow_execution_started_event_attributes();
  EXPECT_EQ(started.initiator(), enums::CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE);
  EXPECT_EQ(started.continued_execution_run_id(), first->run_id());
  EXPECT_EQ(started.last_completion_result().payloads(0).data(), "\"run 1\"");
  EXPECT_EQ(started.first_workflow_task_backoff().seconds(), 300);
  EXPECT_EQ(started.cron_schedule(), "*/5 * * * *");
  h.Advance(seconds(300));
  EXPECT_FALSE(h.PollWorkflowTask().task_token().empty());
  // A terminated cron workflow stops.
  ASSERT_TRUE(h.Terminate("nightly", "stop").ok());
  EXPECT_EQ(h.Describe("nightly")->workflow_execution_info().status(),
            enums::WORKFLOW_EXECUTION_STATUS_TERMINATED);
}

INSTANTIATE_TEST_SUITE_P(Engine, NewRunScenarios, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Reopened" : "InProcess"; });

}  // namespace
}  // namespace endure::engine::testing
