// What each durable timer does when it fires: user timers, workflow-task and activity
// timeouts, activity retries after their backoff, and the run timeout. A timer row whose timer
// is no longer armed (its task or activity ended first) is deleted and does nothing.
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "storage/time_codec.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using endure::history::ArmedTimer;

temporal::api::failure::v1::Failure TimeoutFailure(enums::TimeoutType type, const char* name,
                                                   const endure::history::ActivityAttempt& a) {
  temporal::api::failure::v1::Failure f;
  f.set_message(std::string("activity ") + name + " timeout");
  f.set_source("Server");
  auto* info = f.mutable_timeout_failure_info();
  info->set_timeout_type(type);
  if (a.has_heartbeat_details()) *info->mutable_last_heartbeat_details() = a.heartbeat_details();
  return f;
}

}  // namespace

void HistoryEngine::FireTimer(const storage::TimerRow& row, std::function<void()> done) {
  runs_.With(row.run_id, [this, row, done = std::move(done)](Result<LeasePtr> lease) {
    auto drop_row = [this, &row, &done] {
      storage::Transition t;
      t.timers_deleted.push_back(row.key());
      Submit(std::move(t), [done](Result<storage::Committed>) { done(); });
    };
    if (!lease.ok()) {
      if (lease.status().code() == StatusCode::kNotFound) return drop_row();
      return done();  // Left in the table: it fires again on a later pass.
    }
    MutableState& s = (*lease)->state();
    const int64_t fire_time = storage::ToUnixNanos(row.fire_time);
    std::optional<ArmedTimer> timer;
    for (const auto& armed : s.pending().armed_timers()) {
      if (armed.fire_time() == fire_time && armed.kind() == row.kind && armed.ref() == row.ref) {
        timer = armed;
        break;
      }
    }
    if (!timer) return drop_row();
    if (IsTransfer(timer->kind())) return RunTransfer(std::move(*lease), *timer, std::move(done));
    RunMutation m(&s, options_.env->Now());
    m.DisarmTimers([&](const ArmedTimer& t) {
      return t.fire_time() == fire_time && t.kind() == row.kind && t.ref() == row.ref;
    });
    const bool running = s.status() == enums::WORKFLOW_EXECUTION_STATUS_RUNNING;
    switch (timer->kind()) {
      case kUserTimer:
        for (const auto& [timer_id, info] : s.timers()) {
          if (info.started_event_id() != timer->ref()) continue;
          HistoryEvent fired = m.NewEvent(enums::EVENT_TYPE_TIMER_FIRED);
          auto* a = fired.mutable_timer_fired_event_attributes();
          a->set_timer_id(timer_id);
          a->set_started_event_id(info.started_event_id());
          AddWorkflowEvents(m, {std::move(fired)});
          break;
        }
        break;
      case kWorkflowTaskStartToClose:
      case kWorkflowTaskScheduleToStart:
        if (running) FireWorkflowTaskTimeout(m, *timer);
        break;
      case kFirstWorkflowTaskBackoff:
        if (running) ScheduleWorkflowTask(m);
        break;
      case kWorkflowRunTimeout:
        if (running) {
          ForceCloseWorkflowTask(m, "");
          FlushBufferedEvents(m);
          temporal::api::failure::v1::Failure failure;
          failure.set_message("workflow timed out");
          failure.mutable_timeout_failure_info()->set_timeout_type(enums::TIMEOUT_TYPE_START_TO_CLOSE);
          enums::RetryState retry_state;
          auto retry = RetryOfRun(s, failure, m.now(), &retry_state);
          if (!retry) retry = CronSuccessor(s, m.now(), nullptr, &failure);
          HistoryEvent timed_out = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT);
          auto* a = timed_out.mutable_workflow_execution_timed_out_event_attributes();
          a->set_retry_state(retry ? retry_state : enums::RETRY_STATE_TIMEOUT);
          if (retry) a->set_new_execution_run_id(retry->run_id);
          m.Append(std::move(timed_out));
          if (retry) ContinueAs(m, std::move(*retry));
          CloseRun(m);
        }
        break;
      default:
        if (running) FireActivityTimeout(m, *timer);
        break;
    }
    Commit(std::move(*lease), m, [done](Status) { done(); });
  });
}

void HistoryEngine::FireWorkflowTaskTimeout(RunMutation& m, const ArmedTimer& timer) {
  const auto& wt = m.state().workflow_task();
  if (wt.scheduled_event_id() != timer.ref() || wt.attempt() != timer.attempt()) return;
  if (timer.kind() == kWorkflowTaskStartToClose && wt.started_event_id() != 0) {
    FailWorkflowTask(m, enums::WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED, {}, "",
                     enums::TIMEOUT_TYPE_START_TO_CLOSE);
  } else if (timer.kind() == kWorkflowTaskScheduleToStart && wt.started_event_id() == 0) {
    FailWorkflowTask(m, enums::WORKFLOW_TASK_FAILED_CAUSE_UNSPECIFIED, {}, "",
                     enums::TIMEOUT_TYPE_SCHEDULE_TO_START);
  }
}

void HistoryEngine::FireActivityTimeout(RunMutation& m, const ArmedTimer& timer) {
  MutableState& s = m.state();
  const int64_t id = timer.ref();
  auto* attempts = s.mutable_pending()->mutable_activity_attempts();
  auto it = attempts->find(id);
  if (!s.activities().contains(id) || it == attempts->end()) return;
  const auto attempt = it->second;
  const bool same_attempt = attempt.attempt() == timer.attempt();
  switch (timer.kind()) {
    case kActivityRetry:
      if (same_attempt && !attempt.started()) DispatchActivityAttempt(m, id);
      break;
    case kActivityScheduleToStart:
      if (same_attempt && !attempt.started()) {
        // Not retried: another attempt would wait on the same queue nobody polls.
        HistoryEvent closing = m.NewEvent(enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
        auto* a = closing.mutable_activity_task_timed_out_event_attributes();
        *a->mutable_failure() =
            TimeoutFailure(enums::TIMEOUT_TYPE_SCHEDULE_TO_START, "ScheduleToStart", attempt);
        a->set_scheduled_event_id(id);
        a->set_retry_state(enums::RETRY_STATE_TIMEOUT);
        CloseActivity(m, id, std::move(closing));
      }
      break;
    case kActivityStartToClose:
      if (same_attempt && attempt.started()) {
        FailActivityAttempt(m, id,
                            TimeoutFailure(enums::TIMEOUT_TYPE_START_TO_CLOSE, "StartToClose",
                                           attempt),
                            "", /*timed_out=*/true);
      }
      break;
    case kActivityHeartbeat:
      if (same_attempt && attempt.started()) {
        const int64_t last = std::max(attempt.last_heartbeat_time(), attempt.started_time());
        const int64_t deadline =
            last + ToNanos(s.activities().at(id).scheduled().heartbeat_timeout()).count();
        if (deadline > m.now_nanos()) {
          // Heartbeats arrived since the timer was armed: wait for the latest one's deadline.
          m.ArmTimer(kActivityHeartbeat, id, attempt.attempt(), deadline);
        } else {
          FailActivityAttempt(m, id,
                              TimeoutFailure(enums::TIMEOUT_TYPE_HEARTBEAT, "Heartbeat", attempt),
                              "", /*timed_out=*/true);
        }
      }
      break;
    case kActivityScheduleToClose: {
      HistoryEvent closing = m.NewEvent(enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
      auto* a = closing.mutable_activity_task_timed_out_event_attributes();
      *a->mutable_failure() =
          TimeoutFailure(enums::TIMEOUT_TYPE_SCHEDULE_TO_CLOSE, "ScheduleToClose", attempt);
      a->set_scheduled_event_id(id);
      a->set_started_event_id(attempt.started() ? kStartedInThisBatch : 0);
      a->set_retry_state(enums::RETRY_STATE_TIMEOUT);
      CloseActivity(m, id, std::move(closing));
      break;
    }
    default:
      break;
  }
}

}  // namespace endure::engine::history
