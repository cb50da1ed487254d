#include "activities/input.h"

#include <cmath>

namespace endure::activities {
namespace {

const Json* Field(const Json& input, std::string_view key, std::string_view error_type) {
  if (!input.is_object()) Reject(error_type, "activity input must be a JSON object");
  const auto it = input.find(key);
  if (it == input.end() || it->is_null()) return nullptr;
  return &*it;
}

int64_t AsInt(const Json& value, std::string_view key, std::string_view error_type) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) {
    const double d = value.get<double>();
    // Accepts 100.0 from a JavaScript caller, whose numbers are all doubles.
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
      return static_cast<int64_t>(d);
    }
  }
  Reject(error_type, "field \"" + std::string(key) + "\" must be an integer");
}

double AsNumber(const Json& value, std::string_view key, std::string_view error_type) {
  if (value.is_number()) {
    const double d = value.get<double>();
    if (std::isfinite(d)) return d;
  }
  Reject(error_type, "field \"" + std::string(key) + "\" must be a finite number");
}

}  // namespace

void Reject(std::string_view error_type, const std::string& message) {
  throw runtime::ApplicationError(message, std::string(error_type), /*non_retryable=*/true);
}

std::string RequiredString(const Json& input, std::string_view key, std::string_view error_type) {
  const Json* value = Field(input, key, error_type);
  if (value == nullptr || !value->is_string()) {
    Reject(error_type, "field \"" + std::string(key) + "\" must be a string");
  }
  return value->get<std::string>();
}

int64_t RequiredInt(const Json& input, std::string_view key, std::string_view error_type) {
  const Json* value = Field(input, key, error_type);
  if (value == nullptr) Reject(error_type, "field \"" + std::string(key) + "\" is required");
  return AsInt(*value, key, error_type);
}

int64_t OptionalInt(const Json& input, std::string_view key, int64_t fallback,
                    std::string_view error_type) {
  const Json* value = Field(input, key, error_type);
  return value == nullptr ? fallback : AsInt(*value, key, error_type);
}

double RequiredNumber(const Json& input, std::string_view key, std::string_view error_type) {
  const Json* value = Field(input, key, error_type);
  if (value == nullptr) Reject(error_type, "field \"" + std::string(key) + "\" is required");
  return AsNumber(*value, key, error_type);
}

double OptionalNumber(const Json& input, std::string_view key, double fallback,
                      std::string_view error_type) {
  const Json* value = Field(input, key, error_type);
  return value == nullptr ? fallback : AsNumber(*value, key, error_type);
}

std::optional<Json> OptionalField(const Json& input, std::string_view key,
                                  std::string_view error_type) {
  const Json* value = Field(input, key, error_type);
  if (value == nullptr) return std::nullopt;
  return *value;
}

}  // namespace endure::activities
