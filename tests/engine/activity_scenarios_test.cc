// Scenarios of the activity life cycle: retries with backoff, the four timeouts, heartbeats
// carried across attempts, cancellation (of a running and of a never-started activity) and
// completion by id. Each runs in one engine and reopened between every step.
#include <gtest/gtest.h>

#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Types = std::vector<std::string>;

class ActivityScenarios : public ::testing::TestWithParam<bool> {
 protected:
  // Starts a workflow whose first task schedules `command`; returns nothing, the activity waits.
  void StartWith(const std::string& workflow_id, Command command) {
    h.Start(workflow_id);
    auto task = h.PollWorkflowTask();
    ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {std::move(command)}).ok());
    h.Step();
  }

  EngineHarness h{GetParam()};
};

constexpr int64_t kScheduledId = 5;  // The ActivityTaskScheduled of StartWith.

TEST_P(ActivityScenarios, RetriedWithBackoffThenCompleted) {
  StartWith("pay-1", ScheduleActivity("a", "Charge", seconds(30), seconds(0), 5));
  auto attempt = h.PollActivityTask();
  ASSERT_EQ(attempt.attempt(), 1);
  ASSERT_TRUE(h.FailActivity(attempt.task_token(), "card declined").ok());
  h.Step();
  // A retried attempt leaves no trace in history, and waits out its backoff (1 s).
  EXPECT_EQ(h.EventTypes("pay-1").back(), "ACTIVITY_TASK_SCHEDULED");
  EXPECT_TRUE(h.PollActivityTask(kTaskQueue, milliseconds(20)).task_token().empty());
  auto describe = h.Describe("pay-1");
  ASSERT_EQ(describe->pending_activities_size(), 1);
  EXPECT_EQ(describe->pending_activities(0).attempt(), 2);
  EXPECT_EQ(describe->pending_activities(0).last_failure().message(), "card declined");
  h.Advance(seconds(1));
  h.Step();
  auto second = h.PollActivityTask();
  ASSERT_EQ(second.attempt(), 2);
  // The stale token of attempt 1 is refused.
  EXPECT_EQ(h.CompleteActivity(attempt.task_token(), "1").code(), StatusCode::kNotFound);
  ASSERT_TRUE(h.FailActivity(second.task_token(), "card declined again").ok());
  h.Advance(seconds(1));
  EXPECT_TRUE(h.PollActivityTask(kTaskQueue, milliseconds(20)).task_token().empty());
  h.Advance(seconds(1));  // The second backoff is 2 s.
  h.Step();
  auto third = h.PollActivityTask();
  ASSERT_EQ(third.attempt(), 3);
  ASSERT_TRUE(h.CompleteActivity(third.task_token(), R"("ok")").ok());
  h.Step();
  auto events = h.Events("pay-1");
  ASSERT_EQ(h.EventTypes("pay-1"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED",
                   "ACTIVITY_TASK_COMPLETED", "WORKFLOW_TASK_SCHEDULED"}));
  const auto& started = events[5].activity_task_started_event_attributes();
  EXPECT_EQ(started.attempt(), 3);
  EXPECT_EQ(started.last_failure().message(), "card declined again");
}

TEST_P(ActivityScenarios, FailsWhenAttemptsRunOut) {
  StartWith("pay-2", ScheduleActivity("a", "Charge", seconds(30), seconds(0), 2));
  ASSERT_TRUE(h.FailActivity(h.PollActivityTask().task_token(), "no").ok());
  h.Advance(seconds(1));
  ASSERT_TRUE(h.FailActivity(h.PollActivityTask().task_token(), "no again").ok());
  h.Step();
  auto events = h.Events("pay-2");
  ASSERT_GE(events.size(), 7u);
  ASSERT_EQ(events[6].event_type(), enums::EVENT_TYPE_ACTIVITY_TASK_FAILED);
  EXPECT_EQ(events[6].activity_task_failed_event_attributes().retry_state(),
            enums::RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  EXPECT_EQ(events[6].activity_task_failed_event_attributes().started_event_id(), 6);
}

TEST_P(ActivityScenarios, NonRetryableFailureFailsAtOnce) {
  StartWith("pay-3", ScheduleActivity("a", "Charge", seconds(30)));
  ASSERT_TRUE(h.FailActivity(h.PollActivityTask().task_token(), "fatal", true).ok());
  h.Step();
  auto events = h.Events("pay-3");
  ASSERT_GE(events.size(), 7u);
  ASSERT_EQ(events[6].event_type(), enums::EVENT_TYPE_ACTIVITY_TASK_FAILED);
  EXPECT_EQ(events[6].activity_task_failed_event_attributes().retry_state(),
            enums::RETRY_STATE_NON_RETRYABLE_FAILURE);
}

TEST_P(ActivityScenarios, StartToCloseTimeoutIsRetriedUntilAttemptsRunOut) {
  StartWith("pay-4", ScheduleActivity("a", "Charge", seconds(10), seconds(0), 2));
  ASSERT_EQ(h.PollActivityTask().attempt(), 1);
  h.Step();
  h.Advance(seconds(10));
  h.Step();
  EXPECT_EQ(h.EventTypes("pay-4").back(), "ACTIVITY_TASK_SCHEDULED");
  h.Advance(seconds(1));
  auto second = h.PollActivityTask();
  ASSERT_EQ(second.attempt(), 2);
  h.Step();
  h.Advance(seconds(10));
  h.Step();
  auto events = h.Events("pay-4");
  ASSERT_GE(events.size(), 7u);
  ASSERT_EQ(h.EventTypes("pay-4"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED",
                   "ACTIVITY_TASK_TIMED_OUT", "WORKFLOW_TASK_SCHEDULED"}));
  const auto& timed_out = events[6].activity_task_timed_out_event_attributes();
  EXPECT_EQ(timed_out.failure().timeout_failure_info().timeout_type(),
            enums::TIMEOUT_TYPE_START_TO_CLOSE);
  EXPECT_EQ(timed_out.retry_state(), enums::RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  EXPECT_EQ(timed_out.started_event_id(), 6);
  // The worker that held attempt 2 finds out through NOT_FOUND.
  EXPECT_EQ(h.CompleteActivity(second.task_token(), "1").code(), StatusCode::kNotFound);
}

TEST_P(ActivityScenarios, HeartbeatsCarryDetailsAcrossAttemptsAndTimeOut) {
  StartWith("pay-5", ScheduleActivity("a", "Train", seconds(600), seconds(5), 2));
  auto first = h.PollActivityTask();
  h.Advance(seconds(4));
  auto beat = h.Heartbeat(first.task_token(), R"({"epoch":3})");
  ASSERT_TRUE(beat.ok());
  EXPECT_FALSE(beat->cancel_requested());
  h.Step();
  h.Advance(seconds(4));  // 8 s after start, 4 s after the heartbeat: alive.
  h.Step();
  EXPECT_EQ(h.Describe("pay-5")->pending_activities(0).attempt(), 1);
  h.Advance(seconds(1));  // 5 s without a heartbeat: the attempt times out and is retried.
  h.Step();
  EXPECT_EQ(h.Describe("pay-5")->pending_activities(0).attempt(), 2);
  h.Advance(seconds(1));
  auto second = h.PollActivityTask();
  ASSERT_EQ(second.attempt(), 2);
  ASSERT_EQ(second.heartbeat_details().payloads_size(), 1);
  EXPECT_EQ(second.heartbeat_details().payloads(0).data(), R"({"epoch":3})");
  h.Step();
  h.Advance(seconds(5));
  h.Step();
  auto events = h.Events("pay-5");
  ASSERT_GE(events.size(), 7u);
  ASSERT_EQ(events[6].event_type(), enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
  const auto& failure = events[6].activity_task_timed_out_event_attributes().failure();
  EXPECT_EQ(failure.timeout_failure_info().timeout_type(), enums::TIMEOUT_TYPE_HEARTBEAT);
  EXPECT_EQ(failure.timeout_failure_info().last_heartbeat_details().payloads(0).data(),
            R"({"epoch":3})");
}

TEST_P(ActivityScenarios, ScheduleToStartTimeoutIsFinal) {
  Command command = ScheduleActivity("a", "Charge", seconds(30));
  command.mutable_schedule_activity_task_command_attributes()
      ->mutable_schedule_to_start_timeout()
      ->set_seconds(5);
  StartWith("pay-6", command);
  h.Advance(seconds(5));
  h.Step();
  auto events = h.Events("pay-6");
  ASSERT_GE(events.size(), 6u);
  ASSERT_EQ(events[5].event_type(), enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
  EXPECT_EQ(events[5].activity_task_timed_out_event_attributes().started_event_id(), 0);
  EXPECT_EQ(events[5].activity_task_timed_out_event_attributes()
                .failure()
                .timeout_failure_info()
                .timeout_type(),
            enums::TIMEOUT_TYPE_SCHEDULE_TO_START);
  EXPECT_TRUE(h.PollActivityTask(kTaskQueue, milliseconds(20)).task_token().empty());
}

TEST_P(ActivityScenarios, ScheduleToCloseTimeoutEndsRetries) {
  Command command = ScheduleActivity("a", "Charge", seconds(60));  // Capped at 40 s.
  command.mutable_schedule_activity_task_command_attributes()
      ->mutable_schedule_to_close_timeout()
      ->set_seconds(40);
  StartWith("pay-7", command);
  auto attempt = h.PollActivityTask();
  EXPECT_EQ(attempt.schedule_to_close_timeout().seconds(), 40);
  EXPECT_EQ(attempt.start_to_close_timeout().seconds(), 40);
  ASSERT_TRUE(h.FailActivity(attempt.task_token(), "retry me").ok());
  h.Advance(seconds(1));
  ASSERT_EQ(h.PollActivityTask().attempt(), 2);
  h.Step();
  h.Advance(seconds(39));
  h.Step();
  auto events = h.Events("pay-7");
  ASSERT_GE(events.size(), 7u);
  ASSERT_EQ(h.EventTypes("pay-7")[5], "ACTIVITY_TASK_STARTED");
  ASSERT_EQ(events[6].event_type(), enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
  EXPECT_EQ(events[6].activity_task_timed_out_event_attributes()
                .failure()
                .timeout_failure_info()
                .timeout_type(),
            enums::TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
}

TEST_P(ActivityScenarios, CancelOfARunningActivityIsDeliveredByHeartbeat) {
  StartWith("pay-8", ScheduleActivity("a", "Analyze", seconds(600), seconds(60)));
  auto attempt = h.PollActivityTask();
  // The workflow asks to cancel it (through a task brought by a signal).
  ASSERT_TRUE(h.Signal("pay-8", "stop").ok());
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {RequestCancelActivity(kScheduledId)}).ok());
  h.Step();
  EXPECT_EQ(h.EventTypes("pay-8").back(), "ACTIVITY_TASK_CANCEL_REQUESTED");
  auto beat = h.Heartbeat(attempt.task_token(), "{}");
  ASSERT_TRUE(beat.ok());
  EXPECT_TRUE(beat->cancel_requested());
  h.Step();
  ASSERT_TRUE(h.CancelActivity(attempt.task_token()).ok());
  h.Step();
  auto types = h.EventTypes("pay-8");
  ASSERT_EQ(Types(types.end() - 4, types.end()),
            (Types{"ACTIVITY_TASK_CANCEL_REQUESTED", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_CANCELED",
                   "WORKFLOW_TASK_SCHEDULED"}));
  auto events = h.Events("pay-8");
  const auto& canceled = events[events.size() - 2].activity_task_canceled_event_attributes();
  EXPECT_EQ(canceled.started_event_id(), static_cast<int64_t>(events.size() - 2));
  EXPECT_EQ(canceled.latest_cancel_requested_event_id(), static_cast<int64_t>(events.size() - 3));
}

TEST_P(ActivityScenarios, CancelOfAnActivityNotStartedResolvesAtOnce) {
  StartWith("pay-9", ScheduleActivity("a", "Charge", seconds(30)));
  ASSERT_TRUE(h.Signal("pay-9", "stop").ok());
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {RequestCancelActivity(kScheduledId)}).ok());
  h.Step();
  auto types = h.EventTypes("pay-9");
  ASSERT_EQ(Types(types.end() - 3, types.end()),
            (Types{"ACTIVITY_TASK_CANCEL_REQUESTED", "ACTIVITY_TASK_CANCELED",
                   "WORKFLOW_TASK_SCHEDULED"}));
  EXPECT_TRUE(h.PollActivityTask(kTaskQueue, milliseconds(20)).task_token().empty());
}

TEST_P(ActivityScenarios, CompletedWhileTheWorkflowTaskRunsIsBufferedWithItsStart) {
  StartWith("pay-10", ScheduleActivity("a", "Charge", seconds(30)));
  auto attempt = h.PollActivityTask();
  ASSERT_TRUE(h.Signal("pay-10", "poke").ok());
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteActivity(attempt.task_token(), R"("paid")").ok());
  h.Step();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}).ok());
  h.Step();
  auto events = h.Events("pay-10");
  auto types = h.EventTypes("pay-10");
  ASSERT_EQ(Types(types.end() - 4, types.end()),
            (Types{"WORKFLOW_TASK_COMPLETED", "ACTIVITY_TASK_STARTED", "ACTIVITY_TASK_COMPLETED",
                   "WORKFLOW_TASK_SCHEDULED"}));
  const auto& completed = events[events.size() - 2].activity_task_completed_event_attributes();
  EXPECT_EQ(completed.started_event_id(), static_cast<int64_t>(events.size() - 2));
}

TEST_P(ActivityScenarios, CompletedByIdFromAnotherProcess) {
  StartWith("pay-11", ScheduleActivity("a", "Approve", seconds(3600)));
  ASSERT_FALSE(h.PollActivityTask().task_token().empty());
  h.Step();
  wsv1::RespondActivityTaskCompletedByIdRequest r;
  r.set_namespace_("default");
  r.set_workflow_id("pay-11");
  r.set_activity_id("a");
  *r.mutable_result() = JsonPayloads(R"("approved")");
  auto done = Await<wsv1::RespondActivityTaskCompletedByIdResponse>(
      [&](auto cb) { h.frontend().RespondActivityTaskCompletedById(r, cb); });
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  h.Step();
  EXPECT_EQ(h.EventTypes("pay-11").back(), "WORKFLOW_TASK_SCHEDULED");
  r.set_activity_id("missing");
  done = Await<wsv1::RespondActivityTaskCompletedByIdResponse>(
      [&](auto cb) { h.frontend().RespondActivityTaskCompletedById(r, cb); });
  EXPECT_EQ(done.status().code(), StatusCode::kNotFound);
}

// Eager execution: the completing worker gets the activity in its completion's response, started
// for it, with no task through matching.
Command EagerActivity(const std::string& activity_id, std::chrono::seconds start_to_close) {
  Command command = ScheduleActivity(activity_id, "Charge", start_to_close);
  auto* a = command.mutable_schedule_activity_task_command_attributes();
  a->set_request_eager_execution(true);
  *a->mutable_input() = JsonPayloads(R"({"amount":5})");
  return command;
}

Result<wsv1::RespondWorkflowTaskCompletedResponse> CompleteFirstTask(
    EngineHarness& h, std::vector<Command> commands) {
  auto task = h.PollWorkflowTask();
  wsv1::RespondWorkflowTaskCompletedRequest r;
  r.set_namespace_("default");
  r.set_task_token(task.task_token());
  r.set_identity("eager@test");
  for (auto& c : commands) *r.add_commands() = std::move(c);
  return h.RespondCompleted(r);
}

TEST_P(ActivityScenarios, EagerActivityComesBackStartedInTheCompletion) {
  h.Start("pay-12");
  auto done = CompleteFirstTask(h, {EagerActivity("a", seconds(30))});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(done->activity_tasks_size(), 1);
  const auto& eager = done->activity_tasks(0);
  EXPECT_EQ(eager.activity_id(), "a");
  EXPECT_EQ(eager.activity_type().name(), "Charge");
  EXPECT_EQ(eager.workflow_namespace(), "default");
  EXPECT_EQ(eager.workflow_execution().workflow_id(), "pay-12");
  EXPECT_EQ(eager.attempt(), 1);
  EXPECT_EQ(eager.start_to_close_timeout().seconds(), 30);
  EXPECT_EQ(eager.input().payloads(0).data(), R"({"amount":5})");
  EXPECT_TRUE(eager.has_started_time());
  h.Step();
  EXPECT_TRUE(h.PollActivityTask(kTaskQueue, milliseconds(20)).task_token().empty());
  auto describe = h.Describe("pay-12");
  ASSERT_EQ(describe->pending_activities_size(), 1);
  EXPECT_EQ(describe->pending_activities(0).state(), enums::PENDING_ACTIVITY_STATE_STARTED);
  ASSERT_TRUE(h.CompleteActivity(eager.task_token(), R"("paid")").ok());
  h.Step();
  ASSERT_EQ(h.EventTypes("pay-12"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_COMPLETED", "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_STARTED",
                   "ACTIVITY_TASK_COMPLETED", "WORKFLOW_TASK_SCHEDULED"}));
  EXPECT_EQ(h.Events("pay-12")[5].activity_task_started_event_attributes().identity(),
            "eager@test");
}

TEST_P(ActivityScenarios, EagerActivityTimesOutAndRetriesThroughMatching) {
  h.Start("pay-13");
  auto done = CompleteFirstTask(h, {EagerActivity("a", seconds(30))});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(done->activity_tasks_size(), 1);
  h.Step();
  h.Advance(seconds(30));  // The worker never reports: start-to-close runs out.
  h.Step();
  h.Advance(seconds(1));  // The retry's backoff.
  h.Step();
  auto retry = h.PollActivityTask();
  EXPECT_EQ(retry.attempt(), 2);
  EXPECT_EQ(h.CompleteActivity(done->activity_tasks(0).task_token(), "1").code(),
            StatusCode::kNotFound);
}

TEST_P(ActivityScenarios, EagerActivityCancelledInTheSameTaskIsNotHandedOut) {
  h.Start("pay-14");
  auto done =
      CompleteFirstTask(h, {EagerActivity("a", seconds(30)), EagerActivity("b", seconds(30)),
                            RequestCancelActivity(kScheduledId)});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(done->activity_tasks_size(), 1);
  EXPECT_EQ(done->activity_tasks(0).activity_id(), "b");
  h.Step();
  auto types = h.EventTypes("pay-14");
  ASSERT_EQ(
      Types(types.begin() + 4, types.end()),
      (Types{"ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_SCHEDULED", "ACTIVITY_TASK_CANCEL_REQUESTED",
             "ACTIVITY_TASK_CANCELED", "WORKFLOW_TASK_SCHEDULED"}));
  EXPECT_TRUE(h.PollActivityTask(kTaskQueue, milliseconds(20)).task_token().empty());
}

INSTANTIATE_TEST_SUITE_P(Engine, ActivityScenarios, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "Reopened" : "InProcess"; });

}  // namespace
}  // namespace endure::engine::testing
