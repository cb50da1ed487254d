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
  ENDURE_ASSIGN_OR_RETURN(auto search_attributes, visibility::SearchAttributes::Open(options.store));
  return std::unique_ptr<Frontend>(new Frontend(std::move(options), std::move(namespaces),
                                                std::move(search_attributes),
                                                std::move(cluster_id)));
}

Frontend::Frontend(FrontendOptions options, std::unique_ptr<NamespaceRegistry> namespaces,
                   std::unique_ptr<visibility::SearchAttributes> search_attributes,
                   std::string cluster_id)
    : store_(options.store),
      namespaces_(std::move(namespaces)),
      search_attributes_(std::move(search_attributes)),
      cluster_id_(std::move(cluster_id)),
      alarms_(std::make_unique<AlarmClock>(options.env)) {
  matching::MatchingOptions m;
  m.store = options.store;
  m.alarms = alarms_.get();
  m.max_poll_wait = options.max_poll_wait;
  matching_ = std::make_unique<matching::Matching>(m);
  history::HistoryOptions h;
  h.store = options.store;
  h.env = options.env;
  h.namespaces = namespaces_.get();
  h.matching = matching_.get();
  h.alarms = alarms_.get();
  h.search_attributes = search_attributes_.get();
  h.cache_capacity = options.cache_capacity;
  h.timer_thread = options.timer_thread;
  h.direct_dispatch = options.direct_dispatch;
  h.history_long_poll = options.history_long_poll;
  history_ = std::make_unique<history::HistoryEngine>(h);
}

Frontend::~Frontend() {
  Shutdown();
  // The alarm thread stops before what its alarms point into goes away.
  alarms_.reset();
}

void Frontend::Shutdown() {
  matching_->Shutdown();
  history_->Shutdown();
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
