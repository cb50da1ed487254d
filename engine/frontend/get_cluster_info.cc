#include "engine/frontend/operations.h"

namespace endure::engine::operations {

wsv1::GetClusterInfoResponse GetClusterInfo(const std::string& cluster_id) {
  wsv1::GetClusterInfoResponse out;
  // The clients Temporal's frontend accepts; every current SDK, the CLI and the Web UI.
  for (const char* client :
       {"temporal-go", "temporal-java", "temporal-typescript", "temporal-python", "temporal-dotnet",
        "temporal-php", "temporal-ruby", "temporal-cli", "temporal-ui", "temporal-server"}) {
    (*out.mutable_supported_clients())[client] = "<2.0.0";
  }
  out.set_server_version(kServerVersion);
  out.set_cluster_id(cluster_id);
  out.set_cluster_name("active");
  out.set_history_shard_count(1);
  // The Web UI turns on features by these names (ORDER BY only for Elasticsearch).
  out.set_persistence_store("sqlite");
  out.set_visibility_store("sqlite");
  out.set_initial_failover_version(1);
  out.set_failover_version_increment(10);
  return out;
}

}  // namespace endure::engine::operations
