// The translation of Temporal's visibility query language: each operator, type and clause,
// the exact SQL and parameters produced, and errors with their position.
#include "storage/visibility/visibility_query.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/storage/visibility_query_test_util.h"

namespace endure::storage::visibility {
namespace {

using namespace query_testing;  // NOLINT: the shared helpers of these tests.

std::string Where(std::string_view query) { return Translate(query).where; }
Params ParamsOf(std::string_view query) { return Translate(query).params; }

// The error message, or "OK" when the query translates.
std::string ErrorOf(std::string_view query) {
  Result<TranslatedQuery> result = TranslateQuery(query, Resolver());
  if (result.ok()) return "OK";
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument) << query;
  return result.status().message();
}

Params P(std::initializer_list<SqlValue> values) { return Params(values); }

TEST(VisibilityQueryTest, EmptyQueryHasNoFilter) {
  for (std::string_view query : {"", "   ", " \t\r\n "}) {
    TranslatedQuery t = Translate(query);
    EXPECT_EQ(t.where, "");
    EXPECT_TRUE(t.params.empty());
    EXPECT_EQ(t.order_by, "");
    EXPECT_FALSE(t.group_by_execution_status);
  }
}

TEST(VisibilityQueryTest, ComparisonOperators) {
  EXPECT_EQ(Where("WorkflowId = 'a'"), "workflow_id = ?");
  EXPECT_EQ(Where("WorkflowId != 'a'"), "workflow_id != ?");
  EXPECT_EQ(Where("WorkflowId <> 'a'"), "workflow_id != ?");
  EXPECT_EQ(Where("HistoryLength < 5"), "history_length < ?");
  EXPECT_EQ(Where("HistoryLength > 5"), "history_length > ?");
  EXPECT_EQ(Where("HistoryLength <= 5"), "history_length <= ?");
  EXPECT_EQ(Where("HistoryLength >= 5"), "history_length >= ?");
  EXPECT_EQ(Where("HistoryLength>=5"), "history_length >= ?");
  EXPECT_EQ(Where("WorkflowType > 'm'"), "workflow_type > ?");  // Keywords compare as text.
  EXPECT_EQ(ParamsOf("WorkflowId = 'a'"), P({std::string("a")}));
  EXPECT_EQ(ParamsOf("HistoryLength >= 5"), P({int64_t{5}}));
}

TEST(VisibilityQueryTest, InAndBetween) {
  EXPECT_EQ(Where("WorkflowType IN ('a', 'b', 'c')"), "workflow_type IN (?, ?, ?)");
  EXPECT_EQ(ParamsOf("WorkflowType IN ('a', 'b')"), P({std::string("a"), std::string("b")}));
  EXPECT_EQ(Where("WorkflowType NOT IN ('a')"), "workflow_type NOT IN (?)");
  EXPECT_EQ(Where("HistoryLength BETWEEN 1 AND 10"), "history_length BETWEEN ? AND ?");
  EXPECT_EQ(ParamsOf("HistoryLength BETWEEN 1 AND 10"), P({int64_t{1}, int64_t{10}}));
  EXPECT_EQ(Where("HistoryLength NOT BETWEEN 1 AND 10"), "history_length NOT BETWEEN ? AND ?");
  // BETWEEN takes exactly one AND; the next is the boolean operator.
  EXPECT_EQ(Where("HistoryLength BETWEEN 1 AND 10 AND RunId = 'r'"),
            "history_length BETWEEN ? AND ? AND run_id = ?");
}

TEST(VisibilityQueryTest, StartsWithIsARangeOnThePrefix) {
  EXPECT_EQ(Where("WorkflowId STARTS_WITH 'order-'"), "(workflow_id >= ? AND workflow_id < ?)");
  EXPECT_EQ(ParamsOf("WorkflowId STARTS_WITH 'order-'"),
            P({std::string("order-"), std::string("order.")}));
  EXPECT_EQ(Where("WorkflowId NOT STARTS_WITH 'a'"), "NOT (workflow_id >= ? AND workflow_id < ?)");
  // Wildcards of LIKE are plain characters here.
  EXPECT_EQ(ParamsOf("WorkflowId STARTS_WITH '%_'"), P({std::string("%_"), std::string("%`")}));
  // No successor: every string starting with "" (or with 0xFF bytes) is above the prefix.
  EXPECT_EQ(Where("WorkflowId STARTS_WITH ''"), "workflow_id >= ?");
  EXPECT_EQ(Where("WorkflowId NOT STARTS_WITH ''"), "NOT (workflow_id >= ?)");
  EXPECT_EQ(ParamsOf("WorkflowId STARTS_WITH 'a\xff'"),
            P({std::string("a\xff"), std::string("b")}));
  EXPECT_EQ(Where("CustomText STARTS_WITH 'x'"),
            "(json_extract(search_attributes_json, '$.\"CustomText\"') >= ? AND "
            "json_extract(search_attributes_json, '$.\"CustomText\"') < ?)");
}

TEST(VisibilityQueryTest, IsNull) {
  EXPECT_EQ(Where("CloseTime IS NULL"), "close_time IS NULL");
  EXPECT_EQ(Where("CloseTime is not null"), "close_time IS NOT NULL");
  EXPECT_EQ(Where("Tags IS NULL"), "json_extract(search_attributes_json, '$.\"Tags\"') IS NULL");
  EXPECT_TRUE(ParamsOf("CloseTime IS NULL").empty());
}

TEST(VisibilityQueryTest, AndOverOrAndParentheses) {
  // SQL gives AND the same precedence over OR, so the shape carries over as written.
  EXPECT_EQ(Where("RunId = 'a' OR RunId = 'b' AND HistoryLength = 1"),
            "run_id = ? OR run_id = ? AND history_length = ?");
  EXPECT_EQ(Where("(RunId = 'a' OR RunId = 'b') AND HistoryLength = 1"),
            "(run_id = ? OR run_id = ?) AND history_length = ?");
  EXPECT_EQ(Where("((RunId = 'a'))"), "((run_id = ?))");
  EXPECT_EQ(ParamsOf("RunId = 'a' OR (RunId = 'b' AND HistoryLength = 1)"),
            P({std::string("a"), std::string("b"), int64_t{1}}));
}

TEST(VisibilityQueryTest, Not) {
  EXPECT_EQ(Where("NOT RunId = 'a'"), "NOT (run_id = ?)");
  EXPECT_EQ(Where("NOT (RunId = 'a' OR RunId = 'b')"), "NOT (run_id = ? OR run_id = ?)");
  EXPECT_EQ(Where("NOT NOT RunId = 'a'"), "NOT (NOT (run_id = ?))");
  EXPECT_EQ(Where("NOT RunId = 'a' AND RunId = 'b'"), "NOT (run_id = ?) AND run_id = ?");
  EXPECT_EQ(Where("NOT WorkflowId STARTS_WITH 'a'"),
            "NOT ((workflow_id >= ? AND workflow_id < ?))");
}

TEST(VisibilityQueryTest, KeywordsInAnyCase) {
  EXPECT_EQ(Where("RunId in ('a') and not HistoryLength between 1 AnD 2 or CloseTime is null"),
            "run_id IN (?) AND NOT (history_length BETWEEN ? AND ?) OR close_time IS NULL");
  EXPECT_EQ(Where("WorkflowId starts_with 'a'"), "(workflow_id >= ? AND workflow_id < ?)");
}

TEST(VisibilityQueryTest, StringLiterals) {
  EXPECT_EQ(ParamsOf("RunId = \"double\""), P({std::string("double")}));
  EXPECT_EQ(ParamsOf("RunId = 'it''s'"), P({std::string("it's")}));
  EXPECT_EQ(ParamsOf("RunId = \"say \"\"hi\"\"\""), P({std::string("say \"hi\"")}));
  EXPECT_EQ(ParamsOf(R"(RunId = 'it\'s \"q\" a\\b')"), P({std::string("it's \"q\" a\\b")}));
  EXPECT_EQ(ParamsOf(R"(RunId = 'tab\there\n')"), P({std::string("tab\there\n")}));
  EXPECT_EQ(ParamsOf("RunId = 'naïve ✓'"), P({std::string("naïve ✓")}));
  EXPECT_EQ(ParamsOf("RunId = ''"), P({std::string("")}));
  EXPECT_EQ(Where("`RunId` = 'a'"), "run_id = ?");
  EXPECT_EQ(Where("`Tags` = 'a' AND `CustomBool` = true"),
            "EXISTS (SELECT 1 FROM json_each(json_extract(search_attributes_json, "
            "'$.\"Tags\"')) WHERE value = ?) AND "
            "json_extract(search_attributes_json, '$.\"CustomBool\"') = ?");
}

TEST(VisibilityQueryTest, NumbersAndBooleans) {
  EXPECT_EQ(ParamsOf("HistoryLength = -3"), P({int64_t{-3}}));
  EXPECT_EQ(ParamsOf("HistoryLength = 9223372036854775807"), P({int64_t{INT64_MAX}}));
  EXPECT_EQ(ParamsOf("CustomDouble = 1.5"), P({1.5}));
  EXPECT_EQ(ParamsOf("CustomDouble > -2"), P({-2.0}));
  EXPECT_EQ(ParamsOf("CustomDouble < 2.5e3"), P({2500.0}));
  EXPECT_EQ(ParamsOf("CustomBool = true"), P({int64_t{1}}));
  EXPECT_EQ(ParamsOf("CustomBool != FALSE"), P({int64_t{0}}));

  EXPECT_EQ(ErrorOf("HistoryLength = 1.5"),
            "invalid query at position 17: expected an integer for Int attribute "
            "\"HistoryLength\"");
  EXPECT_EQ(ErrorOf("HistoryLength = '5'"),
            "invalid query at position 17: expected an integer for Int attribute "
            "\"HistoryLength\"");
  EXPECT_EQ(ErrorOf("HistoryLength = 9223372036854775808"),
            "invalid query at position 17: integer out of range");
  EXPECT_EQ(ErrorOf("CustomDouble = 1e999"), "invalid query at position 16: number out of range");
  EXPECT_EQ(
      ErrorOf("CustomDouble = 'x'"),
      "invalid query at position 16: expected a number for Double attribute \"CustomDouble\"");
  EXPECT_EQ(ErrorOf("CustomBool = 'true'"),
            "invalid query at position 14: expected true or false for Bool attribute "
            "\"CustomBool\"");
  EXPECT_EQ(ErrorOf("CustomBool = 1"),
            "invalid query at position 14: expected true or false for Bool attribute "
            "\"CustomBool\"");
  EXPECT_EQ(ErrorOf("WorkflowId = 5"),
            "invalid query at position 14: expected a string for Keyword attribute "
            "\"WorkflowId\"");
  EXPECT_EQ(ErrorOf("WorkflowId = true"),
            "invalid query at position 14: expected a string for Keyword attribute "
            "\"WorkflowId\"");
  EXPECT_EQ(ErrorOf("HistoryLength = 1.2.3"), "invalid query at position 17: malformed number");
  EXPECT_EQ(ErrorOf("HistoryLength = 12abc"), "invalid query at position 17: malformed number");
  EXPECT_EQ(ErrorOf("CustomBool < true"),
            "invalid query at position 12: operator < is not supported for Bool attribute "
            "\"CustomBool\"");
}

TEST(VisibilityQueryTest, Datetimes) {
  EXPECT_EQ(ParamsOf("StartTime > '2026-11-27T10:00:00Z'"), P({kT0}));
  EXPECT_EQ(ParamsOf("StartTime > '2026-11-27T12:00:00+02:00'"), P({kT0}));
  EXPECT_EQ(ParamsOf("StartTime > '2026-11-27T05:30:00-04:30'"), P({kT0}));
  EXPECT_EQ(ParamsOf("StartTime > '2026-11-27t10:00:00z'"), P({kT0}));
  EXPECT_EQ(ParamsOf("StartTime > '2026-11-27T10:00:00.5Z'"), P({kT0 + 500'000'000}));
  EXPECT_EQ(ParamsOf("StartTime > '2026-11-27T10:00:00.000000001Z'"), P({kT0 + 1}));
  EXPECT_EQ(ParamsOf("StartTime > '2026-11-27T10:00:00.1234567891234Z'"),
            P({kT0 + 123'456'789}));  // Truncated to nanoseconds.
  EXPECT_EQ(ParamsOf("StartTime > '1970-01-01T00:00:00Z'"), P({int64_t{0}}));
  EXPECT_EQ(ParamsOf("StartTime > '1969-12-31T23:59:59.5Z'"), P({int64_t{-500'000'000}}));
  EXPECT_EQ(ParamsOf("StartTime > '2024-02-29T00:00:00Z'"),
            P({int64_t{1'709'164'800} * 1'000'000'000}));
  EXPECT_EQ(ParamsOf("StartTime > 1795773600000000000"), P({kT0}));  // Nanoseconds, as Temporal.
  EXPECT_EQ(ParamsOf("CloseTime BETWEEN '2026-11-27T10:00:00Z' AND '2026-11-27T11:00:00Z'"),
            P({kT0, kT0 + kHour}));
  EXPECT_EQ(Where("CustomDatetime <= '2026-11-27T10:00:00Z'"),
            "json_extract(search_attributes_json, '$.\"CustomDatetime\"') <= ?");

  const std::string bad = ": expected RFC 3339, e.g. 2026-11-27T10:00:00Z";
  for (std::string_view value :
       {"'2026-11-27'", "'2026-11-27T10:00:00'", "'2026-11-27 10:00:00Z'", "'2026-13-01T00:00:00Z'",
        "'2026-02-29T00:00:00Z'", "'2026-11-27T24:00:00Z'", "'2026-11-27T10:60:00Z'",
        "'2026-11-27T10:00:60Z'", "'2026-11-27T10:00:00.Z'", "'2026-11-27T10:00:00+2:00'",
        "'2026-11-27T10:00:00+24:00'", "'2300-01-01T00:00:00Z'", "'1600-01-01T00:00:00Z'",
        "'2026-11-27T10:00:00Zjunk'", "'yesterday'", "''"}) {
    EXPECT_EQ(ErrorOf("StartTime > " + std::string(value)),
              "invalid query at position 13: invalid datetime for \"StartTime\"" + bad)
        << value;
  }
  EXPECT_EQ(ErrorOf("StartTime > 1.5"),
            "invalid query at position 13: expected an RFC 3339 datetime for Datetime attribute "
            "\"StartTime\"");
  EXPECT_EQ(ErrorOf("StartTime STARTS_WITH '2026'"),
            "invalid query at position 11: operator STARTS_WITH is not supported for Datetime "
            "attribute \"StartTime\"");
}

TEST(VisibilityQueryTest, ExecutionStatusNames) {
  const std::vector<std::string> names = {"Running",    "Completed",      "Failed",  "Canceled",
                                          "Terminated", "ContinuedAsNew", "TimedOut"};
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(ParamsOf("ExecutionStatus = '" + names[i] + "'"), P({static_cast<int64_t>(i + 1)}))
        << names[i];
  }
  EXPECT_EQ(Where("ExecutionStatus = 'Running'"), "status = ?");
  EXPECT_EQ(ParamsOf("ExecutionStatus = \"running\""), P({int64_t{1}}));
  EXPECT_EQ(ParamsOf("ExecutionStatus = 'TIMEDOUT'"), P({int64_t{7}}));
  EXPECT_EQ(ParamsOf("ExecutionStatus = 'WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW'"),
            P({int64_t{6}}));
  EXPECT_EQ(ParamsOf("ExecutionStatus = 'workflow_execution_status_failed'"), P({int64_t{3}}));
  EXPECT_EQ(ParamsOf("ExecutionStatus = 4"), P({int64_t{4}}));
  EXPECT_EQ(ParamsOf("ExecutionStatus IN ('Running', 'Terminated')"), P({int64_t{1}, int64_t{5}}));
  EXPECT_EQ(ParamsOf("ExecutionStatus != 'Completed'"), P({int64_t{2}}));

  const std::string unknown =
      "unknown ExecutionStatus: expected Running, Completed, Failed, Canceled, Terminated, "
      "ContinuedAsNew or TimedOut";
  EXPECT_EQ(ErrorOf("ExecutionStatus = 'Bogus'"), "invalid query at position 19: " + unknown);
  EXPECT_EQ(ErrorOf("ExecutionStatus = 'Continued_As_New'"),
            "invalid query at position 19: " + unknown);
  EXPECT_EQ(ErrorOf("ExecutionStatus = 'WORKFLOW_EXECUTION_STATUS_UNSPECIFIED'"),
            "invalid query at position 19: " + unknown);
  EXPECT_EQ(ErrorOf("ExecutionStatus = 0"), "invalid query at position 19: " + unknown);
  EXPECT_EQ(ErrorOf("ExecutionStatus = 8"), "invalid query at position 19: " + unknown);
  EXPECT_EQ(ErrorOf("ExecutionStatus STARTS_WITH 'Run'"),
            "invalid query at position 17: operator STARTS_WITH is not supported for Keyword "
            "attribute \"ExecutionStatus\"");
}

TEST(VisibilityQueryTest, KeywordListMeansContains) {
  const std::string each =
      "EXISTS (SELECT 1 FROM json_each(json_extract(search_attributes_json, '$.\"Tags\"')) ";
  EXPECT_EQ(Where("Tags = 'red'"), each + "WHERE value = ?)");
  EXPECT_EQ(Where("Tags != 'red'"), "NOT " + each + "WHERE value = ?)");
  EXPECT_EQ(Where("Tags IN ('red', 'blue')"), each + "WHERE value IN (?, ?))");
  EXPECT_EQ(Where("Tags NOT IN ('red')"), "NOT " + each + "WHERE value IN (?))");
  EXPECT_EQ(ParamsOf("Tags IN ('red', 'blue')"), P({std::string("red"), std::string("blue")}));

  EXPECT_EQ(ErrorOf("Tags > 'a'"),
            "invalid query at position 6: operator > is not supported for KeywordList "
            "attribute \"Tags\"");
  EXPECT_EQ(ErrorOf("Tags BETWEEN 'a' AND 'b'"),
            "invalid query at position 6: operator BETWEEN is not supported for KeywordList "
            "attribute \"Tags\"");
  EXPECT_EQ(ErrorOf("Tags STARTS_WITH 'a'"),
            "invalid query at position 6: operator STARTS_WITH is not supported for KeywordList "
            "attribute \"Tags\"");
  EXPECT_EQ(ErrorOf("Tags = 1"),
            "invalid query at position 8: expected a string for KeywordList attribute \"Tags\"");
}

TEST(VisibilityQueryTest, TextTakesEqualityAndPrefixOnly) {
  EXPECT_EQ(Where("CustomText = 'hello world'"),
            "json_extract(search_attributes_json, '$.\"CustomText\"') = ?");
  EXPECT_EQ(ErrorOf("CustomText < 'a'"),
            "invalid query at position 12: operator < is not supported for Text attribute "
            "\"CustomText\"");
  EXPECT_EQ(ErrorOf("CustomText IN ('a')"),
            "invalid query at position 12: operator IN is not supported for Text attribute "
            "\"CustomText\"");
}

TEST(VisibilityQueryTest, OrderBy) {
  TranslatedQuery t = Translate("WorkflowType = 'a' ORDER BY StartTime DESC, RunId");
  EXPECT_EQ(t.where, "workflow_type = ?");
  EXPECT_EQ(t.order_by, "start_time DESC, run_id ASC");
  EXPECT_FALSE(t.group_by_execution_status);

  t = Translate("order by CloseTime asc");
  EXPECT_EQ(t.where, "");
  EXPECT_EQ(t.order_by, "close_time ASC");
  EXPECT_EQ(Translate("ORDER BY CustomInt DESC").order_by,
            "json_extract(search_attributes_json, '$.\"CustomInt\"') DESC");

  EXPECT_EQ(ErrorOf("ORDER BY CustomText"),
            "invalid query at position 10: cannot order by Text attribute \"CustomText\"");
  EXPECT_EQ(ErrorOf("ORDER BY Tags"),
            "invalid query at position 10: cannot order by KeywordList attribute \"Tags\"");
  EXPECT_EQ(ErrorOf("ORDER StartTime"), "invalid query at position 7: expected BY after ORDER");
  EXPECT_EQ(ErrorOf("ORDER BY"), "invalid query at position 9: expected a search attribute name");
  EXPECT_EQ(ErrorOf("ORDER BY StartTime DESC LIMIT 10"),
            "invalid query at position 25: expected ',' or the end of the query");
  EXPECT_EQ(ErrorOf("ORDER BY StartTime; DROP TABLE x"),
            "invalid query at position 19: unexpected character ';'");
  EXPECT_EQ(ErrorOf("ORDER BY Nope"), "invalid query: unknown search attribute \"Nope\"");
}

TEST(VisibilityQueryTest, GroupByExecutionStatus) {
  TranslatedQuery t = Translate("WorkflowType = 'a' GROUP BY ExecutionStatus");
  EXPECT_EQ(t.where, "workflow_type = ?");
  EXPECT_TRUE(t.group_by_execution_status);
  EXPECT_EQ(t.order_by, "");
  EXPECT_TRUE(Translate("group by `ExecutionStatus`").group_by_execution_status);

  EXPECT_EQ(ErrorOf("GROUP BY WorkflowType"),
            "invalid query at position 10: GROUP BY supports only ExecutionStatus");
  EXPECT_EQ(ErrorOf("GROUP BY ExecutionStatus, WorkflowType"),
            "invalid query at position 25: GROUP BY supports only ExecutionStatus");
  EXPECT_EQ(ErrorOf("GROUP BY ExecutionStatus ORDER BY StartTime"),
            "invalid query at position 26: ORDER BY cannot be combined with GROUP BY");
  EXPECT_EQ(ErrorOf("ORDER BY StartTime GROUP BY ExecutionStatus"),
            "invalid query at position 20: GROUP BY cannot be combined with ORDER BY");
  EXPECT_EQ(ErrorOf("GROUP ExecutionStatus"),
            "invalid query at position 7: expected BY after GROUP");
}

TEST(VisibilityQueryTest, ErrorsNameThePositionAndWhatWasExpected) {
  EXPECT_EQ(ErrorOf("WorkflowId = "), "invalid query at position 14: expected a value after '='");
  EXPECT_EQ(ErrorOf("WorkflowId = 'a' AND StartTime > "),
            "invalid query at position 34: expected a value after '>'");
  EXPECT_EQ(ErrorOf("WorkflowId = 'a' AND"),
            "invalid query at position 21: expected a search attribute name");
  EXPECT_EQ(ErrorOf("= 'a'"), "invalid query at position 1: expected a search attribute name");
  EXPECT_EQ(ErrorOf("(WorkflowId = 'a'"),
            "invalid query at position 18: expected ')' to close the '(' at position 1");
  EXPECT_EQ(ErrorOf("WorkflowId = 'a')"),
            "invalid query at position 17: expected AND, OR, ORDER BY, GROUP BY or the end of "
            "the query");
  EXPECT_EQ(ErrorOf("WorkflowId 'a'"),
            "invalid query at position 12: expected an operator after WorkflowId");
  EXPECT_EQ(ErrorOf("WorkflowId == 'a'"),
            "invalid query at position 13: expected a value after '='");
  EXPECT_EQ(ErrorOf("WorkflowId = 'abc"), "invalid query at position 14: unterminated string");
  EXPECT_EQ(ErrorOf("`WorkflowId = 'a'"),
            "invalid query at position 1: unterminated attribute name");
  EXPECT_EQ(ErrorOf("`` = 'a'"), "invalid query at position 1: empty attribute name");
  EXPECT_EQ(ErrorOf("WorkflowId IN 'a'"), "invalid query at position 15: expected '(' after IN");
  EXPECT_EQ(ErrorOf("WorkflowId IN ()"),
            "invalid query at position 16: expected a value after '('");
  EXPECT_EQ(ErrorOf("WorkflowId IN ('a',)"),
            "invalid query at position 20: expected a value after ','");
  EXPECT_EQ(ErrorOf("WorkflowId IN ('a' 'b')"),
            "invalid query at position 20: expected ',' or ')' in the IN list");
  EXPECT_EQ(ErrorOf("HistoryLength BETWEEN 1 OR 2"),
            "invalid query at position 25: expected AND between the bounds of BETWEEN");
  EXPECT_EQ(ErrorOf("CloseTime IS 'x'"),
            "invalid query at position 14: expected NULL or NOT NULL after IS");
  EXPECT_EQ(ErrorOf("CloseTime IS NOT"),
            "invalid query at position 17: expected NULL after IS NOT");
  EXPECT_EQ(ErrorOf("WorkflowId NOT = 'a'"),
            "invalid query at position 16: expected IN, BETWEEN or STARTS_WITH after NOT");
  EXPECT_EQ(ErrorOf("WorkflowId = NULL"),
            "invalid query at position 14: expected a value after '=' (IS NULL and IS NOT NULL "
            "match a missing value)");
  EXPECT_EQ(ErrorOf("ExecutionStatus = Running"),
            "invalid query at position 19: expected a value after '=' (strings are written in "
            "quotes)");
  EXPECT_EQ(ErrorOf("Foo = 'a'"), "invalid query: unknown search attribute \"Foo\"");
  EXPECT_EQ(ErrorOf("workflowid = 'a'"), "invalid query: unknown search attribute \"workflowid\"");
  EXPECT_EQ(ErrorOf("NOT"), "invalid query at position 4: expected a search attribute name");
  EXPECT_EQ(ErrorOf("()"), "invalid query at position 2: expected a search attribute name");
  // Positions count characters, not bytes.
  EXPECT_EQ(ErrorOf("WorkflowId = 'é' AND"),
            "invalid query at position 21: expected a search attribute name");
  EXPECT_EQ(ErrorOf("WorkflowId = 'a' ✓"),
            "invalid query at position 18: unexpected character '✓'");
}

TEST(VisibilityQueryTest, InjectionAttemptsAreSyntaxErrors) {
  EXPECT_EQ(ErrorOf("WorkflowId = 'a'; DROP TABLE executions"),
            "invalid query at position 17: unexpected character ';'");
  EXPECT_EQ(ErrorOf("WorkflowId = 'x' OR 1=1 --"),
            "invalid query at position 21: expected a search attribute name");
  EXPECT_EQ(ErrorOf("WorkflowId = 'x' -- comment"),
            "invalid query at position 18: unexpected character '-'");
  EXPECT_EQ(ErrorOf("WorkflowId = 'x' /* c */"),
            "invalid query at position 18: unexpected character '/'");
  EXPECT_EQ(ErrorOf("WorkflowId = 'x' UNION SELECT * FROM executions"),
            "invalid query at position 18: expected AND, OR, ORDER BY, GROUP BY or the end of "
            "the query");
  EXPECT_EQ(ErrorOf("WorkflowId = RunId"),
            "invalid query at position 14: expected a value after '=' (strings are written in "
            "quotes)");
  EXPECT_EQ(ErrorOf("WorkflowId = lower('A')"),
            "invalid query at position 14: expected a value after '=' (strings are written in "
            "quotes)");
  EXPECT_NE(ErrorOf("WorkflowId = 'a' OR TRUE"), "OK");
  EXPECT_NE(ErrorOf("WorkflowId = 'a' AND 'b'"), "OK");
  EXPECT_NE(ErrorOf("WorkflowId = x'00'"), "OK");
  EXPECT_NE(ErrorOf("WorkflowId = 'a' COLLATE NOCASE"), "OK");
  EXPECT_EQ(ErrorOf(std::string_view("WorkflowId = 'a'\0 OR 1", 22)),
            "invalid query at position 17: unexpected character");

  // Quotes in a value stay in the value.
  TranslatedQuery t = Translate("WorkflowId = 'x''; DROP TABLE visibility; --'");
  EXPECT_EQ(t.where, "workflow_id = ?");
  EXPECT_EQ(t.params, P({std::string("x'; DROP TABLE visibility; --")}));

  // A resolver that knows every name still cannot get one into the SQL text.
  AttributeResolver everything =
      SystemAttributes([](const std::string&) { return AttributeType::kKeyword; });
  EXPECT_TRUE(TranslateQuery("Anything = 'a'", everything).ok());
  for (std::string_view query :
       {"`x') OR 1=1 --` = 'a'", "`a\"b` = 'a'", "`a.b` = 'a'", "`a b` = 'a'", "`1a` = 'a'"}) {
    Result<TranslatedQuery> r = TranslateQuery(query, everything);
    ASSERT_FALSE(r.ok()) << query;
    EXPECT_EQ(r.status().message().rfind("invalid query: unknown search attribute", 0), 0u);
  }
}

TEST(VisibilityQueryTest, Limits) {
  std::string longest = "WorkflowId = '" + std::string(kMaxQueryLength - 15, 'x') + "'";
  ASSERT_EQ(longest.size(), kMaxQueryLength);
  EXPECT_EQ(ErrorOf(longest), "OK");
  EXPECT_EQ(ErrorOf(longest + " "), "invalid query: longer than 4096 bytes");

  auto nested = [](int depth) {
    return std::string(depth, '(') + "RunId = 'a'" + std::string(depth, ')');
  };
  EXPECT_EQ(ErrorOf(nested(100)), "OK");
  EXPECT_EQ(ErrorOf(nested(101)),
            "invalid query at position 101: expressions nested deeper than 100 levels");
  std::string nots;
  for (int i = 0; i < 101; ++i) nots += "NOT ";
  EXPECT_EQ(ErrorOf(nots + "RunId = 'a'"),
            "invalid query at position 401: expressions nested deeper than 100 levels");
  // Long flat chains are not nesting.
  std::string chain = "RunId = 'a'";
  for (int i = 0; i < 200; ++i) chain += " OR RunId = 'a'";
  EXPECT_EQ(ErrorOf(chain), "OK");
}

TEST(VisibilityQueryTest, SystemAttributes) {
  AttributeResolver resolve = Resolver();
  const std::map<std::string, std::pair<AttributeType, std::string>> expected = {
      {"WorkflowId", {AttributeType::kKeyword, "workflow_id"}},
      {"WorkflowType", {AttributeType::kKeyword, "workflow_type"}},
      {"RunId", {AttributeType::kKeyword, "run_id"}},
      {"ExecutionStatus", {AttributeType::kKeyword, "status"}},
      {"TaskQueue", {AttributeType::kKeyword, "task_queue"}},
      {"StartTime", {AttributeType::kDatetime, "start_time"}},
      {"CloseTime", {AttributeType::kDatetime, "close_time"}},
      {"ExecutionTime", {AttributeType::kDatetime, "execution_time"}},
      {"HistoryLength", {AttributeType::kInt, "history_length"}},
      {"HistorySizeBytes", {AttributeType::kInt, "history_size_bytes"}},
      {"CustomInt",
       {AttributeType::kInt, "json_extract(search_attributes_json, '$.\"CustomInt\"')"}},
  };
  for (const auto& [name, column] : expected) {
    std::optional<AttributeColumn> got = resolve(name);
    ASSERT_TRUE(got.has_value()) << name;
    EXPECT_EQ(got->type, column.first) << name;
    EXPECT_EQ(got->sql, column.second) << name;
  }
  EXPECT_FALSE(resolve("Unknown").has_value());
  EXPECT_FALSE(resolve("").has_value());
  EXPECT_FALSE(SystemAttributes(nullptr)("CustomInt").has_value());
  EXPECT_TRUE(SystemAttributes(nullptr)("RunId").has_value());
  EXPECT_EQ(TranslateQuery("RunId = 'a'", nullptr).status().message(),
            "invalid query: unknown search attribute \"RunId\"");
}

}  // namespace
}  // namespace endure::storage::visibility
