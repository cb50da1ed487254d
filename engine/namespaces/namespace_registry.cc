#include "engine/namespaces/namespace_registry.h"

#include <chrono>

#include "storage/base/uuid.h"
#include "temporal/api/errordetails/v1/message.pb.h"

namespace endure::engine {
namespace {

// Temporal's frontend default for a namespace registered without a retention period.
constexpr auto kDefaultRetention = std::chrono::hours(72);
constexpr size_t kMaxNameLength = 1000;

}  // namespace

Status ValidateNamespaceName(const std::string& name) {
  if (name.empty()) return InvalidArgument("namespace name is empty");
  if (name.size() > kMaxNameLength) {
    return InvalidArgument("namespace name is longer than " + std::to_string(kMaxNameLength) +
                           " bytes");
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) {
      return InvalidArgument("namespace name '" + name +
                             "' may contain only letters, digits, '-', '_' and '.'");
    }
  }
  return Status::Ok();
}

Status NamespaceNotFound(const std::string& name) {
  temporal::api::errordetails::v1::NamespaceNotFoundFailure detail;
  detail.set_namespace_(name);
  return NotFound("namespace " + name + " not found").WithDetail(detail);
}

Result<std::unique_ptr<NamespaceRegistry>> NamespaceRegistry::Open(storage::Store* store,
                                                                   Env* env) {
  std::unique_ptr<NamespaceRegistry> registry(new NamespaceRegistry(store, env));
  ENDURE_ASSIGN_OR_RETURN(auto all, store->ListNamespaces());
  for (auto& record : all) {
    std::string name = record.info.name();
    registry->by_name_.emplace(std::move(name),
                               std::make_shared<const storage::NamespaceRecord>(std::move(record)));
  }
  return registry;
}

Result<storage::NamespaceRecord> NamespaceRegistry::Register(
    temporal::api::namespace_::v1::NamespaceInfo info,
    temporal::api::namespace_::v1::NamespaceConfig config) {
  ENDURE_RETURN_IF_ERROR(ValidateNamespaceName(info.name()));
  if (config.workflow_execution_retention_ttl().seconds() < 0 ||
      config.workflow_execution_retention_ttl().nanos() < 0) {
    return InvalidArgument("workflow execution retention period is negative");
  }
  if (!config.has_workflow_execution_retention_ttl() ||
      (config.workflow_execution_retention_ttl().seconds() == 0 &&
       config.workflow_execution_retention_ttl().nanos() == 0)) {
    config.mutable_workflow_execution_retention_ttl()->set_seconds(
        std::chrono::seconds(kDefaultRetention).count());
  }
  if (ByName(info.name()).ok()) {
    return AlreadyExists("namespace " + info.name() + " already exists");
  }
  info.set_id(NewUuid(env_));
  info.set_state(temporal::api::enums::v1::NAMESPACE_STATE_REGISTERED);

  storage::NamespaceRecord record{NamespaceId(info.id()), std::move(info), std::move(config)};
  storage::Transition t;
  t.namespace_upsert = record;
  auto committed = store_->Commit(std::move(t));
  if (!committed.ok()) {
    // The name is unique in the store too: a concurrent registration lost the race here.
    if (committed.status().code() == StatusCode::kAlreadyExists) {
      return AlreadyExists("namespace " + record.info.name() + " already exists");
    }
    return committed.status();
  }
  std::lock_guard lock(mu_);
  by_name_[record.info.name()] = std::make_shared<const storage::NamespaceRecord>(record);
  return record;
}

Status NamespaceRegistry::Ensure(const std::string& name) {
  if (ByName(name).ok()) return Status::Ok();
  temporal::api::namespace_::v1::NamespaceInfo info;
  info.set_name(name);
  auto registered = Register(std::move(info), {});
  if (!registered.ok() && registered.status().code() != StatusCode::kAlreadyExists) {
    return registered.status();
  }
  return Status::Ok();
}

Result<storage::NamespaceRecord> NamespaceRegistry::ByName(const std::string& name) const {
  auto found = Find(name);
  if (!found) return NamespaceNotFound(name);
  return *found;
}

std::shared_ptr<const storage::NamespaceRecord> NamespaceRegistry::Find(
    const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

Result<storage::NamespaceRecord> NamespaceRegistry::ById(const NamespaceId& id) const {
  std::lock_guard lock(mu_);
  for (const auto& [name, record] : by_name_) {
    if (record->id == id) return *record;
  }
  return NamespaceNotFound(id.value());
}

std::vector<storage::NamespaceRecord> NamespaceRegistry::All() const {
  std::lock_guard lock(mu_);
  std::vector<storage::NamespaceRecord> out;
  out.reserve(by_name_.size());
  for (const auto& [name, record] : by_name_) out.push_back(*record);
  return out;
}

}  // namespace endure::engine
