// Where `endure workflow ...` sends its calls: the server address and namespace from the flags,
// else from the environment the way Temporal's tools read it (TEMPORAL_ADDRESS as host:port,
// or TEMPORAL_HOST and TEMPORAL_PORT; TEMPORAL_NAMESPACE), else 127.0.0.1:7233 and `default`.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "storage/base/status.h"
#include "temporal/api/workflowservice/v1/service.grpc.pb.h"

namespace endure::tools {

namespace wsv1 = temporal::api::workflowservice::v1;

struct ConnectionFlags {
  std::string address;     // Empty: from the environment.
  std::string namespace_;  // Likewise.
};

class Connection {
 public:
  static Result<Connection> Open(const ConnectionFlags& flags);

  const std::string& address() const { return address_; }
  const std::string& namespace_() const { return namespace_name_; }
  wsv1::WorkflowService::Stub& stub() { return *stub_; }

  // A context for one call: the namespace header Temporal's clients send, the client's name,
  // and a deadline (long polls pass their own).
  std::unique_ptr<grpc::ClientContext> Context(
      std::chrono::seconds timeout = std::chrono::seconds(30)) const;

 private:
  std::string address_;
  std::string namespace_name_;
  std::shared_ptr<wsv1::WorkflowService::Stub> stub_;
};

// The server's answer as an Endure Status: "<reason> (CODE)" naming what the server said, or a
// plain message when it could not be reached.
Status FromGrpc(const grpc::Status& status, const std::string& address);

}  // namespace endure::tools
