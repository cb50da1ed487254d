#include "runtime/workflow/workflow_run.h"
#include "runtime/proto_time.h"

#include <functional>

#include "runtime/failure.h"
#include "runtime/payloads.h"
#include "runtime/workflow/command_events.h"
#include "runtime/workflow/markers.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;

Status NonDeterminism(std::string message) { return Status(kNonDeterminism, std::move(message)); }

}  // namespace

WorkflowRun::WorkflowRun(WorkflowFunction function, WorkflowInfo info)
    : function_(std::move(function)),
      info_(std::move(info)),
      context_(this),
      random_(std::hash<std::string>()(info_.run_id)) {}

WorkflowRun::~WorkflowRun() = default;

void WorkflowRun::AddCommand(Command command, std::function<void(int64_t)> recorded) {
  activation_commands_.push_back(command);
  queued_.push_back({std::move(command), std::move(recorded)});
}

void WorkflowRun::DropUnsentCommand(const std::function<bool(const Command&)>& match) {
  std::erase_if(activation_commands_, match);
  std::erase_if(queued_, [&](const QueuedCommand& q) { return match(q.command); });
}

uint64_t WorkflowRun::AddCanceller(std::function<void()> cancel) {
  const uint64_t id = next_canceller_++;
  cancellers_[id] = std::move(cancel);
  return id;
}

void WorkflowRun::RemoveCanceller(uint64_t id) { cancellers_.erase(id); }

void WorkflowRun::CancelAll() {
  auto cancellers = std::move(cancellers_);
  cancellers_.clear();
  for (auto& [id, cancel] : cancellers) cancel();
}

Result<std::vector<Command>> WorkflowRun::ApplyEvents(
    HistoryEvents events, const std::vector<temporal::api::protocol::v1::Message>& updates) {
  // Patch markers are known up front, as Temporal's SDKs know them: patched() asks whether
  // history has the marker, not whether it has been reached.
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].event_type() == enums::EVENT_TYPE_MARKER_RECORDED) NoteMarker(events[i]);
  }
  activation_commands_.clear();
  bool activated_last = false;
  for (size_t i = 0; i < events.size(); ++i) {
    const HistoryEvent& e = events[i];
    last_event_id_ = e.event_id();
    activated_last = false;
    if (IsCommandEvent(e)) {
      ENDURE_RETURN_IF_ERROR(MatchCommandEvent(e));
      continue;
    }
    if (e.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      const bool last = i + 1 == events.size();
      const bool completed =
          !last && events[i + 1].event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
      // A task that failed or timed out left no trace: its activation is not replayed.
      if (last || completed) {
        // Commands of the previous activation not recorded by now never will be.
        ENDURE_RETURN_IF_ERROR(CheckAllCommandsRecorded());
        activation_commands_.clear();  // Only the last activation's commands are answered.
        messages_.clear();
        if (last) {
          for (const auto& message : updates) {
            PendingUpdate update;
            if (!message.body().UnpackTo(&update.request)) continue;
            update.message_id = message.id();
            update.sequencing_event_id = message.event_id();
            updates_.push_back(std::move(update));
          }
        } else {
          UpdatesAcceptedAfter(events, i);
        }
        ENDURE_RETURN_IF_ERROR(Activate(e, /*replaying=*/!last));
        activated_last = last;
      }
      continue;
    }
    ENDURE_RETURN_IF_ERROR(ApplyResolution(e));
  }
  if (!activated_last) activation_commands_.clear();
  return std::move(activation_commands_);
}

Status WorkflowRun::MatchCommandEvent(const HistoryEvent& e) {
  // A deprecated patch's marker that the code no longer makes (the deprecate_patch call is gone).
  if (IsDeprecatedPatchMarker(e) && (queued_.empty() || !Records(e, queued_.front().command))) {
    return Status::Ok();
  }
  if (queued_.empty()) {
    return NonDeterminism("event " + std::to_string(e.event_id()) + ": history recorded " +
                          Describe(e) + ", but the workflow code made no such command");
  }
  QueuedCommand next = std::move(queued_.front());
  queued_.pop_front();
  if (!Records(e, next.command)) {
    return NonDeterminism("event " + std::to_string(e.event_id()) + ": history recorded " +
                          Describe(e) + ", but the workflow code made " + Describe(next.command));
  }
  if (next.recorded) next.recorded(e.event_id());
  return Status::Ok();
}

Status WorkflowRun::CheckAllCommandsRecorded() const {
  if (queued_.empty()) return Status::Ok();
  return NonDeterminism("after event " + std::to_string(last_event_id_) +
                        ": the workflow code made " + Describe(queued_.front().command) +
                        ", which history does not record");
}

void WorkflowRun::DispatchSignals() {
  // Signals wait for their handler: code registers handlers as it runs, and a signal that
  // arrived first is delivered once the handler exists, in arrival order.
  for (auto it = signals_.begin(); it != signals_.end();) {
    auto handler = signal_handlers_.find(it->name);
    if (handler == signal_handlers_.end()) {
      ++it;
      continue;
    }
    Signal signal = std::move(*it);
    it = signals_.erase(it);
    handler->second(signal.input);
  }
}

bool WorkflowRun::CheckConditions() {
  bool woke = false;
  for (auto it = conditions_.begin(); it != conditions_.end();) {
    if (it->predicate()) {
      it->state->Resolve(Unit{});
      RemoveCanceller(it->canceller);
      it = conditions_.erase(it);
      woke = true;
    } else {
      ++it;
    }
  }
  return woke;
}

Status WorkflowRun::Activate(const HistoryEvent& started, bool replaying) {
  now_ = TimeOf(started.event_time());
  replaying_ = replaying;
  if (completion_made_) return Status::Ok();
  try {
    if (!main_) {
      main_.emplace(function_(context_, input_));
      main_->handle().promise().before_return = [this] { TakeFinalAnswers(); };
      scheduler_.Ready(main_->handle());
    }
    if (cancel_requested_ && !cancel_delivered_) {
      cancel_delivered_ = true;
      CancelAll();
    }
    RunUntilBlocked();
  } catch (const std::exception& e) {
    // Thrown by a signal handler or a condition: a bug in workflow code, retried as a task.
    return Internal(std::string("workflow task failed: ") + e.what());
  }
  return FinishIfDone();
}

void WorkflowRun::RunUntilBlocked() {
  for (;;) {
    for (;;) {
      DispatchSignals();
      const bool updated = DispatchUpdates();
      const bool ran = scheduler_.RunReady();
      if (main_->handle().done() || completion_made_) break;
      if (!CheckConditions() && !ran && !updated) break;
    }
    if (main_->handle().done() || completion_made_) break;
    // Local activities resolve once the code is blocked, live (by the worker) and replaying
    // alike, so the code after them runs in the same order both ways.
    if (!replaying_ || !ResolveRecordedLocalActivities()) break;
  }
  DropFinishedUpdateTasks();
  // Handlers registered after a local activity still get their updates.
  if (replaying_ || local_waiting_.empty()) RejectUnhandledUpdates();
}

void WorkflowRun::TakeFinalAnswers() {
  std::map<std::string, Json> answers;
  for (const auto& [name, handler] : query_handlers_) {
    try {
      answers[name] = handler(nullptr);
    } catch (const std::exception&) {
      // A query that needs arguments has no final answer; asked later, it says so.
    }
  }
  final_answers_ = std::move(answers);
}

Status WorkflowRun::FinishIfDone() {
  if (!main_ || !main_->handle().done() || completion_made_) return Status::Ok();
  // The handlers capture the function's locals, which no longer exist.
  if (!final_answers_) final_answers_.emplace();
  query_handlers_.clear();
  signal_handlers_.clear();
  update_handlers_.clear();
  conditions_.clear();
  Command command;
  auto fail = [&](const std::string& message, const std::string& type, bool non_retryable,
                  const Json& details) {
    command.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
    *command.mutable_fail_workflow_execution_command_attributes()->mutable_failure() =
        ApplicationFailure(message, type, non_retryable, details);
  };
  try {
    Json result = main_->await_resume();
    command.set_command_type(enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
    *command.mutable_complete_workflow_execution_command_attributes()->mutable_result() =
        ToPayloads(result);
  } catch (const WorkflowCancelledError&) {
    command.set_command_type(enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION);
    command.mutable_cancel_workflow_execution_command_attributes();
  } catch (const ApplicationError& e) {
    fail(e.what(), e.type(), e.non_retryable(), e.details());
  } catch (const ActivityError& e) {
    fail(e.what(), e.cause_type(), e.non_retryable(), nullptr);
  } catch (const ChildWorkflowError& e) {
    fail(e.what(), e.cause_type(), false, nullptr);
  } catch (const std::exception& e) {
    return Internal(std::string("workflow task failed: ") + e.what());
  }
  completion_made_ = true;
  AddCommand(std::move(command), nullptr);
  return Status::Ok();
}

Result<Json> WorkflowRun::Query(const std::string& name, const Json& input) {
  if (final_answers_) {
    auto answer = final_answers_->find(name);
    if (answer == final_answers_->end()) {
      return InvalidArgument("query '" + name +
                             "' has no answer: the workflow has returned, and only queries "
                             "its handlers answered without arguments at that point remain");
    }
    return answer->second;
  }
  auto handler = query_handlers_.find(name);
  if (handler == query_handlers_.end()) {
    std::string known;
    for (const auto& [n, h] : query_handlers_) known += (known.empty() ? "" : ", ") + n;
    return InvalidArgument("unknown query type '" + name + "'; known: " + known);
  }
  try {
    return handler->second(input);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("query '") + name + "' failed: " + e.what());
  }
}

}  // namespace endure::runtime
