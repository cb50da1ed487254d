#include "runtime/workflow/workflow_run.h"

#include <functional>

#include "runtime/payloads.h"
#include "temporal/api/enums/v1/command_type.pb.h"
#include "temporal/api/enums/v1/event_type.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;

bool IsCommandEvent(enums::EventType type) {
  switch (type) {
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
      return true;
    default:
      return false;
  }
}

// The event a command becomes, and the key both must share.
enums::EventType EventOf(enums::CommandType type) {
  switch (type) {
    case enums::COMMAND_TYPE_START_TIMER:
      return enums::EVENT_TYPE_TIMER_STARTED;
    case enums::COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK:
      return enums::EVENT_TYPE_ACTIVITY_TASK_SCHEDULED;
    case enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED;
    case enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION:
      return enums::EVENT_TYPE_WORKFLOW_EXECUTION_FAILED;
    default:
      return enums::EVENT_TYPE_UNSPECIFIED;
  }
}

std::string Describe(const Command& c) {
  std::string name = enums::CommandType_Name(c.command_type());
  if (c.has_start_timer_command_attributes()) {
    name += " (timer " + c.start_timer_command_attributes().timer_id() + ")";
  } else if (c.has_schedule_activity_task_command_attributes()) {
    const auto& a = c.schedule_activity_task_command_attributes();
    name += " (activity " + a.activity_id() + ", type " + a.activity_type().name() + ")";
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
  } else if (e.has_marker_recorded_event_attributes()) {
    name += " (marker " + e.marker_recorded_event_attributes().marker_name() + ")";
  }
  return name;
}

bool SameKey(const Command& c, const HistoryEvent& e) {
  if (EventOf(c.command_type()) != e.event_type()) return false;
  if (c.has_start_timer_command_attributes()) {
    return c.start_timer_command_attributes().timer_id() ==
           e.timer_started_event_attributes().timer_id();
  }
  if (c.has_schedule_activity_task_command_attributes()) {
    const auto& a = c.schedule_activity_task_command_attributes();
    const auto& b = e.activity_task_scheduled_event_attributes();
    return a.activity_id() == b.activity_id() &&
           a.activity_type().name() == b.activity_type().name();
  }
  return true;
}

Status NonDeterminism(std::string message) { return Status(kNonDeterminism, std::move(message)); }

std::chrono::system_clock::time_point TimeOf(const google::protobuf::Timestamp& t) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos())));
}

// What an activity's final failure looks like to workflow code.
std::exception_ptr ActivityFailure(const std::string& type, const std::string& message,
                                   const temporal::api::failure::v1::Failure* failure,
                                   std::string fallback_type) {
  std::string cause_type = std::move(fallback_type);
  bool non_retryable = false;
  std::string text = message;
  if (failure != nullptr) {
    const temporal::api::failure::v1::Failure& root =
        failure->has_cause() ? failure->cause() : *failure;
    if (root.has_application_failure_info()) {
      cause_type = root.application_failure_info().type();
      non_retryable = root.application_failure_info().non_retryable();
    }
    text = root.message().empty() ? failure->message() : root.message();
  }
  return std::make_exception_ptr(ActivityError(text, type, cause_type, non_retryable));
}

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

Result<std::vector<Command>> WorkflowRun::ApplyEvents(const std::vector<HistoryEvent>& events) {
  activation_commands_.clear();
  bool activated_last = false;
  for (size_t i = 0; i < events.size(); ++i) {
    const HistoryEvent& e = events[i];
    last_event_id_ = e.event_id();
    activated_last = false;
    if (IsCommandEvent(e.event_type())) {
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
        ENDURE_RETURN_IF_ERROR(Activate(e));
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
  if (queued_.empty()) {
    return NonDeterminism("event " + std::to_string(e.event_id()) + ": history recorded " +
                          Describe(e) + ", but the workflow code made no such command");
  }
  QueuedCommand next = std::move(queued_.front());
  queued_.pop_front();
  if (!SameKey(next.command, e)) {
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
      auto it = timers_.find(e.timer_fired_event_attributes().started_event_id());
      if (it == timers_.end()) {
        return NonDeterminism("event " + std::to_string(e.event_id()) +
                              ": a timer fired that the workflow code did not start");
      }
      it->second->Resolve(Unit{});
      timers_.erase(it);
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
      auto it = activities_.find(scheduled);
      if (it == activities_.end()) {
        return NonDeterminism("event " + std::to_string(e.event_id()) +
                              ": an activity ended that the workflow code did not schedule");
      }
      PendingActivity activity = std::move(it->second);
      activities_.erase(it);
      if (e.has_activity_task_completed_event_attributes()) {
        auto result = FromPayloads(e.activity_task_completed_event_attributes().result());
        if (!result.ok()) return result.status().WithContext("activity " + activity.type);
        activity.state->Resolve(std::move(*result));
      } else if (e.has_activity_task_failed_event_attributes()) {
        const auto& f = e.activity_task_failed_event_attributes().failure();
        activity.state->Fail(ActivityFailure(activity.type, f.message(), &f, "ActivityError"));
      } else if (e.has_activity_task_timed_out_event_attributes()) {
        const auto& f = e.activity_task_timed_out_event_attributes().failure();
        activity.state->Fail(
            ActivityFailure(activity.type, "activity timed out", &f, "TimeoutError"));
      } else {
        activity.state->Fail(
            ActivityFailure(activity.type, "activity cancelled", nullptr, "CancelledError"));
      }
      return Status::Ok();
    }
    case enums::EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
      const auto& a = e.workflow_execution_signaled_event_attributes();
      ENDURE_ASSIGN_OR_RETURN(Json input, FromPayloads(a.input()));
      signals_.push_back({a.signal_name(), std::move(input)});
      return Status::Ok();
    }
    default:
      // Scheduling, starts of activities and workflow tasks, and what this SDK does not use.
      return Status::Ok();
  }
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
      it = conditions_.erase(it);
      woke = true;
    } else {
      ++it;
    }
  }
  return woke;
}

Status WorkflowRun::Activate(const HistoryEvent& started) {
  now_ = TimeOf(started.event_time());
  if (completion_made_) return Status::Ok();
  try {
    if (!main_) {
      main_.emplace(function_(context_, input_));
      scheduler_.Ready(main_->handle());
    }
    for (;;) {
      DispatchSignals();
      const bool ran = scheduler_.RunReady();
      if (main_->handle().done()) break;
      if (!CheckConditions() && !ran) break;
    }
  } catch (const std::exception& e) {
    // Thrown by a signal handler or a condition: a bug in workflow code, retried as a task.
    return Internal(std::string("workflow task failed: ") + e.what());
  }
  return FinishIfDone();
}

Status WorkflowRun::FinishIfDone() {
  if (!main_ || !main_->handle().done() || completion_made_) return Status::Ok();
  Command command;
  try {
    Json result = main_->await_resume();
    command.set_command_type(enums::COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION);
    *command.mutable_complete_workflow_execution_command_attributes()->mutable_result() =
        ToPayloads(result);
  } catch (const ApplicationError& e) {
    command.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
    auto* failure = command.mutable_fail_workflow_execution_command_attributes()->mutable_failure();
    failure->set_message(e.what());
    failure->set_source("EndureCpp");
    auto* info = failure->mutable_application_failure_info();
    info->set_type(e.type());
    info->set_non_retryable(e.non_retryable());
    if (!e.details().is_null()) *info->mutable_details() = ToPayloads(e.details());
  } catch (const ActivityError& e) {
    command.set_command_type(enums::COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION);
    auto* failure = command.mutable_fail_workflow_execution_command_attributes()->mutable_failure();
    failure->set_message(e.what());
    failure->set_source("EndureCpp");
    auto* info = failure->mutable_application_failure_info();
    info->set_type(e.cause_type());
    info->set_non_retryable(e.non_retryable());
  } catch (const std::exception& e) {
    return Internal(std::string("workflow task failed: ") + e.what());
  }
  completion_made_ = true;
  AddCommand(std::move(command), nullptr);
  return Status::Ok();
}

Result<Json> WorkflowRun::Query(const std::string& name, const Json& input) {
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
