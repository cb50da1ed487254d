// Requests about a run from outside it: signal, cancel request, terminate, describe.
#include <algorithm>

#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

// Whether the run belongs to the chain of runs (continue-as-new, retries, cron) that began with
// `first_execution_run_id`, when the request names one.
bool InChain(const MutableState& s, const std::string& first_execution_run_id) {
  return first_execution_run_id.empty() ||
         s.started().first_execution_run_id() == first_execution_run_id;
}

// Whether a request made "to a child only" reaches a child of its sender.
bool ReachesChild(const MutableState& s, bool child_only, const std::string& sender_workflow_id) {
  return !child_only || s.started().parent_workflow_execution().workflow_id() == sender_workflow_id;
}

Status NotInChain() {
  return NotFound("the workflow's current run is not of the chain the request names");
}

// Whether the run was asked to cancel, counting a request still buffered.
bool CancelRequested(const MutableState& s) {
  if (s.cancel_requested_event_id() != 0) return true;
  for (const auto& e : s.pending().buffered_events()) {
    if (e.event_type() == enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) return true;
  }
  return false;
}

template <typename Response>
std::function<void(Status)> Respond(Callback<Response> done) {
  return [done = std::move(done)](Status s) {
    if (!s.ok()) return done(s);
    done(Response());
  };
}

}  // namespace

void HistoryEngine::Signal(const storage::NamespaceRecord& ns,
                           const wsv1::SignalWorkflowExecutionRequest& request,
                           Callback<wsv1::SignalWorkflowExecutionResponse> done) {
  SignalFrom(ns, request, std::nullopt, std::move(done));
}

void HistoryEngine::SignalFrom(const storage::NamespaceRecord& ns,
                               const wsv1::SignalWorkflowExecutionRequest& request,
                               std::optional<ExternalSender> sender,
                               Callback<wsv1::SignalWorkflowExecutionResponse> done) {
  if (request.signal_name().empty())
    return done(InvalidArgument("SignalName is not set on request."));
  if (static_cast<int64_t>(request.input().ByteSizeLong()) > options_.blob_size_limit) {
    return done(InvalidArgument("signal input exceeds the size limit"));
  }
  WithOpenRun(ns, request.workflow_execution(),
              [this, request, sender, done = std::move(done)](Result<LeasePtr> lease) mutable {
                if (!lease.ok()) return done(lease.status());
                MutableState& s = (*lease)->state();
                if (sender && !ReachesChild(s, sender->child_workflow_only,
                                            sender->execution.workflow_id())) {
                  return done(NotFound("no such child workflow"));
                }
                const auto& seen = s.pending().signal_request_ids();
                if (!request.request_id().empty() &&
                    std::find(seen.begin(), seen.end(), request.request_id()) != seen.end()) {
                  return done(wsv1::SignalWorkflowExecutionResponse());  // A retry: taken already.
                }
                RunMutation m(&s, options_.env->Now());
                if (!request.request_id().empty()) {
                  s.mutable_pending()->add_signal_request_ids(request.request_id());
                }
                HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
                auto* a = event.mutable_workflow_execution_signaled_event_attributes();
                a->set_signal_name(request.signal_name());
                *a->mutable_input() = request.input();
                a->set_identity(request.identity());
                *a->mutable_header() = request.header();
                if (sender) *a->mutable_external_workflow_execution() = sender->execution;
                AddWorkflowEvents(m, {std::move(event)});
                Commit(std::move(*lease), m, Respond(std::move(done)));
              });
}

void HistoryEngine::RequestCancel(const storage::NamespaceRecord& ns,
                                  const wsv1::RequestCancelWorkflowExecutionRequest& request,
                                  Callback<wsv1::RequestCancelWorkflowExecutionResponse> done) {
  RequestCancelFrom(ns, request, std::nullopt, std::move(done));
}

void HistoryEngine::RequestCancelFrom(const storage::NamespaceRecord& ns,
                                      const wsv1::RequestCancelWorkflowExecutionRequest& request,
                                      std::optional<ExternalSender> sender,
                                      Callback<wsv1::RequestCancelWorkflowExecutionResponse> done) {
  WithOpenRun(ns, request.workflow_execution(),
              [this, request, sender, done = std::move(done)](Result<LeasePtr> lease) mutable {
                if (!lease.ok()) return done(lease.status());
                MutableState& s = (*lease)->state();
                if (!InChain(s, request.first_execution_run_id())) return done(NotInChain());
                if (sender && !ReachesChild(s, sender->child_workflow_only,
                                            sender->execution.workflow_id())) {
                  return done(NotFound("no such child workflow"));
                }
                // A second request changes nothing: the workflow has been asked already.
                if (CancelRequested(s)) {
                  return done(wsv1::RequestCancelWorkflowExecutionResponse());
                }
                RunMutation m(&s, options_.env->Now());
                HistoryEvent event =
                    m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
                auto* a = event.mutable_workflow_execution_cancel_requested_event_attributes();
                a->set_cause(request.reason());
                a->set_identity(request.identity());
                if (sender) {
                  a->set_external_initiated_event_id(sender->initiated_event_id);
                  *a->mutable_external_workflow_execution() = sender->execution;
                }
                AddWorkflowEvents(m, {std::move(event)});
                Commit(std::move(*lease), m, Respond(std::move(done)));
              });
}

void HistoryEngine::Terminate(const storage::NamespaceRecord& ns,
                              const wsv1::TerminateWorkflowExecutionRequest& request,
                              Callback<wsv1::TerminateWorkflowExecutionResponse> done) {
  WithOpenRun(ns, request.workflow_execution(),
              [this, request, done = std::move(done)](Result<LeasePtr> lease) mutable {
                if (!lease.ok()) return done(lease.status());
                MutableState& s = (*lease)->state();
                if (!InChain(s, request.first_execution_run_id())) return done(NotInChain());
                RunMutation m(&s, options_.env->Now());
                ForceCloseWorkflowTask(m, request.identity());
                FlushBufferedEvents(m);
                HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
                auto* a = event.mutable_workflow_execution_terminated_event_attributes();
                a->set_reason(request.reason());
                *a->mutable_details() = request.details();
                a->set_identity(request.identity());
                m.Append(std::move(event));
                CloseRun(m);
                Commit(std::move(*lease), m, Respond(std::move(done)));
              });
}

void HistoryEngine::ResetStickyTaskQueue(const storage::NamespaceRecord& ns,
                                         const wsv1::ResetStickyTaskQueueRequest& request,
                                         Callback<wsv1::ResetStickyTaskQueueResponse> done) {
  WithOpenRun(ns, request.execution(),
              [this, done = std::move(done)](Result<LeasePtr> lease) mutable {
                if (!lease.ok()) return done(lease.status());
                MutableState& s = (*lease)->state();
                if (s.pending().sticky().name().empty()) {
                  return done(wsv1::ResetStickyTaskQueueResponse());
                }
                RunMutation m(&s, options_.env->Now());
                s.mutable_pending()->clear_sticky();
                Commit(std::move(*lease), m, Respond(std::move(done)));
              });
}

void HistoryEngine::Describe(const storage::NamespaceRecord& ns,
                             const wsv1::DescribeWorkflowExecutionRequest& request,
                             Callback<wsv1::DescribeWorkflowExecutionResponse> done) {
  auto run_id = ResolveRun(ns, request.execution());
  if (!run_id.ok()) return done(run_id.status());
  WithRun(
      ns, *run_id, request.execution().workflow_id(),
      [this, done = std::move(done)](Result<LeasePtr> lease) {
        if (!lease.ok()) return done(lease.status());
        const MutableState& s = (*lease)->state();
        wsv1::DescribeWorkflowExecutionResponse r;
        auto* config = r.mutable_execution_config();
        *config->mutable_task_queue() = s.started().task_queue();
        *config->mutable_workflow_execution_timeout() = s.started().workflow_execution_timeout();
        *config->mutable_workflow_run_timeout() = s.started().workflow_run_timeout();
        *config->mutable_default_workflow_task_timeout() = s.started().workflow_task_timeout();
        auto* info = r.mutable_workflow_execution_info();
        info->mutable_execution()->set_workflow_id(s.workflow_id());
        info->mutable_execution()->set_run_id(s.run_id());
        *info->mutable_type() = s.started().workflow_type();
        SetTimestamp(info->mutable_start_time(), s.start_time());
        SetTimestamp(info->mutable_execution_time(),
                     s.start_time() + ToNanos(s.started().first_workflow_task_backoff()).count());
        if (s.close_time() != 0) SetTimestamp(info->mutable_close_time(), s.close_time());
        info->set_status(static_cast<enums::WorkflowExecutionStatus>(s.status()));
        info->set_history_length(s.next_event_id() - 1);
        info->set_history_size_bytes(s.history_size_bytes());
        *info->mutable_memo() = s.memo();
        *info->mutable_search_attributes() =
            options_.search_attributes != nullptr
                ? options_.search_attributes->Typed(NamespaceId(s.namespace_id()),
                                                    s.search_attributes())
                : s.search_attributes();
        info->set_task_queue(s.started().task_queue().name());
        info->set_first_run_id(s.started().first_execution_run_id());
        if (s.started().has_parent_workflow_execution()) {
          *info->mutable_parent_execution() = s.started().parent_workflow_execution();
          info->set_parent_namespace_id(s.started().parent_workflow_namespace_id());
        }
        // A run with no root recorded is a root itself.
        if (s.started().has_root_workflow_execution()) {
          *info->mutable_root_execution() = s.started().root_workflow_execution();
        } else {
          *info->mutable_root_execution() = info->execution();
        }
        for (const auto& [id, activity] : s.activities()) {
          auto* p = r.add_pending_activities();
          const auto& sched = activity.scheduled();
          p->set_activity_id(sched.activity_id());
          *p->mutable_activity_type() = sched.activity_type();
          const auto it = s.pending().activity_attempts().find(id);
          const endure::history::ActivityAttempt attempt =
              it == s.pending().activity_attempts().end() ? endure::history::ActivityAttempt()
                                                          : it->second;
          if (activity.cancel_requested_event_id() != 0) {
            p->set_state(enums::PENDING_ACTIVITY_STATE_CANCEL_REQUESTED);
          } else if (attempt.started()) {
            p->set_state(enums::PENDING_ACTIVITY_STATE_STARTED);
          } else {
            p->set_state(enums::PENDING_ACTIVITY_STATE_SCHEDULED);
          }
          if (attempt.has_heartbeat_details())
            *p->mutable_heartbeat_details() = attempt.heartbeat_details();
          if (attempt.last_heartbeat_time() != 0) {
            SetTimestamp(p->mutable_last_heartbeat_time(), attempt.last_heartbeat_time());
          }
          if (attempt.started())
            SetTimestamp(p->mutable_last_started_time(), attempt.started_time());
          p->set_attempt(attempt.attempt());
          p->set_maximum_attempts(sched.retry_policy().maximum_attempts());
          SetTimestamp(p->mutable_scheduled_time(), attempt.current_attempt_scheduled_time());
          const Nanos schedule_to_close = ToNanos(sched.schedule_to_close_timeout());
          if (schedule_to_close.count() > 0) {
            SetTimestamp(p->mutable_expiration_time(),
                         activity.scheduled_time() + schedule_to_close.count());
          }
          if (attempt.has_last_failure()) *p->mutable_last_failure() = attempt.last_failure();
          p->set_last_worker_identity(attempt.last_worker_identity());
          *p->mutable_current_retry_interval() = google::protobuf::Duration();
          *p->mutable_activity_options()->mutable_task_queue() = sched.task_queue();
          *p->mutable_activity_options()->mutable_schedule_to_close_timeout() =
              sched.schedule_to_close_timeout();
          *p->mutable_activity_options()->mutable_schedule_to_start_timeout() =
              sched.schedule_to_start_timeout();
          *p->mutable_activity_options()->mutable_start_to_close_timeout() =
              sched.start_to_close_timeout();
          *p->mutable_activity_options()->mutable_heartbeat_timeout() = sched.heartbeat_timeout();
          *p->mutable_activity_options()->mutable_retry_policy() = sched.retry_policy();
        }
        const auto& task = s.workflow_task();
        if (task.scheduled_event_id() != 0) {
          auto* w = r.mutable_pending_workflow_task();
          w->set_state(task.started_event_id() != 0 ? enums::PENDING_WORKFLOW_TASK_STATE_STARTED
                                                    : enums::PENDING_WORKFLOW_TASK_STATE_SCHEDULED);
          SetTimestamp(w->mutable_scheduled_time(), task.scheduled_time());
          SetTimestamp(w->mutable_original_scheduled_time(), task.scheduled_time());
          if (task.started_time() != 0)
            SetTimestamp(w->mutable_started_time(), task.started_time());
          w->set_attempt(task.attempt());
        }
        done(std::move(r));
      });
}

}  // namespace endure::engine::history
