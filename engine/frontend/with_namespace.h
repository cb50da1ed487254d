// The namespace lookup every frontend operation starts with.
#pragma once

#include <memory>
#include <string>

#include "engine/namespaces/namespace_registry.h"

namespace endure::engine {

// Runs `op` with the namespace named `name`, or answers `done` with INVALID_ARGUMENT (no name)
// or NOT_FOUND with Temporal's NamespaceNotFound detail.
template <typename Done, typename Op>
void WithNamespace(const NamespaceRegistry& namespaces, const std::string& name, Done& done,
                   Op&& op) {
  if (name.empty()) return done(InvalidArgument("Namespace is not set on request."));
  std::shared_ptr<const storage::NamespaceRecord> ns = namespaces.Find(name);
  if (!ns) return done(NamespaceNotFound(name));
  op(ns);
}

}  // namespace endure::engine
