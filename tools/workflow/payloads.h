// Payloads as the CLI reads and prints them: Temporal's default converter, so `--input '{"a":1}'`
// becomes a `json/plain` payload holding those JSON bytes, as every SDK sends it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "storage/base/status.h"
#include "temporal/api/common/v1/message.pb.h"

namespace endure::tools {

namespace cpv1 = temporal::api::common::v1;

// One payload per `--input` value; each must be JSON. `flag` names the flag in errors.
Result<cpv1::Payloads> PayloadsFromJson(const std::vector<std::string>& values,
                                        const std::string& flag);

// `KEY=JSON` pairs (`--memo`, `--search-attribute`) as payloads by key.
Result<std::map<std::string, cpv1::Payload>> NamedPayloads(const std::vector<std::string>& pairs,
                                                           const std::string& flag);

// A payload as text: JSON payloads as their JSON, `binary/null` as null, anything else as its
// encoding and size (it is not text the CLI can show).
std::string PayloadText(const cpv1::Payload& payload);
std::string PayloadsText(const cpv1::Payloads& payloads);

}  // namespace endure::tools
