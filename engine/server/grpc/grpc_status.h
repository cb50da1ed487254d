// How an Endure Status travels over gRPC: the code and message as they are, and Temporal's error
// detail (Status::detail()) as a google.rpc.Status in the `grpc-status-details-bin` trailer,
// which is where the SDKs look for it.
#pragma once

#include <grpcpp/support/status.h>

#include "storage/base/status.h"

namespace endure::engine::server {

grpc::Status ToGrpcStatus(const Status& status);

// The google.rpc.Status message for `status`, serialized (the HTTP API answers with its JSON).
std::string SerializedRpcStatus(const Status& status);

}  // namespace endure::engine::server
