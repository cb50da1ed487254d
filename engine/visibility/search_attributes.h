// SearchAttributes: the search attributes of each namespace and their types, and what the
// engine does with them: checks them where workflows set them, renders them as the JSON the
// visibility queries filter on, and labels returned values with their type (the SDKs decode
// typed search attributes by that label).
//
// Every namespace has Temporal's predefined attributes (the dev server's Custom*Field set and
// the system ones workflows may write, such as TemporalChangeVersion); others are registered
// through the OperatorService calls and kept in the store.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/base/status.h"
#include "storage/store.h"
#include "temporal/api/common/v1/message.pb.h"
#include "temporal/api/enums/v1/common.pb.h"

namespace endure::engine::visibility {

using temporal::api::enums::v1::IndexedValueType;

class SearchAttributes {
 public:
  static Result<std::unique_ptr<SearchAttributes>> Open(storage::Store* store);

  // The type of `name` in the namespace, predefined or registered.
  std::optional<IndexedValueType> TypeOf(const NamespaceId& ns, const std::string& name) const;
  // Every attribute of the namespace: the custom ones (registered and predefined custom fields)
  // and the system ones.
  std::map<std::string, IndexedValueType> Custom(const NamespaceId& ns) const;
  static const std::map<std::string, IndexedValueType>& System();

  // Registers attributes (ALREADY_EXISTS for a name taken with another type, INVALID_ARGUMENT
  // for a bad name or type) / removes registered ones (NOT_FOUND for unknown ones).
  Status Add(const NamespaceId& ns, const std::map<std::string, IndexedValueType>& attributes);
  Status Remove(const NamespaceId& ns, const std::vector<std::string>& names);

  // INVALID_ARGUMENT naming the first attribute that is not defined or whose value does not
  // fit its type.
  Status Check(const NamespaceId& ns, const temporal::api::common::v1::SearchAttributes& sa) const;
  // The attributes as a JSON object for the visibility table (Datetime as unix nanoseconds).
  std::string Json(const NamespaceId& ns, const temporal::api::common::v1::SearchAttributes& sa) const;
  // The attributes with each value's metadata naming its type.
  temporal::api::common::v1::SearchAttributes Typed(
      const NamespaceId& ns, const temporal::api::common::v1::SearchAttributes& sa) const;

 private:
  explicit SearchAttributes(storage::Store* store) : store_(store) {}

  storage::Store* store_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, IndexedValueType> registered_;  // (ns, name)
};

}  // namespace endure::engine::visibility
