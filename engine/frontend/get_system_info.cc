#include "engine/frontend/operations.h"

namespace endure::engine::operations {

wsv1::GetSystemInfoResponse GetSystemInfo() {
  wsv1::GetSystemInfoResponse out;
  out.set_server_version(kServerVersion);
  auto* c = out.mutable_capabilities();
  // The set the official SDKs need from a server like this one. sdk_metadata obliges the history
  // service to store RespondWorkflowTaskCompleted.sdk_metadata in WorkflowTaskCompleted and to
  // accept the TemporalChangeVersion search attribute: without those, replays after a cache
  // eviction go non-deterministic.
  c->set_signal_and_query_header(true);
  c->set_internal_error_differentiation(true);
  c->set_activity_failure_include_heartbeat(true);
  c->set_encoded_failure_attributes(true);
  c->set_upsert_memo(true);
  c->set_sdk_metadata(true);
  c->set_eager_workflow_start(true);
  return out;
}

}  // namespace endure::engine::operations
