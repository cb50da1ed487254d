#include "engine/frontend/frontend.h"

#include "engine/frontend/operations.h"

namespace endure::engine {

Result<std::unique_ptr<Frontend>> Frontend::Open(FrontendOptions options) {
  if (options.store == nullptr) return InvalidArgument("the frontend needs a store");
  ENDURE_ASSIGN_OR_RETURN(auto namespaces, NamespaceRegistry::Open(options.store, options.env));
  ENDURE_RETURN_IF_ERROR(namespaces->Ensure("default"));
  for (const std::string& name : options.namespaces) {
    ENDURE_RETURN_IF_ERROR(namespaces->Ensure(name).WithContext("--namespace " + name));
  }
  return std::unique_ptr<Frontend>(new Frontend(std::move(namespaces)));
}

Result<wsv1::RegisterNamespaceResponse> Frontend::RegisterNamespace(
    const wsv1::RegisterNamespaceRequest& request) {
  return operations::RegisterNamespace(*namespaces_, request);
}

Result<wsv1::DescribeNamespaceResponse> Frontend::DescribeNamespace(
    const wsv1::DescribeNamespaceRequest& request) {
  return operations::DescribeNamespace(*namespaces_, request);
}

Result<wsv1::ListNamespacesResponse> Frontend::ListNamespaces(
    const wsv1::ListNamespacesRequest& request) {
  return operations::ListNamespaces(*namespaces_, request);
}

Result<wsv1::GetSystemInfoResponse> Frontend::GetSystemInfo(const wsv1::GetSystemInfoRequest&) {
  return operations::GetSystemInfo();
}

}  // namespace endure::engine
