#include "tools/workflow/connection.h"

#include <cstdlib>

namespace endure::tools {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

Result<Connection> Connection::Open(const ConnectionFlags& flags) {
  Connection c;
  c.address_ = flags.address;
  if (c.address_.empty()) c.address_ = Env("TEMPORAL_ADDRESS");
  if (c.address_.empty()) {
    const std::string host = Env("TEMPORAL_HOST");
    const std::string port = Env("TEMPORAL_PORT");
    if (!host.empty() || !port.empty()) {
      c.address_ = (host.empty() ? "127.0.0.1" : host) + ":" + (port.empty() ? "7233" : port);
    }
  }
  if (c.address_.empty()) c.address_ = "127.0.0.1:7233";
  if (c.address_.find(':') == std::string::npos) {
    return InvalidArgument("--address: '" + c.address_ + "' is not host:port");
  }
  c.namespace_name_ = flags.namespace_;
  if (c.namespace_name_.empty()) c.namespace_name_ = Env("TEMPORAL_NAMESPACE");
  if (c.namespace_name_.empty()) c.namespace_name_ = "default";

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(128 << 20);
  auto channel = grpc::CreateCustomChannel(c.address_, grpc::InsecureChannelCredentials(), args);
  c.stub_ = wsv1::WorkflowService::NewStub(channel);
  return c;
}

std::unique_ptr<grpc::ClientContext> Connection::Context(std::chrono::seconds timeout) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  context->AddMetadata("temporal-namespace", namespace_name_);
  context->AddMetadata("client-name", "endure-cli");
  context->AddMetadata("client-version", "0.1.0");
  return context;
}

Status FromGrpc(const grpc::Status& status, const std::string& address) {
  if (status.ok()) return Status::Ok();
  const auto code = static_cast<StatusCode>(status.error_code());
  if (code == StatusCode::kUnavailable) {
    return Unavailable("cannot reach the server at " + address + " (" + status.error_message() +
                       "); is `endure server start-dev` running? (--address, TEMPORAL_ADDRESS)");
  }
  return Status(code, status.error_message());
}

}  // namespace endure::tools
