// The frontend's operations, one per file; Frontend dispatches to these.
#pragma once

#include "engine/namespaces/namespace_registry.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace endure::engine::operations {

namespace wsv1 = temporal::api::workflowservice::v1;

// The version Endure reports as a Temporal server. The Web UI and SDKs gate features on it, so
// it names the Temporal release whose API and behaviour Endure reproduces.
inline constexpr char kServerVersion[] = "1.29.0";

Result<wsv1::RegisterNamespaceResponse> RegisterNamespace(NamespaceRegistry& namespaces,
                                                          const wsv1::RegisterNamespaceRequest& r);
Result<wsv1::DescribeNamespaceResponse> DescribeNamespace(const NamespaceRegistry& namespaces,
                                                          const wsv1::DescribeNamespaceRequest& r);
Result<wsv1::ListNamespacesResponse> ListNamespaces(const NamespaceRegistry& namespaces,
                                                    const wsv1::ListNamespacesRequest& r);
wsv1::GetSystemInfoResponse GetSystemInfo();
wsv1::GetClusterInfoResponse GetClusterInfo(const std::string& cluster_id);

// A namespace as DescribeNamespace and ListNamespaces present it, with the capabilities and
// limits this server has.
wsv1::DescribeNamespaceResponse DescribeRecord(const storage::NamespaceRecord& record);

}  // namespace endure::engine::operations
