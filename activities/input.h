// Reading an activity's JSON input. A malformed input cannot succeed on a retry, so every helper
// throws a non-retryable ApplicationError of the type the caller names, never the
// nlohmann::json exception that the worker would report as a retryable "std::exception".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/activity.h"

namespace endure::activities {

using runtime::Json;

// Throws ApplicationError(message, error_type, non_retryable = true).
[[noreturn]] void Reject(std::string_view error_type, const std::string& message);

// input[key] as a string; Rejects when input is not an object or the field is absent, null, or
// not a string.
std::string RequiredString(const Json& input, std::string_view key, std::string_view error_type);

// input[key] as an integer (a JSON number with no fractional part).
int64_t RequiredInt(const Json& input, std::string_view key, std::string_view error_type);
int64_t OptionalInt(const Json& input, std::string_view key, int64_t fallback,
                    std::string_view error_type);

// input[key] as a finite number.
double RequiredNumber(const Json& input, std::string_view key, std::string_view error_type);
double OptionalNumber(const Json& input, std::string_view key, double fallback,
                      std::string_view error_type);

// input[key] when present and not null.
std::optional<Json> OptionalField(const Json& input, std::string_view key,
                                  std::string_view error_type);

}  // namespace endure::activities
