#include "engine/history/timeouts.h"

#include "engine/history/durations.h"

namespace endure::engine::history {
namespace {

using std::chrono::seconds;

constexpr Nanos kDefaultInitialInterval = seconds(1);
constexpr double kDefaultBackoff = 2.0;
constexpr int kDefaultMaximumIntervalFactor = 100;
constexpr Nanos kDefaultWorkflowTaskTimeout = seconds(10);
constexpr Nanos kMaxWorkflowTaskTimeout = seconds(120);

Status CheckNotNegative(const google::protobuf::Duration& d, const char* field) {
  if (d.seconds() < 0 || d.nanos() < 0) return InvalidArgument(std::string(field) + " is negative");
  return Status::Ok();
}

}  // namespace

Status NormalizeRetryPolicy(temporal::api::common::v1::RetryPolicy* p) {
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(p->initial_interval(), "retry_policy.initial_interval"));
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(p->maximum_interval(), "retry_policy.maximum_interval"));
  if (p->maximum_attempts() < 0) {
    return InvalidArgument("retry_policy.maximum_attempts is negative");
  }
  if (p->backoff_coefficient() < 0) {
    return InvalidArgument("retry_policy.backoff_coefficient is negative");
  }
  if (ToNanos(p->initial_interval()).count() == 0) {
    SetDuration(p->mutable_initial_interval(), kDefaultInitialInterval);
  }
  if (p->backoff_coefficient() == 0) p->set_backoff_coefficient(kDefaultBackoff);
  if (ToNanos(p->maximum_interval()).count() == 0) {
    SetDuration(p->mutable_maximum_interval(),
                ToNanos(p->initial_interval()) * kDefaultMaximumIntervalFactor);
  }
  // A policy that never retries is never consulted, so Temporal does not validate it further.
  if (p->maximum_attempts() == 1) return Status::Ok();
  if (p->backoff_coefficient() < 1) {
    return InvalidArgument("retry_policy.backoff_coefficient must be at least 1");
  }
  if (ToNanos(p->maximum_interval()) < ToNanos(p->initial_interval())) {
    return InvalidArgument("retry_policy.maximum_interval is less than its initial_interval");
  }
  return Status::Ok();
}

Status NormalizeActivity(temporal::api::command::v1::ScheduleActivityTaskCommandAttributes* a,
                         Nanos run_timeout) {
  if (a->activity_id().empty()) return InvalidArgument("activity_id is not set");
  if (a->activity_type().name().empty()) return InvalidArgument("activity_type is not set");
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(a->schedule_to_close_timeout(), "schedule_to_close"));
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(a->schedule_to_start_timeout(), "schedule_to_start"));
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(a->start_to_close_timeout(), "start_to_close"));
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(a->heartbeat_timeout(), "heartbeat"));

  Nanos schedule_to_close = ToNanos(a->schedule_to_close_timeout());
  Nanos schedule_to_start = ToNanos(a->schedule_to_start_timeout());
  Nanos start_to_close = ToNanos(a->start_to_close_timeout());
  Nanos heartbeat = ToNanos(a->heartbeat_timeout());
  if (schedule_to_close.count() == 0 && start_to_close.count() == 0) {
    return InvalidArgument(
        "either schedule_to_close_timeout or start_to_close_timeout is required");
  }
  if (schedule_to_close.count() > 0) {
    // Both of the others default to it and may not exceed it.
    schedule_to_start = MinLimit(schedule_to_start, schedule_to_close);
    start_to_close = MinLimit(start_to_close, schedule_to_close);
  } else {
    // Only start_to_close: the whole activity may take as long as the run.
    schedule_to_close = run_timeout;
    schedule_to_start = MinLimit(schedule_to_start, run_timeout);
  }
  schedule_to_close = MinLimit(schedule_to_close, run_timeout);
  schedule_to_start = MinLimit(schedule_to_start, run_timeout);
  start_to_close = MinLimit(start_to_close, run_timeout);
  if (heartbeat.count() > 0) heartbeat = MinLimit(heartbeat, start_to_close);

  SetDuration(a->mutable_schedule_to_close_timeout(), schedule_to_close);
  SetDuration(a->mutable_schedule_to_start_timeout(), schedule_to_start);
  SetDuration(a->mutable_start_to_close_timeout(), start_to_close);
  SetDuration(a->mutable_heartbeat_timeout(), heartbeat);
  return NormalizeRetryPolicy(a->mutable_retry_policy());
}

Result<WorkflowTimeouts> NormalizeWorkflowTimeouts(const google::protobuf::Duration& execution,
                                                   const google::protobuf::Duration& run,
                                                   const google::protobuf::Duration& task) {
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(execution, "workflow_execution_timeout"));
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(run, "workflow_run_timeout"));
  ENDURE_RETURN_IF_ERROR(CheckNotNegative(task, "workflow_task_timeout"));
  WorkflowTimeouts out;
  out.execution = ToNanos(execution);
  out.run = MinLimit(ToNanos(run), out.execution);
  out.task = ToNanos(task).count() == 0 ? kDefaultWorkflowTaskTimeout : ToNanos(task);
  out.task = MinLimit(MinLimit(out.task, kMaxWorkflowTaskTimeout), out.run);
  return out;
}

}  // namespace endure::engine::history
