#include "engine/visibility/search_attributes.h"

#include <nlohmann/json.hpp>

#include <regex>

#include "storage/visibility/query_lexer.h"

namespace endure::engine::visibility {
namespace {

namespace enums = temporal::api::enums::v1;
using nlohmann::json;

// Custom attributes every namespace of Temporal's dev server has.
const std::map<std::string, IndexedValueType>& Predefined() {
  static const auto* kPredefined = new std::map<std::string, IndexedValueType>{
      {"CustomKeywordField", enums::INDEXED_VALUE_TYPE_KEYWORD},
      {"CustomStringField", enums::INDEXED_VALUE_TYPE_TEXT},
      {"CustomTextField", enums::INDEXED_VALUE_TYPE_TEXT},
      {"CustomIntField", enums::INDEXED_VALUE_TYPE_INT},
      {"CustomDoubleField", enums::INDEXED_VALUE_TYPE_DOUBLE},
      {"CustomBoolField", enums::INDEXED_VALUE_TYPE_BOOL},
      {"CustomDatetimeField", enums::INDEXED_VALUE_TYPE_DATETIME},
  };
  return *kPredefined;
}

const char* TypeName(IndexedValueType type) {
  switch (type) {
    case enums::INDEXED_VALUE_TYPE_TEXT:
      return "Text";
    case enums::INDEXED_VALUE_TYPE_KEYWORD:
      return "Keyword";
    case enums::INDEXED_VALUE_TYPE_INT:
      return "Int";
    case enums::INDEXED_VALUE_TYPE_DOUBLE:
      return "Double";
    case enums::INDEXED_VALUE_TYPE_BOOL:
      return "Bool";
    case enums::INDEXED_VALUE_TYPE_DATETIME:
      return "Datetime";
    case enums::INDEXED_VALUE_TYPE_KEYWORD_LIST:
      return "KeywordList";
    default:
      return "Unspecified";
  }
}

// The value a payload holds as the JSON the visibility table keeps for `type`; discarded when it
// does not fit.
json ValueFor(IndexedValueType type, const temporal::api::common::v1::Payload& payload) {
  json value = json::parse(payload.data(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return value;
  switch (type) {
    case enums::INDEXED_VALUE_TYPE_TEXT:
    case enums::INDEXED_VALUE_TYPE_KEYWORD:
      return value.is_string() ? value : json(json::value_t::discarded);
    case enums::INDEXED_VALUE_TYPE_INT:
      return value.is_number_integer() ? value : json(json::value_t::discarded);
    case enums::INDEXED_VALUE_TYPE_DOUBLE:
      return value.is_number() ? json(value.get<double>()) : json(json::value_t::discarded);
    case enums::INDEXED_VALUE_TYPE_BOOL:
      return value.is_boolean() ? value : json(json::value_t::discarded);
    case enums::INDEXED_VALUE_TYPE_DATETIME: {
      int64_t nanos = 0;
      if (value.is_string() &&
          storage::visibility::ParseRfc3339(value.get<std::string>(), &nanos)) {
        return json(nanos);
      }
      return json(json::value_t::discarded);
    }
    case enums::INDEXED_VALUE_TYPE_KEYWORD_LIST:
      if (value.is_string()) return json::array({value});
      if (!value.is_array()) return json(json::value_t::discarded);
      for (const auto& item : value) {
        if (!item.is_string()) return json(json::value_t::discarded);
      }
      return value;
    default:
      return json(json::value_t::discarded);
  }
}

bool Removes(const temporal::api::common::v1::Payload& p) {
  return p.data().empty() || p.data() == "null";
}

}  // namespace

const std::map<std::string, IndexedValueType>& SearchAttributes::System() {
  static const auto* kSystem = new std::map<std::string, IndexedValueType>{
      {"WorkflowId", enums::INDEXED_VALUE_TYPE_KEYWORD},
      {"WorkflowType", enums::INDEXED_VALUE_TYPE_KEYWORD},
      {"RunId", enums::INDEXED_VALUE_TYPE_KEYWORD},
      {"ExecutionStatus", enums::INDEXED_VALUE_TYPE_KEYWORD},
      {"TaskQueue", enums::INDEXED_VALUE_TYPE_KEYWORD},
      {"StartTime", enums::INDEXED_VALUE_TYPE_DATETIME},
      {"CloseTime", enums::INDEXED_VALUE_TYPE_DATETIME},
      {"ExecutionTime", enums::INDEXED_VALUE_TYPE_DATETIME},
      {"HistoryLength", enums::INDEXED_VALUE_TYPE_INT},
      {"HistorySizeBytes", enums::INDEXED_VALUE_TYPE_INT},
      // System attributes that workflows write themselves.
      {"TemporalChangeVersion", enums::INDEXED_VALUE_TYPE_KEYWORD_LIST},
      {"BinaryChecksums", enums::INDEXED_VALUE_TYPE_KEYWORD_LIST},
      {"BuildIds", enums::INDEXED_VALUE_TYPE_KEYWORD_LIST},
      {"TemporalScheduledStartTime", enums::INDEXED_VALUE_TYPE_DATETIME},
      {"TemporalScheduledById", enums::INDEXED_VALUE_TYPE_KEYWORD},
  };
  return *kSystem;
}

Result<std::unique_ptr<SearchAttributes>> SearchAttributes::Open(storage::Store* store) {
  std::unique_ptr<SearchAttributes> registry(new SearchAttributes(store));
  ENDURE_ASSIGN_OR_RETURN(auto all, store->ListSearchAttributes());
  for (const auto& a : all) {
    registry->registered_[{a.namespace_id.value(), a.name}] = static_cast<IndexedValueType>(a.type);
  }
  return registry;
}

std::optional<IndexedValueType> SearchAttributes::TypeOf(const NamespaceId& ns,
                                                         const std::string& name) const {
  if (auto it = Predefined().find(name); it != Predefined().end()) return it->second;
  if (auto it = System().find(name); it != System().end()) return it->second;
  std::lock_guard lock(mu_);
  if (auto it = registered_.find({ns.value(), name}); it != registered_.end()) return it->second;
  return std::nullopt;
}

std::map<std::string, IndexedValueType> SearchAttributes::Custom(const NamespaceId& ns) const {
  std::map<std::string, IndexedValueType> out = Predefined();
  std::lock_guard lock(mu_);
  for (const auto& [key, type] : registered_) {
    if (key.first == ns.value()) out[key.second] = type;
  }
  return out;
}

Status SearchAttributes::Add(const NamespaceId& ns,
                             const std::map<std::string, IndexedValueType>& attributes) {
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]{0,254}");
  storage::Transition t;
  for (const auto& [name, type] : attributes) {
    if (!std::regex_match(name, kName)) {
      return InvalidArgument("search attribute name " + name + " is not valid");
    }
    if (type <= enums::INDEXED_VALUE_TYPE_UNSPECIFIED || type > enums::INDEXED_VALUE_TYPE_KEYWORD_LIST) {
      return InvalidArgument("search attribute " + name + " has no valid type");
    }
    if (System().contains(name)) {
      return InvalidArgument("search attribute " + name + " is reserved by the system");
    }
    if (auto existing = TypeOf(ns, name); existing && *existing != type) {
      return AlreadyExists("search attribute " + name + " already exists with type " +
                           TypeName(*existing));
    }
    t.search_attributes.push_back({ns, name, static_cast<int>(type)});
  }
  ENDURE_RETURN_IF_ERROR(store_->Commit(std::move(t)).status());
  std::lock_guard lock(mu_);
  for (const auto& [name, type] : attributes) registered_[{ns.value(), name}] = type;
  return Status::Ok();
}

Status SearchAttributes::Remove(const NamespaceId& ns, const std::vector<std::string>& names) {
  storage::Transition t;
  {
    std::lock_guard lock(mu_);
    for (const auto& name : names) {
      if (!registered_.contains({ns.value(), name})) {
        return NotFound("search attribute " + name + " is not registered");
      }
      t.search_attributes.push_back({ns, name, 0});
    }
  }
  ENDURE_RETURN_IF_ERROR(store_->Commit(std::move(t)).status());
  std::lock_guard lock(mu_);
  for (const auto& name : names) registered_.erase({ns.value(), name});
  return Status::Ok();
}

Status SearchAttributes::Check(const NamespaceId& ns,
                               const temporal::api::common::v1::SearchAttributes& sa) const {
  for (const auto& [name, payload] : sa.indexed_fields()) {
    auto type = TypeOf(ns, name);
    if (!type) return InvalidArgument("search attribute " + name + " is not defined");
    if (Removes(payload)) continue;
    if (ValueFor(*type, payload).is_discarded()) {
      return InvalidArgument("search attribute " + name + " is not a valid " + TypeName(*type));
    }
  }
  return Status::Ok();
}

std::string SearchAttributes::Json(const NamespaceId& ns,
                                   const temporal::api::common::v1::SearchAttributes& sa) const {
  json out = json::object();
  for (const auto& [name, payload] : sa.indexed_fields()) {
    auto type = TypeOf(ns, name);
    if (!type || Removes(payload)) continue;
    json value = ValueFor(*type, payload);
    if (!value.is_discarded()) out[name] = std::move(value);
  }
  return out.dump();
}

temporal::api::common::v1::SearchAttributes SearchAttributes::Typed(
    const NamespaceId& ns, const temporal::api::common::v1::SearchAttributes& sa) const {
  temporal::api::common::v1::SearchAttributes out = sa;
  for (auto& [name, payload] : *out.mutable_indexed_fields()) {
    if (auto type = TypeOf(ns, name)) (*payload.mutable_metadata())["type"] = TypeName(*type);
  }
  return out;
}

}  // namespace endure::engine::visibility
