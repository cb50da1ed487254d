// Small strong types for the identifiers that flow through every layer, so that a run id can
// never be passed where a workflow id is expected.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <utility>

namespace endure {

template <typename Tag>
class StringId {
 public:
  StringId() = default;
  explicit StringId(std::string value) : value_(std::move(value)) {}

  const std::string& value() const { return value_; }
  bool empty() const { return value_.empty(); }

  friend auto operator<=>(const StringId&, const StringId&) = default;
  friend std::ostream& operator<<(std::ostream& os, const StringId& id) { return os << id.value_; }

 private:
  std::string value_;
};

struct NamespaceIdTag {};
struct WorkflowIdTag {};
struct RunIdTag {};

using NamespaceId = StringId<NamespaceIdTag>;
using WorkflowId = StringId<WorkflowIdTag>;
using RunId = StringId<RunIdTag>;

// Event ids are dense and start at 1 within a run; 0 means "none".
using EventId = int64_t;

}  // namespace endure

template <typename Tag>
struct std::hash<endure::StringId<Tag>> {
  size_t operator()(const endure::StringId<Tag>& id) const noexcept {
    return std::hash<std::string>()(id.value());
  }
};
