// A RetryPolicy as Temporal's proto carries it (to the server for activities and workflows, to
// the engine's retry rules for local activities).
#pragma once

#include "runtime/proto_time.h"
#include "runtime/workflow/workflow.h"
#include "temporal/api/common/v1/message.pb.h"

namespace endure::runtime {

inline temporal::api::common::v1::RetryPolicy ToProto(const RetryPolicy& p) {
  temporal::api::common::v1::RetryPolicy r;
  SetDuration(r.mutable_initial_interval(), p.initial_interval);
  r.set_backoff_coefficient(p.backoff_coefficient);
  if (p.maximum_interval.count() > 0) SetDuration(r.mutable_maximum_interval(), p.maximum_interval);
  r.set_maximum_attempts(p.maximum_attempts);
  for (const auto& t : p.non_retryable_error_types) r.add_non_retryable_error_types(t);
  return r;
}

}  // namespace endure::runtime
