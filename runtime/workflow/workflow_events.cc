// The events that resolve what a run waits for: timers firing, activities and children ending,
// external signals and cancellations delivered, signals and cancel requests arriving.
#include "runtime/payloads.h"
#include "runtime/proto_time.h"
#include "runtime/workflow/workflow_run.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::failure::v1::Failure;

Status Unknown(const HistoryEvent& e, const std::string& what) {
  return Status(kNonDeterminism, "event " + std::to_string(e.event_id()) + ": " + what +
                                     " that the workflow code did not start");
}

// The failure an activity or child ended with, as workflow code sees it: its application type
// and message, from the failure or its cause.
std::pair<std::string, bool> TypeOf(const Failure& f, const std::string& fallback) {
  const Failure& root = f.has_cause() ? f.cause() : f;
  if (root.has_application_failure_info()) {
    return {root.application_failure_info().type(),
            root.application_failure_info().non_retryable()};
  }
  if (root.has_timeout_failure_info()) return {"TimeoutError", true};
  if (root.has_canceled_failure_info()) return {"CancelledError", true};
  return {fallback, false};
}

std::string MessageOf(const Failure& f) {
  return f.has_cause() && !f.cause().message().empty() ? f.cause().message() : f.message();
}

template <typename Map>
auto Take(Map& map, int64_t id) -> typename Map::mapped_type {
  auto it = map.find(id);
  if (it == map.end()) return nullptr;
  auto op = std::move(it->second);
  map.erase(it);
  return op;
}

}  // namespace

Status WorkflowRun::ApplyResolution(const HistoryEvent& e) {
  switch (e.event_type()) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
      const auto& a = e.workflow_execution_started_event_attributes();
      ENDURE_ASSIGN_OR_RETURN(input_, FromPayloads(a.input()));
      if (info_.workflow_type.empty()) info_.workflow_type = a.workflow_type().name();
      if (info_.task_queue.empty()) info_.task_queue = a.task_queue().name();
      info_.attempt = a.attempt() > 0 ? a.attempt() : 1;
      now_ = TimeOf(e.event_time());
      return Status::Ok();
    }
    case enums::EVENT_TYPE_TIMER_FIRED: {
      auto op = Take(timers_, e.timer_fired_event_attributes().started_event_id());
      if (!op) return Unknown(e, "a timer fired");
      RemoveCanceller(op->canceller);
      op->state->Resolve(Unit{});
      return Status::Ok();
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_FAILED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
      int64_t scheduled = 0;
      if (e.has_activity_task_completed_event_attributes()) {
        scheduled = e.activity_task_completed_event_attributes().scheduled_event_id();
      } else if (e.has_activity_task_failed_event_attributes()) {
        scheduled = e.activity_task_failed_event_attributes().scheduled_event_id();
      } else if (e.has_activity_task_timed_out_event_attributes()) {
        scheduled = e.activity_task_timed_out_event_attributes().scheduled_event_id();
      } else {
        scheduled = e.activity_task_canceled_event_attributes().scheduled_event_id();
      }
      auto op = Take(activities_, scheduled);
      if (!op) return Unknown(e, "an activity ended");
      RemoveCanceller(op->canceller);
      if (op->cancelled) return Status::Ok();  // The workflow stopped waiting for it.
      if (e.has_activity_task_completed_event_attributes()) {
        auto result = FromPayloads(e.activity_task_completed_event_attributes().result());
        if (!result.ok()) return result.status().WithContext("activity " + op->type);
        op->state->Resolve(std::move(*result));
        return Status::Ok();
      }
      Failure failure;
      std::string fallback = "ActivityError";
      if (e.has_activity_task_failed_event_attributes()) {
        failure = e.activity_task_failed_event_attributes().failure();
      } else if (e.has_activity_task_timed_out_event_attributes()) {
        failure = e.activity_task_timed_out_event_attributes().failure();
        fallback = "TimeoutError";
      } else {
        failure.set_message("activity cancelled");
        fallback = "CancelledError";
      }
      auto [type, non_retryable] = TypeOf(failure, fallback);
      op->state->Fail(std::make_exception_ptr(
          ActivityError(MessageOf(failure), op->type, type, non_retryable)));
      return Status::Ok();
    }
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED: {
      auto op =
          Take(children_,
               e.start_child_workflow_execution_failed_event_attributes().initiated_event_id());
      if (!op) return Unknown(e, "a child failed to start");
      op->state->Fail(std::make_exception_ptr(
          ChildWorkflowError("child workflow " + op->id + " could not start: its id is in use",
                             op->type, "WorkflowExecutionAlreadyStarted")));
      return Status::Ok();
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED: {
      const auto& a = e.child_workflow_execution_completed_event_attributes();
      auto op = Take(children_, a.initiated_event_id());
      if (!op) return Unknown(e, "a child completed");
      auto result = FromPayloads(a.result());
      if (!result.ok()) return result.status().WithContext("child " + op->id);
      op->state->Resolve(std::move(*result));
      return Status::Ok();
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED: {
      int64_t initiated = 0;
      std::string message;
      std::string type;
      if (e.has_child_workflow_execution_failed_event_attributes()) {
        const auto& a = e.child_workflow_execution_failed_event_attributes();
        initiated = a.initiated_event_id();
        message = MessageOf(a.failure());
        type = TypeOf(a.failure(), "ChildWorkflowFailed").first;
      } else if (e.has_child_workflow_execution_canceled_event_attributes()) {
        initiated = e.child_workflow_execution_canceled_event_attributes().initiated_event_id();
        message = "child workflow cancelled";
        type = "CancelledError";
      } else if (e.has_child_workflow_execution_timed_out_event_attributes()) {
        initiated = e.child_workflow_execution_timed_out_event_attributes().initiated_event_id();
        message = "child workflow timed out";
        type = "TimeoutError";
      } else {
        initiated = e.child_workflow_execution_terminated_event_attributes().initiated_event_id();
        message = "child workflow terminated";
        type = "TerminatedError";
      }
      auto op = Take(children_, initiated);
      if (!op) return Unknown(e, "a child ended");
      op->state->Fail(std::make_exception_ptr(ChildWorkflowError(message, op->type, type)));
      return Status::Ok();
    }
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED: {
      const int64_t initiated =
          e.has_external_workflow_execution_signaled_event_attributes()
              ? e.external_workflow_execution_signaled_event_attributes().initiated_event_id()
              : e.external_workflow_execution_cancel_requested_event_attributes()
                    .initiated_event_id();
      auto op = Take(externals_, initiated);
      if (!op) return Unknown(e, "an external request was delivered");
      op->state->Resolve(Unit{});
      return Status::Ok();
    }
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED: {
      const int64_t initiated =
          e.has_signal_external_workflow_execution_failed_event_attributes()
              ? e.signal_external_workflow_execution_failed_event_attributes().initiated_event_id()
              : e.request_cancel_external_workflow_execution_failed_event_attributes()
                    .initiated_event_id();
      auto op = Take(externals_, initiated);
      if (!op) return Unknown(e, "an external request failed");
      op->state->Fail(std::make_exception_ptr(
          ApplicationError("workflow " + op->id + " not found", "ExternalWorkflowNotFound")));
      return Status::Ok();
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
      const auto& a = e.workflow_execution_signaled_event_attributes();
      ENDURE_ASSIGN_OR_RETURN(Json input, FromPayloads(a.input()));
      signals_.push_back({a.signal_name(), std::move(input)});
      return Status::Ok();
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      // Delivered at the next activation: the commands cancelling what is in flight belong to
      // that workflow task.
      cancel_requested_ = true;
      return Status::Ok();
    default:
      // Scheduling, starts of activities, children and workflow tasks: nothing waits on them.
      return Status::Ok();
  }
}

}  // namespace endure::runtime
