#include "engine/server/grpc/grpc_status.h"

#include "google/rpc/status.pb.h"

namespace endure::engine::server {

std::string SerializedRpcStatus(const Status& status) {
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int>(status.code()));
  rpc.set_message(status.message());
  if (const google::protobuf::Any* detail = status.detail()) *rpc.add_details() = *detail;
  return rpc.SerializeAsString();
}

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.detail() == nullptr) return grpc::Status(code, status.message());
  return grpc::Status(code, status.message(), SerializedRpcStatus(status));
}

}  // namespace endure::engine::server
