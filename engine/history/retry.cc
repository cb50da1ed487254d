#include "engine/history/retry.h"

#include <cmath>
#include <string>

#include "engine/history/durations.h"

namespace endure::engine::history {
namespace {

using temporal::api::enums::v1::RetryState;

RetryDecision Final(RetryState state) {
  RetryDecision d;
  d.state = state;
  return d;
}

}  // namespace

Nanos RetryBackoff(const temporal::api::common::v1::RetryPolicy& policy, int32_t attempt) {
  const double initial = static_cast<double>(ToNanos(policy.initial_interval()).count());
  const double maximum = static_cast<double>(ToNanos(policy.maximum_interval()).count());
  double backoff = initial * std::pow(policy.backoff_coefficient(), attempt - 1);
  // pow overflows to infinity for long-running retries; the cap keeps it finite, and a policy
  // without one (not normalized) is held below what a duration can represent.
  if (maximum > 0 && !(backoff <= maximum)) backoff = maximum;
  constexpr double kLongest = 9.0e18;
  if (!(backoff <= kLongest)) backoff = kLongest;
  return Nanos(static_cast<int64_t>(backoff));
}

std::string RetryableType(const temporal::api::failure::v1::Failure& failure) {
  using temporal::api::enums::v1::TimeoutType;
  if (failure.has_application_failure_info()) return failure.application_failure_info().type();
  if (failure.has_timeout_failure_info()) {
    switch (failure.timeout_failure_info().timeout_type()) {
      case TimeoutType::TIMEOUT_TYPE_START_TO_CLOSE:
        return "TemporalTimeout:StartToClose";
      case TimeoutType::TIMEOUT_TYPE_SCHEDULE_TO_START:
        return "TemporalTimeout:ScheduleToStart";
      case TimeoutType::TIMEOUT_TYPE_SCHEDULE_TO_CLOSE:
        return "TemporalTimeout:ScheduleToClose";
      case TimeoutType::TIMEOUT_TYPE_HEARTBEAT:
        return "TemporalTimeout:Heartbeat";
      default:
        return "TemporalTimeout";
    }
  }
  return "";
}

RetryDecision DecideRetry(const temporal::api::common::v1::RetryPolicy& policy, int32_t attempt,
                          const temporal::api::failure::v1::Failure& failure, TimePoint now,
                          TimePoint first_scheduled, Nanos schedule_to_close) {
  using temporal::api::enums::v1::RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED;
  using temporal::api::enums::v1::RETRY_STATE_NON_RETRYABLE_FAILURE;
  using temporal::api::enums::v1::RETRY_STATE_TIMEOUT;

  if (failure.has_canceled_failure_info() || failure.has_terminated_failure_info()) {
    return Final(RETRY_STATE_NON_RETRYABLE_FAILURE);
  }
  if (failure.has_application_failure_info() &&
      failure.application_failure_info().non_retryable()) {
    return Final(RETRY_STATE_NON_RETRYABLE_FAILURE);
  }
  const std::string type = RetryableType(failure);
  for (const std::string& listed : policy.non_retryable_error_types()) {
    if (!type.empty() && listed == type) return Final(RETRY_STATE_NON_RETRYABLE_FAILURE);
  }
  if (policy.maximum_attempts() > 0 && attempt >= policy.maximum_attempts()) {
    return Final(RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED);
  }
  Nanos backoff = RetryBackoff(policy, attempt);
  if (failure.has_application_failure_info() &&
      failure.application_failure_info().has_next_retry_delay()) {
    const Nanos requested = ToNanos(failure.application_failure_info().next_retry_delay());
    if (requested.count() > 0) backoff = requested;
  }
  if (schedule_to_close.count() > 0 && now + backoff > first_scheduled + schedule_to_close) {
    return Final(RETRY_STATE_TIMEOUT);
  }
  RetryDecision d;
  d.retry = true;
  d.backoff = backoff;
  return d;
}

}  // namespace endure::engine::history
