// Requests outside the happy path: bad input gets the status Temporal gives it and changes no
// stored state; history reads page and long-poll; sticky queues fall back; a task is not lost
// when its poller leaves; timers that came due while the engine was down fire once.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "temporal/api/errordetails/v1/message.pb.h"
#include "tests/engine/engine_harness.h"

namespace endure::engine::testing {
namespace {

namespace enums = temporal::api::enums::v1;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Types = std::vector<std::string>;

class EngineRequests : public ::testing::Test {
 protected:
  EngineHarness h{false};
};

TEST_F(EngineRequests, StartIsDeduplicatedByRequestIdAndRefusedWhileRunning) {
  auto first = h.Start(h.StartRequest("dup"));
  ASSERT_TRUE(first.ok());
  auto again = h.Start(h.StartRequest("dup"));  // The same request id: a client retry.
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->run_id(), first->run_id());
  auto other = h.StartRequest("dup");
  other.set_request_id("another-request");
  auto refused = h.Start(other);
  ASSERT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  temporal::api::errordetails::v1::WorkflowExecutionAlreadyStartedFailure detail;
  ASSERT_TRUE(refused.status().detail() != nullptr && refused.status().detail()->UnpackTo(&detail));
  EXPECT_EQ(detail.run_id(), first->run_id());
  EXPECT_EQ(detail.start_request_id(), "request-dup");
  EXPECT_EQ(h.Events("dup").size(), 2u);

  // Once closed, the id may be used again (the default reuse policy) but not under
  // REJECT_DUPLICATE.
  ASSERT_TRUE(h.Terminate("dup", "done").ok());
  other.set_workflow_id_reuse_policy(enums::WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
  EXPECT_EQ(h.Start(other).status().code(), StatusCode::kAlreadyExists);
  other.set_workflow_id_reuse_policy(enums::WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
  auto second = h.Start(other);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(second->run_id(), first->run_id());
}

TEST_F(EngineRequests, BadStartsAreRefusedWithTheirReason) {
  auto r = h.StartRequest("bad");
  r.set_namespace_("nowhere");
  auto refused = h.Start(r);
  EXPECT_EQ(refused.status().code(), StatusCode::kNotFound);
  temporal::api::errordetails::v1::NamespaceNotFoundFailure missing;
  EXPECT_TRUE(refused.status().detail() != nullptr && refused.status().detail()->UnpackTo(&missing));

  r = h.StartRequest("bad");
  r.mutable_workflow_type()->clear_name();
  EXPECT_EQ(h.Start(r).status().code(), StatusCode::kInvalidArgument);
  r = h.StartRequest("bad");
  r.mutable_retry_policy()->set_backoff_coefficient(0.5);
  EXPECT_EQ(h.Start(r).status().code(), StatusCode::kInvalidArgument);
  r = h.StartRequest("bad");
  r.mutable_input()->mutable_payloads(0)->set_data(std::string(3 << 20, 'x'));
  auto oversized = h.Start(r);
  EXPECT_EQ(oversized.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(oversized.status().message().find("size limit"), std::string::npos);
  auto summary = h.store().Summarize();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(h.store().GetCurrentExecution(h.store().GetNamespaceByName("default")->id,
                                          WorkflowId("bad"))
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_F(EngineRequests, BadCompletionsChangeNothing) {
  h.Start("wf");
  auto task = h.PollWorkflowTask();
  const size_t before = h.Events("wf").size();

  // A command after a terminal command refuses the whole request.
  Status s = h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1"), StartTimer("t", seconds(1))});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Events("wf").size(), before);

  // A token from another attempt, run or namespace.
  auto token = history::DecodeTaskToken(task.task_token());
  ASSERT_TRUE(token.ok());
  auto stale = *token;
  stale.set_attempt(2);
  EXPECT_EQ(h.CompleteWorkflowTask(history::EncodeTaskToken(stale), {}).code(), StatusCode::kNotFound);
  stale = *token;
  stale.set_run_id("00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(h.CompleteWorkflowTask(history::EncodeTaskToken(stale), {}).code(), StatusCode::kNotFound);
  EXPECT_EQ(h.CompleteWorkflowTask("garbage", {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Events("wf").size(), before);

  // An invalid command fails the task with its cause, and the worker gets the reason.
  Command bad = ScheduleActivity("a", "Charge", seconds(30));
  bad.mutable_schedule_activity_task_command_attributes()->mutable_retry_policy()->set_backoff_coefficient(0.5);
  s = h.CompleteWorkflowTask(task.task_token(), {bad});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  auto events = h.Events("wf");
  ASSERT_EQ(events.size(), before + 1);
  EXPECT_EQ(events.back().workflow_task_failed_event_attributes().cause(),
            enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES);
  // Its retry is attempt 2; a duplicate timer id fails it too, but writes nothing more.
  task = h.PollWorkflowTask();
  EXPECT_EQ(task.attempt(), 2);
  s = h.CompleteWorkflowTask(task.task_token(), {StartTimer("t", seconds(1)), StartTimer("t", seconds(2))});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(h.Events("wf").size(), before + 1);
  h.Step();
}

TEST_F(EngineRequests, AnOversizedPayloadInACommandTerminatesTheRun) {
  h.Start("big");
  auto task = h.PollWorkflowTask();
  Status s = h.CompleteWorkflowTask(task.task_token(),
                                    {CompleteWorkflow("\"" + std::string(3 << 20, 'x') + "\"")});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("exceeds size limit"), std::string::npos);
  EXPECT_EQ(h.EventTypes("big"),
            (Types{"WORKFLOW_EXECUTION_STARTED", "WORKFLOW_TASK_SCHEDULED", "WORKFLOW_TASK_STARTED",
                   "WORKFLOW_TASK_FAILED", "WORKFLOW_EXECUTION_TERMINATED"}));
  EXPECT_EQ(h.Events("big")[3].workflow_task_failed_event_attributes().cause(),
            enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES);
  h.Step();
}

TEST_F(EngineRequests, ShutdownAnswersWaitingPolls) {
  std::atomic<bool> answered{false};
  wsv1::PollWorkflowTaskQueueRequest r;
  r.set_namespace_("default");
  r.mutable_task_queue()->set_name("nobody-schedules-here");
  PollOptions options;
  options.deadline = AlarmClock::Clock::now() + seconds(60);
  h.frontend().PollWorkflowTaskQueue(r, options, [&](Result<wsv1::PollWorkflowTaskQueueResponse> p) {
    EXPECT_TRUE(p.ok() && p->task_token().empty());
    answered = true;
  });
  h.Start("watched");
  std::atomic<bool> history_answered{false};
  wsv1::GetWorkflowExecutionHistoryRequest watch;
  watch.set_namespace_("default");
  watch.mutable_execution()->set_workflow_id("watched");
  watch.set_wait_new_event(true);
  watch.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
  h.frontend().GetWorkflowExecutionHistory(
      watch, AlarmClock::Clock::now() + seconds(60),
      [&](Result<wsv1::GetWorkflowExecutionHistoryResponse> page) {
        EXPECT_TRUE(page.ok() && page->history().events_size() == 0);
        history_answered = true;
      });
  EXPECT_FALSE(answered);
  EXPECT_FALSE(history_answered);
  h.frontend().Shutdown();
  EXPECT_TRUE(answered);
  EXPECT_TRUE(history_answered);
  // Later polls end at once.
  auto late = Await<wsv1::PollWorkflowTaskQueueResponse>(
      [&](auto done) { h.frontend().PollWorkflowTaskQueue(r, options, done); });
  EXPECT_TRUE(late.ok() && late->task_token().empty());
}

TEST_F(EngineRequests, HistoryPagesLongPollsAndTheCloseEvent) {
  h.Start("reader");
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(h.Signal("reader", "s" + std::to_string(i)).ok());
  // A poll response carries the first page and a token for the rest, which ends with the
  // task's WorkflowTaskStarted.
  auto task = h.PollWorkflowTask();
  EXPECT_EQ(task.history().events_size(), 256);
  ASSERT_FALSE(task.next_page_token().empty());
  wsv1::GetWorkflowExecutionHistoryRequest r;
  r.set_namespace_("default");
  r.mutable_execution()->set_workflow_id("reader");
  r.set_next_page_token(task.next_page_token());
  auto rest = h.GetHistory(r);
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  ASSERT_EQ(task.history().events_size() + rest->history().events_size(), task.started_event_id());
  EXPECT_EQ(rest->history().events().rbegin()->event_type(), enums::EVENT_TYPE_WORKFLOW_TASK_STARTED);
  EXPECT_TRUE(rest->next_page_token().empty());

  // A long poll at the end of history waits for the next event.
  r.Clear();
  r.set_namespace_("default");
  r.mutable_execution()->set_workflow_id("reader");
  r.set_wait_new_event(true);
  r.set_history_event_filter_type(enums::HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
  std::thread closer([&] {
    std::this_thread::sleep_for(milliseconds(50));
    EXPECT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow(R"("all read")")}).ok());
  });
  auto closed = h.GetHistory(r);
  closer.join();
  ASSERT_TRUE(closed.ok());
  ASSERT_EQ(closed->history().events_size(), 1);
  EXPECT_EQ(closed->history().events(0).event_type(), enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  // Handed over by the commit that closed the run, it is the event as stored.
  EXPECT_EQ(closed->history().events(0).SerializeAsString(),
            h.Events("reader").back().SerializeAsString());

  // A long poll that expires answers an empty page with a token to go on with.
  h.Start("quiet");
  r.mutable_execution()->set_workflow_id("quiet");
  auto expired = h.GetHistory(r, milliseconds(50));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->history().events_size(), 0);
  EXPECT_FALSE(expired->next_page_token().empty());

  r.mutable_execution()->set_workflow_id("nobody");
  EXPECT_EQ(h.GetHistory(r).status().code(), StatusCode::kNotFound);
}

TEST_F(EngineRequests, StickyQueueGetsOnlyNewEventsAndFallsBackOnTimeout) {
  h.Start("sticky");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}, "worker-1-sticky").ok());
  // The sticky worker polls (nothing yet), so its queue is live when the signal arrives.
  EXPECT_TRUE(h.PollWorkflowTask("worker-1-sticky", milliseconds(10), true).task_token().empty());
  ASSERT_TRUE(h.Signal("sticky", "next").ok());
  auto events = h.Events("sticky");
  EXPECT_EQ(events.back().workflow_task_scheduled_event_attributes().task_queue().kind(),
            enums::TASK_QUEUE_KIND_STICKY);
  EXPECT_TRUE(h.PollWorkflowTask(kTaskQueue, milliseconds(10)).task_token().empty());
  task = h.PollWorkflowTask("worker-1-sticky", milliseconds(500), true);
  ASSERT_FALSE(task.task_token().empty());
  EXPECT_EQ(task.history().events(0).event_id(), task.previous_started_event_id() + 1);
  EXPECT_EQ(task.workflow_execution_task_queue().name(), kTaskQueue);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}, "worker-1-sticky").ok());

  // The sticky worker dies with a task waiting for it: after the schedule-to-start timeout the
  // task moves to the normal queue, with full history.
  EXPECT_TRUE(h.PollWorkflowTask("worker-1-sticky", milliseconds(10), true).task_token().empty());
  ASSERT_TRUE(h.Signal("sticky", "again").ok());
  h.Advance(seconds(10));
  events = h.Events("sticky");
  EXPECT_EQ(events[events.size() - 2].workflow_task_timed_out_event_attributes().timeout_type(),
            enums::TIMEOUT_TYPE_SCHEDULE_TO_START);
  task = h.PollWorkflowTask();
  ASSERT_FALSE(task.task_token().empty());
  EXPECT_EQ(task.history().events(0).event_id(), 1);
  EXPECT_EQ(task.attempt(), 1);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {CompleteWorkflow("1")}).ok());
  h.Step();
}

TEST_F(EngineRequests, ShutdownWorkerAndResetStickySendTasksToTheNormalQueue) {
  h.Start("w");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}, "worker-9-sticky").ok());
  EXPECT_TRUE(h.PollWorkflowTask("worker-9-sticky", milliseconds(10), true).task_token().empty());
  wsv1::ShutdownWorkerRequest shutdown;
  shutdown.set_namespace_("default");
  shutdown.set_sticky_task_queue("worker-9-sticky");
  ASSERT_TRUE(h.frontend().ShutdownWorker(shutdown).ok());
  ASSERT_TRUE(h.Signal("w", "after-shutdown").ok());
  task = h.PollWorkflowTask();  // At once, on the normal queue, with full history.
  ASSERT_FALSE(task.task_token().empty());
  EXPECT_EQ(task.history().events(0).event_id(), 1);
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {}, "worker-9-sticky").ok());
  EXPECT_TRUE(h.PollWorkflowTask("worker-9-sticky", milliseconds(10), true).task_token().empty());
  wsv1::ResetStickyTaskQueueRequest reset;
  reset.set_namespace_("default");
  reset.mutable_execution()->set_workflow_id("w");
  ASSERT_TRUE(Await<wsv1::ResetStickyTaskQueueResponse>([&](auto done) {
                h.frontend().ResetStickyTaskQueue(reset, done);
              }).ok());
  ASSERT_TRUE(h.Signal("w", "after-reset").ok());
  EXPECT_FALSE(h.PollWorkflowTask().task_token().empty());
  h.Step();
}

TEST_F(EngineRequests, DescribeTaskQueueShowsPollersAndBacklog) {
  h.Start("a");
  h.Start("b");
  EXPECT_TRUE(h.PollActivityTask(kTaskQueue, milliseconds(5)).task_token().empty());
  wsv1::DescribeTaskQueueRequest r;
  r.set_namespace_("default");
  r.mutable_task_queue()->set_name(kTaskQueue);
  r.set_report_stats(true);
  auto workflow_queue = h.frontend().DescribeTaskQueue(r);
  ASSERT_TRUE(workflow_queue.ok());
  EXPECT_EQ(workflow_queue->stats().approximate_backlog_count(), 2);
  EXPECT_EQ(workflow_queue->pollers_size(), 0);
  r.set_task_queue_type(enums::TASK_QUEUE_TYPE_ACTIVITY);
  auto activity_queue = h.frontend().DescribeTaskQueue(r);
  ASSERT_TRUE(activity_queue.ok());
  ASSERT_EQ(activity_queue->pollers_size(), 1);
  EXPECT_EQ(activity_queue->pollers(0).identity(), "activity-worker@test");
}

TEST_F(EngineRequests, HistoryInReverse) {
  h.Start("rev");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(h.Signal("rev", "s").ok());
  wsv1::GetWorkflowExecutionHistoryReverseRequest r;
  r.set_namespace_("default");
  r.mutable_execution()->set_workflow_id("rev");
  r.set_maximum_page_size(4);
  std::vector<int64_t> ids;
  do {
    auto page = Await<wsv1::GetWorkflowExecutionHistoryReverseResponse>(
        [&](auto done) { h.frontend().GetWorkflowExecutionHistoryReverse(r, done); });
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& e : page->history().events()) ids.push_back(e.event_id());
    r.set_next_page_token(page->next_page_token());
  } while (!r.next_page_token().empty());
  EXPECT_EQ(ids, (std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1}));
}

TEST_F(EngineRequests, ATaskIsNotLostWhenItsPollerLeaves) {
  h.Start("kept");
  wsv1::PollWorkflowTaskQueueRequest r;
  r.set_namespace_("default");
  r.mutable_task_queue()->set_name(kTaskQueue);
  PollOptions options;
  options.deadline = AlarmClock::Clock::now() + seconds(1);
  options.cancelled = std::make_shared<CancelSignal>();
  options.cancelled->Cancel();
  auto gone = Await<wsv1::PollWorkflowTaskQueueResponse>(
      [&](auto done) { h.frontend().PollWorkflowTaskQueue(r, options, done); });
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone->task_token().empty());
  EXPECT_FALSE(h.PollWorkflowTask().task_token().empty());
}

TEST_F(EngineRequests, ACancelledPollEndsAtOnceAndTakesNothing) {
  wsv1::PollActivityTaskQueueRequest r;
  r.set_namespace_("default");
  r.mutable_task_queue()->set_name(kTaskQueue);
  PollOptions options;
  options.deadline = AlarmClock::Clock::now() + seconds(60);
  options.cancelled = std::make_shared<CancelSignal>();
  std::promise<Result<wsv1::PollActivityTaskQueueResponse>> answered;
  h.frontend().PollActivityTaskQueue(r, options, [&](auto p) { answered.set_value(std::move(p)); });
  const auto before = std::chrono::steady_clock::now();
  options.cancelled->Cancel();
  auto response = answered.get_future().get();
  EXPECT_LT(std::chrono::steady_clock::now() - before, seconds(5));
  ASSERT_TRUE(response.ok());
  EXPECT_TRUE(response->task_token().empty());
  // The activity scheduled afterwards goes to a live poller, not the cancelled one.
  h.Start("after-cancel");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {ScheduleActivity("a", "Charge", seconds(30))}).ok());
  EXPECT_FALSE(h.PollActivityTask().task_token().empty());
}

TEST_F(EngineRequests, EmptyPollIsTheDefaultMessage) {
  auto empty = h.PollWorkflowTask(kTaskQueue, milliseconds(10));
  EXPECT_EQ(empty.ByteSizeLong(), 0u);
  auto activity = h.PollActivityTask(kTaskQueue, milliseconds(10));
  EXPECT_EQ(activity.ByteSizeLong(), 0u);
}

TEST_F(EngineRequests, TimersDueWhileDownFireOnceAfterRestart) {
  h.Start("sleeper");
  auto task = h.PollWorkflowTask();
  ASSERT_TRUE(h.CompleteWorkflowTask(task.task_token(), {StartTimer("nap", seconds(60))}).ok());
  h.Reopen();
  h.env().Advance(seconds(3600));  // The engine was down when the timer came due.
  h.Reopen();
  h.Advance(seconds(0));
  h.Advance(seconds(0));
  auto types = h.EventTypes("sleeper");
  EXPECT_EQ(std::count(types.begin(), types.end(), "TIMER_FIRED"), 1);
  EXPECT_EQ(types.back(), "WORKFLOW_TASK_SCHEDULED");
  EXPECT_FALSE(h.PollWorkflowTask().task_token().empty());
}

}  // namespace
}  // namespace endure::engine::testing
