// NamespaceRegistry: the namespaces of one store, served from memory.
//
// Every request names a namespace and namespaces change rarely, so lookups never touch SQLite.
// A registration is written through the store first and enters the cache only once durable, so
// the cache never holds a namespace that a crash would lose.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/base/env.h"
#include "storage/base/status.h"
#include "storage/store.h"

namespace endure::engine {

class NamespaceRegistry {
 public:
  // Loads every namespace of `store` (which must outlive the registry).
  static Result<std::unique_ptr<NamespaceRegistry>> Open(storage::Store* store, Env* env);

  // Registers a new namespace named info.name() with a fresh id and state REGISTERED.
  // ALREADY_EXISTS if the name is taken. Returns the stored record.
  Result<storage::NamespaceRecord> Register(temporal::api::namespace_::v1::NamespaceInfo info,
                                            temporal::api::namespace_::v1::NamespaceConfig config);
  // Registers `name` with default settings unless it exists (the dev server's namespaces).
  Status Ensure(const std::string& name);

  // NOT_FOUND with a NamespaceNotFoundFailure detail when unknown.
  Result<storage::NamespaceRecord> ByName(const std::string& name) const;
  Result<storage::NamespaceRecord> ById(const NamespaceId& id) const;
  // The namespace named `name`, shared rather than copied (every request looks one up), or
  // nullptr when unknown.
  std::shared_ptr<const storage::NamespaceRecord> Find(const std::string& name) const;
  // Every namespace, ordered by name.
  std::vector<storage::NamespaceRecord> All() const;

 private:
  NamespaceRegistry(storage::Store* store, Env* env) : store_(store), env_(env) {}

  storage::Store* store_;
  Env* env_;
  mutable std::mutex mu_;
  // Guarded by mu_. A registration replaces the pointer; holders keep the record they have.
  std::map<std::string, std::shared_ptr<const storage::NamespaceRecord>> by_name_;
};

// Validates a namespace name: what Temporal accepts, and nothing that would need escaping.
Status ValidateNamespaceName(const std::string& name);

// NOT_FOUND for a namespace, with the detail the SDKs decode.
Status NamespaceNotFound(const std::string& name);

}  // namespace endure::engine
