// Translates Temporal's visibility query language (the `query` of ListWorkflowExecutions and
// CountWorkflowExecutions, as the Temporal CLI and UI send it) into an SQLite WHERE clause.
//
//   WorkflowType = 'order' AND (ExecutionStatus = 'Running' OR StartTime > '2026-11-27T10:00:00Z')
//   ORDER BY StartTime DESC
//
// The language: comparisons (= != <> < > <= >=), [NOT] IN (...), [NOT] BETWEEN a AND b,
// [NOT] STARTS_WITH 'prefix', IS [NOT] NULL; AND over OR, NOT, parentheses; keywords in any
// case; strings in single or double quotes (a doubled quote or a backslash escapes); integers,
// decimals, true/false; attribute names bare or in backticks. Then at most one of
// ORDER BY attr [ASC|DESC], ... or GROUP BY ExecutionStatus.
//
// Safety: no text of the query reaches the SQL. The SQL is built only from the column SQL the
// resolver gives, fixed operators and `?`; every value goes into `params`. Anything outside the
// grammar (`;`, comments, `1=1`, functions) is a syntax error, not something passed through.
//
// Types, and the operators Temporal's SQL visibility allows each (IS [NOT] NULL: all):
//   Keyword      strings; all operators. STARTS_WITH becomes a range on the prefix, which
//                assumes the column compares bytewise (SQLite's default BINARY collation).
//   Text         strings; = != [NOT] STARTS_WITH. Exact comparisons: there is no full-text index.
//   Int          integers; Double: any number; Datetime: RFC 3339 strings (or integer Unix
//                nanoseconds, as Temporal takes them), bound as int64 Unix nanoseconds. No
//                STARTS_WITH.
//   Bool         true/false, bound as 1/0; = and != only.
//   KeywordList  strings; = is "contains", IN "contains any", != and NOT IN their negations:
//                EXISTS (SELECT 1 FROM json_each(col) WHERE value ...) over the JSON array the
//                column holds. A missing list contains nothing, so `!=` matches it.
// ORDER BY takes every type but Text and KeywordList. The attribute named ExecutionStatus
// (resolved as a Keyword) takes status names (Running, WORKFLOW_EXECUTION_STATUS_RUNNING, any
// case) or their numbers, bound as the enum's integer (temporal.api.enums.v1.
// WorkflowExecutionStatus: Running = 1 ... TimedOut = 7), as Temporal's SQL visibility does.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "storage/base/status.h"

namespace endure::storage::visibility {

enum class AttributeType { kKeyword, kText, kInt, kDouble, kBool, kDatetime, kKeywordList };

// How one searchable attribute is stored: a column of the visibility table, or a custom search
// attribute kept in the JSON object column `search_attributes_json` (json_extract).
struct AttributeColumn {
  AttributeType type;
  std::string sql;  // An SQL expression, e.g. "workflow_id". Trusted: it is pasted as is.
};

// Resolves an attribute name as written in a query to how it is stored; nullopt if unknown.
using AttributeResolver = std::function<std::optional<AttributeColumn>(const std::string& name)>;

using SqlValue = std::variant<int64_t, double, std::string>;

struct TranslatedQuery {
  // "" when the query has no filter; else an SQL boolean expression with `?` placeholders. It
  // may be an OR at the top: wrap it in parentheses before AND-ing it with other conditions.
  std::string where;
  std::vector<SqlValue> params;  // In placeholder order.
  // "" or e.g. "start_time DESC, run_id ASC", built only from resolved columns.
  std::string order_by;
  bool group_by_execution_status = false;  // "GROUP BY ExecutionStatus" (Count only).
};

// The limits on what a query may ask, so that a hostile one costs little to refuse.
inline constexpr size_t kMaxQueryLength = 4096;  // Bytes.
inline constexpr int kMaxQueryDepth = 100;       // Nested parentheses and NOTs.

// INVALID_ARGUMENT for any malformed query, naming the 1-based character position and what was
// expected ("invalid query at position 17: expected a value after '='"), or the attribute
// ("invalid query: unknown search attribute \"Foo\"").
Result<TranslatedQuery> TranslateQuery(std::string_view query, const AttributeResolver& resolve);

// Temporal's system attributes mapped onto the visibility table's columns: WorkflowId,
// WorkflowType, RunId, TaskQueue (Keyword); ExecutionStatus -> status (INTEGER enum);
// StartTime, CloseTime, ExecutionTime (Datetime, INTEGER Unix nanoseconds); HistoryLength,
// HistorySizeBytes (Int). Any other name matching [A-Za-z_][A-Za-z0-9_]* for which `custom`
// gives a type is read from the JSON column:
//   json_extract(search_attributes_json, '$."Name"')
// which compares rightly only if the JSON holds Int and Datetime values as integers (Datetime:
// Unix nanoseconds), Double as numbers, Bool as true/false and KeywordList as arrays.
AttributeResolver SystemAttributes(
    std::function<std::optional<AttributeType>(const std::string& name)> custom);

// The name a WorkflowExecutionStatus goes by in queries, count groups and Temporal's CLI:
// "Running", "Completed", ..., "ContinuedAsNew", "TimedOut" ("Unspecified" for others).
std::string_view ExecutionStatusName(int status);

}  // namespace endure::storage::visibility
