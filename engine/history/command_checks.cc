#include "engine/history/command_checks.h"

#include "engine/history/durations.h"

namespace endure::engine::history {
namespace {

using temporal::api::command::v1::Command;
using Cause = temporal::api::enums::v1::WorkflowTaskFailedCause;
namespace enums = temporal::api::enums::v1;

CommandRejection Reject(Cause cause, std::string message) { return {cause, std::move(message)}; }

}  // namespace

bool IsTerminal(const Command& command) {
  switch (command.command_type()) {
    case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
    case enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
    case enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
    case enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return true;
    default:
      return false;
  }
}

Status CheckCommandOrder(const Commands& commands) {
  for (int i = 0; i + 1 < commands.size(); ++i) {
    if (IsTerminal(commands[i])) {
      return InvalidArgument("command " + std::to_string(i + 1) + " (" +
                             enums::CommandType_Name(commands[i].command_type()) +
                             ") closes the workflow but is followed by " +
                             std::to_string(commands.size() - i - 1) + " more");
    }
  }
  return Status::Ok();
}

std::optional<CommandRejection> CheckCommandAttributes(const Command& c) {
  switch (c.command_type()) {
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
      constexpr Cause kCause = enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES;
      if (!c.has_schedule_activity_task_command_attributes()) {
        return Reject(kCause, "ScheduleActivityTask without its attributes");
      }
      const auto& a = c.schedule_activity_task_command_attributes();
      if (a.activity_id().empty()) return Reject(kCause, "activity_id is not set");
      if (a.activity_type().name().empty()) return Reject(kCause, "activity_type is not set");
      if (ToNanos(a.schedule_to_close_timeout()).count() <= 0 &&
          ToNanos(a.start_to_close_timeout()).count() <= 0) {
        return Reject(kCause,
                      "either schedule_to_close_timeout or start_to_close_timeout is required");
      }
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
      if (!c.has_request_cancel_activity_task_command_attributes() ||
          c.request_cancel_activity_task_command_attributes().scheduled_event_id() <= 0) {
        return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
                      "RequestCancelActivityTask needs the activity's scheduled_event_id");
      }
      return std::nullopt;
    case enums::COMMAND_TYPE_START_TIMER: {
      constexpr Cause kCause = enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_START_TIMER_ATTRIBUTES;
      if (!c.has_start_timer_command_attributes()) {
        return Reject(kCause, "StartTimer without its attributes");
      }
      const auto& a = c.start_timer_command_attributes();
      if (a.timer_id().empty()) return Reject(kCause, "timer_id is not set");
      if (ToNanos(a.start_to_fire_timeout()).count() <= 0) {
        return Reject(kCause, "start_to_fire_timeout must be positive");
      }
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_CANCEL_TIMER:
      if (!c.has_cancel_timer_command_attributes() ||
          c.cancel_timer_command_attributes().timer_id().empty()) {
        return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
                      "CancelTimer needs a timer_id");
      }
      return std::nullopt;
    case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      if (!c.has_complete_workflow_execution_command_attributes()) {
        return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES,
                      "CompleteWorkflowExecution without its attributes");
      }
      return std::nullopt;
    case enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      if (!c.has_fail_workflow_execution_command_attributes() ||
          !c.fail_workflow_execution_command_attributes().has_failure()) {
        return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES,
                      "FailWorkflowExecution needs a failure");
      }
      return std::nullopt;
    case enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      if (!c.has_cancel_workflow_execution_command_attributes()) {
        return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_WORKFLOW_EXECUTION_ATTRIBUTES,
                      "CancelWorkflowExecution without its attributes");
      }
      return std::nullopt;
    case enums::COMMAND_TYPE_RECORD_MARKER:
      if (!c.has_record_marker_command_attributes() ||
          c.record_marker_command_attributes().marker_name().empty()) {
        return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES,
                      "RecordMarker needs a marker_name");
      }
      return std::nullopt;
    case enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      if (!c.has_upsert_workflow_search_attributes_command_attributes() ||
          c.upsert_workflow_search_attributes_command_attributes()
              .search_attributes()
              .indexed_fields()
              .empty()) {
        return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES,
                      "UpsertWorkflowSearchAttributes needs at least one search attribute");
      }
      return std::nullopt;
    case enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION: {
      constexpr auto kCause =
          enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES;
      if (!c.has_continue_as_new_workflow_execution_command_attributes()) {
        return Reject(kCause, "ContinueAsNewWorkflowExecution without its attributes");
      }
      const auto& a = c.continue_as_new_workflow_execution_command_attributes();
      if (a.workflow_run_timeout().seconds() < 0 || a.workflow_task_timeout().seconds() < 0 ||
          a.backoff_start_interval().seconds() < 0) {
        return Reject(kCause, "ContinueAsNewWorkflowExecution has a negative duration");
      }
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
      constexpr auto kCause = enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_START_CHILD_EXECUTION_ATTRIBUTES;
      if (!c.has_start_child_workflow_execution_command_attributes()) {
        return Reject(kCause, "StartChildWorkflowExecution without its attributes");
      }
      const auto& a = c.start_child_workflow_execution_command_attributes();
      if (a.workflow_id().empty()) return Reject(kCause, "workflow_id is not set");
      if (a.workflow_type().name().empty()) return Reject(kCause, "workflow_type is not set");
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
      constexpr auto kCause =
          enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SIGNAL_WORKFLOW_EXECUTION_ATTRIBUTES;
      if (!c.has_signal_external_workflow_execution_command_attributes()) {
        return Reject(kCause, "SignalExternalWorkflowExecution without its attributes");
      }
      const auto& a = c.signal_external_workflow_execution_command_attributes();
      if (a.execution().workflow_id().empty()) return Reject(kCause, "execution is not set");
      if (a.signal_name().empty()) return Reject(kCause, "signal_name is not set");
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
      if (!c.has_request_cancel_external_workflow_execution_command_attributes() ||
          c.request_cancel_external_workflow_execution_command_attributes().workflow_id().empty()) {
        return Reject(
            enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_ATTRIBUTES,
            "RequestCancelExternalWorkflowExecution needs a workflow_id");
      }
      return std::nullopt;
    case enums::COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
      if (!c.has_modify_workflow_properties_command_attributes()) {
        return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES,
                      "ModifyWorkflowProperties without its attributes");
      }
      return std::nullopt;
    default:
      return Reject(enums::WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND,
                    "command " + enums::CommandType_Name(c.command_type()) +
                        " is not handled by this server yet");
  }
}

}  // namespace endure::engine::history
