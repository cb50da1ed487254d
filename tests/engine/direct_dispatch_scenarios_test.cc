// Scenarios of direct dispatch: a task scheduled while a poll waits on its queue is started for
// that poll in the transition that schedules it. The history is the one a poll after the
// commit would have produced, with one transition fewer; a poller gone before the answer loses
// nothing. Each runs in one engine and with the engine reopened between steps (no poll waits
// across a step).
#include <gtest/gtest.h>

#include <atomic>

#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

using std::chrono::seconds;
using Types = std::vector<std::string>;

class DirectDispatchScenarios : public ::testing::TestWithParam<bool> {
 protected:
  uint64_t Transitions() { return h.store().writer_stats().transitions; }

  // Cancels `cancel` when the writer next wakes: after a transition claimed the poll, before it
  // commits, as when the poller's call ends in between.
  void CancelBeforeNextCommit(std::shared_ptr<CancelSignal> cancel) {
    h.SetBeforeBatch([cancel, fired = std::make_shared<std::atomic<bool>>(false)] {
      if (!fired->exchange(true)) cancel->Cancel();
    });
  }

  EngineHarness h{GetParam()};
};

TEST_P(DirectDispatchScenarios, TasksStartedForWaitingPolls) {
  auto first = h.StartWorkflowTaskPoll();
  const uint64_t before_start = Transitions();
  const std::string run_id = h.Start("direct-1");
  auto task = first.response.get();
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  // The start and the task's start are one transition.
  EXPECT_EQ(Transitions() - before_start, 1u);
  EXPECT_EQ(task->workflow_execution().run_id(), run_id);
  EXPECT_EQ(task->started_event_id(), 3);
  EXPECT_EQ(task->attempt(), 1);
  ASSERT_EQ(task->history().events_size(), 3);
  EXPECT_EQ(task->history().events(2).workflow_task_started_event_attributes().identity(),
            "waiting-worker@test");
  h.Step();

  auto activity_poll = h.StartActivityTaskPoll();
  const uint64_t before_completion = Transitions();
  ASSERT_TRUE(
      h.CompleteWorkflowTask(task->task_token(), {ScheduleActivity("a1", "Charge", seconds(30))})
          .ok());
  auto activity = activity_poll.response.get();
  ASSERT_TRUE(activity.ok()) << activity.status().ToString();
  EXPECT_EQ(Transitions() - before_completion, 1u);
  EXPECT_EQ(activity->activity_id(), "a1");
  EXPECT_EQ(activity->attempt(), 1);
  EXPECT_EQ(activity->workflow_namespace(), "default");
  EXPECT_EQ(activity->start_to_close_timeout().seconds(), 30);
  EXPECT_TRUE(activity->has_started_time());
  h.Step();
  // Started in pending state only, as for a polled attempt: no task is left for another poll.
  EXPECT_TRUE(h.PollActivityTask(kTaskQueue, std::chrono::milliseconds(20)).task_token().empty());
  EXPECT_EQ(h.EventTypes("direct-1").back(), "ACTIVITY_TASK_SCHEDULED");

  auto second = h.StartWorkflowTaskPoll();
  const uint64_t before_result = Transitions();
  ASSERT_TRUE(h.CompleteActivity(activity->task_token(), R"("charged")").ok());
  task = second.response.get();
  ASSERT_TRUE(task.ok()) << task.status().ToString();
  EXPECT_EQ(Transitions() - before_result, 1u);
  EXPECT_EQ(task->previous_started_event_id(), 3);
  EXPECT_EQ(task->started_event_id(), 9);
  EXPECT_EQ(task->history().events_size(), 9);  // Not sticky: the whole history.
  h.Step();
  ASSERT_TRUE(h.CompleteWorkflowTask(task->task_token(), {CompleteWorkflow(R"("done")")}).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("direct-1"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED",
                   "ACTIVITY_TASK_COMPLETED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "WORKFLOW_EXECUTION_COMPLETED"}));
  auto events = h.Events("direct-1");
  EXPECT_EQ(events[5].activity_task_started_event_attributes().identity(), "waiting-worker@test");
  EXPECT_TRUE(h.PollWorkflowTask(kTaskQueue, std::chrono::milliseconds(20)).task_token().empty());
}

TEST_P(DirectDispatchScenarios, WorkflowTaskOfAGonePollerTimesOutAtOnce) {
  auto poll = h.StartWorkflowTaskPoll();
  CancelBeforeNextCommit(poll.cancel);
  h.Start("direct-2");
  auto answered = poll.response.get();
  ASSERT_TRUE(answered.ok());
  EXPECT_TRUE(answered->task_token().empty());  // The caller had gone: it got nothing.
  h.SetBeforeBatch(nullptr);
  // Its WorkflowTaskStarted is written, so the task times out (without waiting out its
  // start-to-close timeout) and is retried.
  auto retry = h.PollWorkflowTask();
  ASSERT_FALSE(retry.task_token().empty());
  EXPECT_EQ(retry.attempt(), 2);
  h.Step();
  EXPECT_EQ(h.EventTypes("direct-2"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_TIMED_OUT"}));
  ASSERT_TRUE(h.CompleteWorkflowTask(retry.task_token(), {CompleteWorkflow(R"("done")")}).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("direct-2").back(), "WORKFLOW_EXECUTION_COMPLETED");
}

TEST_P(DirectDispatchScenarios, ActivityOfAGonePollerGoesBackToItsQueue) {
  h.Start("direct-3");
  h.Step();
  auto task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  auto poll = h.StartActivityTaskPoll();
  CancelBeforeNextCommit(poll.cancel);
  ASSERT_TRUE(
      h.CompleteWorkflowTask(task.task_token(), {ScheduleActivity("a1", "Charge", seconds(30))})
          .ok());
  auto answered = poll.response.get();
  ASSERT_TRUE(answered.ok());
  EXPECT_TRUE(answered->task_token().empty());
  h.SetBeforeBatch(nullptr);
  // Its start was in pending state only: undone, the same attempt goes to the next poller.
  auto activity = h.PollActivityTask();
  ASSERT_FALSE(activity.task_token().empty());
  EXPECT_EQ(activity.attempt(), 1);
  h.Step();
  ASSERT_TRUE(h.CompleteActivity(activity.task_token(), R"("charged")").ok());
  h.Step();
  auto events = h.Events("direct-3");
  ASSERT_EQ(events.size(), 8u);
  EXPECT_EQ(events[5].activity_task_started_event_attributes().identity(), "activity-worker@test");
  EXPECT_EQ(events[5].activity_task_started_event_attributes().attempt(), 1);
}

INSTANTIATE_TEST_SUITE_P(InProcessAndReopened, DirectDispatchScenarios, ::testing::Bool());

}  // namespace
}  // namespace endure::engine::testing
