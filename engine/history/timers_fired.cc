// What each timer does when it fires: user timers, workflow-task and activity timeouts, activity
// retries after their backoff, and the run timeout. A timer that is no longer armed (its task or
// activity ended first) does nothing, and its row, if it has one, is deleted.
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

// How many runs a read of the timers kept in memory takes at a time, so that no read holds a
// snapshot of the store for long.
constexpr size_t kRecoveryPage = 1000;

}  // namespace

Result<std::vector<storage::TimerRow>> HistoryEngine::TimersKeptInMemory() {
  std::vector<storage::TimerRow> timers;
  RunId after("");
  while (true) {
    ENDURE_ASSIGN_OR_RETURN(auto runs,
                            options_.store->ReadRunsWithTimersInMemory(after, kRecoveryPage));
    for (const auto& run : runs) {
      PendingState pending;
      if (!pending.ParseFromString(run.state)) {
        return DataLoss("corrupt execution row of run '" + run.run_id.value() + "'");
      }
      for (const auto& armed : pending.armed_timers()) {
        if (!KeptInMemory(armed.kind())) continue;
        storage::TimerRow row;
        row.fire_time = storage::FromUnixNanos(armed.fire_time());
        row.namespace_id = run.namespace_id;
        row.workflow_id = run.workflow_id;
        row.run_id = run.run_id;
        row.kind = armed.kind();
        row.ref = armed.ref();
        timers.push_back(std::move(row));
      }
    }
    if (runs.size() < kRecoveryPage) return timers;
    after = runs.back().run_id;
  }
}

void HistoryEngine::FireTimer(const storage::TimerRow& row, bool stored,
                              std::function<void(bool)> done) {
  runs_.With(row.run_id, [this, row, stored, done = std::move(done)](Result<LeasePtr> lease) {
    auto drop = [this, &row, stored, &done] {
      if (!stored) return done(true);
      storage::Transition t;
      t.timers_deleted.push_back(row.key());
      Submit(std::move(t), [done](Result<storage::Committed> c) { done(c.ok()); });
    };
    if (!lease.ok()) {
      if (lease.status().code() == StatusCode::kNotFound) return drop();
      return done(false);  // It fires again on a later pass.
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
    if (!timer) return drop();
    if (IsTransfer(timer->kind())) {
      return RunTransfer(std::move(*lease), *timer, done);
    }
    RunMutation m(&s, options_.env->Now());
    m.DisarmTimers([&](const ArmedTimer& t) {
      return t.fire_time() == fire_time && t.kind() == row.kind && t.ref() == row.ref;
    });
    if (stored && KeptInMemory(row.kind)) m.DeleteTimerRow(row.key());
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
    Commit(std::move(*lease), m, [done](Status committed) { done(committed.ok()); });
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
