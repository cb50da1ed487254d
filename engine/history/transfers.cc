// Transfers: the work a run's transition commits to doing on other runs (start a child, signal
// or cancel another workflow, tell a parent how its child ended, apply the parent close policy),
// armed as timers due at once (timer_kinds.h). A transfer runs without holding its run (two runs
// waiting on each other would deadlock), then records its outcome on the run and disarms the
// timer in one transition. A crash in between runs it again; the other side recognizes the
// repetition (request ids, or the outcome already recorded).
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "temporal/api/enums/v1/failed_cause.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using endure::history::ArmedTimer;
using temporal::api::common::v1::WorkflowExecution;

constexpr std::chrono::seconds kRetryAfter{1};

WorkflowExecution ExecutionOf(const MutableState& s) {
  WorkflowExecution e;
  e.set_workflow_id(s.workflow_id());
  e.set_run_id(s.run_id());
  return e;
}

// Re-arms a transfer that could not be done now (its other side was unavailable).
std::function<void(RunMutation&)> RetryLater(const ArmedTimer& timer) {
  return [timer](RunMutation& m) {
    m.ArmTimer(static_cast<TimerKind>(timer.kind()), timer.ref(), timer.attempt(),
               m.now_nanos() + std::chrono::nanoseconds(kRetryAfter).count());
  };
}

// How a child's closing event reads in its parent's history; nullopt for a run that goes on as
// another (continue-as-new, retry), whose successor reports instead.
std::optional<HistoryEvent> ChildOutcome(RunMutation& m, const HistoryEvent& close,
                                         const std::string& ns, const WorkflowExecution& child,
                                         const std::string& type, int64_t initiated,
                                         int64_t started) {
  auto fill = [&](auto* a) {
    a->set_namespace_(ns);
    *a->mutable_workflow_execution() = child;
    a->mutable_workflow_type()->set_name(type);
    a->set_initiated_event_id(initiated);
    a->set_started_event_id(started);
  };
  switch (close.event_type()) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
      HistoryEvent e = m.NewEvent(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED);
      auto* a = e.mutable_child_workflow_execution_completed_event_attributes();
      fill(a);
      *a->mutable_result() = close.workflow_execution_completed_event_attributes().result();
      return e;
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: {
      HistoryEvent e = m.NewEvent(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED);
      auto* a = e.mutable_child_workflow_execution_failed_event_attributes();
      fill(a);
      *a->mutable_failure() = close.workflow_execution_failed_event_attributes().failure();
      a->set_retry_state(close.workflow_execution_failed_event_attributes().retry_state());
      return e;
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: {
      HistoryEvent e = m.NewEvent(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED);
      auto* a = e.mutable_child_workflow_execution_canceled_event_attributes();
      fill(a);
      *a->mutable_details() = close.workflow_execution_canceled_event_attributes().details();
      return e;
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: {
      HistoryEvent e = m.NewEvent(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT);
      auto* a = e.mutable_child_workflow_execution_timed_out_event_attributes();
      fill(a);
      a->set_retry_state(close.workflow_execution_timed_out_event_attributes().retry_state());
      return e;
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: {
      HistoryEvent e = m.NewEvent(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED);
      fill(e.mutable_child_workflow_execution_terminated_event_attributes());
      return e;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

bool HistoryEngine::IsTransfer(int kind) {
  return kind >= kStartChild && kind <= kParentClosePolicy;
}

Result<HistoryEvent> HistoryEngine::EventOf(const LeasePtr& lease, int64_t event_id) {
  if (const KeptHistory* kept = lease->history();
      kept != nullptr && kept->Holds(event_id, event_id + 1)) {
    return kept->at(event_id);
  }
  ENDURE_ASSIGN_OR_RETURN(auto events, options_.store->ReadHistory(RunId(lease->state().run_id()),
                                                                   event_id, event_id + 1, 1));
  if (events.empty()) return NotFound("event " + std::to_string(event_id) + " not found");
  return events[0];
}

void HistoryEngine::RecordTransferOutcome(const RunId& run_id, const ArmedTimer& timer,
                                          std::function<void(RunMutation&)> write,
                                          std::function<void(bool)> done) {
  runs_.With(run_id, [this, timer, write = std::move(write),
                      done = std::move(done)](Result<LeasePtr> lease) {
    if (!lease.ok()) return done(false);
    MutableState& s = (*lease)->state();
    bool armed = false;
    for (const auto& t : s.pending().armed_timers()) {
      armed = armed || (t.fire_time() == timer.fire_time() && t.kind() == timer.kind() &&
                        t.ref() == timer.ref());
    }
    if (!armed) return done(true);  // Recorded already.
    RunMutation m(&s, options_.env->Now());
    m.DisarmTimers([&](const ArmedTimer& t) {
      return t.fire_time() == timer.fire_time() && t.kind() == timer.kind() &&
             t.ref() == timer.ref();
    });
    write(m);
    Commit(std::move(*lease), m, [done](Status committed) { done(committed.ok()); });
  });
}

void HistoryEngine::RunTransfer(LeasePtr lease, const ArmedTimer& timer,
                                std::function<void(bool)> done) {
  const MutableState& s = lease->state();
  const RunId run_id(s.run_id());
  const WorkflowExecution self = ExecutionOf(s);
  auto own_ns = options_.namespaces->ById(NamespaceId(s.namespace_id()));
  if (!own_ns.ok()) return done(false);
  const std::string request_id = s.run_id() + ":" + std::to_string(timer.ref());

  switch (timer.kind()) {
    case kStartChild: {
      auto initiated = EventOf(lease, timer.ref());
      if (!initiated.ok()) return done(false);
      const auto a = initiated->start_child_workflow_execution_initiated_event_attributes();
      wsv1::StartWorkflowExecutionRequest r;
      r.set_namespace_(a.namespace_());
      r.set_workflow_id(a.workflow_id());
      *r.mutable_workflow_type() = a.workflow_type();
      *r.mutable_task_queue() = a.task_queue();
      *r.mutable_input() = a.input();
      *r.mutable_workflow_execution_timeout() = a.workflow_execution_timeout();
      *r.mutable_workflow_run_timeout() = a.workflow_run_timeout();
      *r.mutable_workflow_task_timeout() = a.workflow_task_timeout();
      r.set_identity(s.workflow_id());
      r.set_request_id(request_id);
      r.set_workflow_id_reuse_policy(a.workflow_id_reuse_policy());
      if (a.has_retry_policy()) *r.mutable_retry_policy() = a.retry_policy();
      r.set_cron_schedule(a.cron_schedule());
      *r.mutable_memo() = a.memo();
      *r.mutable_search_attributes() = a.search_attributes();
      *r.mutable_header() = a.header();
      ParentRef parent{own_ns->info.name(), own_ns->id.value(), self, timer.ref(),
                       s.started().has_root_workflow_execution()
                           ? s.started().root_workflow_execution()
                           : self};
      auto child_ns = options_.namespaces->Find(a.namespace_());
      lease.reset();
      if (!child_ns) return RecordTransferOutcome(run_id, timer, RetryLater(timer), done);
      return StartRun(
          *child_ns, r, std::nullopt,
          [this, run_id, timer, a, done](Result<wsv1::StartWorkflowExecutionResponse> started) {
            if (!started.ok() && started.status().code() != StatusCode::kAlreadyExists) {
              return RecordTransferOutcome(run_id, timer, RetryLater(timer), done);
            }
            RecordTransferOutcome(
                run_id, timer,
                [this, timer, a, started](RunMutation& m) {
                  if (m.state().status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING) return;
                  HistoryEvent e;
                  if (started.ok()) {
                    e = m.NewEvent(enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED);
                    auto* c = e.mutable_child_workflow_execution_started_event_attributes();
                    c->set_namespace_(a.namespace_());
                    c->set_initiated_event_id(timer.ref());
                    c->mutable_workflow_execution()->set_workflow_id(a.workflow_id());
                    c->mutable_workflow_execution()->set_run_id(started->run_id());
                    *c->mutable_workflow_type() = a.workflow_type();
                    *c->mutable_header() = a.header();
                  } else {
                    e = m.NewEvent(enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED);
                    auto* f = e.mutable_start_child_workflow_execution_failed_event_attributes();
                    f->set_namespace_(a.namespace_());
                    f->set_workflow_id(a.workflow_id());
                    *f->mutable_workflow_type() = a.workflow_type();
                    f->set_cause(
                        enums::START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS);
                    f->set_initiated_event_id(timer.ref());
                    f->set_workflow_task_completed_event_id(a.workflow_task_completed_event_id());
                  }
                  AddWorkflowEvents(m, {std::move(e)});
                },
                done);
          },
          parent);
    }
    case kSignalExternal:
    case kCancelExternal: {
      const bool cancel = timer.kind() == kCancelExternal;
      auto initiated = EventOf(lease, timer.ref());
      if (!initiated.ok()) return done(false);
      const HistoryEvent event = *initiated;
      const std::string target_ns =
          cancel ? event.request_cancel_external_workflow_execution_initiated_event_attributes()
                       .namespace_()
                 : event.signal_external_workflow_execution_initiated_event_attributes()
                       .namespace_();
      auto ns = options_.namespaces->Find(target_ns);
      lease.reset();
      // What the initiating run records: success, or the target's absence.
      auto record = [this, run_id, timer, event, cancel, target_ns, done](Status outcome) {
        if (!outcome.ok() && outcome.code() != StatusCode::kNotFound) {
          return RecordTransferOutcome(run_id, timer, RetryLater(timer), done);
        }
        RecordTransferOutcome(
            run_id, timer,
            [this, timer, event, cancel, target_ns, outcome](RunMutation& m) {
              if (m.state().status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING) return;
              HistoryEvent e;
              if (cancel) {
                const auto& a =
                    event.request_cancel_external_workflow_execution_initiated_event_attributes();
                if (outcome.ok()) {
                  e = m.NewEvent(enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED);
                  auto* r = e.mutable_external_workflow_execution_cancel_requested_event_attributes();
                  r->set_initiated_event_id(timer.ref());
                  r->set_namespace_(target_ns);
                  *r->mutable_workflow_execution() = a.workflow_execution();
                } else {
                  e = m.NewEvent(
                      enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED);
                  auto* f =
                      e.mutable_request_cancel_external_workflow_execution_failed_event_attributes();
                  f->set_cause(enums::CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND);
                  f->set_workflow_task_completed_event_id(a.workflow_task_completed_event_id());
                  f->set_namespace_(target_ns);
                  *f->mutable_workflow_execution() = a.workflow_execution();
                  f->set_initiated_event_id(timer.ref());
                }
              } else {
                const auto& a = event.signal_external_workflow_execution_initiated_event_attributes();
                if (outcome.ok()) {
                  e = m.NewEvent(enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED);
                  auto* r = e.mutable_external_workflow_execution_signaled_event_attributes();
                  r->set_initiated_event_id(timer.ref());
                  r->set_namespace_(target_ns);
                  *r->mutable_workflow_execution() = a.workflow_execution();
                } else {
                  e = m.NewEvent(enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED);
                  auto* f = e.mutable_signal_external_workflow_execution_failed_event_attributes();
                  f->set_cause(enums::SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND);
                  f->set_workflow_task_completed_event_id(a.workflow_task_completed_event_id());
                  f->set_namespace_(target_ns);
                  *f->mutable_workflow_execution() = a.workflow_execution();
                  f->set_initiated_event_id(timer.ref());
                }
              }
              AddWorkflowEvents(m, {std::move(e)});
            },
            done);
      };
      if (!ns) return record(NotFound("namespace " + target_ns + " not found"));
      const bool child_only =
          cancel ? event.request_cancel_external_workflow_execution_initiated_event_attributes()
                       .child_workflow_only()
                 : event.signal_external_workflow_execution_initiated_event_attributes()
                       .child_workflow_only();
      const ExternalSender sender{self, timer.ref(), child_only};
      if (cancel) {
        const auto& a = event.request_cancel_external_workflow_execution_initiated_event_attributes();
        wsv1::RequestCancelWorkflowExecutionRequest r;
        *r.mutable_workflow_execution() = a.workflow_execution();
        r.set_reason(a.reason());
        r.set_request_id(request_id);
        return RequestCancelFrom(
            *ns, r, sender,
            [record](Result<wsv1::RequestCancelWorkflowExecutionResponse> o) { record(o.status()); });
      }
      const auto& a = event.signal_external_workflow_execution_initiated_event_attributes();
      wsv1::SignalWorkflowExecutionRequest r;
      *r.mutable_workflow_execution() = a.workflow_execution();
      r.set_signal_name(a.signal_name());
      *r.mutable_input() = a.input();
      *r.mutable_header() = a.header();
      r.set_request_id(request_id);
      return SignalFrom(*ns, r, sender,
                        [record](Result<wsv1::SignalWorkflowExecutionResponse> o) {
                          record(o.status());
                        });
    }
    case kReportToParent: {
      auto close = EventOf(lease, timer.ref());
      if (!close.ok()) return done(false);
      const auto& started = s.started();
      const RunId parent_run(started.parent_workflow_execution().run_id());
      const int64_t initiated = started.parent_initiated_event_id();
      const std::string ns = own_ns->info.name();
      const std::string type = started.workflow_type().name();
      const HistoryEvent closing = *close;
      lease.reset();
      return runs_.With(parent_run, [this, run_id, timer, self, ns, type, initiated, closing,
                                     done](Result<LeasePtr> parent) {
        auto finish = [this, run_id, timer, done] {
          RecordTransferOutcome(run_id, timer, [](RunMutation&) {}, done);
        };
        if (!parent.ok()) return finish();  // The parent is gone: nobody to tell.
        MutableState& p = (*parent)->state();
        auto child = p.children().find(initiated);
        if (p.status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING || child == p.children().end()) {
          return finish();  // Closed, or told already.
        }
        if (child->second.started_event_id() == 0) {
          // The parent has not recorded the start yet: try again shortly.
          parent->reset();
          return RecordTransferOutcome(run_id, timer, RetryLater(timer), done);
        }
        RunMutation m(&p, options_.env->Now());
        auto outcome = ChildOutcome(m, closing, ns, self, type, initiated,
                                    child->second.started_event_id());
        if (!outcome) return finish();
        AddWorkflowEvents(m, {std::move(*outcome)});
        Commit(std::move(*parent), m, [finish](Status) { finish(); });
      });
    }
    case kParentClosePolicy: {
      std::vector<std::pair<WorkflowExecution, int>> children;
      for (const auto& [initiated, child] : s.children()) {
        if (child.run_id().empty()) continue;
        WorkflowExecution e;
        e.set_workflow_id(child.workflow_id());
        children.emplace_back(e, child.parent_close_policy());
      }
      const storage::NamespaceRecord ns = *own_ns;
      lease.reset();
      auto remaining = std::make_shared<std::atomic<int>>(static_cast<int>(children.size()) + 1);
      auto finish = [this, run_id, timer, done, remaining] {
        if (--*remaining == 0) RecordTransferOutcome(run_id, timer, [](RunMutation&) {}, done);
      };
      for (const auto& [execution, policy] : children) {
        if (policy == enums::PARENT_CLOSE_POLICY_TERMINATE) {
          wsv1::TerminateWorkflowExecutionRequest r;
          *r.mutable_workflow_execution() = execution;
          r.set_reason("by parent close policy");
          Terminate(ns, r, [finish](Result<wsv1::TerminateWorkflowExecutionResponse>) { finish(); });
        } else if (policy == enums::PARENT_CLOSE_POLICY_REQUEST_CANCEL) {
          wsv1::RequestCancelWorkflowExecutionRequest r;
          *r.mutable_workflow_execution() = execution;
          r.set_reason("by parent close policy");
          RequestCancel(ns, r,
                        [finish](Result<wsv1::RequestCancelWorkflowExecutionResponse>) { finish(); });
        } else {
          finish();
        }
      }
      return finish();
    }
    default:
      return done(true);
  }
}

}  // namespace endure::engine::history
