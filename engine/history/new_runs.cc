// The first transition of a run, for every way a run begins: a start request, and the runs a
// closing run continues as (continue-as-new, and a retry by the workflow's retry policy). A
// successor's first transition is linked to its predecessor's last, so both commit together.
#include "engine/history/cron.h"
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "engine/history/retry.h"
#include "storage/base/uuid.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

}  // namespace

HistoryEngine::NewRun HistoryEngine::BuildNewRun(RunStart start, TimePoint now) {
  NewRun run;
  run.state = std::make_shared<MutableState>();
  MutableState& s = *run.state;
  s.set_namespace_id(start.namespace_id);
  s.set_workflow_id(start.workflow_id);
  s.set_run_id(start.run_id);
  s.set_next_event_id(1);
  s.mutable_pending()->set_start_request_id(start.request_id);
  RunMutation m(&s, now);

  HistoryEvent started = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  auto* a = started.mutable_workflow_execution_started_event_attributes();
  *a = std::move(start.started);  // From here on read as s.started(), which the event sets.
  if (start.backoff.count() > 0) SetDuration(a->mutable_first_workflow_task_backoff(), start.backoff);
  const bool eager = start.eager_identity.has_value() && start.backoff.count() == 0;
  a->set_eager_execution_accepted(eager);
  m.Append(std::move(started));
  if (start.signal) {
    HistoryEvent signaled = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
    auto* sa = signaled.mutable_workflow_execution_signaled_event_attributes();
    sa->set_signal_name(start.signal->name);
    *sa->mutable_input() = start.signal->input;
    sa->set_identity(s.started().identity());
    *sa->mutable_header() = start.signal->header;
    m.Append(std::move(signaled));
  }
  const int64_t begins = m.now_nanos() + start.backoff.count();
  if (start.backoff.count() > 0) {
    // The first workflow task waits out the backoff; signals meanwhile wait with it.
    m.ArmTimer(kFirstWorkflowTaskBackoff, 1, 1, begins);
  } else {
    ScheduleWorkflowTask(m);
    if (eager) {
      m.WithdrawTask(storage::TaskKind::kWorkflow, s.workflow_task().scheduled_event_id());
      run.eager = StartWorkflowTask(m, *start.eager_identity);
    } else if (start.dispatch) {
      run.dispatched = DispatchToWaitingPolls(m);
    }
  }
  // The run ends at its run timeout or at the workflow's expiration, whichever comes first.
  int64_t deadline = 0;
  const Nanos run_timeout = ToNanos(s.started().workflow_run_timeout());
  if (run_timeout.count() > 0) deadline = begins + run_timeout.count();
  if (s.started().has_workflow_execution_expiration_time()) {
    const int64_t expires = ToUnixNanos(s.started().workflow_execution_expiration_time());
    if (expires > 0 && (deadline == 0 || expires < deadline)) deadline = expires;
  }
  if (deadline > 0) m.ArmTimer(kWorkflowRunTimeout, 1, 1, deadline);

  storage::CurrentExecutionWrite current;
  current.record.namespace_id = NamespaceId(start.namespace_id);
  current.record.workflow_id = WorkflowId(start.workflow_id);
  current.record.run_id = RunId(start.run_id);
  current.record.create_request_id = start.request_id;
  current.expected_run_id = start.previous_run;
  m.SetCurrent(std::move(current));
  m.UpdateVisibility();

  run.transition = m.Finish(/*db_version=*/0);
  RenderVisibility(run.transition);
  run.tasks = run.transition.tasks_created;
  run.timers = std::move(m.timer_changes());
  return run;
}

HistoryEngine::RunStart HistoryEngine::SuccessorOf(const MutableState& s, ContinuedAs how) {
  RunStart next;
  next.namespace_id = s.namespace_id();
  next.workflow_id = s.workflow_id();
  next.run_id = NewTimeOrderedUuid(options_.env);
  next.request_id = NewUuid(options_.env);
  next.previous_run = RunId(s.run_id());
  next.backoff = how.backoff;
  auto& a = next.started;
  a = s.started();  // Type, queue, timeouts, expiration, retry policy, memo, parent: carried.
  a.clear_input();
  a.clear_first_workflow_task_backoff();
  a.clear_continued_failure();
  a.clear_last_completion_result();
  a.clear_prev_auto_reset_points();
  a.set_continued_execution_run_id(s.run_id());
  a.set_initiator(how.initiator);
  a.set_original_execution_run_id(next.run_id);
  a.set_attempt(how.initiator == enums::CONTINUE_AS_NEW_INITIATOR_RETRY ? a.attempt() + 1 : 1);
  a.set_identity("history-service");
  *a.mutable_search_attributes() = s.search_attributes();
  *a.mutable_memo() = s.memo();
  return next;
}

void HistoryEngine::ContinueAs(RunMutation& m, RunStart next) {
  NewRun run = BuildNewRun(std::move(next), m.now());
  // A linked transition keeps its events (the store hands back only the first transition's):
  // the new run's cache entry gets a copy.
  std::vector<HistoryEvent> events = run.transition.events;
  m.LinkNewRun(std::move(run.transition), std::move(run.state), std::move(run.tasks),
               std::move(run.timers), std::move(events));
}

std::optional<HistoryEngine::RunStart> HistoryEngine::RetryOfRun(
    const MutableState& s, const temporal::api::failure::v1::Failure& failure, TimePoint now,
    enums::RetryState* state) {
  if (!s.started().has_retry_policy()) {
    *state = enums::RETRY_STATE_RETRY_POLICY_NOT_SET;
    return std::nullopt;
  }
  // The workflow's expiration plays the part of an activity's schedule-to-close deadline.
  Nanos remaining{0};
  if (s.started().has_workflow_execution_expiration_time()) {
    const int64_t expires = ToUnixNanos(s.started().workflow_execution_expiration_time());
    remaining = Nanos(std::max<int64_t>(1, expires - now.time_since_epoch().count()));
  }
  RetryDecision decision =
      DecideRetry(s.started().retry_policy(), s.started().attempt(), failure, now, now, remaining);
  *state = decision.state;
  if (!decision.retry) return std::nullopt;
  ContinuedAs how;
  how.initiator = enums::CONTINUE_AS_NEW_INITIATOR_RETRY;
  how.backoff = decision.backoff;
  RunStart next = SuccessorOf(s, how);
  *next.started.mutable_continued_failure() = failure;
  *next.started.mutable_input() = s.started().input();  // A retry runs with the same input.
  return next;
}

std::optional<HistoryEngine::RunStart> HistoryEngine::CronSuccessor(
    const MutableState& s, TimePoint now, const temporal::api::common::v1::Payloads* result,
    const temporal::api::failure::v1::Failure* failure) {
  if (s.started().cron_schedule().empty()) return std::nullopt;
  auto schedule = ParseCron(s.started().cron_schedule());
  if (!schedule.ok()) return std::nullopt;  // Checked at start; a stored one stays valid.
  ContinuedAs how;
  how.initiator = enums::CONTINUE_AS_NEW_INITIATOR_CRON_SCHEDULE;
  how.backoff = NextCronTime(*schedule, now) - now;
  RunStart next = SuccessorOf(s, how);
  *next.started.mutable_input() = s.started().input();
  if (result != nullptr) {
    *next.started.mutable_last_completion_result() = *result;
  } else if (s.started().has_last_completion_result()) {
    *next.started.mutable_last_completion_result() = s.started().last_completion_result();
  }
  if (failure != nullptr) *next.started.mutable_continued_failure() = *failure;
  return next;
}

}  // namespace endure::engine::history
