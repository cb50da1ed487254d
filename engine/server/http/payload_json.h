// Temporal's payload shorthand for the HTTP API, applied to proto3 JSON trees.
//
// People reading or writing the HTTP API want to see `{"x":1}` where the proto3 mapping gives
// `{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJ4IjoxfQ=="}`. Protobuf's own JSON
// printer and parser know nothing of that, so the rewrite happens on the JSON tree, guided by the
// message descriptors: after printing (full form to shorthand) and before parsing (shorthand to
// full form). Shorthand covers payloads whose metadata is exactly `encoding: json/plain` (the
// JSON value itself), `binary/null` (null) and `json/protobuf` with a `messageType` (the object
// with a `_protoMessageType` key); every other payload stays in full form. On input, a Payloads
// given as a bare array (Temporal's own shorthand) is read as its `payloads`.
//
// Thread-safety: free functions over the caller's values.
#pragma once

#include <google/protobuf/descriptor.h>

#include <nlohmann/json_fwd.hpp>
#include <string_view>

namespace endure::engine::server {

// Rewrites, in `json` (the proto3 JSON of a message of type `type`), every payload that has a
// shorthand into it. Throws nothing.
void PayloadsToShorthand(const google::protobuf::Descriptor* type, nlohmann::ordered_json& json);

// Rewrites, in `json` (proto3 JSON of a message of type `type`, possibly with shorthand), every
// payload into the full form protobuf's parser reads. A value that is not a full-form payload is
// taken as a `json/plain` payload of itself; null in a list or map is a `binary/null` payload.
// Throws nothing.
void PayloadsFromShorthand(const google::protobuf::Descriptor* type, nlohmann::ordered_json& json);

// The field of `type` a JSON key names: its lowerCamel JSON name or its proto name, as protobuf's
// parser accepts both. Null if none.
const google::protobuf::FieldDescriptor* FieldForJsonKey(const google::protobuf::Descriptor* type,
                                                         std::string_view key);

}  // namespace endure::engine::server
