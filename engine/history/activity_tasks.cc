// The activity life cycle: dispatch of each attempt, the start recorded in mutable state only,
// heartbeats, completion, failure with server-side retries, cancellation, and the lazily written
// ActivityTaskStarted that precedes the closing event of the final attempt.
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "engine/history/retry.h"
#include "engine/history/task_rows.h"
#include "storage/base/uuid.h"
#include "storage/time_codec.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using endure::history::ActivityAttempt;
using endure::history::TaskToken;
using Response = std::optional<temporal::api::workflowservice::v1::PollActivityTaskQueueResponse>;

Status ActivityNotFound() { return NotFound("activity task not found"); }

bool IsActivityTimer(const endure::history::ArmedTimer& t, int64_t id) {
  return t.ref() == id && t.kind() >= kActivityScheduleToStart && t.kind() <= kActivityRetry;
}

}  // namespace

void HistoryEngine::DispatchActivityAttempt(RunMutation& m, int64_t id) {
  MutableState& s = m.state();
  const auto& scheduled = s.activities().at(id).scheduled();
  const auto& attempt = s.pending().activity_attempts().at(id);
  m.AddTask(storage::TaskKind::kActivity, scheduled.task_queue().name(), id);
  const Nanos to_start = ToNanos(scheduled.schedule_to_start_timeout());
  const Nanos to_close = ToNanos(scheduled.schedule_to_close_timeout());
  if (to_start.count() > 0 && (to_close.count() == 0 || to_start < to_close)) {
    m.ArmTimer(kActivityScheduleToStart, id, attempt.attempt(), m.now_nanos() + to_start.count());
  }
}

void HistoryEngine::RecordActivityTaskStarted(
    const storage::TaskRow& task, const wsv1::PollActivityTaskQueueRequest& poll,
    Callback<std::optional<wsv1::PollActivityTaskQueueResponse>> done) {
  runs_.With(task.run_id, [this, task, poll, done = std::move(done)](Result<LeasePtr> lease) {
    if (!lease.ok()) {
      Status requeued = DropOrRequeue(task, lease.status());
      return requeued.ok() ? done(Response()) : done(requeued);
    }
    MutableState& s = (*lease)->state();
    const int64_t id = task.ref;
    if (!ActivityAttemptAwaitsStart(s, id)) {
      DropTask(task);  // Closed, canceled, or already started: nothing to hand out.
      return done(Response());
    }
    RunMutation m(&s, options_.env->Now());
    m.DeleteTask(task.key());
    StartActivityAttempt(m, id, poll.identity());
    Commit(std::move(*lease), m, [state = &s, id, poll, done](Status committed) {
      if (!committed.ok()) return done(committed);
      done(Response(ActivityTaskOf(*state, id, poll.namespace_())));
    });
  });
}

void HistoryEngine::StartActivityAttempt(RunMutation& m, int64_t id, const std::string& identity) {
  MutableState& s = m.state();
  ActivityAttempt& attempt = s.mutable_pending()->mutable_activity_attempts()->at(id);
  attempt.set_started(true);
  attempt.set_started_time(m.now_nanos());
  attempt.set_started_identity(identity);
  attempt.set_last_worker_identity(identity);
  attempt.set_request_id(NewUuid(options_.env));
  const auto& scheduled = s.activities().at(id).scheduled();
  m.DisarmTimers([id](const endure::history::ArmedTimer& t) {
    return t.kind() == kActivityScheduleToStart && t.ref() == id;
  });
  const Nanos to_close = ToNanos(scheduled.start_to_close_timeout());
  if (to_close.count() > 0) {
    m.ArmTimer(kActivityStartToClose, id, attempt.attempt(), m.now_nanos() + to_close.count());
  }
  const Nanos heartbeat = ToNanos(scheduled.heartbeat_timeout());
  if (heartbeat.count() > 0) {
    m.ArmTimer(kActivityHeartbeat, id, attempt.attempt(), m.now_nanos() + heartbeat.count());
  }
}

wsv1::PollActivityTaskQueueResponse HistoryEngine::ActivityTaskOf(
    const MutableState& run, int64_t id, const std::string& namespace_name) {
  const auto& activity = run.activities().at(id);
  const auto& sched = activity.scheduled();
  const auto& current = run.pending().activity_attempts().at(id);
  wsv1::PollActivityTaskQueueResponse r;
  TaskToken token = TaskTokenOf(TaskToken::KIND_ACTIVITY, run);
  token.set_scheduled_event_id(id);
  token.set_attempt(current.attempt());
  token.set_activity_id(sched.activity_id());
  r.set_task_token(EncodeTaskToken(token));
  r.set_workflow_namespace(namespace_name);
  *r.mutable_workflow_type() = run.started().workflow_type();
  r.mutable_workflow_execution()->set_workflow_id(run.workflow_id());
  r.mutable_workflow_execution()->set_run_id(run.run_id());
  *r.mutable_activity_type() = sched.activity_type();
  r.set_activity_id(sched.activity_id());
  *r.mutable_header() = sched.header();
  *r.mutable_input() = sched.input();
  if (current.has_heartbeat_details()) *r.mutable_heartbeat_details() = current.heartbeat_details();
  SetTimestamp(r.mutable_scheduled_time(), activity.scheduled_time());
  SetTimestamp(r.mutable_current_attempt_scheduled_time(),
               current.current_attempt_scheduled_time());
  SetTimestamp(r.mutable_started_time(), current.started_time());
  r.set_attempt(current.attempt());
  *r.mutable_schedule_to_close_timeout() = sched.schedule_to_close_timeout();
  *r.mutable_start_to_close_timeout() = sched.start_to_close_timeout();
  *r.mutable_heartbeat_timeout() = sched.heartbeat_timeout();
  *r.mutable_retry_policy() = sched.retry_policy();
  if (sched.has_priority()) *r.mutable_priority() = sched.priority();
  return r;
}

Result<HistoryEngine::ActivityRef> HistoryEngine::ActivityRefFromToken(
    const storage::NamespaceRecord& ns, const std::string& bytes) {
  ENDURE_ASSIGN_OR_RETURN(TaskToken token, DecodeTaskToken(bytes));
  if (token.kind() != TaskToken::KIND_ACTIVITY) {
    return InvalidArgument("task token is not an activity task's");
  }
  if (token.namespace_id() != ns.id.value()) {
    return InvalidArgument("task token belongs to another namespace");
  }
  ActivityRef ref;
  ref.run_id = RunId(token.run_id());
  ref.workflow_id = WorkflowId(token.workflow_id());
  ref.scheduled_event_id = token.scheduled_event_id();
  ref.attempt = token.attempt();
  ref.activity_id = token.activity_id();
  return ref;
}

Result<HistoryEngine::ActivityRef> HistoryEngine::ActivityRefById(
    const storage::NamespaceRecord& ns, const std::string& workflow_id, const std::string& run_id,
    const std::string& activity_id) {
  if (activity_id.empty()) return InvalidArgument("ActivityId is not set on request.");
  temporal::api::common::v1::WorkflowExecution execution;
  execution.set_workflow_id(workflow_id);
  execution.set_run_id(run_id);
  ENDURE_ASSIGN_OR_RETURN(RunId run, ResolveRun(ns, execution));
  ActivityRef ref;
  ref.run_id = std::move(run);
  ref.workflow_id = WorkflowId(workflow_id);
  ref.activity_id = activity_id;
  return ref;
}

void HistoryEngine::ActivityOperation(
    const storage::NamespaceRecord& ns, ActivityRef ref,
    std::function<Status(RunMutation&, int64_t scheduled_event_id)> apply, Callback<bool> done) {
  WithRun(ns, ref.run_id, ref.workflow_id.value(),
          [this, ref, apply = std::move(apply), done = std::move(done)](Result<LeasePtr> lease) {
            if (!lease.ok()) return done(lease.status());
            MutableState& s = (*lease)->state();
            if (s.status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING) {
              return done(NotFound("workflow execution already completed"));
            }
            int64_t id = ref.scheduled_event_id;
            if (id == 0) {
              for (const auto& [scheduled_id, activity] : s.activities()) {
                if (activity.scheduled().activity_id() == ref.activity_id) id = scheduled_id;
              }
            }
            auto* attempts = s.mutable_pending()->mutable_activity_attempts();
            auto it = attempts->find(id);
            if (id == 0 || it == attempts->end()) return done(ActivityNotFound());
            ActivityAttempt& attempt = it->second;
            RunMutation m(&s, options_.env->Now());
            if (ref.attempt != 0) {
              if (attempt.attempt() != ref.attempt || !attempt.started()) {
                return done(ActivityNotFound());
              }
            } else if (!attempt.started()) {
              // Completed by id before any worker took it: it counts as started now.
              attempt.set_started(true);
              attempt.set_started_time(m.now_nanos());
            }
            if (Status applied = apply(m, id); !applied.ok()) {
              (*lease)->MarkDirty();  // Reload: `apply` may have changed the state.
              return done(applied);
            }
            const bool cancel_requested = s.activities().contains(id) &&
                                          s.activities().at(id).cancel_requested_event_id() != 0;
            Commit(std::move(*lease), m, [done, cancel_requested](Status committed) {
              if (!committed.ok()) return done(committed);
              done(cancel_requested);
            });
          });
}

void HistoryEngine::CloseActivity(RunMutation& m, int64_t id, HistoryEvent closing) {
  MutableState& s = m.state();
  auto* attempts = s.mutable_pending()->mutable_activity_attempts();
  const ActivityAttempt attempt = attempts->at(id);
  attempts->erase(id);
  m.DisarmTimers([id](const endure::history::ArmedTimer& t) { return IsActivityTimer(t, id); });
  std::vector<HistoryEvent> events;
  if (attempt.started()) {
    HistoryEvent started = m.NewEvent(enums::EVENT_TYPE_ACTIVITY_TASK_STARTED);
    SetTimestamp(started.mutable_event_time(), attempt.started_time());
    auto* a = started.mutable_activity_task_started_event_attributes();
    a->set_scheduled_event_id(id);
    a->set_identity(attempt.started_identity());
    a->set_request_id(attempt.request_id());
    a->set_attempt(attempt.attempt());
    if (attempt.has_last_failure()) *a->mutable_last_failure() = attempt.last_failure();
    events.push_back(std::move(started));
  }
  events.push_back(std::move(closing));
  AddWorkflowEvents(m, std::move(events));
}

void HistoryEngine::FailActivityAttempt(RunMutation& m, int64_t id,
                                        const temporal::api::failure::v1::Failure& failure,
                                        const std::string& identity, bool timed_out) {
  MutableState& s = m.state();
  const auto& activity = s.activities().at(id);
  const auto& scheduled = activity.scheduled();
  ActivityAttempt& attempt = s.mutable_pending()->mutable_activity_attempts()->at(id);
  RetryDecision decision = DecideRetry(scheduled.retry_policy(), attempt.attempt(), failure,
                                       m.now(), storage::FromUnixNanos(activity.scheduled_time()),
                                       ToNanos(scheduled.schedule_to_close_timeout()));
  if (decision.retry && activity.cancel_requested_event_id() != 0) {
    decision = RetryDecision{false, Nanos(0), enums::RETRY_STATE_CANCEL_REQUESTED};
  }
  if (decision.retry) {
    m.DisarmTimers([id](const endure::history::ArmedTimer& t) {
      return t.ref() == id && (t.kind() == kActivityScheduleToStart ||
                               t.kind() == kActivityStartToClose || t.kind() == kActivityHeartbeat);
    });
    attempt.set_attempt(attempt.attempt() + 1);
    attempt.set_started(false);
    attempt.set_started_time(0);
    attempt.clear_started_identity();
    attempt.clear_request_id();
    *attempt.mutable_last_failure() = failure;
    attempt.set_current_attempt_scheduled_time(m.now_nanos() + decision.backoff.count());
    if (decision.backoff.count() > 0) {
      m.ArmTimer(kActivityRetry, id, attempt.attempt(), m.now_nanos() + decision.backoff.count());
    } else {
      DispatchActivityAttempt(m, id);
    }
    return;
  }
  HistoryEvent closing = m.NewEvent(timed_out ? enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT
                                              : enums::EVENT_TYPE_ACTIVITY_TASK_FAILED);
  const int64_t started_id = attempt.started() ? kStartedInThisBatch : 0;
  if (timed_out) {
    auto* a = closing.mutable_activity_task_timed_out_event_attributes();
    *a->mutable_failure() = failure;
    a->set_scheduled_event_id(id);
    a->set_started_event_id(started_id);
    a->set_retry_state(decision.state);
  } else {
    auto* a = closing.mutable_activity_task_failed_event_attributes();
    *a->mutable_failure() = failure;
    a->set_scheduled_event_id(id);
    a->set_started_event_id(started_id);
    a->set_identity(identity);
    a->set_retry_state(decision.state);
  }
  CloseActivity(m, id, std::move(closing));
}

void HistoryEngine::RecordActivityTaskHeartbeat(
    const storage::NamespaceRecord& ns, ActivityRef ref,
    const temporal::api::common::v1::Payloads& details,
    Callback<wsv1::RecordActivityTaskHeartbeatResponse> done) {
  ActivityOperation(
      ns, std::move(ref),
      [details](RunMutation& m, int64_t id) {
        auto& attempt = m.state().mutable_pending()->mutable_activity_attempts()->at(id);
        *attempt.mutable_heartbeat_details() = details;
        attempt.set_last_heartbeat_time(m.now_nanos());
        return Status::Ok();
      },
      [done = std::move(done)](Result<bool> cancel_requested) {
        if (!cancel_requested.ok()) return done(cancel_requested.status());
        wsv1::RecordActivityTaskHeartbeatResponse r;
        r.set_cancel_requested(*cancel_requested);
        done(std::move(r));
      });
}

void HistoryEngine::RespondActivityTaskCompleted(const storage::NamespaceRecord& ns,
                                                 ActivityRef ref,
                                                 const temporal::api::common::v1::Payloads& result,
                                                 const std::string& identity, Callback<bool> done) {
  if (static_cast<int64_t>(result.ByteSizeLong()) > options_.blob_size_limit) {
    return done(InvalidArgument("activity result exceeds the size limit"));
  }
  ActivityOperation(
      ns, std::move(ref),
      [this, result, identity](RunMutation& m, int64_t id) {
        HistoryEvent closing = m.NewEvent(enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
        auto* a = closing.mutable_activity_task_completed_event_attributes();
        *a->mutable_result() = result;
        a->set_scheduled_event_id(id);
        a->set_started_event_id(kStartedInThisBatch);
        a->set_identity(identity);
        CloseActivity(m, id, std::move(closing));
        return Status::Ok();
      },
      std::move(done));
}

void HistoryEngine::RespondActivityTaskFailed(
    const storage::NamespaceRecord& ns, ActivityRef ref,
    const temporal::api::failure::v1::Failure& failure,
    const temporal::api::common::v1::Payloads* last_heartbeat_details, const std::string& identity,
    Callback<bool> done) {
  std::optional<temporal::api::common::v1::Payloads> details;
  if (last_heartbeat_details != nullptr) details = *last_heartbeat_details;
  ActivityOperation(
      ns, std::move(ref),
      [this, failure, details, identity](RunMutation& m, int64_t id) {
        if (details) {
          auto& attempt = m.state().mutable_pending()->mutable_activity_attempts()->at(id);
          *attempt.mutable_heartbeat_details() = *details;
        }
        FailActivityAttempt(m, id, failure, identity, /*timed_out=*/false);
        return Status::Ok();
      },
      std::move(done));
}

void HistoryEngine::RespondActivityTaskCanceled(const storage::NamespaceRecord& ns,
                                                ActivityRef ref,
                                                const temporal::api::common::v1::Payloads& details,
                                                const std::string& identity, Callback<bool> done) {
  ActivityOperation(
      ns, std::move(ref),
      [this, details, identity](RunMutation& m, int64_t id) {
        const int64_t requested = m.state().activities().at(id).cancel_requested_event_id();
        if (requested == 0) {
          return InvalidArgument("the activity was not asked to cancel");
        }
        HistoryEvent closing = m.NewEvent(enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED);
        auto* a = closing.mutable_activity_task_canceled_event_attributes();
        *a->mutable_details() = details;
        a->set_latest_cancel_requested_event_id(requested);
        a->set_scheduled_event_id(id);
        a->set_started_event_id(kStartedInThisBatch);
        a->set_identity(identity);
        CloseActivity(m, id, std::move(closing));
        return Status::Ok();
      },
      std::move(done));
}

}  // namespace endure::engine::history
