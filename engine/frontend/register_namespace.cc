#include "engine/frontend/operations.h"

namespace endure::engine::operations {

Result<wsv1::RegisterNamespaceResponse> RegisterNamespace(NamespaceRegistry& namespaces,
                                                          const wsv1::RegisterNamespaceRequest& r) {
  if (r.is_global_namespace()) {
    return InvalidArgument(
        "global namespaces replicate across clusters; this server is a single cluster");
  }
  temporal::api::namespace_::v1::NamespaceInfo info;
  info.set_name(r.namespace_());
  info.set_description(r.description());
  info.set_owner_email(r.owner_email());
  info.mutable_data()->insert(r.data().begin(), r.data().end());
  temporal::api::namespace_::v1::NamespaceConfig config;
  *config.mutable_workflow_execution_retention_ttl() = r.workflow_execution_retention_period();
  // Archival needs an archive store, which a single-file server does not have.
  config.set_history_archival_state(temporal::api::enums::v1::ARCHIVAL_STATE_DISABLED);
  config.set_visibility_archival_state(temporal::api::enums::v1::ARCHIVAL_STATE_DISABLED);
  if (r.history_archival_state() == temporal::api::enums::v1::ARCHIVAL_STATE_ENABLED ||
      r.visibility_archival_state() == temporal::api::enums::v1::ARCHIVAL_STATE_ENABLED) {
    return InvalidArgument("archival is not available on this server");
  }
  ENDURE_RETURN_IF_ERROR(namespaces.Register(std::move(info), std::move(config)).status());
  return wsv1::RegisterNamespaceResponse();
}

}  // namespace endure::engine::operations
