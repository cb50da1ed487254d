// Scenarios of the workflow-task life cycle, driven by a scripted worker, checking the exact
// history produced. Each runs twice: in one engine, and with the engine closed and reopened
// from its SQLite file between every step.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/history/timer_kinds.h"
#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
using std::chrono::seconds;
using Types = std::vector<std::string>;

class WorkflowTaskScenarios : public ::testing::TestWithParam<bool> {
 protected:
  EngineHarness h{GetParam()};
};

TEST_P(WorkflowTaskScenarios, ActivityThenCompletion) {
  const std::string run_id = h.Start("order-1");
  h.Step();
  auto task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  EXPECT_EQ(task.workflow_execution().run_id(), run_id);
  EXPECT_EQ(task.workflow_type().name(), "OrderWorkflow");
  EXPECT_EQ(task.started_event_id(), 3);
  EXPECT_EQ(task.previous_started_event_id(), 0);
  EXPECT_EQ(task.attempt(), 1);
  EXPECT_EQ(task.workflow_execution_task_queue().name(), kTaskQueue);
  EXPECT_EQ(task.workflow_execution_task_queue().kind(), enums::TASK_QUEUE_KIND_NORMAL);
  ASSERT_EQ(task.history().events_size(), 3);
  EXPECT_EQ(task.history().events(2).event_id(), task.started_event_id());
  const auto& started = task.history().events(0).workflow_execution_started_event_attributes();
  EXPECT_EQ(started.original_execution_run_id(), run_id);
  EXPECT_EQ(started.first_execution_run_id(), run_id);
  EXPECT_EQ(started.workflow_task_timeout().seconds(), 10);
  EXPECT_EQ(started.attempt(), 1);
  h.Step();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {ScheduleActivity("a1", "Charge", seconds(30))}).ok());
  h.Step();
  auto activity = h.PollActivityTask();
  ASSERT_FALSE(activity.task_token().empty());
  EXPECT_EQ(activity.activity_id(), "a1");
  EXPECT_EQ(activity.attempt(), 1);
  EXPECT_EQ(activity.workflow_namespace(), "default");
  EXPECT_TRUE(activity.has_schedule_to_close_timeout());
  EXPECT_EQ(activity.start_to_close_timeout().seconds(), 30);
  EXPECT_TRUE(activity.has_scheduled_time());
  EXPECT_TRUE(activity.has_current_attempt_scheduled_time());
  EXPECT_EQ(activity.retry_policy().initial_interval().seconds(), 1);
  EXPECT_EQ(activity.retry_policy().backoff_coefficient(), 2.0);
  h.Step();
  // The start of an activity is not an event until the activity closes.
  EXPECT_EQ(h.EventTypes("order-1").back(), "ACTIVITY_TASK_SCHEDULED");
  ASSERT_TRUE(h.CompleteActivity(activity.task_token(), R"("charged")").ok());
  h.Step();
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.previous_started_event_id(), 3);
  EXPECT_EQ(task.started_event_id(), 9);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow(R"("done")")}).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("order-1"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED",
                   "ACTIVITY_TASK_COMPLETED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "WORKFLOW_EXECUTION_COMPLETED"}));
  auto events = h.Events("order-1");
  EXPECT_EQ(events[4].activity_task_scheduled_event_attributes().workflow_task_completed_event_id(), 4);
  EXPECT_EQ(events[5].activity_task_started_event_attributes().scheduled_event_id(), 5);
  EXPECT_EQ(events[5].activity_task_started_event_attributes().attempt(), 1);
  EXPECT_EQ(events[6].activity_task_completed_event_attributes().started_event_id(), 6);
  EXPECT_EQ(events[6].activity_task_completed_event_attributes().scheduled_event_id(), 5);
  auto describe = h.Describe("order-1");
  ASSERT_TRUE(describe.ok());
  EXPECT_EQ(describe->workflow_execution_info().status(), enums::WORKFLOW_EXECUTION_STATUS_COMPLETED);
  EXPECT_EQ(describe->workflow_execution_info().history_length(), 11);
  // Nothing is left to hand out.
  EXPECT_TRUE(h.PollWorkflowTask(kTaskQueue, std::chrono::milliseconds(20)).task_token().empty());
}

TEST_P(WorkflowTaskScenarios, SignalDuringTaskIsBufferedUntilItCompletes) {
  h.Start("order-2");
  auto task = h.PollWorkflowTask();
  h.Step();
  ASSERT_TRUE(h.Signal("order-2", "approve").ok());
  h.Step();
  // Nothing is written between WorkflowTaskStarted and its completion.
  EXPECT_EQ(h.EventTypes("order-2").back(), "WORKFLOW_TASK_STARTED");
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {RecordMarker("step")}).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("order-2"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "MARKER_RECORDED", "WORKFLOW_EXECUTION_SIGNALED",
                   "WORKFLOW_TASK_SCHEDULED"}));
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.previous_started_event_id(), 3);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).ok());
  EXPECT_EQ(h.EventTypes("order-2").back(), "WORKFLOW_EXECUTION_COMPLETED");
}

TEST_P(WorkflowTaskScenarios, ASignalRetriedWithItsRequestIdIsTakenOnce) {
  h.Start("order-13");
  ASSERT_TRUE(h.Signal("order-13", "approve", "signal-request-1").ok());
  h.Step();
  ASSERT_TRUE(h.Signal("order-13", "approve", "signal-request-1").ok());
  ASSERT_TRUE(h.Signal("order-13", "approve", "signal-request-2").ok());
  h.Step();
  auto types = h.EventTypes("order-13");
  EXPECT_EQ(std::count(types.begin(), types.end(), "WORKFLOW_EXECUTION_SIGNALED"), 2);
}

TEST_P(WorkflowTaskScenarios, ClosingOverABufferedSignalIsUnhandledCommand) {
  h.Start("order-3");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.Signal("order-3", "approve").ok());
  h.Step();
  Status s = h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "UnhandledCommand");
  h.Step();
  EXPECT_EQ(h.EventTypes("order-3"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_FAILED", "WORKFLOW_EXECUTION_SIGNALED", "WORKFLOW_TASK_SCHEDULED"}));
  auto events = h.Events("order-3");
  EXPECT_EQ(events[3].workflow_task_failed_event_attributes().cause(),
            enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.attempt(), 1);
  EXPECT_EQ(task.previous_started_event_id(), 0);  // No task has completed yet.
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).ok());
  EXPECT_EQ(h.EventTypes("order-3").back(), "WORKFLOW_EXECUTION_COMPLETED");
}

TEST_P(WorkflowTaskScenarios, TimersFireAndCancel) {
  h.Start("order-4");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(),
                                     {StartTimer("t1", seconds(10)), StartTimer("t2", seconds(20))})
                  .ok());
  h.Step();
  h.Advance(seconds(9));
  EXPECT_EQ(h.EventTypes("order-4").back(), "TIMER_STARTED");
  h.Advance(seconds(1));
  h.Step();
  EXPECT_EQ(h.EventTypes("order-4").back(), "WORKFLOW_TASK_SCHEDULED");
  task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CancelTimer("t2"), CompleteWorkflow("1")}).ok());
  h.Step();
  h.Advance(seconds(30));  // t2 was canceled: it never fires.
  EXPECT_EQ(h.EventTypes("order-4"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "TIMER_STARTED", "TIMER_STARTED", "TIMER_FIRED",
                   "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED", "WORKFLOW_TASK_COMPLETED",
                   "TIMER_CANCELED", "WORKFLOW_EXECUTION_COMPLETED"}));
  auto events = h.Events("order-4");
  EXPECT_EQ(events[6].timer_fired_event_attributes().timer_id(), "t1");
  EXPECT_EQ(events[6].timer_fired_event_attributes().started_event_id(), 5);
  EXPECT_EQ(events[10].timer_canceled_event_attributes().started_event_id(), 6);
}

TEST_P(WorkflowTaskScenarios, CancelingATimerWhoseFiringIsBufferedDropsTheFiring) {
  h.Start("order-5");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {StartTimer("t", seconds(5))}).ok());
  ASSERT_TRUE(h.Signal("order-5", "hurry").ok());
  task = h.PollWorkflowTask();
  h.Step();
  h.Advance(seconds(5));  // Fires while the task runs: buffered.
  h.Step();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CancelTimer("t")}).ok());
  h.Step();
  auto types = h.EventTypes("order-5");
  EXPECT_EQ(std::count(types.begin(), types.end(), "TIMER_FIRED"), 0);
  EXPECT_EQ(types.back(), "TIMER_CANCELED");
}

TEST_P(WorkflowTaskScenarios, FailedTaskRetriesTransientlyAndPersistsOnSuccess) {
  h.Start("order-6");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.FailWorkflowTask(task.task_token()).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("order-6").back(), "WORKFLOW_TASK_FAILED");
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.attempt(), 2);
  // The retry's Scheduled and Started events are in the response, not in history.
  ASSERT_EQ(task.history().events_size(), 6);
  EXPECT_EQ(task.history().events(4).workflow_task_scheduled_event_attributes().attempt(), 2);
  EXPECT_EQ(task.started_event_id(), 6);
  EXPECT_EQ(h.Events("order-6").size(), 4u);
  h.Step();
  ASSERT_TRUE(h.FailWorkflowTask(task.task_token()).ok());  // Writes nothing.
  h.Step();
  EXPECT_EQ(h.Events("order-6").size(), 4u);
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.attempt(), 3);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("order-6"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_FAILED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "WORKFLOW_EXECUTION_COMPLETED"}));
  EXPECT_EQ(h.Events("order-6")[4].workflow_task_scheduled_event_attributes().attempt(), 3);
}

TEST_P(WorkflowTaskScenarios, ASignalTurnsATransientRetryIntoANormalTask) {
  h.Start("order-7");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.FailWorkflowTask(task.task_token()).ok());
  h.Step();
  ASSERT_TRUE(h.Signal("order-7", "retry").ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("order-7"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_FAILED", "WORKFLOW_EXECUTION_SIGNALED", "WORKFLOW_TASK_SCHEDULED"}));
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.attempt(), 1);
  EXPECT_EQ(task.started_event_id(), 7);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).ok());
}

TEST_P(WorkflowTaskScenarios, StartToCloseTimeoutRetriesTheTask) {
  h.Start("order-8");
  auto task = h.PollWorkflowTask();
  h.Step();
  h.Advance(seconds(10));
  h.Step();
  EXPECT_EQ(h.EventTypes("order-8").back(), "WORKFLOW_TASK_TIMED_OUT");
  EXPECT_EQ(h.Events("order-8").back().workflow_task_timed_out_event_attributes().timeout_type(),
            enums::TIMEOUT_TYPE_START_TO_CLOSE);
  // The late completion of the timed-out attempt is refused.
  EXPECT_EQ(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).code(),
            StatusCode::kNotFound);
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.attempt(), 2);
  h.Advance(seconds(10));  // The transient retry times out too: still nothing written.
  EXPECT_EQ(h.Events("order-8").size(), 4u);
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.attempt(), 3);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).ok());
  EXPECT_EQ(h.EventTypes("order-8").back(), "WORKFLOW_EXECUTION_COMPLETED");
}

TEST_P(WorkflowTaskScenarios, TaskTimeoutsAreKeptInMemoryAndArmedAgainFromTheRun) {
  const RunId run(h.Start("order-13"));
  auto task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  // The started task's timeout is in the run's pending state only, not in the timers table.
  EXPECT_EQ(h.store().Summarize()->timers, 0);
  EXPECT_EQ(h.store().GetExecution(run)->timers_in_memory, 1);
  h.Step();  // Reopened: the engine arms it again from the run.
  h.Advance(seconds(9));
  EXPECT_EQ(h.EventTypes("order-13").back(), "WORKFLOW_TASK_STARTED");
  h.Advance(seconds(1));
  h.Step();
  EXPECT_EQ(h.EventTypes("order-13").back(), "WORKFLOW_TASK_TIMED_OUT");
  EXPECT_EQ(h.store().GetExecution(run)->timers_in_memory, 0);
}

TEST_P(WorkflowTaskScenarios, ATimeoutRowOfAnEarlierVersionFiresOnceAndLeavesTheTable) {
  const RunId run(h.Start("order-14"));
  auto task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  // Before schema version 5 a started task's timeout was a row of the timers table as well.
  auto execution = h.store().GetExecution(run);
  ASSERT_TRUE(execution.ok());
  storage::TimerRow row;
  row.fire_time = h.env().Now() + seconds(10);
  row.namespace_id = execution->namespace_id;
  row.workflow_id = execution->workflow_id;
  row.run_id = run;
  row.kind = history::kWorkflowTaskStartToClose;
  row.ref = 2;  // WorkflowTaskScheduled
  storage::Transition t;
  t.timers_created.push_back(row);
  ASSERT_TRUE(h.store().Commit(std::move(t)).ok());
  EXPECT_EQ(h.store().Summarize()->timers, 1);
  h.Step();
  h.Advance(seconds(10));
  h.Step();
  const auto types = h.EventTypes("order-14");
  EXPECT_EQ(std::count(types.begin(), types.end(), "WORKFLOW_TASK_TIMED_OUT"), 1);
  EXPECT_EQ(types.back(), "WORKFLOW_TASK_TIMED_OUT");
  EXPECT_EQ(h.store().Summarize()->timers, 0);
}

TEST_P(WorkflowTaskScenarios, CancelRequestAndCancel) {
  h.Start("order-9");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}).ok());
  h.Step();
  ASSERT_TRUE(h.RequestCancel("order-9").ok());
  ASSERT_TRUE(h.RequestCancel("order-9").ok());  // A second request changes nothing.
  h.Step();
  task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CancelWorkflow()}).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("order-9"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "WORKFLOW_EXECUTION_CANCEL_REQUESTED",
                   "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED", "WORKFLOW_TASK_COMPLETED",
                   "WORKFLOW_EXECUTION_CANCELED"}));
  EXPECT_EQ(h.RequestCancel("order-9").code(), StatusCode::kNotFound);
}

TEST_P(WorkflowTaskScenarios, TerminateClosesTheTaskInFlight) {
  h.Start("order-10");
  auto task = h.PollWorkflowTask();
  h.Step();
  ASSERT_TRUE(h.Terminate("order-10", "operator said so").ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("order-10"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_FAILED", "WORKFLOW_EXECUTION_TERMINATED"}));
  auto events = h.Events("order-10");
  EXPECT_EQ(events[3].workflow_task_failed_event_attributes().cause(),
            enums::WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND);
  EXPECT_EQ(events[4].workflow_execution_terminated_event_attributes().reason(), "operator said so");
  EXPECT_EQ(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(h.Signal("order-10", "late").code(), StatusCode::kNotFound);
  EXPECT_EQ(h.Describe("order-10")->workflow_execution_info().status(),
            enums::WORKFLOW_EXECUTION_STATUS_TERMINATED);
}

TEST_P(WorkflowTaskScenarios, RunTimeout) {
  auto request = h.StartRequest("order-11");
  request.mutable_workflow_run_timeout()->set_seconds(60);
  ASSERT_TRUE(h.Start(request).ok());
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {StartTimer("long", seconds(3600))}).ok());
  h.Step();
  h.Advance(seconds(60));
  h.Step();
  EXPECT_EQ(h.EventTypes("order-11").back(), "WORKFLOW_EXECUTION_TIMED_OUT");
  h.Advance(seconds(3600));  // The run's timers died with it.
  EXPECT_EQ(h.EventTypes("order-11").back(), "WORKFLOW_EXECUTION_TIMED_OUT");
}

TEST_P(WorkflowTaskScenarios, SearchAttributesMemoAndMarkers) {
  h.Start("order-12");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(),
                                     {UpsertSearchAttribute("CustomKeywordField", R"("gold")"),
                                      ModifyMemo("note", R"("rush")"), RecordMarker("core_patch")})
                  .ok());
  h.Step();
  auto describe = h.Describe("order-12");
  ASSERT_TRUE(describe.ok());
  EXPECT_EQ(describe->workflow_execution_info().search_attributes().indexed_fields().at(
                "CustomKeywordField").data(),
            R"("gold")");
  EXPECT_EQ(describe->workflow_execution_info().memo().fields().at("note").data(), R"("rush")");
  auto visibility = h.store().GetVisibility(RunId(describe->workflow_execution_info().execution().run_id()));
  ASSERT_TRUE(visibility.ok());
  EXPECT_TRUE(visibility->search_attributes.indexed_fields().contains("CustomKeywordField"));
}

INSTANTIATE_TEST_SUITE_P(Engine, WorkflowTaskScenarios, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Reopened" : "InProcess"; });

}  // namespace
}  // namespace endure::engine::testing
