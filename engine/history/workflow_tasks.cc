// The workflow-task life cycle steps shared by the history service's operations: scheduling
// (sticky or normal), transient retries, flushing buffered events, and closing a run.
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "temporal/api/enums/v1/failed_cause.pb.h"
#include "temporal/api/enums/v1/task_queue.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;

// Appends events in order. An activity's closing event that follows its lazily written
// ActivityTaskStarted in the same list refers to it by kStartedInThisBatch until the Started
// event has its id.
void AppendLinked(RunMutation& m, google::protobuf::RepeatedPtrField<HistoryEvent>& events) {
  int64_t started_id = 0;
  for (auto& e : events) {
    switch (e.event_type()) {
      case enums::EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        auto* a = e.mutable_activity_task_completed_event_attributes();
        if (a->started_event_id() == kStartedInThisBatch) a->set_started_event_id(started_id);
        break;
      }
      case enums::EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        auto* a = e.mutable_activity_task_failed_event_attributes();
        if (a->started_event_id() == kStartedInThisBatch) a->set_started_event_id(started_id);
        break;
      }
      case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        auto* a = e.mutable_activity_task_timed_out_event_attributes();
        if (a->started_event_id() == kStartedInThisBatch) a->set_started_event_id(started_id);
        break;
      }
      case enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
        auto* a = e.mutable_activity_task_canceled_event_attributes();
        if (a->started_event_id() == kStartedInThisBatch) a->set_started_event_id(started_id);
        break;
      }
      default:
        break;
    }
    const bool is_started = e.event_type() == enums::EVENT_TYPE_ACTIVITY_TASK_STARTED;
    const int64_t id = m.Append(std::move(e));
    if (is_started) started_id = id;
  }
}

}  // namespace

void HistoryEngine::ScheduleWorkflowTask(RunMutation& m) {
  MutableState& s = m.state();
  if (s.status() != enums::WORKFLOW_EXECUTION_STATUS_RUNNING) return;
  if (s.workflow_task().scheduled_event_id() != 0) return;
  for (const auto& timer : s.pending().armed_timers()) {
    if (timer.kind() == kFirstWorkflowTaskBackoff) return;  // The run has not begun yet.
  }
  const auto& sticky = s.pending().sticky();
  // A sticky queue nobody polls any more would hold the task until its schedule-to-start
  // timeout: send it to the normal queue at once instead.
  const bool use_sticky =
      !sticky.name().empty() &&
      options_.matching->HasLivePoller(NamespaceId(s.namespace_id()), sticky.name(),
                                       storage::TaskKind::kWorkflow);
  HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_SCHEDULED);
  auto* a = event.mutable_workflow_task_scheduled_event_attributes();
  if (use_sticky) {
    a->mutable_task_queue()->set_name(sticky.name());
    a->mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_STICKY);
    a->mutable_task_queue()->set_normal_name(s.started().task_queue().name());
  } else {
    a->mutable_task_queue()->set_name(s.started().task_queue().name());
    a->mutable_task_queue()->set_kind(enums::TASK_QUEUE_KIND_NORMAL);
  }
  *a->mutable_start_to_close_timeout() = s.started().workflow_task_timeout();
  a->set_attempt(1);
  const std::string queue = a->task_queue().name();
  const int64_t id = m.Append(std::move(event));
  m.AddTask(storage::TaskKind::kWorkflow, queue, id);
  if (use_sticky && sticky.schedule_to_start_timeout() > 0) {
    m.ArmTimer(kWorkflowTaskScheduleToStart, id, 1,
               m.now_nanos() + sticky.schedule_to_start_timeout());
  }
}

void HistoryEngine::ScheduleRetryOfWorkflowTask(RunMutation& m, int32_t attempt) {
  MutableState& s = m.state();
  if (attempt <= 1) {
    ScheduleWorkflowTask(m);
    return;
  }
  // A retry after a failure writes no events until it completes (a transient workflow task).
  auto* transient = s.mutable_pending()->mutable_transient_task();
  transient->Clear();
  transient->set_attempt(attempt);
  transient->set_scheduled_time(m.now_nanos());
  ApplyTransientTask(&s);
  m.AddTask(storage::TaskKind::kWorkflow, s.started().task_queue().name(),
            s.workflow_task().scheduled_event_id());
}

void HistoryEngine::FlushBufferedEvents(RunMutation& m) {
  auto* buffered = m.state().mutable_pending()->mutable_buffered_events();
  if (buffered->empty()) return;
  google::protobuf::RepeatedPtrField<HistoryEvent> events;
  events.Swap(buffered);
  AppendLinked(m, events);
}

void HistoryEngine::AddWorkflowEvents(RunMutation& m, std::vector<HistoryEvent> events) {
  MutableState& s = m.state();
  if (s.pending().has_transient_task() && !s.pending().transient_task().started()) {
    // New events turn a transient retry into a normal task, written after them.
    s.mutable_pending()->clear_transient_task();
    s.clear_workflow_task();
  }
  if (s.workflow_task().started_event_id() != 0) {
    for (auto& event : events) m.Buffer(std::move(event));
    return;
  }
  google::protobuf::RepeatedPtrField<HistoryEvent> list(std::make_move_iterator(events.begin()),
                                                        std::make_move_iterator(events.end()));
  AppendLinked(m, list);
  ScheduleWorkflowTask(m);
}

void HistoryEngine::CloseRun(RunMutation& m) {
  MutableState& s = m.state();
  m.DisarmAllTimers();
  auto* pending = s.mutable_pending();
  pending->clear_activity_attempts();
  pending->clear_sticky();
  pending->clear_transient_task();
  m.UpdateVisibility();
  // Work left for other runs: the parent learns how its child ended (unless the child goes on
  // as a new run, which reports in its place), and the children get their parent close policy.
  if (!m.continues() && s.started().has_parent_workflow_execution()) {
    m.ArmTimer(kReportToParent, s.close_event_id(), 0, m.now_nanos());
  }
  for (const auto& [initiated, child] : s.children()) {
    if (child.parent_close_policy() != enums::PARENT_CLOSE_POLICY_ABANDON) {
      m.ArmTimer(kParentClosePolicy, s.close_event_id(), 0, m.now_nanos());
      break;
    }
  }
  // The current-run pointer stays as it is: a closed run stays current (its status is in its
  // execution row) until a run continuing it, or a later start, takes its place.
}

void HistoryEngine::ForceCloseWorkflowTask(RunMutation& m, const std::string& identity) {
  MutableState& s = m.state();
  const auto& task = s.workflow_task();
  if (task.scheduled_event_id() == 0) return;
  if (s.pending().has_transient_task()) {
    // A transient task has no events to close.
    s.mutable_pending()->clear_transient_task();
    s.clear_workflow_task();
    return;
  }
  if (task.started_event_id() == 0) {
    s.clear_workflow_task();  // Scheduled only: nothing waits for its end.
    return;
  }
  HistoryEvent failed = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_TASK_FAILED);
  auto* a = failed.mutable_workflow_task_failed_event_attributes();
  a->set_scheduled_event_id(task.scheduled_event_id());
  a->set_started_event_id(task.started_event_id());
  a->set_cause(enums::WORKFLOW_TASK_FAILED_CAUSE_FORCE_CLOSE_COMMAND);
  a->set_identity(identity);
  m.Append(std::move(failed));
}

}  // namespace endure::engine::history
