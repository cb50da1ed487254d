// StartWorkflowExecution: creates a run (WorkflowExecutionStarted, the first workflow task and
// the run's timeout timer in one transition), with request-id dedupe and the workflow id's
// reuse policy toward a closed previous run.
#include "engine/history/cron.h"
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "engine/history/timeouts.h"
#include "storage/base/uuid.h"
#include "temporal/api/enums/v1/task_queue.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/errordetails/v1/message.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

// WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING, deprecated in the API (for the conflict policy
// TERMINATE_EXISTING) and still sent by older clients.
constexpr auto kTerminateIfRunning = static_cast<enums::WorkflowIdReusePolicy>(4);

Status AlreadyStarted(const storage::CurrentExecutionRecord& current, const std::string& why) {
  temporal::api::errordetails::v1::WorkflowExecutionAlreadyStartedFailure detail;
  detail.set_start_request_id(current.create_request_id);
  detail.set_run_id(current.run_id.value());
  return AlreadyExists(why + " WorkflowId: " + current.workflow_id.value() +
                       ", RunId: " + current.run_id.value() + ".")
      .WithDetail(detail);
}

// Whether a new run may reuse the id of the closed run `current` (Temporal's reuse policies).
Status CheckReusePolicy(enums::WorkflowIdReusePolicy policy,
                        const storage::CurrentExecutionRecord& current) {
  switch (policy) {
    case enums::WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE:
      return AlreadyStarted(current,
                            "Workflow execution already finished and WorkflowIdReusePolicy is "
                            "REJECT_DUPLICATE.");
    case enums::WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY:
      if (current.status == enums::WORKFLOW_EXECUTION_STATUS_COMPLETED) {
        return AlreadyStarted(current,
                              "Workflow execution already finished successfully and "
                              "WorkflowIdReusePolicy is ALLOW_DUPLICATE_FAILED_ONLY.");
      }
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

Status CheckPayloadSize(const temporal::api::common::v1::Payloads& payloads, int64_t limit,
                        const char* field) {
  if (static_cast<int64_t>(payloads.ByteSizeLong()) > limit) {
    return InvalidArgument(std::string(field) + " exceeds the size limit of " +
                           std::to_string(limit) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

void HistoryEngine::StartWorkflow(const storage::NamespaceRecord& ns,
                                  const wsv1::StartWorkflowExecutionRequest& request,
                                  Callback<wsv1::StartWorkflowExecutionResponse> done) {
  StartRun(ns, request, std::nullopt, std::move(done));
}

void HistoryEngine::SignalWithStart(const storage::NamespaceRecord& ns,
                                    const wsv1::SignalWithStartWorkflowExecutionRequest& request,
                                    Callback<wsv1::SignalWithStartWorkflowExecutionResponse> done) {
  if (request.signal_name().empty()) return done(InvalidArgument("SignalName is not set on request."));
  if (request.workflow_id_conflict_policy() == enums::WORKFLOW_ID_CONFLICT_POLICY_FAIL) {
    return done(InvalidArgument(
        "SignalWithStartWorkflowExecution cannot use WorkflowIdConflictPolicy FAIL"));
  }
  wsv1::StartWorkflowExecutionRequest start;
  start.set_namespace_(request.namespace_());
  start.set_workflow_id(request.workflow_id());
  *start.mutable_workflow_type() = request.workflow_type();
  *start.mutable_task_queue() = request.task_queue();
  *start.mutable_input() = request.input();
  *start.mutable_workflow_execution_timeout() = request.workflow_execution_timeout();
  *start.mutable_workflow_run_timeout() = request.workflow_run_timeout();
  *start.mutable_workflow_task_timeout() = request.workflow_task_timeout();
  start.set_identity(request.identity());
  start.set_request_id(request.request_id());
  start.set_workflow_id_reuse_policy(request.workflow_id_reuse_policy());
  // Signal-with-start signals a running workflow unless told to replace it.
  start.set_workflow_id_conflict_policy(
      request.workflow_id_conflict_policy() == enums::WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED
          ? enums::WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING
          : request.workflow_id_conflict_policy());
  if (request.has_retry_policy()) *start.mutable_retry_policy() = request.retry_policy();
  start.set_cron_schedule(request.cron_schedule());
  *start.mutable_memo() = request.memo();
  *start.mutable_search_attributes() = request.search_attributes();
  *start.mutable_header() = request.header();
  *start.mutable_workflow_start_delay() = request.workflow_start_delay();
  if (request.has_priority()) *start.mutable_priority() = request.priority();
  StartSignal signal{request.signal_name(), request.signal_input(), request.header()};
  StartRun(ns, start, signal,
           [done = std::move(done)](Result<wsv1::StartWorkflowExecutionResponse> started) {
             if (!started.ok()) return done(started.status());
             wsv1::SignalWithStartWorkflowExecutionResponse response;
             response.set_run_id(started->run_id());
             response.set_started(started->started());
             done(std::move(response));
           });
}

void HistoryEngine::StartRun(const storage::NamespaceRecord& ns,
                             const wsv1::StartWorkflowExecutionRequest& request,
                             std::optional<StartSignal> signal,
                             Callback<wsv1::StartWorkflowExecutionResponse> done,
                             std::optional<ParentRef> parent, bool read_current) {
  if (request.workflow_id().empty()) return done(InvalidArgument("WorkflowId is not set on request."));
  if (request.workflow_id().size() > 1000) return done(InvalidArgument("WorkflowId is too long."));
  if (request.workflow_type().name().empty()) {
    return done(InvalidArgument("WorkflowType is not set on request."));
  }
  if (request.task_queue().name().empty()) {
    return done(InvalidArgument("TaskQueue is not set on request."));
  }
  if (auto s = CheckPayloadSize(request.input(), options_.blob_size_limit, "input"); !s.ok()) {
    return done(s);
  }
  if (signal) {
    if (auto s = CheckPayloadSize(signal->input, options_.blob_size_limit, "signal input");
        !s.ok()) {
      return done(s);
    }
  }
  if (request.workflow_start_delay().seconds() < 0 || request.workflow_start_delay().nanos() < 0) {
    return done(InvalidArgument("WorkflowStartDelay is negative."));
  }
  if (!request.cron_schedule().empty() && ToNanos(request.workflow_start_delay()).count() > 0) {
    return done(InvalidArgument("CronSchedule and WorkflowStartDelay may not be used together."));
  }
  if (options_.search_attributes != nullptr) {
    if (auto s = options_.search_attributes->Check(ns.id, request.search_attributes()); !s.ok()) {
      return done(s);
    }
  }
  auto timeouts = NormalizeWorkflowTimeouts(request.workflow_execution_timeout(),
                                            request.workflow_run_timeout(),
                                            request.workflow_task_timeout());
  if (!timeouts.ok()) return done(timeouts.status());
  temporal::api::common::v1::RetryPolicy retry_policy = request.retry_policy();
  if (request.has_retry_policy()) {
    if (auto s = NormalizeRetryPolicy(&retry_policy); !s.ok()) return done(s);
  }
  const std::string request_id =
      request.request_id().empty() ? NewUuid(options_.env) : request.request_id();

  // Most starts are of a workflow id never used before, and the write checks that anyway (its
  // current-run condition): those go without reading the current run first. Only when the write
  // finds one (ABORTED, before it has written anything) is it read, and the id reuse and
  // conflict policies applied to it, as Temporal's history service does. A signal-with-start
  // reads first: it is usually for a run that is there.
  std::optional<storage::CurrentExecutionRecord> previous;
  if (signal || read_current) {
    auto current = options_.store->GetCurrentExecution(ns.id, WorkflowId(request.workflow_id()));
    if (current.ok()) {
      if (current->create_request_id == request_id) {
        // The same request again (a client retry): the run it created answers it.
        wsv1::StartWorkflowExecutionResponse response;
        response.set_run_id(current->run_id.value());
        response.set_started(true);
        return done(std::move(response));
      }
      if (current->status == enums::WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return OnConflict(ns, request, std::move(signal), *current, std::move(done));
      }
      if (auto s = CheckReusePolicy(request.workflow_id_reuse_policy(), *current); !s.ok()) {
        return done(s);
      }
      previous = std::move(*current);
    } else if (current.status().code() != StatusCode::kNotFound) {
      return done(current.status());
    }
  }

  const std::string run_id = NewTimeOrderedUuid(options_.env);
  const TimePoint now = options_.env->Now();
  RunStart start;
  start.namespace_id = ns.id.value();
  start.workflow_id = request.workflow_id();
  start.run_id = run_id;
  start.request_id = request_id;
  start.signal = signal;
  start.backoff = ToNanos(request.workflow_start_delay());
  if (!request.cron_schedule().empty()) {
    auto schedule = ParseCron(request.cron_schedule());
    if (!schedule.ok()) return done(schedule.status());
    start.backoff = NextCronTime(*schedule, now) - now;  // The first run waits for its time.
  }
  if (previous) start.previous_run = previous->run_id;
  // Eager workflow start: the starter's own worker runs the first task, handed back with the
  // start instead of through matching. Only for a run that begins at once; a signal-with-start
  // or a child cannot ask for it.
  if (request.request_eager_execution() && !signal && !parent) {
    start.eager_identity = request.identity();
  }
  start.dispatch = true;
  auto& a = start.started;
  *a.mutable_workflow_type() = request.workflow_type();
  a.mutable_task_queue()->set_name(request.task_queue().name());
  a.mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  *a.mutable_input() = request.input();
  SetDuration(a.mutable_workflow_execution_timeout(), timeouts->execution);
  SetDuration(a.mutable_workflow_run_timeout(), timeouts->run);
  SetDuration(a.mutable_workflow_task_timeout(), timeouts->task);
  a.set_original_execution_run_id(run_id);
  a.set_identity(request.identity());
  a.set_first_execution_run_id(run_id);
  if (request.has_retry_policy()) *a.mutable_retry_policy() = retry_policy;
  a.set_attempt(1);
  if (timeouts->execution.count() > 0) {
    SetTimestamp(a.mutable_workflow_execution_expiration_time(),
                 now.time_since_epoch().count() + start.backoff.count() +
                     timeouts->execution.count());
  }
  a.set_cron_schedule(request.cron_schedule());
  *a.mutable_memo() = request.memo();
  *a.mutable_search_attributes() = request.search_attributes();
  *a.mutable_header() = request.header();
  a.set_workflow_id(request.workflow_id());
  if (request.has_priority()) *a.mutable_priority() = request.priority();
  if (parent) {
    a.set_parent_workflow_namespace(parent->namespace_name);
    a.set_parent_workflow_namespace_id(parent->namespace_id);
    *a.mutable_parent_workflow_execution() = parent->execution;
    a.set_parent_initiated_event_id(parent->initiated_event_id);
    *a.mutable_root_workflow_execution() = parent->root;
  }

  NewRun run = BuildNewRun(std::move(start), now);
  Submit(std::move(run.transition),
         [this, ns, request, signal, parent, run_id, state = run.state, eager = run.eager,
          dispatched = std::move(run.dispatched), tasks = std::move(run.tasks),
          timers = std::move(run.timers),
          done = std::move(done)](Result<storage::Committed> committed) mutable {
           if (!committed.ok()) {
             ReleaseDispatched(dispatched);
             if (committed.status().code() == StatusCode::kAborted) {
               // The workflow id has a current run (or another start won the race): answer as
               // the policies say.
               return StartRun(ns, request, std::move(signal), std::move(done), parent,
                               /*read_current=*/true);
             }
             return done(committed.status());
           }
           for (size_t i = 0; i < tasks.size(); ++i) tasks[i].task_id = committed->task_ids[i];
           // The run's history is the events just written.
           KeptHistory kept(1, std::move(committed->events));
           wsv1::StartWorkflowExecutionResponse response;
           response.set_run_id(run_id);
           response.set_started(true);
           if (eager) {
             // The run has no queries or updates yet.
             auto task = WorkflowTaskResponse(*state, &kept, *eager);
             if (task.ok()) *response.mutable_eager_workflow_task() = std::move(*task);
           }
           auto answers = AnswersOf(std::move(dispatched), *state, &kept);
           runs_.Insert(std::move(*state), 1, std::move(kept));
           timers_->Apply(timers);  // Before `done`, as in Commit.
           done(std::move(response));
           for (auto& answer : answers) answer();
           options_.matching->AddTasks(tasks);
         });
}

void HistoryEngine::OnConflict(const storage::NamespaceRecord& ns,
                               const wsv1::StartWorkflowExecutionRequest& request,
                               std::optional<StartSignal> signal,
                               const storage::CurrentExecutionRecord& current,
                               Callback<wsv1::StartWorkflowExecutionResponse> done) {
  auto policy = request.workflow_id_conflict_policy();
  if (request.workflow_id_reuse_policy() == kTerminateIfRunning) {
    policy = enums::WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING;
  }
  wsv1::StartWorkflowExecutionResponse existing;
  existing.set_run_id(current.run_id.value());
  existing.set_started(false);
  switch (policy) {
    case enums::WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING: {
      if (!signal) return done(std::move(existing));
      wsv1::SignalWorkflowExecutionRequest r;
      r.mutable_workflow_execution()->set_workflow_id(current.workflow_id.value());
      r.mutable_workflow_execution()->set_run_id(current.run_id.value());
      r.set_signal_name(signal->name);
      *r.mutable_input() = signal->input;
      *r.mutable_header() = signal->header;
      r.set_identity(request.identity());
      return Signal(ns, r,
                    [existing, done = std::move(done)](
                        Result<wsv1::SignalWorkflowExecutionResponse> signaled) {
                      if (!signaled.ok()) return done(signaled.status());
                      done(existing);
                    });
    }
    case enums::WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING: {
      wsv1::TerminateWorkflowExecutionRequest r;
      r.mutable_workflow_execution()->set_workflow_id(current.workflow_id.value());
      r.mutable_workflow_execution()->set_run_id(current.run_id.value());
      r.set_reason("terminated by a start with WorkflowIdConflictPolicy TERMINATE_EXISTING");
      r.set_identity(request.identity());
      wsv1::StartWorkflowExecutionRequest again = request;
      again.set_workflow_id_reuse_policy(enums::WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
      again.set_workflow_id_conflict_policy(enums::WORKFLOW_ID_CONFLICT_POLICY_FAIL);
      return Terminate(ns, r,
                       [this, ns, again = std::move(again), signal = std::move(signal),
                        done = std::move(done)](
                           Result<wsv1::TerminateWorkflowExecutionResponse> terminated) mutable {
                         // NOT_FOUND: it closed by itself meanwhile; start anyway.
                         if (!terminated.ok() && terminated.status().code() != StatusCode::kNotFound) {
                           return done(terminated.status());
                         }
                         StartRun(ns, again, std::move(signal), std::move(done));
                       });
    }
    default:
      return done(AlreadyStarted(current, "Workflow execution is already running."));
  }
}

}  // namespace endure::engine::history
