#include "tools/workflow/connection.h"

#include "runtime/client/service.h"

namespace endure::tools {

Result<Connection> Connection::Open(const ConnectionFlags& flags) {
  Connection c;
  c.address_ = flags.address.empty() ? runtime::AddressFromEnvironment() : flags.address;
  if (c.address_.find(':') == std::string::npos) {
    return InvalidArgument("--address: '" + c.address_ + "' is not host:port");
  }
  c.namespace_name_ =
      flags.namespace_.empty() ? runtime::NamespaceFromEnvironment() : flags.namespace_;

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
