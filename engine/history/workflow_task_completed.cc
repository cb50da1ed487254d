// RespondWorkflowTaskCompleted and RespondWorkflowTaskFailed, and the failure of a workflow task
// that timed out: the end of a workflow task, with its commands applied or its retry scheduled.
#include "engine/history/command_checks.h"
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using endure::history::TaskToken;

Status TaskNotFound() { return NotFound("Workflow task not found."); }

// The run and attempt a workflow task token names, checked against the namespace.
Result<TaskToken> WorkflowToken(const storage::NamespaceRecord& ns, const std::string& bytes) {
  ENDURE_ASSIGN_OR_RETURN(TaskToken token, DecodeTaskToken(bytes));
  if (token.kind() != TaskToken::KIND_WORKFLOW) {
    return InvalidArgument("task token is not a workflow task's");
  }
  if (token.namespace_id() != ns.id.value()) {
    return InvalidArgument("task token belongs to another namespace");
  }
  return token;
}

bool TokenMatches(const MutableState& s, const TaskToken& token) {
  const auto& wt = s.workflow_task();
  return s.status() == enums::WORKFLOW_EXECUTION_STATUS_RUNNING &&
         s.workflow_id() == token.workflow_id() && wt.scheduled_event_id() != 0 &&
         wt.scheduled_event_id() == token.scheduled_event_id() && wt.started_event_id() != 0 &&
         wt.started_event_id() == token.started_event_id() && wt.attempt() == token.attempt();
}

temporal::api::failure::v1::Failure ServerFailure(const std::string& message) {
  temporal::api::failure::v1::Failure f;
  f.set_message(message);
  f.set_source("Endure");
  f.mutable_server_failure_info()->set_non_retryable(true);
  return f;
}

}  // namespace

// Ends the started workflow task as failed (or timed out) and schedules its retry: a transient
// one with attempt + 1, or after a sticky failure or flushed buffered events, a normal one.
void HistoryEngine::FailWorkflowTask(RunMutation& m, enums::WorkflowTaskFailedCause cause,
                                     const temporal::api::failure::v1::Failure& failure,
                                     const std::string& identity,
                                     std::optional<enums::TimeoutType> timeout) {
  MutableState& s = m.state();
  const auto wt = s.workflow_task();
  updates_.Resend(RunId(s.run_id()));  // The retry carries them again.
  m.DisarmTimers([&](const endure::history::ArmedTimer& t) {
    return (t.kind() == kWorkflowTaskStartToClose || t.kind() == kWorkflowTaskScheduleToStart) &&
           t.ref() == wt.scheduled_event_id();
  });
  if (s.pending().has_transient_task()) {
    // A failed transient task leaves no trace in history.
    s.mutable_pending()->clear_transient_task();
    s.clear_workflow_task();
  } else if (timeout) {
    HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT);
    auto* a = event.mutable_workflow_task_timed_out_event_attributes();
    a->set_scheduled_event_id(wt.scheduled_event_id());
    a->set_started_event_id(wt.started_event_id());
    a->set_timeout_type(*timeout);
    m.Append(std::move(event));
  } else {
    HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_FAILED);
    auto* a = event.mutable_workflow_task_failed_event_attributes();
    a->set_scheduled_event_id(wt.scheduled_event_id());
    a->set_started_event_id(wt.started_event_id());
    a->set_cause(cause);
    *a->mutable_failure() = failure;
    a->set_identity(identity);
    m.Append(std::move(event));
  }
  // On a sticky queue the worker's cache is suspect, not the workflow: retry from scratch on the
  // normal queue without counting an attempt.
  if (wt.sticky()) s.mutable_pending()->clear_sticky();
  const int32_t next_attempt = wt.sticky() ? wt.attempt() : wt.attempt() + 1;
  if (!s.pending().buffered_events().empty()) {
    FlushBufferedEvents(m);
    ScheduleWorkflowTask(m);  // New events: a normal task, attempt 1.
  } else {
    ScheduleRetryOfWorkflowTask(m, next_attempt);
  }
}

// Applies a completion's commands; returns why the task fails instead, if it does.
std::optional<HistoryEngine::CommandFailure> HistoryEngine::CompleteWorkflowTask(
    RunMutation& m, const wsv1::RespondWorkflowTaskCompletedRequest& request,
    CompletionEffects* effects) {
  MutableState& s = m.state();
  const auto wt = s.workflow_task();
  if (s.pending().has_transient_task()) {
    // The retry succeeded: its Scheduled and Started events are written now, with its attempt.
    const auto transient = s.pending().transient_task();
    s.mutable_pending()->clear_transient_task();
    HistoryEvent scheduled = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
    SetTimestamp(scheduled.mutable_event_time(), transient.scheduled_time());
    auto* sa = scheduled.mutable_workflow_task_scheduled_event_attributes();
    *sa->mutable_task_queue() = s.started().task_queue();
    *sa->mutable_start_to_close_timeout() = s.started().workflow_task_timeout();
    sa->set_attempt(transient.attempt());
    m.Append(std::move(scheduled));
    HistoryEvent started = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_STARTED);
    SetTimestamp(started.mutable_event_time(), transient.started_time());
    auto* st = started.mutable_workflow_task_started_event_attributes();
    st->set_scheduled_event_id(wt.scheduled_event_id());
    st->set_identity(transient.identity());
    st->set_request_id(transient.request_id());
    st->set_history_size_bytes(s.history_size_bytes());
    m.Append(std::move(started));
  }
  HistoryEvent completed = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  auto* c = completed.mutable_workflow_task_completed_event_attributes();
  c->set_scheduled_event_id(wt.scheduled_event_id());
  c->set_started_event_id(wt.started_event_id());
  c->set_identity(request.identity());
  if (request.has_sdk_metadata()) *c->mutable_sdk_metadata() = request.sdk_metadata();
  if (request.has_metering_metadata()) *c->mutable_metering_metadata() = request.metering_metadata();
  const int64_t completed_id = m.Append(std::move(completed));
  m.DisarmTimers([&](const endure::history::ArmedTimer& t) {
    return (t.kind() == kWorkflowTaskStartToClose || t.kind() == kWorkflowTaskScheduleToStart) &&
           t.ref() == wt.scheduled_event_id();
  });

  const auto& sticky = request.sticky_attributes();
  if (!sticky.worker_task_queue().name().empty()) {
    auto* kept = s.mutable_pending()->mutable_sticky();
    kept->set_name(sticky.worker_task_queue().name());
    kept->set_schedule_to_start_timeout(ToNanos(sticky.schedule_to_start_timeout()).count());
  } else {
    s.mutable_pending()->clear_sticky();
  }

  bool needs_new_task = request.force_create_new_workflow_task();
  bool closes = false;
  // Protocol messages (updates) are applied where their ProtocolMessage command stands, or
  // after every command when none places them.
  std::vector<bool> applied(static_cast<size_t>(request.messages_size()), false);
  auto apply_message = [&](int i) -> std::optional<CommandFailure> {
    if (applied[static_cast<size_t>(i)]) return std::nullopt;
    applied[static_cast<size_t>(i)] = true;
    return ApplyUpdateMessage(m, request.messages(i), &effects->updates);
  };
  for (const auto& command : request.commands()) {
    if (command.command_type() == temporal::api::enums::v1::COMMAND_TYPE_PROTOCOL_MESSAGE) {
      const auto& id = command.protocol_message_command_attributes().message_id();
      int index = -1;
      for (int i = 0; i < request.messages_size(); ++i) {
        if (request.messages(i).id() == id) index = i;
      }
      if (index < 0) {
        return CommandFailure{
            temporal::api::enums::v1::WORKFLOW_TASK_FAILED_CAUSE_BAD_UPDATE_WORKFLOW_EXECUTION_MESSAGE,
            "ProtocolMessage command names no message " + id};
      }
      if (auto failure = apply_message(index)) return failure;
      continue;
    }
    if (auto failure =
            ApplyCommand(m, command, completed_id, &needs_new_task, &effects->eager_activities)) {
      return failure;
    }
    closes = closes || IsTerminal(command);
  }
  for (int i = 0; i < request.messages_size(); ++i) {
    if (auto failure = apply_message(i)) return failure;
  }
  // Updates admitted while this task ran need a task of their own.
  needs_new_task = needs_new_task || updates_.HasUndelivered(RunId(s.run_id()));
  if (!s.pending().buffered_events().empty()) {
    // The workflow decided without seeing these events: it may not close over them.
    if (closes) {
      return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND, "UnhandledCommand"};
    }
    FlushBufferedEvents(m);
    needs_new_task = true;
  }
  // Activities asked for eagerly start now, for the completing worker, unless the run closes or
  // a later command of this task cancelled them (they were never dispatched, so that cancel
  // closed them already).
  auto& eager = effects->eager_activities;
  if (closes) eager.clear();
  std::erase_if(eager, [&](int64_t id) { return !s.activities().contains(id); });
  for (int64_t id : eager) StartActivityAttempt(m, id, request.identity());
  if (closes) {
    CloseRun(m);
  } else if (needs_new_task) {
    ScheduleWorkflowTask(m);
  }
  return std::nullopt;
}

void HistoryEngine::WithStartedWorkflowTask(const TaskToken& token,
                                            std::function<void(Result<LeasePtr>)> op) {
  runs_.With(RunId(token.run_id()), [token, op = std::move(op)](Result<LeasePtr> lease) {
    if (!lease.ok()) {
      return op(lease.status().code() == StatusCode::kNotFound ? TaskNotFound() : lease.status());
    }
    if (!TokenMatches((*lease)->state(), token)) return op(TaskNotFound());
    op(std::move(lease));
  });
}

void HistoryEngine::RespondWorkflowTaskCompleted(
    const storage::NamespaceRecord& ns,
    std::shared_ptr<const wsv1::RespondWorkflowTaskCompletedRequest> kept,
    Callback<wsv1::RespondWorkflowTaskCompletedResponse> done) {
  auto token = WorkflowToken(ns, kept->task_token());
  if (!token.ok()) return done(token.status());
  if (auto order = CheckCommandOrder(kept->commands()); !order.ok()) return done(order);
  WithStartedWorkflowTask(*token, [this, kept = std::move(kept),
                                   done = std::move(done)](Result<LeasePtr> lease) mutable {
    if (!lease.ok()) return done(lease.status());
    const wsv1::RespondWorkflowTaskCompletedRequest& request = *kept;
    MutableState& s = (*lease)->state();
    const TimePoint now = options_.env->Now();
    RunMutation m(&s, now);
    auto effects = std::make_shared<CompletionEffects>();
    auto failure = CompleteWorkflowTask(m, request, effects.get());
    if (!failure) {
      return Commit(std::move(*lease), m,
                    [this, state = &s, kept, effects, done = std::move(done)](Status committed) {
                      if (!committed.ok()) return done(committed);
                      const RunId run(state->run_id());
                      queries_.AnswerFromCompletion(run, kept->query_results());
                      ApplyUpdateEffects(run, effects->updates);
                      wsv1::RespondWorkflowTaskCompletedResponse response;
                      for (int64_t id : effects->eager_activities) {
                        *response.add_activity_tasks() =
                            ActivityTaskOf(*state, id, kept->namespace_());
                      }
                      done(std::move(response));
                    });
    }
    // A failing completion writes only its failure: start again from the stored state (failures
    // are rare, so nothing is copied in advance for them).
    if (Status reloaded = (*lease)->Reload(); !reloaded.ok()) return done(reloaded);
    if (failure->terminates) {
      // Retrying the task would only carry the same payload again: the run ends here.
      RunMutation ended(&s, now);
      if (s.pending().has_transient_task()) {
        ForceCloseWorkflowTask(ended, request.identity());  // No events to close.
      } else {
        HistoryEvent failed = ended.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_FAILED);
        auto* f = failed.mutable_workflow_task_failed_event_attributes();
        f->set_scheduled_event_id(s.workflow_task().scheduled_event_id());
        f->set_started_event_id(s.workflow_task().started_event_id());
        f->set_cause(failure->cause);
        *f->mutable_failure() = ServerFailure(failure->message);
        f->set_identity(request.identity());
        ended.Append(std::move(failed));
      }
      FlushBufferedEvents(ended);
      HistoryEvent terminated = ended.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED);
      auto* a = terminated.mutable_workflow_execution_terminated_event_attributes();
      a->set_reason(failure->message);
      a->set_identity("history-service");
      ended.Append(std::move(terminated));
      CloseRun(ended);
      return Commit(std::move(*lease), ended,
                    [done = std::move(done), message = failure->message](Status committed) {
                      if (!committed.ok()) return done(committed);
                      done(InvalidArgument(message));
                    });
    }
    if (s.workflow_task().attempt() > 1 &&
        failure->cause != enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND) {
      // A retry that fails the same way is left to time out rather than spin.
      return done(InvalidArgument(failure->message));
    }
    RunMutation failed(&s, now);
    FailWorkflowTask(failed, failure->cause, ServerFailure(failure->message), request.identity(),
                     std::nullopt);
    Commit(std::move(*lease), failed,
           [done = std::move(done), message = failure->message](Status committed) {
             if (!committed.ok()) return done(committed);
             done(InvalidArgument(message));
           });
  });
}

void HistoryEngine::RespondWorkflowTaskFailed(const storage::NamespaceRecord& ns,
                                              const wsv1::RespondWorkflowTaskFailedRequest& request,
                                              Callback<wsv1::RespondWorkflowTaskFailedResponse> done) {
  auto token = WorkflowToken(ns, request.task_token());
  if (!token.ok()) return done(token.status());
  WithStartedWorkflowTask(*token, [this, request,
                                    done = std::move(done)](Result<LeasePtr> lease) mutable {
    if (!lease.ok()) return done(lease.status());
    MutableState& s = (*lease)->state();
    RunMutation m(&s, options_.env->Now());
    FailWorkflowTask(m, request.cause(), request.failure(), request.identity(), std::nullopt);
    Commit(std::move(*lease), m, [done = std::move(done)](Status committed) {
      if (!committed.ok()) return done(committed);
      done(wsv1::RespondWorkflowTaskFailedResponse());
    });
  });
}

}  // namespace endure::engine::history
