// Shared by the visibility query tests: a resolver with every kind of custom attribute, and
// translation that fails the test on error.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/visibility/visibility_query.h"

namespace endure::storage::visibility::query_testing {

using Params = std::vector<SqlValue>;

inline constexpr int64_t kT0 = 1'795'773'600'000'000'000;  // 2026-11-27T10:00:00Z
inline constexpr int64_t kHour = 3'600'000'000'000;

inline AttributeResolver Resolver() {
  return SystemAttributes([](const std::string& name) -> std::optional<AttributeType> {
    static const std::map<std::string, AttributeType> kCustom = {
        {"CustomKeyword", AttributeType::kKeyword}, {"CustomText", AttributeType::kText},
        {"CustomInt", AttributeType::kInt},         {"CustomDouble", AttributeType::kDouble},
        {"CustomBool", AttributeType::kBool},       {"CustomDatetime", AttributeType::kDatetime},
        {"Tags", AttributeType::kKeywordList},
    };
    auto it = kCustom.find(name);
    if (it == kCustom.end()) return std::nullopt;
    return it->second;
  });
}

inline TranslatedQuery Translate(std::string_view query) {
  Result<TranslatedQuery> result = TranslateQuery(query, Resolver());
  EXPECT_TRUE(result.ok()) << query << ": " << result.status().ToString();
  return result.ok() ? *result : TranslatedQuery{};
}

}  // namespace endure::storage::visibility::query_testing
