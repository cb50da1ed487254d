// Starting workflows: the id conflict policies toward a running workflow, the reuse policies
// toward a closed one, signal-with-start on a new and on a running workflow, a start delay, and
// eager starts.
// Each runs in one engine and reopened between steps.
#include <gtest/gtest.h>

#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Types = std::vector<std::string>;

class StartScenarios : public ::testing::TestWithParam<bool> {
 protected:
  Result<wsv1::SignalWithStartWorkflowExecutionResponse> SignalWithStart(
      const std::string& workflow_id, const std::string& request_id) {
    wsv1::SignalWithStartWorkflowExecutionRequest r;
    r.set_namespace_("default");
    r.set_workflow_id(workflow_id);
    r.mutable_workflow_type()->set_name("OrderWorkflow");
    r.mutable_task_queue()->set_name(kTaskQueue);
    r.set_request_id(request_id);
    r.set_signal_name("approve");
    *r.mutable_signal_input() = JsonPayloads(R"("yes")");
    return Await<wsv1::SignalWithStartWorkflowExecutionResponse>(
        [&](auto done) { h.frontend().SignalWithStartWorkflowExecution(r, done); });
  }

  EngineHarness h{GetParam()};
};

TEST_P(StartScenarios, ConflictPoliciesTowardARunningWorkflow) {
  const std::string first = h.Start("dup");
  h.Step();
  auto r = h.StartRequest("dup");
  r.set_request_id("second");
  EXPECT_EQ(h.Start(r).status().code(), StatusCode::kAlreadyExists);  // FAIL, the default.
  r.set_workflow_id_conflict_policy(enums::WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING);
  auto existing = h.Start(r);
  ASSERT_TRUE(existing.ok());
  EXPECT_EQ(existing->run_id(), first);
  EXPECT_FALSE(existing->started());
  h.Step();
  r.set_request_id("third");
  r.set_workflow_id_conflict_policy(enums::WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING);
  auto replaced = h.Start(r);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  EXPECT_NE(replaced->run_id(), first);
  EXPECT_TRUE(replaced->started());
  h.Step();
  wsv1::DescribeWorkflowExecutionRequest d;
  d.set_namespace_("default");
  d.mutable_execution()->set_workflow_id("dup");
  d.mutable_execution()->set_run_id(first);
  auto old = Await<wsv1::DescribeWorkflowExecutionResponse>(
      [&](auto done) { h.frontend().DescribeWorkflowExecution(d, done); });
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->workflow_execution_info().status(), enums::WORKFLOW_EXECUTION_STATUS_TERMINATED);
  EXPECT_EQ(h.Describe("dup")->workflow_execution_info().execution().run_id(), replaced->run_id());
  // The deprecated reuse policy TERMINATE_IF_RUNNING (4) still does what it says.
  r.set_request_id("fourth");
  r.set_workflow_id_conflict_policy(enums::WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED);
  r.set_workflow_id_reuse_policy(static_cast<enums::WorkflowIdReusePolicy>(4));
  auto fourth = h.Start(r);
  ASSERT_TRUE(fourth.ok()) << fourth.status().ToString();
  EXPECT_NE(fourth->run_id(), replaced->run_id());
}

TEST_P(StartScenarios, ARepeatedStartRequestAnswersWithTheRunItCreated) {
  auto r = h.StartRequest("retried");
  r.set_request_id("once");
  auto first = h.Start(r);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  h.Step();
  auto again = h.Start(r);  // A client retrying after it lost the answer.
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->run_id(), first->run_id());
  EXPECT_TRUE(again->started());
  h.Step();
  EXPECT_EQ(h.EventTypes("retried"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED"}));
}

TEST_P(StartScenarios, ReusePoliciesTowardAClosedWorkflow) {
  h.Start("done");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).ok());
  h.Step();
  auto r = h.StartRequest("done");
  r.set_request_id("again");
  r.set_workflow_id_reuse_policy(enums::WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY);
  EXPECT_EQ(h.Start(r).status().code(), StatusCode::kAlreadyExists);  // It completed.
  r.set_workflow_id_reuse_policy(enums::WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
  EXPECT_EQ(h.Start(r).status().code(), StatusCode::kAlreadyExists);
  r.set_workflow_id_reuse_policy(enums::WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
  ASSERT_TRUE(h.Start(r).ok());
  h.Step();
  // A failed run may be followed under ALLOW_DUPLICATE_FAILED_ONLY.
  ASSERT_TRUE(h.Terminate("done", "stop").ok());
  r.set_request_id("after-terminate");
  r.set_workflow_id_reuse_policy(enums::WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY);
  EXPECT_TRUE(h.Start(r).ok());
}

TEST_P(StartScenarios, SignalWithStartStartsOrSignals) {
  auto started = SignalWithStart("sws", "sws-1");
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_TRUE(started->started());
  h.Step();
  EXPECT_EQ(h.EventTypes("sws"), (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_EXECUTION_SIGNALED",
                                         "WORKFLOW_TASK_SCHEDULED"}));
  auto signaled = SignalWithStart("sws", "sws-2");
  ASSERT_TRUE(signaled.ok());
  EXPECT_FALSE(signaled->started());
  EXPECT_EQ(signaled->run_id(), started->run_id());
  h.Step();
  EXPECT_EQ(h.EventTypes("sws"), (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_EXECUTION_SIGNALED",
                                         "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_EXECUTION_SIGNALED"}));
}

TEST_P(StartScenarios, AStartDelayHoldsTheFirstTask) {
  auto r = h.StartRequest("later");
  r.mutable_workflow_start_delay()->set_seconds(30);
  ASSERT_TRUE(h.Start(r).ok());
  ASSERT_TRUE(h.Signal("later", "early").ok());  // Waits with the first task.
  h.Step();
  EXPECT_TRUE(h.PollWorkflowTask(kTaskQueue, milliseconds(20)).task_token().empty());
  EXPECT_EQ(h.Events("later")[0].workflow_execution_started_event_attributes()
                .first_workflow_task_backoff()
                .seconds(),
            30);
  h.Advance(seconds(30));
  h.Step();
  EXPECT_EQ(h.EventTypes("later"), (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_EXECUTION_SIGNALED",
                                           "WORKFLOW_TASK_SCHEDULED"}));
  EXPECT_FALSE(h.PollWorkflowTask().task_token().empty());
}

TEST_P(StartScenarios, AnEagerStartHandsBackTheFirstTaskStarted) {
  auto r = h.StartRequest("eager");
  r.set_request_eager_execution(true);
  r.set_identity("worker@host");
  auto started = h.Start(r);
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  ASSERT_TRUE(started->has_eager_workflow_task());
  const auto& task = started->eager_workflow_task();
  EXPECT_EQ(task.workflow_execution().run_id(), started->run_id());
  EXPECT_EQ(task.workflow_type().name(), "OrderWorkflow");
  EXPECT_EQ(task.started_event_id(), 3);
  ASSERT_EQ(task.history().events_size(), 3);
  EXPECT_TRUE(task.history()
                  .events(0)
                  .workflow_execution_started_event_attributes()
                  .eager_execution_accepted());
  EXPECT_EQ(task.history().events(2).workflow_task_started_event_attributes().identity(),
            "worker@host");
  h.Step();
  // Nothing went through matching, and the task completes like a polled one.
  EXPECT_TRUE(h.PollWorkflowTask(kTaskQueue, milliseconds(20)).task_token().empty());
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow(R"("done")")}).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("eager"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "WORKFLOW_EXECUTION_COMPLETED"}));
}

TEST_P(StartScenarios, AnEagerStartThatIsNotStartedNowGoesThroughMatching) {
  // A start delay: the first task waits, so nothing is handed back.
  auto delayed = h.StartRequest("eager-later");
  delayed.set_request_eager_execution(true);
  delayed.mutable_workflow_start_delay()->set_seconds(30);
  auto started = h.Start(delayed);
  ASSERT_TRUE(started.ok());
  EXPECT_FALSE(started->has_eager_workflow_task());
  EXPECT_FALSE(h.Events("eager-later")[0]
                   .workflow_execution_started_event_attributes()
                   .eager_execution_accepted());
  // The same request again: the run it created answers, without a task.
  auto again = h.StartRequest("eager-now");
  again.set_request_eager_execution(true);
  auto first = h.Start(again);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->has_eager_workflow_task());
  ASSERT_TRUE(
      h.CompleteWorkflowTask(first->eager_workflow_task().task_token(), {CompleteWorkflow("1")})
          .ok());
  auto repeated = h.Start(again);
  ASSERT_TRUE(repeated.ok());
  EXPECT_FALSE(repeated->has_eager_workflow_task());
  h.Step();
  EXPECT_TRUE(h.PollWorkflowTask(kTaskQueue, milliseconds(20)).task_token().empty());
  h.Advance(seconds(30));
  h.Step();
  EXPECT_EQ(h.PollWorkflowTask().workflow_execution().workflow_id(), "eager-later");
}

INSTANTIATE_TEST_SUITE_P(Engine, StartScenarios, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Reopened" : "InProcess"; });

}  // namespace
}  // namespace endure::engine::testing
