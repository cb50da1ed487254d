#include "engine/history/state_builder.h"

#include "engine/history/durations.h"
#include "temporal/api/enums/v1/event_type.pb.h"
#include "temporal/api/enums/v1/task_queue.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

void Close(const HistoryEvent& event, enums::WorkflowExecutionStatus status, MutableState* s) {
  s->set_status(status);
  s->set_close_time(ToUnixNanos(event.event_time()));
  s->set_close_event_id(event.event_id());
  s->clear_workflow_task();
}

void MergeFields(const google::protobuf::Map<std::string, temporal::api::common::v1::Payload>& from,
                 google::protobuf::Map<std::string, temporal::api::common::v1::Payload>* into) {
  for (const auto& [name, value] : from) {
    // An empty payload (no data) removes the attribute, as Temporal's upsert does.
    if (value.data().empty() && value.metadata().empty()) {
      into->erase(name);
    } else {
      (*into)[name] = value;
    }
  }
}

}  // namespace

void ApplyEvent(const HistoryEvent& e, MutableState* s) {
  const int64_t time = ToUnixNanos(e.event_time());
  switch (e.event_type()) {
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
      const auto& a = e.workflow_execution_started_event_attributes();
      *s->mutable_started() = a;
      s->set_start_time(time);
      s->set_status(enums::WORKFLOW_EXECUTION_STATUS_RUNNING);
      *s->mutable_search_attributes() = a.search_attributes();
      *s->mutable_memo() = a.memo();
      break;
    }
    case enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED: {
      const auto& a = e.workflow_task_scheduled_event_attributes();
      auto* t = s->mutable_workflow_task();
      t->Clear();
      t->set_scheduled_event_id(e.event_id());
      t->set_attempt(a.attempt());
      t->set_task_queue(a.task_queue().name());
      t->set_sticky(a.task_queue().kind() == enums::TASK_QUEUE_KIND_STICKY);
      t->set_start_to_close_timeout(ToNanos(a.start_to_close_timeout()).count());
      t->set_scheduled_time(time);
      break;
    }
    case enums::EVENT_TYPE_WORKFLOW_TASK_STARTED: {
      const auto& a = e.workflow_task_started_event_attributes();
      auto* t = s->mutable_workflow_task();
      t->set_started_event_id(e.event_id());
      t->set_started_time(time);
      t->set_request_id(a.request_id());
      t->set_identity(a.identity());
      break;
    }
    case enums::EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      s->set_last_completed_started_event_id(
          e.workflow_task_completed_event_attributes().started_event_id());
      s->clear_workflow_task();
      break;
    case enums::EVENT_TYPE_WORKFLOW_TASK_FAILED:
    case enums::EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
      s->clear_workflow_task();
      break;
    case enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
      auto& activity = (*s->mutable_activities())[e.event_id()];
      *activity.mutable_scheduled() = e.activity_task_scheduled_event_attributes();
      activity.set_scheduled_time(time);
      break;
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED: {
      const auto id = e.activity_task_cancel_requested_event_attributes().scheduled_event_id();
      auto it = s->mutable_activities()->find(id);
      if (it != s->mutable_activities()->end()) it->second.set_cancel_requested_event_id(e.event_id());
      break;
    }
    case enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      s->mutable_activities()->erase(e.activity_task_completed_event_attributes().scheduled_event_id());
      break;
    case enums::EVENT_TYPE_ACTIVITY_TASK_FAILED:
      s->mutable_activities()->erase(e.activity_task_failed_event_attributes().scheduled_event_id());
      break;
    case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
      s->mutable_activities()->erase(e.activity_task_timed_out_event_attributes().scheduled_event_id());
      break;
    case enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED:
      s->mutable_activities()->erase(e.activity_task_canceled_event_attributes().scheduled_event_id());
      break;
    case enums::EVENT_TYPE_TIMER_STARTED: {
      const auto& a = e.timer_started_event_attributes();
      auto& timer = (*s->mutable_timers())[a.timer_id()];
      timer.set_started_event_id(e.event_id());
      timer.set_fire_time(time + ToNanos(a.start_to_fire_timeout()).count());
      break;
    }
    case enums::EVENT_TYPE_TIMER_FIRED:
      s->mutable_timers()->erase(e.timer_fired_event_attributes().timer_id());
      break;
    case enums::EVENT_TYPE_TIMER_CANCELED:
      s->mutable_timers()->erase(e.timer_canceled_event_attributes().timer_id());
      break;
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
      const auto& a = e.start_child_workflow_execution_initiated_event_attributes();
      auto& child = (*s->mutable_children())[e.event_id()];
      child.set_namespace_(a.namespace_());
      child.set_workflow_id(a.workflow_id());
      child.set_workflow_type(a.workflow_type().name());
      child.set_parent_close_policy(a.parent_close_policy());
      break;
    }
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED: {
      const auto& a = e.child_workflow_execution_started_event_attributes();
      auto it = s->mutable_children()->find(a.initiated_event_id());
      if (it != s->mutable_children()->end()) {
        it->second.set_run_id(a.workflow_execution().run_id());
        it->second.set_started_event_id(e.event_id());
      }
      break;
    }
    case enums::EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED:
      s->mutable_children()->erase(
          e.start_child_workflow_execution_failed_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
      s->mutable_children()->erase(
          e.child_workflow_execution_completed_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
      s->mutable_children()->erase(
          e.child_workflow_execution_failed_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED:
      s->mutable_children()->erase(
          e.child_workflow_execution_canceled_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TIMED_OUT:
      s->mutable_children()->erase(
          e.child_workflow_execution_timed_out_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_TERMINATED:
      s->mutable_children()->erase(
          e.child_workflow_execution_terminated_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: {
      const auto& a = e.signal_external_workflow_execution_initiated_event_attributes();
      auto& request = (*s->mutable_external_requests())[e.event_id()];
      request.set_namespace_(a.namespace_());
      request.set_workflow_id(a.workflow_execution().workflow_id());
      request.set_run_id(a.workflow_execution().run_id());
      request.set_child_workflow_only(a.child_workflow_only());
      break;
    }
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED: {
      const auto& a = e.request_cancel_external_workflow_execution_initiated_event_attributes();
      auto& request = (*s->mutable_external_requests())[e.event_id()];
      request.set_cancel(true);
      request.set_namespace_(a.namespace_());
      request.set_workflow_id(a.workflow_execution().workflow_id());
      request.set_run_id(a.workflow_execution().run_id());
      request.set_child_workflow_only(a.child_workflow_only());
      break;
    }
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED:
      s->mutable_external_requests()->erase(
          e.external_workflow_execution_signaled_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
      s->mutable_external_requests()->erase(
          e.signal_external_workflow_execution_failed_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      s->mutable_external_requests()->erase(
          e.external_workflow_execution_cancel_requested_event_attributes().initiated_event_id());
      break;
    case enums::EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED:
      s->mutable_external_requests()->erase(
          e.request_cancel_external_workflow_execution_failed_event_attributes()
              .initiated_event_id());
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
      (*s->mutable_updates())[e.workflow_execution_update_accepted_event_attributes()
                                  .protocol_instance_id()]
          .set_accepted_event_id(e.event_id());
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
      (*s->mutable_updates())[e.workflow_execution_update_completed_event_attributes()
                                  .meta()
                                  .update_id()]
          .set_completed_event_id(e.event_id());
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
      if (s->cancel_requested_event_id() == 0) s->set_cancel_requested_event_id(e.event_id());
      break;
    case enums::EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      MergeFields(e.upsert_workflow_search_attributes_event_attributes()
                      .search_attributes()
                      .indexed_fields(),
                  s->mutable_search_attributes()->mutable_indexed_fields());
      break;
    case enums::EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED:
      MergeFields(e.workflow_properties_modified_event_attributes().upserted_memo().fields(),
                  s->mutable_memo()->mutable_fields());
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
      Close(e, enums::WORKFLOW_EXECUTION_STATUS_COMPLETED, s);
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
      Close(e, enums::WORKFLOW_EXECUTION_STATUS_FAILED, s);
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
      Close(e, enums::WORKFLOW_EXECUTION_STATUS_TIMED_OUT, s);
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
      Close(e, enums::WORKFLOW_EXECUTION_STATUS_CANCELED, s);
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
      Close(e, enums::WORKFLOW_EXECUTION_STATUS_TERMINATED, s);
      break;
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
      Close(e, enums::WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, s);
      break;
    default:
      break;  // Signals, markers and lazily written ActivityTaskStarted change nothing kept.
  }
  s->set_next_event_id(e.event_id() + 1);
  s->set_history_size_bytes(s->history_size_bytes() + static_cast<int64_t>(e.ByteSizeLong()));
}

void ApplyTransientTask(MutableState* s) {
  if (!s->pending().has_transient_task()) return;
  const auto& transient = s->pending().transient_task();
  auto* t = s->mutable_workflow_task();
  t->Clear();
  // A transient task's events would be the next two; it borrows their ids.
  t->set_scheduled_event_id(s->next_event_id());
  t->set_started_event_id(transient.started() ? s->next_event_id() + 1 : 0);
  t->set_attempt(transient.attempt());
  t->set_task_queue(s->started().task_queue().name());
  t->set_start_to_close_timeout(ToNanos(s->started().workflow_task_timeout()).count());
  t->set_scheduled_time(transient.scheduled_time());
  t->set_started_time(transient.started_time());
  t->set_request_id(transient.request_id());
  t->set_identity(transient.identity());
}

MutableState Rebuild(const std::string& namespace_id, const std::string& workflow_id,
                     const std::string& run_id, const std::vector<HistoryEvent>& events,
                     PendingState pending) {
  MutableState s;
  s.set_namespace_id(namespace_id);
  s.set_workflow_id(workflow_id);
  s.set_run_id(run_id);
  s.set_next_event_id(1);
  for (const auto& e : events) ApplyEvent(e, &s);
  *s.mutable_pending() = std::move(pending);
  ApplyTransientTask(&s);
  return s;
}

}  // namespace endure::engine::history
