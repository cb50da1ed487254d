// Temporal's failure proto as the C++ SDK fills it for an application failure: what a workflow,
// activity, local activity or update handler reports when it fails.
#pragma once

#include <string>

#include "runtime/payloads.h"
#include "temporal/api/failure/v1/message.pb.h"

namespace endure::runtime {

inline temporal::api::failure::v1::Failure ApplicationFailure(const std::string& message,
                                                              const std::string& type,
                                                              bool non_retryable = false,
                                                              const Json& details = nullptr) {
  temporal::api::failure::v1::Failure failure;
  failure.set_message(message);
  failure.set_source("EndureCpp");
  auto* info = failure.mutable_application_failure_info();
  info->set_type(type);
  info->set_non_retryable(non_retryable);
  if (!details.is_null()) *info->mutable_details() = ToPayloads(details);
  return failure;
}

}  // namespace endure::runtime
