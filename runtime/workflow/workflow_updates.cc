// Updates in a run: each request the task carries is validated, accepted and handled in the
// activation, answered by protocol messages (Acceptance, Response; or Rejection) and placed in
// history by ProtocolMessage commands. Replaying, the updates a task accepted are found ahead
// in history, after its WorkflowTaskCompleted, and handled again at the same point; rejected
// ones left no trace and do not come back.
#include "runtime/failure.h"
#include "runtime/payloads.h"
#include "runtime/workflow/workflow_run.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;
namespace update = temporal::api::update::v1;
using temporal::api::protocol::v1::Message;

Command ProtocolMessageCommand(const std::string& message_id) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_PROTOCOL_MESSAGE);
  command.mutable_protocol_message_command_attributes()->set_message_id(message_id);
  return command;
}

// A protocol message of update `id`, its id the update's and `step` ("accept", ...).
Message UpdateMessage(const std::string& id, const std::string& step,
                      const google::protobuf::Message& body) {
  Message message;
  message.set_id(id + "/" + step);
  message.set_protocol_instance_id(id);
  message.mutable_body()->PackFrom(body);
  return message;
}

}  // namespace

void WorkflowRun::Reject(const PendingUpdate& pending,
                         temporal::api::failure::v1::Failure failure) {
  update::Rejection rejection;
  rejection.set_rejected_request_message_id(pending.message_id);
  rejection.set_rejected_request_sequencing_event_id(pending.sequencing_event_id);
  *rejection.mutable_rejected_request() = pending.request;
  *rejection.mutable_failure() = std::move(failure);
  messages_.push_back(UpdateMessage(pending.request.meta().update_id(), "reject", rejection));
}

void WorkflowRun::UpdatesAcceptedAfter(HistoryEvents events, size_t started_index) {
  // The task's own events follow its WorkflowTaskCompleted until something else happens.
  for (size_t j = started_index + 2; j < events.size(); ++j) {
    const HistoryEvent& e = events[j];
    if (e.has_workflow_execution_update_accepted_event_attributes()) {
      const auto& a = e.workflow_execution_update_accepted_event_attributes();
      PendingUpdate update;
      update.request = a.accepted_request();
      update.message_id = a.accepted_request_message_id();
      update.sequencing_event_id = a.accepted_request_sequencing_event_id();
      update.replayed = true;
      updates_.push_back(std::move(update));
      continue;
    }
    if (e.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED ||
        e.event_type() == enums::EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      break;
    }
  }
}

bool WorkflowRun::DispatchUpdates() {
  bool ran = false;
  for (auto it = updates_.begin(); it != updates_.end();) {
    const std::string& name = it->request.input().name();
    auto handler = update_handlers_.find(name);
    if (handler == update_handlers_.end()) {
      ++it;  // Its handler may be registered later in this activation.
      continue;
    }
    PendingUpdate pending = std::move(*it);
    it = updates_.erase(it);
    ran = true;
    const std::string& id = pending.request.meta().update_id();
    auto input = FromPayloads(pending.request.input().args());
    const Json args = input.ok() ? *input : Json(nullptr);
    if (!pending.replayed && handler->second.validator) {
      try {
        handler->second.validator(args);
      } catch (const std::exception& e) {
        Reject(pending, ApplicationFailure(e.what(), "ValidationError"));
        continue;
      }
    }
    update::Acceptance acceptance;
    acceptance.set_accepted_request_message_id(pending.message_id);
    acceptance.set_accepted_request_sequencing_event_id(pending.sequencing_event_id);
    *acceptance.mutable_accepted_request() = pending.request;
    messages_.push_back(UpdateMessage(id, "accept", acceptance));
    AddCommand(ProtocolMessageCommand(id + "/accept"), nullptr);

    if (handler->second.async_handler) {
      // Completes when the coroutine returns; it starts now, with the code that is ready.
      update_tasks_.push_back(
          RunAsyncUpdate(handler->second.async_handler, args, id, pending.request));
      scheduler_.Ready(update_tasks_.back().handle());
      continue;
    }

    update::Response response;
    *response.mutable_meta() = pending.request.meta();
    try {
      *response.mutable_outcome()->mutable_success() = ToPayloads(handler->second.handler(args));
    } catch (const ApplicationError& e) {
      *response.mutable_outcome()->mutable_failure() = ApplicationFailure(e.what(), e.type());
    } catch (const std::exception& e) {
      *response.mutable_outcome()->mutable_failure() =
          ApplicationFailure(e.what(), "std::exception");
    }
    messages_.push_back(UpdateMessage(id, "complete", response));
    AddCommand(ProtocolMessageCommand(id + "/complete"), nullptr);
  }
  return ran;
}

Task<void> WorkflowRun::RunAsyncUpdate(std::function<Task<Json>(const Json&)> handler, Json args,
                                       std::string update_id, update::Request request) {
  update::Response response;
  *response.mutable_meta() = request.meta();
  try {
    Json result = co_await handler(args);
    *response.mutable_outcome()->mutable_success() = ToPayloads(result);
  } catch (const ApplicationError& e) {
    *response.mutable_outcome()->mutable_failure() = ApplicationFailure(e.what(), e.type());
  } catch (const std::exception& e) {
    *response.mutable_outcome()->mutable_failure() = ApplicationFailure(e.what(), "std::exception");
  }
  messages_.push_back(UpdateMessage(update_id, "complete", response));
  AddCommand(ProtocolMessageCommand(update_id + "/complete"), nullptr);
}

void WorkflowRun::DropFinishedUpdateTasks() {
  std::erase_if(update_tasks_, [](const Task<void>& t) { return t.handle().done(); });
}

void WorkflowRun::RejectUnhandledUpdates() {
  for (const PendingUpdate& pending : updates_) {
    if (pending.replayed) continue;  // Cannot happen for deterministic code; replay reports it.
    Reject(pending,
           ApplicationFailure("no handler for update '" + pending.request.input().name() + "'",
                              "UpdateNotRegistered"));
  }
  updates_.clear();
}

}  // namespace endure::runtime
