// Frontend: Temporal's WorkflowService API over the engine, in process.
//
// Methods take and return Temporal's own request and response messages
// (temporal.api.workflowservice.v1.*). Errors are Status values whose codes are gRPC's and which
// carry, where the SDKs decode them, Temporal's error details (Status::detail()). The gRPC and
// HTTP adapters and the in-process C++ client all call this one surface. Each operation lives in
// its own file (register_namespace.cc, ...); this class only dispatches.
//
// This first part serves namespaces and system information; the workflow operations join it as
// the history and matching services land.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/namespaces/namespace_registry.h"
#include "storage/base/env.h"
#include "storage/base/status.h"
#include "storage/store.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace endure::engine {

namespace wsv1 = temporal::api::workflowservice::v1;

struct FrontendOptions {
  storage::Store* store = nullptr;  // Must outlive the frontend.
  Env* env = Env::Default();
  // Namespaces that must exist besides `default` (the dev server's --namespace flags).
  std::vector<std::string> namespaces;
};

class Frontend {
 public:
  // Opens the frontend over a store; `default` and options.namespaces exist when it returns.
  static Result<std::unique_ptr<Frontend>> Open(FrontendOptions options);

  Result<wsv1::RegisterNamespaceResponse> RegisterNamespace(
      const wsv1::RegisterNamespaceRequest& request);
  Result<wsv1::DescribeNamespaceResponse> DescribeNamespace(
      const wsv1::DescribeNamespaceRequest& request);
  Result<wsv1::ListNamespacesResponse> ListNamespaces(const wsv1::ListNamespacesRequest& request);
  Result<wsv1::GetSystemInfoResponse> GetSystemInfo(const wsv1::GetSystemInfoRequest& request);
  Result<wsv1::GetClusterInfoResponse> GetClusterInfo(const wsv1::GetClusterInfoRequest& request);

 private:
  Frontend(std::unique_ptr<NamespaceRegistry> namespaces, std::string cluster_id)
      : namespaces_(std::move(namespaces)), cluster_id_(std::move(cluster_id)) {}

  std::unique_ptr<NamespaceRegistry> namespaces_;
  const std::string cluster_id_;  // Made once per database, kept in its cluster metadata.
};

}  // namespace endure::engine
