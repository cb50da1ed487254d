#include "engine/frontend/operations.h"

namespace endure::engine::operations {
namespace {

// Temporal's defaults for payload and memo sizes; the history service enforces them.
constexpr int64_t kBlobSizeLimit = 2 * 1024 * 1024;
constexpr int64_t kMemoSizeLimit = 2 * 1024 * 1024;
constexpr char kClusterName[] = "active";

}  // namespace

wsv1::DescribeNamespaceResponse DescribeRecord(const storage::NamespaceRecord& record) {
  wsv1::DescribeNamespaceResponse out;
  auto* info = out.mutable_namespace_info();
  *info = record.info;
  // Capabilities the SDKs act on (see the protocol notes): on only for features that exist, so
  // that workers otherwise keep their default behaviour.
  info->mutable_capabilities()->set_eager_workflow_start(true);
  auto* limits = info->mutable_limits();
  limits->set_blob_size_limit_error(kBlobSizeLimit);
  limits->set_memo_size_limit_error(kMemoSizeLimit);
  *out.mutable_config() = record.config;
  auto* replication = out.mutable_replication_config();
  replication->set_active_cluster_name(kClusterName);
  replication->add_clusters()->set_cluster_name(kClusterName);
  out.set_is_global_namespace(false);
  return out;
}

Result<wsv1::DescribeNamespaceResponse> DescribeNamespace(const NamespaceRegistry& namespaces,
                                                          const wsv1::DescribeNamespaceRequest& r) {
  if (!r.id().empty()) {
    ENDURE_ASSIGN_OR_RETURN(auto record, namespaces.ById(NamespaceId(r.id())));
    return DescribeRecord(record);
  }
  if (r.namespace_().empty()) return InvalidArgument("namespace or id is required");
  ENDURE_ASSIGN_OR_RETURN(auto record, namespaces.ByName(r.namespace_()));
  return DescribeRecord(record);
}

}  // namespace endure::engine::operations
