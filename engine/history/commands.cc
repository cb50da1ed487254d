// Commands of a completed workflow task, each turned into its events (reference 3.10) after
// the checks that need the run's state: duplicate activity and timer ids, activity timeouts
// capped by the run timeout, cancels of activities and timers that do not exist.
#include "engine/history/command_checks.h"
#include "engine/history/durations.h"
#include "engine/history/history_engine.h"
#include "engine/history/timeouts.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::command::v1::Command;

// Whether the activity's closing events wait in the buffer (it finished while this task ran).
bool CloseBuffered(const MutableState& s, int64_t scheduled_event_id) {
  for (const auto& e : s.pending().buffered_events()) {
    switch (e.event_type()) {
      case enums::EVENT_TYPE_ACTIVITY_TASK_STARTED:
        if (e.activity_task_started_event_attributes().scheduled_event_id() == scheduled_event_id) {
          return true;
        }
        break;
      case enums::EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        if (e.activity_task_timed_out_event_attributes().scheduled_event_id() ==
            scheduled_event_id) {
          return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

// The payload a command carries, the failure cause of its kind, and the field's name, for the
// blob size limit; nullopt for commands without a payload of their own.
struct CarriedPayload {
  size_t bytes;
  enums::WorkflowTaskFailedCause cause;
  const char* field;
};

std::optional<CarriedPayload> PayloadOf(const Command& c) {
  switch (c.command_type()) {
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
      return CarriedPayload{c.schedule_activity_task_command_attributes().input().ByteSizeLong(),
                            enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
                            "ScheduleActivityTaskCommandAttributes.Input"};
    case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return CarriedPayload{
          c.complete_workflow_execution_command_attributes().result().ByteSizeLong(),
          enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_COMPLETE_WORKFLOW_EXECUTION_ATTRIBUTES,
          "CompleteWorkflowExecutionCommandAttributes.Result"};
    case enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      return CarriedPayload{c.fail_workflow_execution_command_attributes().failure().ByteSizeLong(),
                            enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_FAIL_WORKFLOW_EXECUTION_ATTRIBUTES,
                            "FailWorkflowExecutionCommandAttributes.Failure"};
    case enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION:
      return CarriedPayload{
          c.cancel_workflow_execution_command_attributes().details().ByteSizeLong(),
          enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_WORKFLOW_EXECUTION_ATTRIBUTES,
          "CancelWorkflowExecutionCommandAttributes.Details"};
    case enums::COMMAND_TYPE_RECORD_MARKER: {
      size_t bytes = 0;
      for (const auto& [name, details] : c.record_marker_command_attributes().details()) {
        bytes += details.ByteSizeLong();
      }
      return CarriedPayload{bytes, enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_RECORD_MARKER_ATTRIBUTES,
                            "RecordMarkerCommandAttributes.Details"};
    }
    case enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
      return CarriedPayload{
          c.upsert_workflow_search_attributes_command_attributes().ByteSizeLong(),
          enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES,
          "UpsertWorkflowSearchAttributesCommandAttributes.SearchAttributes"};
    case enums::COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES:
      return CarriedPayload{
          c.modify_workflow_properties_command_attributes().ByteSizeLong(),
          enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_MODIFY_WORKFLOW_PROPERTIES_ATTRIBUTES,
          "ModifyWorkflowPropertiesCommandAttributes.UpsertedMemo"};
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<HistoryEngine::CommandFailure> HistoryEngine::ApplyCommand(
    RunMutation& m, const Command& command, int64_t completed_id, bool* needs_new_task,
    std::vector<int64_t>* eager_activities) {
  if (auto rejection = CheckCommandAttributes(command)) {
    return CommandFailure{rejection->cause, rejection->message};
  }
  if (auto payload = PayloadOf(command);
      payload && static_cast<int64_t>(payload->bytes) > options_.blob_size_limit) {
    return CommandFailure{payload->cause, std::string(payload->field) + " exceeds size limit.",
                          /*terminates=*/true};
  }
  MutableState& s = m.state();
  switch (command.command_type()) {
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK: {
      auto a = command.schedule_activity_task_command_attributes();
      for (const auto& [id, activity] : s.activities()) {
        if (activity.scheduled().activity_id() == a.activity_id()) {
          return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_SCHEDULE_ACTIVITY_DUPLICATE_ID,
                                "Activity ID " + a.activity_id() + " is already in use"};
        }
      }
      if (a.task_queue().name().empty()) *a.mutable_task_queue() = s.started().task_queue();
      const Nanos run_timeout = ToNanos(s.started().workflow_run_timeout());
      if (auto normalized = NormalizeActivity(&a, run_timeout); !normalized.ok()) {
        return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SCHEDULE_ACTIVITY_ATTRIBUTES,
                              normalized.message()};
      }
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
      auto* e = event.mutable_activity_task_scheduled_event_attributes();
      e->set_activity_id(a.activity_id());
      *e->mutable_activity_type() = a.activity_type();
      *e->mutable_task_queue() = a.task_queue();
      *e->mutable_header() = a.header();
      *e->mutable_input() = a.input();
      *e->mutable_schedule_to_close_timeout() = a.schedule_to_close_timeout();
      *e->mutable_schedule_to_start_timeout() = a.schedule_to_start_timeout();
      *e->mutable_start_to_close_timeout() = a.start_to_close_timeout();
      *e->mutable_heartbeat_timeout() = a.heartbeat_timeout();
      *e->mutable_retry_policy() = a.retry_policy();
      e->set_workflow_task_completed_event_id(completed_id);
      if (a.has_priority()) *e->mutable_priority() = a.priority();
      const int64_t id = m.Append(std::move(event));
      auto& attempt = (*s.mutable_pending()->mutable_activity_attempts())[id];
      attempt.set_attempt(1);
      attempt.set_current_attempt_scheduled_time(m.now_nanos());
      const Nanos schedule_to_close = ToNanos(a.schedule_to_close_timeout());
      if (schedule_to_close.count() > 0) {
        m.ArmTimer(kActivityScheduleToClose, id, 0, m.now_nanos() + schedule_to_close.count());
      }
      // Eager execution: the completing worker asked to run the activity itself. No task goes
      // through matching; the attempt is started once every command is applied (see
      // CompleteWorkflowTask) and handed back in the completion's response.
      if (a.request_eager_execution() && eager_activities != nullptr) {
        eager_activities->push_back(id);
      } else {
        DispatchActivityAttempt(m, id);
      }
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK: {
      const int64_t id = command.request_cancel_activity_task_command_attributes().scheduled_event_id();
      auto it = s.activities().find(id);
      if (it == s.activities().end()) {
        return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_REQUEST_CANCEL_ACTIVITY_ATTRIBUTES,
                              "no open activity was scheduled by event " + std::to_string(id)};
      }
      if (it->second.cancel_requested_event_id() != 0) return std::nullopt;
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED);
      auto* e = event.mutable_activity_task_cancel_requested_event_attributes();
      e->set_scheduled_event_id(id);
      e->set_workflow_task_completed_event_id(completed_id);
      const int64_t requested_id = m.Append(std::move(event));
      const auto& attempts = s.pending().activity_attempts();
      const auto attempt = attempts.find(id);
      const bool running = attempt != attempts.end() && attempt->second.started();
      if (!running && !CloseBuffered(s, id)) {
        // Never dispatched, or waiting out a retry backoff: nothing will report back, so the
        // activity is canceled now and the workflow hears of it in a new task.
        HistoryEvent canceled = m.NewEvent(enums::EVENT_TYPE_ACTIVITY_TASK_CANCELED);
        auto* c = canceled.mutable_activity_task_canceled_event_attributes();
        c->set_latest_cancel_requested_event_id(requested_id);
        c->set_scheduled_event_id(id);
        m.Append(std::move(canceled));
        s.mutable_pending()->mutable_activity_attempts()->erase(id);
        m.DisarmTimers([id](const endure::history::ArmedTimer& t) {
          return t.kind() >= kActivityScheduleToStart && t.kind() <= kActivityRetry && t.ref() == id;
        });
        *needs_new_task = true;
      }
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_START_TIMER: {
      const auto& a = command.start_timer_command_attributes();
      if (s.timers().contains(a.timer_id())) {
        return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_START_TIMER_DUPLICATE_ID,
                              "Timer ID " + a.timer_id() + " is already in use"};
      }
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_TIMER_STARTED);
      auto* e = event.mutable_timer_started_event_attributes();
      e->set_timer_id(a.timer_id());
      *e->mutable_start_to_fire_timeout() = a.start_to_fire_timeout();
      e->set_workflow_task_completed_event_id(completed_id);
      const int64_t id = m.Append(std::move(event));
      m.ArmTimer(kUserTimer, id, 0, s.timers().at(a.timer_id()).fire_time());
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_CANCEL_TIMER: {
      const std::string& timer_id = command.cancel_timer_command_attributes().timer_id();
      auto it = s.timers().find(timer_id);
      if (it == s.timers().end()) {
        return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_CANCEL_TIMER_ATTRIBUTES,
                              "no open timer has ID " + timer_id};
      }
      const int64_t started_id = it->second.started_event_id();
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_TIMER_CANCELED);
      auto* e = event.mutable_timer_canceled_event_attributes();
      e->set_timer_id(timer_id);
      e->set_started_event_id(started_id);
      e->set_workflow_task_completed_event_id(completed_id);
      m.Append(std::move(event));
      m.DisarmTimers([started_id](const endure::history::ArmedTimer& t) {
        return t.kind() == kUserTimer && t.ref() == started_id;
      });
      // A TimerFired still buffered would contradict the cancel the workflow just made.
      auto* buffered = s.mutable_pending()->mutable_buffered_events();
      for (int i = 0; i < buffered->size(); ++i) {
        const auto& b = buffered->Get(i);
        if (b.event_type() == enums::EVENT_TYPE_TIMER_FIRED &&
            b.timer_fired_event_attributes().timer_id() == timer_id) {
          buffered->DeleteSubrange(i, 1);
          break;
        }
      }
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION: {
      const auto& result = command.complete_workflow_execution_command_attributes().result();
      auto next = CronSuccessor(s, m.now(), &result, nullptr);
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
      auto* e = event.mutable_workflow_execution_completed_event_attributes();
      *e->mutable_result() = result;
      e->set_workflow_task_completed_event_id(completed_id);
      if (next) e->set_new_execution_run_id(next->run_id);
      m.Append(std::move(event));
      if (next) ContinueAs(m, std::move(*next));
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION: {
      const auto& failure = command.fail_workflow_execution_command_attributes().failure();
      enums::RetryState retry_state;
      auto retry = RetryOfRun(s, failure, m.now(), &retry_state);
      if (!retry) retry = CronSuccessor(s, m.now(), nullptr, &failure);
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED);
      auto* e = event.mutable_workflow_execution_failed_event_attributes();
      *e->mutable_failure() = failure;
      e->set_retry_state(retry_state);
      e->set_workflow_task_completed_event_id(completed_id);
      if (retry) e->set_new_execution_run_id(retry->run_id);
      m.Append(std::move(event));
      if (retry) ContinueAs(m, std::move(*retry));
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION: {
      const auto& a = command.continue_as_new_workflow_execution_command_attributes();
      ContinuedAs how;
      how.initiator = a.initiator() == enums::CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED
                          ? enums::CONTINUE_AS_NEW_INITIATOR_WORKFLOW
                          : a.initiator();
      how.backoff = ToNanos(a.backoff_start_interval());
      RunStart next = SuccessorOf(s, how);
      auto& started = next.started;
      if (!a.workflow_type().name().empty()) *started.mutable_workflow_type() = a.workflow_type();
      if (!a.task_queue().name().empty()) {
        started.mutable_task_queue()->set_name(a.task_queue().name());
      }
      *started.mutable_input() = a.input();
      if (ToNanos(a.workflow_run_timeout()).count() > 0) {
        *started.mutable_workflow_run_timeout() = a.workflow_run_timeout();
      }
      if (ToNanos(a.workflow_task_timeout()).count() > 0) {
        *started.mutable_workflow_task_timeout() = a.workflow_task_timeout();
      }
      if (a.has_retry_policy()) {
        auto policy = a.retry_policy();
        if (auto normalized = NormalizeRetryPolicy(&policy); !normalized.ok()) {
          return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_CONTINUE_AS_NEW_ATTRIBUTES,
                                normalized.message()};
        }
        *started.mutable_retry_policy() = policy;
      }
      if (a.has_failure()) *started.mutable_continued_failure() = a.failure();
      if (a.has_last_completion_result()) {
        *started.mutable_last_completion_result() = a.last_completion_result();
      }
      if (!a.cron_schedule().empty()) started.set_cron_schedule(a.cron_schedule());
      if (a.has_header()) *started.mutable_header() = a.header();
      if (a.has_memo()) *started.mutable_memo() = a.memo();
      if (a.has_search_attributes()) *started.mutable_search_attributes() = a.search_attributes();

      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
      auto* e = event.mutable_workflow_execution_continued_as_new_event_attributes();
      e->set_new_execution_run_id(next.run_id);
      *e->mutable_workflow_type() = started.workflow_type();
      *e->mutable_task_queue() = started.task_queue();
      *e->mutable_input() = a.input();
      *e->mutable_workflow_run_timeout() = started.workflow_run_timeout();
      *e->mutable_workflow_task_timeout() = started.workflow_task_timeout();
      e->set_workflow_task_completed_event_id(completed_id);
      *e->mutable_backoff_start_interval() = a.backoff_start_interval();
      e->set_initiator(how.initiator);
      if (a.has_last_completion_result()) {
        *e->mutable_last_completion_result() = a.last_completion_result();
      }
      *e->mutable_header() = started.header();
      *e->mutable_memo() = started.memo();
      *e->mutable_search_attributes() = started.search_attributes();
      m.Append(std::move(event));
      ContinueAs(m, std::move(next));
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION: {
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED);
      auto* e = event.mutable_workflow_execution_canceled_event_attributes();
      *e->mutable_details() = command.cancel_workflow_execution_command_attributes().details();
      e->set_workflow_task_completed_event_id(completed_id);
      m.Append(std::move(event));
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_RECORD_MARKER: {
      const auto& a = command.record_marker_command_attributes();
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_MARKER_RECORDED);
      auto* e = event.mutable_marker_recorded_event_attributes();
      e->set_marker_name(a.marker_name());
      *e->mutable_details() = a.details();
      e->set_workflow_task_completed_event_id(completed_id);
      if (a.has_header()) *e->mutable_header() = a.header();
      if (a.has_failure()) *e->mutable_failure() = a.failure();
      m.Append(std::move(event));
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
      const auto& sa =
          command.upsert_workflow_search_attributes_command_attributes().search_attributes();
      if (options_.search_attributes != nullptr) {
        if (auto checked = options_.search_attributes->Check(NamespaceId(s.namespace_id()), sa);
            !checked.ok()) {
          return CommandFailure{enums::WORKFLOW_TASK_FAILED_CAUSE_BAD_SEARCH_ATTRIBUTES,
                                checked.message()};
        }
      }
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES);
      auto* e = event.mutable_upsert_workflow_search_attributes_event_attributes();
      e->set_workflow_task_completed_event_id(completed_id);
      *e->mutable_search_attributes() =
          command.upsert_workflow_search_attributes_command_attributes().search_attributes();
      m.Append(std::move(event));
      m.UpdateVisibility();
      return std::nullopt;
    }
    case enums::COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES: {
      HistoryEvent event = m.NewEvent(enums::EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED);
      auto* e = event.mutable_workflow_properties_modified_event_attributes();
      e->set_workflow_task_completed_event_id(completed_id);
      *e->mutable_upserted_memo() =
          command.modify_workflow_properties_command_attributes().upserted_memo();
      m.Append(std::move(event));
      m.UpdateVisibility();
      return std::nullopt;
    }
    default:
      return ApplyExternalCommand(m, command, completed_id);
  }
}

}  // namespace endure::engine::history
