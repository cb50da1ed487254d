// Whether a failed activity attempt is retried, and after how long: Temporal's server-side
// retry rules, as a pure function of the policy, the attempt and the failure.
#pragma once

#include <chrono>
#include <cstdint>

#include "storage/base/env.h"
#include "temporal/api/common/v1/message.pb.h"
#include "temporal/api/enums/v1/workflow.pb.h"
#include "temporal/api/failure/v1/message.pb.h"

namespace endure::engine::history {

struct RetryDecision {
  bool retry = false;
  std::chrono::nanoseconds backoff{0};  // Before the next attempt, when retry.
  // Why not, when !retry (written into ActivityTaskFailed/TimedOut); IN_PROGRESS when retry.
  temporal::api::enums::v1::RetryState state = temporal::api::enums::v1::RETRY_STATE_IN_PROGRESS;
};

// The delay before attempt `attempt + 1`: initial x coefficient^(attempt-1), at most the
// maximum interval. `policy` is normalized (NormalizeRetryPolicy).
std::chrono::nanoseconds RetryBackoff(const temporal::api::common::v1::RetryPolicy& policy,
                                      int32_t attempt);

// Decides after attempt `attempt` (1-based) failed with `failure` at `now`. The activity was
// first scheduled at `first_scheduled` with `schedule_to_close` (0: unlimited): a retry that
// would start after that deadline is not made (RETRY_STATE_TIMEOUT). A failure's own
// next_retry_delay replaces the computed backoff.
RetryDecision DecideRetry(const temporal::api::common::v1::RetryPolicy& policy, int32_t attempt,
                          const temporal::api::failure::v1::Failure& failure, TimePoint now,
                          TimePoint first_scheduled, std::chrono::nanoseconds schedule_to_close);

// The type a failure is matched by against non_retryable_error_types: the application error
// type, or "TemporalTimeout:<Kind>" for timeouts, as Temporal names them.
std::string RetryableType(const temporal::api::failure::v1::Failure& failure);

}  // namespace endure::engine::history
