// Histories in the JSON form `temporal workflow show --output json` prints and the SDK
// replayers read: {"events": [...]} in proto3's JSON mapping (lowerCamelCase names, int64 as
// strings, enums by full name, payloads in full with base64 bytes, defaults omitted).
#pragma once

#include <string>

#include "storage/base/status.h"
#include "temporal/api/history/v1/message.pb.h"

namespace endure::tools {

std::string HistoryToJson(const temporal::api::history::v1::History& history);

// Reads such a file; unknown fields are ignored, as the SDKs ignore them. `source` names the
// input in errors.
Result<temporal::api::history::v1::History> HistoryFromJson(const std::string& text,
                                                            const std::string& source);

}  // namespace endure::tools
