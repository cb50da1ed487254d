// How the server fills in and checks the timeouts and retry policies that clients and workers
// leave partly unset, as Temporal's history service does before it writes them into events.
// Pure functions: the results are stored, so replays never recompute them.
#pragma once

#include <chrono>
#include <string>

#include "storage/base/status.h"
#include "temporal/api/command/v1/message.pb.h"
#include "temporal/api/common/v1/message.pb.h"

namespace endure::engine::history {

// Fills a retry policy's zero fields (initial interval 1 s, backoff 2.0, maximum interval
// 100 x initial, unlimited attempts) and validates it. INVALID_ARGUMENT names the bad field.
Status NormalizeRetryPolicy(temporal::api::common::v1::RetryPolicy* policy);

// Normalizes a ScheduleActivityTask command in place: task queue defaulted by the caller, the
// four timeouts resolved against each other and capped by the workflow run timeout (0 =
// unlimited), and the retry policy filled. INVALID_ARGUMENT when neither schedule_to_close nor
// start_to_close is set or a timeout is negative (the workflow task then fails with
// BAD_SCHEDULE_ACTIVITY_ATTRIBUTES).
Status NormalizeActivity(temporal::api::command::v1::ScheduleActivityTaskCommandAttributes* a,
                         std::chrono::nanoseconds run_timeout);

struct WorkflowTimeouts {
  std::chrono::nanoseconds execution{0};  // 0: unlimited.
  std::chrono::nanoseconds run{0};        // 0: unlimited.
  std::chrono::nanoseconds task{0};
};

// Resolves StartWorkflowExecution's timeouts: the run timeout defaults to the execution timeout
// and never exceeds it; the workflow task timeout defaults to 10 s and is capped at 120 s and at
// the run timeout. INVALID_ARGUMENT for negative values.
Result<WorkflowTimeouts> NormalizeWorkflowTimeouts(const google::protobuf::Duration& execution,
                                                   const google::protobuf::Duration& run,
                                                   const google::protobuf::Duration& task);

}  // namespace endure::engine::history
