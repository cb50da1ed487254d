// Temporal's default payload converter, for JSON values: `json/plain` payloads holding JSON
// bytes, `binary/null` for null. This is what every Temporal SDK writes by default, so values
// cross between C++ and TypeScript or Python workflows unchanged.
#pragma once

#include <nlohmann/json.hpp>

#include "storage/base/status.h"
#include "temporal/api/common/v1/message.pb.h"

namespace endure::runtime {

using Json = nlohmann::json;

temporal::api::common::v1::Payload ToPayload(const Json& value);
Result<Json> FromPayload(const temporal::api::common::v1::Payload& payload);

// One value as the Payloads of an input or result (a single payload).
temporal::api::common::v1::Payloads ToPayloads(const Json& value);
// Payloads as one value: nothing is null, one payload its value, several an array of them.
Result<Json> FromPayloads(const temporal::api::common::v1::Payloads& payloads);

}  // namespace endure::runtime
