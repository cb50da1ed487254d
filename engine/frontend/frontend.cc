#include "engine/frontend/frontend.h"

#include "engine/frontend/operations.h"
#include "storage/base/uuid.h"

namespace endure::engine {
namespace {

// The cluster id of this database, made and stored the first time it is asked for.
Result<std::string> ClusterId(storage::Store& store, Env* env) {
  constexpr char kKey[] = "cluster_id";
  ENDURE_ASSIGN_OR_RETURN(auto stored, store.GetClusterMetadata(kKey));
  if (stored) return *stored;
  storage::Transition t;
  t.cluster_metadata[kKey] = NewUuid(env);
  const std::string id = t.cluster_metadata[kKey];
  ENDURE_RETURN_IF_ERROR(store.Commit(std::move(t)).status());
  return id;
}

}  // namespace

Result<std::unique_ptr<Frontend>> Frontend::Open(FrontendOptions options) {
  if (options.store == nullptr) return InvalidArgument("the frontend needs a store");
  ENDURE_ASSIGN_OR_RETURN(auto namespaces, NamespaceRegistry::Open(options.store, options.env));
  ENDURE_RETURN_IF_ERROR(namespaces->Ensure("default"));
  for (const std::string& name : options.namespaces) {
    ENDURE_RETURN_IF_ERROR(namespaces->Ensure(name).WithContext("--namespace " + name));
  }
  ENDURE_ASSIGN_OR_RETURN(std::string cluster_id, ClusterId(*options.store, options.env));
  return std::unique_ptr<Frontend>(new Frontend(std::move(namespaces), std::move(cluster_id)));
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

Result<wsv1::GetClusterInfoResponse> Frontend::GetClusterInfo(const wsv1::GetClusterInfoRequest&) {
  return operations::GetClusterInfo(cluster_id_);
}

}  // namespace endure::engine
