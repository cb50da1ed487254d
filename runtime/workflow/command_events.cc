#include "runtime/workflow/command_events.h"

#include "runtime/workflow/markers.h"

#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::command::v1::Command;
using temporal::api::history::v1::HistoryEvent;

enums::EventType EventOf(enums::CommandType type) {
  switch (type) {
    case enums::COMMAND_TYPE_START_TIMER:
      return enums::EVENT_TYPE_TIMER_STARTED;
    case enums::COMMAND_TYPE_CANCEL_TIMER:
      return enums::EVENT_TYPE_TIMER_CANCELED;
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
      return enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
    case enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
      return enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED;
    case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
    case enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED;
    case enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED;
    case enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;
    case enums::COMMAND_TYPE_RECORD_MARKER:
      return enums::EVENT_TYPE_MARKER_RECORDED;
    case enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED;
    case enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
    case enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED;
    case enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      return enums::EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES;
    default:
      return enums::EVENT_TYPE_UNSPECIFIED;
  }
}

}  // namespace

bool IsCommandEvent(const HistoryEvent& event) {
  switch (event.event_type()) {
    case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED:
    case enums::EVENT_TYPE_TIMER_STARTED:
    case enums::EVENT_TYPE_TIMER_CANCELED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
    case enums::EVENT_TYPE_MARKER_RECORDED:
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
    case enums::EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
    case enums::EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
      return true;
    default:
      return false;
  }
}

bool Records(const HistoryEvent& e, const Command& c) {
  if (c.command_type() == enums::COMMAND_TYPE_PROTOCOL_MESSAGE) {
    // "<update id>/accept" is recorded as UpdateAccepted, "<update id>/complete" as
    // UpdateCompleted (workflow_updates.cc names them so).
    const std::string& id = c.protocol_message_command_attributes().message_id();
    if (e.has_workflow_execution_update_accepted_event_attributes()) {
      return id == e.workflow_execution_update_accepted_event_attributes().protocol_instance_id() +
                       "/accept";
    }
    if (e.has_workflow_execution_update_completed_event_attributes()) {
      return id == e.workflow_execution_update_completed_event_attributes().meta().update_id() +
                       "/complete";
    }
    return false;
  }
  if (EventOf(c.command_type()) != e.event_type()) return false;
  switch (c.command_type()) {
    case enums::COMMAND_TYPE_START_TIMER:
      return c.start_timer_command_attributes().timer_id() ==
             e.timer_started_event_attributes().timer_id();
    case enums::COMMAND_TYPE_CANCEL_TIMER:
      return c.cancel_timer_command_attributes().timer_id() ==
             e.timer_canceled_event_attributes().timer_id();
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
      const auto& a = c.schedule_activity_task_command_attributes();
      const auto& b = e.activity_task_scheduled_event_attributes();
      return a.activity_id() == b.activity_id() &&
             a.activity_type().name() == b.activity_type().name();
    }
    case enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK:
      return c.request_cancel_activity_task_command_attributes().scheduled_event_id() ==
             e.activity_task_cancel_requested_event_attributes().scheduled_event_id();
    case enums::COMMAND_TYPE_RECORD_MARKER:
      return SameMarker(e.marker_recorded_event_attributes(), c.record_marker_command_attributes());
    case enums::COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION: {
      const auto& a = c.start_child_workflow_execution_command_attributes();
      const auto& b = e.start_child_workflow_execution_initiated_event_attributes();
      return a.workflow_id() == b.workflow_id() &&
             a.workflow_type().name() == b.workflow_type().name();
    }
    case enums::COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION: {
      const auto& a = c.signal_external_workflow_execution_command_attributes();
      const auto& b = e.signal_external_workflow_execution_initiated_event_attributes();
      return a.execution().workflow_id() == b.workflow_execution().workflow_id() &&
             a.signal_name() == b.signal_name();
    }
    case enums::COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION:
      return c.request_cancel_external_workflow_execution_command_attributes().workflow_id() ==
             e.request_cancel_external_workflow_execution_initiated_event_attributes()
                 .workflow_execution()
                 .workflow_id();
    default:
      return true;
  }
}

std::string Describe(const Command& c) {
  std::string name = enums::CommandType_Name(c.command_type());
  if (c.has_start_timer_command_attributes()) {
    name += " (timer " + c.start_timer_command_attributes().timer_id() + ")";
  } else if (c.has_schedule_activity_task_command_attributes()) {
    const auto& a = c.schedule_activity_task_command_attributes();
    name += " (activity " + a.activity_id() + ", type " + a.activity_type().name() + ")";
  } else if (c.has_start_child_workflow_execution_command_attributes()) {
    const auto& a = c.start_child_workflow_execution_command_attributes();
    name += " (child " + a.workflow_id() + ", type " + a.workflow_type().name() + ")";
  } else if (c.has_record_marker_command_attributes()) {
    name += " (marker " + c.record_marker_command_attributes().marker_name() + ")";
  } else if (c.has_protocol_message_command_attributes()) {
    name += " (" + c.protocol_message_command_attributes().message_id() + ")";
  }
  return name;
}

std::string Describe(const HistoryEvent& e) {
  std::string name = enums::EventType_Name(e.event_type());
  if (e.has_timer_started_event_attributes()) {
    name += " (timer " + e.timer_started_event_attributes().timer_id() + ")";
  } else if (e.has_activity_task_scheduled_event_attributes()) {
    const auto& a = e.activity_task_scheduled_event_attributes();
    name += " (activity " + a.activity_id() + ", type " + a.activity_type().name() + ")";
  } else if (e.has_start_child_workflow_execution_initiated_event_attributes()) {
    const auto& a = e.start_child_workflow_execution_initiated_event_attributes();
    name += " (child " + a.workflow_id() + ", type " + a.workflow_type().name() + ")";
  } else if (e.has_marker_recorded_event_attributes()) {
    name += " (marker " + e.marker_recorded_event_attributes().marker_name() + ")";
  }
  return name;
}

}  // namespace endure::runtime
