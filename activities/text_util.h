// Small text helpers shared by the activities: making strings safe to put in a JSON result, and a
// hash that stays the same across builds and machines (std::hash promises neither).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace endure::activities {

// `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD. Results travel as
// JSON, and nlohmann::json refuses to serialize invalid UTF-8; file contents, process output and
// excerpts cut at a byte limit can all contain it.
std::string SanitizeUtf8(std::string_view text);

// FNV-1a, 64 bits: stable ids (change ids) and seeds (training data) derived from strings.
uint64_t Fnv1a64(std::string_view text);

// `value` as 16 lower-case hex digits.
std::string Hex64(uint64_t value);

// `text` without leading and trailing spaces, tabs and carriage returns.
std::string_view Trim(std::string_view text);

}  // namespace endure::activities
