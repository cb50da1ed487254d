#include "engine/server/http/payload_json.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "temporal/api/common/v1/message.pb.h"

namespace endure::engine::server {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using Json = nlohmann::ordered_json;
using Metadata = std::map<std::string, std::string>;

constexpr char kMessageTypeKey[] = "_protoMessageType";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16 |
                       static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8 |
                       static_cast<unsigned char>(in[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kBase64Alphabet[(n >> shift) & 63]);
  }
  if (i < in.size()) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint32_t>(static_cast<unsigned char>(in[i + 1])) << 8;
    out.push_back(kBase64Alphabet[(n >> 18) & 63]);
    out.push_back(kBase64Alphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kBase64Alphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Standard or URL-safe alphabet, padded or not, as protobuf's parser accepts; nullopt when `in`
// is not base64 at all, which tells a shorthand value from a full-form payload.
std::optional<std::string> Unbase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    const int v = Base64Digit(c);
    if (v < 0) return std::nullopt;
    bits = bits << 6 | static_cast<uint32_t>(v);
    if (++count == 4) {
      out.push_back(static_cast<char>(bits >> 16));
      out.push_back(static_cast<char>(bits >> 8));
      out.push_back(static_cast<char>(bits));
      bits = 0;
      count = 0;
    }
  }
  if (count == 2) out.push_back(static_cast<char>(bits >> 4));
  if (count == 3) {
    out.push_back(static_cast<char>(bits >> 10));
    out.push_back(static_cast<char>(bits >> 2));
  }
  return out;
}

// Never throws: text that reached the tree from a URL need not be valid UTF-8.
std::string Dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json FullPayload(const Metadata& metadata, const std::optional<std::string>& data) {
  Json payload = Json::object();
  Json& fields = payload["metadata"] = Json::object();
  for (const auto& [key, value] : metadata) fields[key] = Base64(value);
  if (data) payload["data"] = Base64(*data);
  return payload;
}

// The metadata and data of a full-form payload, or nullopt when `json` is not one. A full form
// has a metadata object with an encoding, all base64, and base64 data; only binary/null may
// lack data.
std::optional<std::pair<Metadata, std::string>> ReadFullPayload(const Json& json) {
  if (!json.is_object()) return std::nullopt;
  const auto metadata_it = json.find("metadata");
  if (metadata_it == json.end() || !metadata_it->is_object()) return std::nullopt;
  Metadata metadata;
  for (const auto& item : metadata_it->items()) {
    if (!item.value().is_string()) return std::nullopt;
    auto value = Unbase64(item.value().get_ref<const std::string&>());
    if (!value) return std::nullopt;
    metadata.emplace(item.key(), std::move(*value));
  }
  const auto encoding = metadata.find("encoding");
  if (encoding == metadata.end()) return std::nullopt;
  const auto data_it = json.find("data");
  if (data_it == json.end()) {
    if (json.size() != 1 || encoding->second != "binary/null") return std::nullopt;
    return std::make_pair(std::move(metadata), std::string());
  }
  if (json.size() != 2 || !data_it->is_string()) return std::nullopt;
  auto data = Unbase64(data_it->get_ref<const std::string&>());
  if (!data) return std::nullopt;
  return std::make_pair(std::move(metadata), std::move(*data));
}

void PayloadToShorthand(Json& json) {
  auto payload = ReadFullPayload(json);
  if (!payload) return;
  const auto& [metadata, data] = *payload;
  const std::string& encoding = metadata.at("encoding");
  if (encoding == "binary/null" && metadata.size() == 1 && data.empty()) {
    json = nullptr;
    return;
  }
  if (encoding == "json/plain" && metadata.size() == 1) {
    Json value = Json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (!value.is_discarded()) json = std::move(value);
    return;
  }
  const auto message_type = metadata.find("messageType");
  if (encoding == "json/protobuf" && metadata.size() == 2 && message_type != metadata.end()) {
    Json value = Json::parse(data, nullptr, /*allow_exceptions=*/false);
    if (!value.is_object() || value.contains(kMessageTypeKey)) return;
    Json shorthand = Json::object();
    shorthand[kMessageTypeKey] = message_type->second;
    for (auto& item : value.items()) shorthand[item.key()] = std::move(item.value());
    json = std::move(shorthand);
  }
}

void PayloadFromShorthand(Json& json, bool in_collection) {
  if (json.is_null()) {
    // A null singular field is simply unset; in a list or map it holds a place.
    if (in_collection) json = FullPayload({{"encoding", "binary/null"}}, std::nullopt);
    return;
  }
  if (ReadFullPayload(json)) return;
  const auto message_type = json.is_object() ? json.find(kMessageTypeKey) : json.end();
  if (json.is_object() && message_type != json.end() && message_type->is_string()) {
    const std::string type = message_type->get<std::string>();
    json.erase(kMessageTypeKey);
    json = FullPayload({{"encoding", "json/protobuf"}, {"messageType", type}}, Dump(json));
    return;
  }
  json = FullPayload({{"encoding", "json/plain"}}, Dump(json));
}

enum class Direction { kToShorthand, kFromShorthand };

void WalkMessage(const Descriptor* type, Json& json, Direction direction);

void WalkValue(const Descriptor* type, Json& json, Direction direction, bool in_collection) {
  if (type == temporal::api::common::v1::Payload::descriptor()) {
    if (direction == Direction::kToShorthand) {
      PayloadToShorthand(json);
    } else {
      PayloadFromShorthand(json, in_collection);
    }
    return;
  }
  if (direction == Direction::kFromShorthand && json.is_array() &&
      type == temporal::api::common::v1::Payloads::descriptor()) {
    Json payloads = Json::object();
    payloads["payloads"] = std::move(json);
    json = std::move(payloads);
  }
  if (json.is_object()) WalkMessage(type, json, direction);
  if (direction == Direction::kToShorthand && json.is_object() &&
      type == temporal::api::common::v1::Payloads::descriptor()) {
    // Temporal's shorthand shows a Payloads as the bare array of its values.
    const auto payloads = json.find("payloads");
    if (json.empty()) {
      json = Json::array();
    } else if (json.size() == 1 && payloads != json.end() && payloads->is_array()) {
      Json values = std::move(*payloads);
      json = std::move(values);
    }
  }
}

void WalkMessage(const Descriptor* type, Json& json, Direction direction) {
  // Well-known types have JSON forms of their own (Any names its type, Struct's keys are the
  // user's) and none holds a Payload.
  if (type->file()->package() == "google.protobuf") return;
  for (auto& item : json.items()) {
    const FieldDescriptor* field = FieldForJsonKey(type, item.key());
    if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    Json& value = item.value();
    if (field->is_map()) {
      const FieldDescriptor* mapped = field->message_type()->map_value();
      if (mapped->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || !value.is_object()) continue;
      for (Json& entry : value) WalkValue(mapped->message_type(), entry, direction, true);
    } else if (field->is_repeated()) {
      if (!value.is_array()) continue;
      for (Json& element : value) WalkValue(field->message_type(), element, direction, true);
    } else {
      WalkValue(field->message_type(), value, direction, false);
    }
  }
}

}  // namespace

const FieldDescriptor* FieldForJsonKey(const Descriptor* type, std::string_view key) {
  const std::string name(key);
  if (const FieldDescriptor* field = type->FindFieldByCamelcaseName(name)) return field;
  if (const FieldDescriptor* field = type->FindFieldByName(name)) return field;
  // An explicit json_name differs from the camel-case one; Temporal's protos have none today.
  for (int i = 0; i < type->field_count(); ++i) {
    if (type->field(i)->json_name() == name) return type->field(i);
  }
  return nullptr;
}

void PayloadsToShorthand(const Descriptor* type, Json& json) {
  try {
    WalkValue(type, json, Direction::kToShorthand, false);
  } catch (const nlohmann::json::exception&) {
    // Unreachable given the type checks above; the tree keeps whatever was rewritten.
  }
}

void PayloadsFromShorthand(const Descriptor* type, Json& json) {
  try {
    WalkValue(type, json, Direction::kFromShorthand, false);
  } catch (const nlohmann::json::exception&) {
    // As above: protobuf's parser then reports whatever the tree holds.
  }
}

}  // namespace endure::engine::server
