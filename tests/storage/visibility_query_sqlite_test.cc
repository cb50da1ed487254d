// The translated SQL runs: a small visibility table in memory, which rows each query selects,
// and random queries that must either run or fail cleanly.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/sqlite/connection.h"
#include "storage/visibility/visibility_query.h"
#include "tests/storage/visibility_query_test_util.h"

namespace endure::storage::visibility {
namespace {

using namespace query_testing;  // NOLINT: the shared helpers of these tests.
using storage::sqlite::Connection;
using storage::sqlite::OpenMode;

// The SQL runs: a small visibility table in memory, and which rows each query selects.
class VisibilityQuerySqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Connection::Open(":memory:", OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec(R"sql(
      CREATE TABLE visibility(run_id TEXT, workflow_id TEXT, workflow_type TEXT, task_queue TEXT,
        status INTEGER, start_time INTEGER, execution_time INTEGER, close_time INTEGER,
        history_length INTEGER, history_size_bytes INTEGER, search_attributes_json TEXT);
    )sql")
                    .ok());
    Insert("r1", "order-1", "OrderWorkflow", 1, 0, std::nullopt, 10,
           R"({"Tags":["red","blue"],"CustomInt":5,"CustomBool":true,"CustomKeyword":"alpha"})");
    Insert("r2", "order-2", "OrderWorkflow", 2, 1, 2, 20,
           R"({"Tags":["green"],"CustomInt":7,"CustomBool":false})");
    Insert("r3", "payment-1", "PaymentWorkflow", 3, 2, 3, 30, "{}");
    Insert("r4", "order-10", "OrderWorkflow", 6, 3, 4, 40, std::nullopt);
  }

  void Insert(const std::string& run_id, const std::string& workflow_id, const std::string& type,
              int64_t status, int64_t start_hour, std::optional<int64_t> close_hour,
              int64_t history_length, std::optional<std::string> attributes) {
    auto stmt = db_->Prepare("INSERT INTO visibility VALUES (?, ?, ?, 'tq', ?, ?, ?, ?, ?, ?, ?)");
    ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
    stmt->Bind(1, run_id).Bind(2, workflow_id).Bind(3, type).Bind(4, status);
    stmt->Bind(5, kT0 + start_hour * kHour).Bind(6, kT0 + start_hour * kHour);
    stmt->BindTime(7, close_hour ? std::optional(kT0 + *close_hour * kHour) : std::nullopt);
    stmt->Bind(8, history_length).Bind(9, history_length * 100);
    if (attributes) {
      stmt->Bind(10, *attributes);
    } else {
      stmt->BindNull(10);
    }
    ASSERT_TRUE(stmt->Run().ok());
  }

  Result<storage::sqlite::Statement> Prepare(const std::string& sql, const Params& params) {
    ENDURE_ASSIGN_OR_RETURN(storage::sqlite::Statement stmt, db_->Prepare(sql));
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      if (const auto* n = std::get_if<int64_t>(&params[i])) stmt.Bind(index, *n);
      if (const auto* s = std::get_if<std::string>(&params[i])) stmt.Bind(index, *s);
      // Statement has no Bind(double) yet: the queries below bind none.
      if (std::holds_alternative<double>(params[i])) return Internal("a double parameter");
    }
    return stmt;
  }

  // The run ids the query selects, in its order (run_id when it has none).
  std::vector<std::string> Select(std::string_view query) {
    TranslatedQuery t = Translate(query);
    std::string sql = "SELECT run_id FROM visibility";
    if (!t.where.empty()) sql += " WHERE (" + t.where + ")";
    sql += " ORDER BY " + (t.order_by.empty() ? std::string("run_id") : t.order_by);
    auto stmt = Prepare(sql, t.params);
    EXPECT_TRUE(stmt.ok()) << sql << ": " << stmt.status().ToString();
    std::vector<std::string> runs;
    while (stmt.ok()) {
      Result<bool> row = stmt->Step();
      EXPECT_TRUE(row.ok()) << sql << ": " << row.status().ToString();
      if (!row.ok() || !*row) break;
      runs.emplace_back(stmt->ColumnText(0));
    }
    return runs;
  }

  std::unique_ptr<Connection> db_;
};

using Runs = std::vector<std::string>;

TEST_F(VisibilityQuerySqliteTest, SelectsTheRightRows) {
  EXPECT_EQ(Select(""), (Runs{"r1", "r2", "r3", "r4"}));
  EXPECT_EQ(Select("WorkflowType = 'OrderWorkflow'"), (Runs{"r1", "r2", "r4"}));
  EXPECT_EQ(Select("WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running' OR "
                   "ExecutionStatus = 'Failed'"),
            (Runs{"r1", "r3"}));
  EXPECT_EQ(Select("WorkflowType = 'OrderWorkflow' AND (ExecutionStatus = 'Running' OR "
                   "ExecutionStatus = 'Failed')"),
            (Runs{"r1"}));
  EXPECT_EQ(Select("NOT ExecutionStatus IN ('Running', 'Completed')"), (Runs{"r3", "r4"}));
  EXPECT_EQ(Select("ExecutionStatus NOT IN (1, 2) AND NOT NOT RunId != 'r3'"), (Runs{"r4"}));
  EXPECT_EQ(Select("WorkflowId STARTS_WITH 'order-1'"), (Runs{"r1", "r4"}));
  EXPECT_EQ(Select("WorkflowId NOT STARTS_WITH 'order'"), (Runs{"r3"}));
  EXPECT_EQ(Select("WorkflowId STARTS_WITH ''"), (Runs{"r1", "r2", "r3", "r4"}));
  EXPECT_EQ(Select("CloseTime IS NULL"), (Runs{"r1"}));
  EXPECT_EQ(Select("CloseTime IS NOT NULL AND HistoryLength >= 30"), (Runs{"r3", "r4"}));
  EXPECT_EQ(Select("StartTime BETWEEN '2026-11-27T10:00:00Z' AND '2026-11-27T12:00:00+01:00'"),
            (Runs{"r1", "r2"}));
  EXPECT_EQ(Select("StartTime NOT BETWEEN '2026-11-27T10:00:00Z' AND '2026-11-27T11:00:00Z'"),
            (Runs{"r3", "r4"}));
  EXPECT_EQ(Select("ExecutionTime > '2026-11-27T11:30:00.5Z'"), (Runs{"r3", "r4"}));
  EXPECT_EQ(Select("HistorySizeBytes <> 2000 AND HistoryLength < 40"), (Runs{"r1", "r3"}));
}

TEST_F(VisibilityQuerySqliteTest, CustomAttributesFromTheJsonColumn) {
  EXPECT_EQ(Select("Tags = 'red'"), (Runs{"r1"}));
  EXPECT_EQ(Select("Tags IN ('green', 'red')"), (Runs{"r1", "r2"}));
  EXPECT_EQ(Select("Tags != 'red'"), (Runs{"r2", "r3", "r4"}));  // No list contains nothing.
  EXPECT_EQ(Select("Tags NOT IN ('red', 'green')"), (Runs{"r3", "r4"}));
  EXPECT_EQ(Select("Tags IS NULL"), (Runs{"r3", "r4"}));
  EXPECT_EQ(Select("CustomInt > 5"), (Runs{"r2"}));
  EXPECT_EQ(Select("CustomBool = true"), (Runs{"r1"}));
  EXPECT_EQ(Select("CustomBool = false"), (Runs{"r2"}));
  EXPECT_EQ(Select("CustomKeyword IS NOT NULL"), (Runs{"r1"}));
  EXPECT_EQ(Select("CustomKeyword STARTS_WITH 'al'"), (Runs{"r1"}));
}

TEST_F(VisibilityQuerySqliteTest, OrderByAndGroupBy) {
  EXPECT_EQ(Select("ORDER BY StartTime DESC"), (Runs{"r4", "r3", "r2", "r1"}));
  EXPECT_EQ(Select("WorkflowType = 'OrderWorkflow' ORDER BY WorkflowType, HistoryLength DESC"),
            (Runs{"r4", "r2", "r1"}));

  TranslatedQuery t = Translate("WorkflowType = 'OrderWorkflow' GROUP BY ExecutionStatus");
  ASSERT_TRUE(t.group_by_execution_status);
  auto stmt = Prepare("SELECT status, COUNT(*) FROM visibility WHERE (" + t.where +
                          ") GROUP BY status ORDER BY status",
                      t.params);
  ASSERT_TRUE(stmt.ok()) << stmt.status().ToString();
  std::map<int64_t, int64_t> counts;
  while (true) {
    Result<bool> row = stmt->Step();
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    if (!*row) break;
    counts[stmt->ColumnInt(0)] = stmt->ColumnInt(1);
  }
  EXPECT_EQ(counts, (std::map<int64_t, int64_t>{{1, 1}, {2, 1}, {6, 1}}));
}

TEST_F(VisibilityQuerySqliteTest, AValueThatLooksLikeSqlIsOnlyAValue) {
  EXPECT_EQ(Select("WorkflowId = 'x''; DROP TABLE visibility; --'"), Runs{});
  EXPECT_EQ(Select("WorkflowId = 'order-1'' OR ''1''=''1'"), Runs{});
  EXPECT_EQ(Select("WorkflowId STARTS_WITH '%'"), Runs{});  // Not a LIKE wildcard.
  EXPECT_EQ(Select("RunId IN ('r1', 'r1'') OR 1=1 --')"), (Runs{"r1"}));
  EXPECT_EQ(Select(""), (Runs{"r1", "r2", "r3", "r4"}));  // The table is still there.
}

// Seeded random queries: valid ones built from the grammar, then mangled. Whatever translates
// must compile and run in SQLite with one parameter per `?`; whatever does not is
// INVALID_ARGUMENT with a message, never a crash.
TEST_F(VisibilityQuerySqliteTest, RandomQueriesTranslateToRunnableSqlOrFailCleanly) {
  const std::vector<std::string> predicates = {
      "WorkflowId = 'order-1'",
      "WorkflowType != \"OrderWorkflow\"",
      "RunId IN ('r1', 'r2')",
      "HistoryLength BETWEEN 10 AND 30",
      "HistoryLength NOT BETWEEN 1 AND 2",
      "StartTime >= '2026-11-27T11:00:00+01:00'",
      "CloseTime IS NULL",
      "ExecutionTime IS NOT NULL",
      "ExecutionStatus = 'Running'",
      "ExecutionStatus NOT IN ('Completed', 3)",
      "WorkflowId STARTS_WITH 'order'",
      "TaskQueue NOT STARTS_WITH 't'",
      "Tags = 'red'",
      "Tags NOT IN ('green')",
      "CustomBool = false",
      "CustomInt < 6",
      "CustomDouble > 1.5",
      "CustomText = 'x'",
      "`CustomKeyword` <= 'b'",
      "HistorySizeBytes <> 2000",
  };
  std::mt19937 rng(20261127);
  auto pick = [&rng](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  std::function<std::string(int)> expr = [&](int depth) -> std::string {
    switch (depth > 4 ? 0 : pick(5)) {
      case 1:
        return expr(depth + 1) + " AND " + expr(depth + 1);
      case 2:
        return expr(depth + 1) + " or " + expr(depth + 1);
      case 3:
        return "NOT " + expr(depth + 1);
      case 4:
        return "(" + expr(depth + 1) + ")";
      default:
        return predicates[pick(predicates.size())];
    }
  };
  const std::vector<std::string> tails = {"", " ORDER BY StartTime DESC, RunId",
                                          " GROUP BY ExecutionStatus", " order by CustomInt"};
  const std::string noise = "()'\"`,;=<>!-*/ \\.0aZ_\xc3\xa9";
  int translated = 0, refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string query = expr(0) + tails[pick(tails.size())];
    if (i % 2 == 1) {  // Mangle: delete a span, or insert a character.
      const size_t at = pick(query.size());
      if (pick(2) == 0) {
        query.erase(at, 1 + pick(4));
      } else {
        query.insert(at, 1, noise[pick(noise.size())]);
      }
    }
    Result<TranslatedQuery> t = TranslateQuery(query, Resolver());
    if (!t.ok()) {
      ++refused;
      EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << query;
      EXPECT_EQ(t.status().message().rfind("invalid query", 0), 0u) << query;
      continue;
    }
    ++translated;
    EXPECT_EQ(static_cast<size_t>(std::count(t->where.begin(), t->where.end(), '?')),
              t->params.size())
        << query;
    std::string sql = "SELECT run_id FROM visibility";
    if (!t->where.empty()) sql += " WHERE (" + t->where + ")";
    if (!t->order_by.empty()) sql += " ORDER BY " + t->order_by;
    auto stmt = db_->Prepare(sql);
    ASSERT_TRUE(stmt.ok()) << query << "\n" << sql << "\n" << stmt.status().ToString();
    for (size_t k = 0; k < t->params.size(); ++k) {
      const int index = static_cast<int>(k + 1);
      if (const auto* n = std::get_if<int64_t>(&t->params[k])) stmt->Bind(index, *n);
      if (const auto* s = std::get_if<std::string>(&t->params[k])) stmt->Bind(index, *s);
    }
    while (true) {
      Result<bool> row = stmt->Step();
      ASSERT_TRUE(row.ok()) << query << "\n" << sql << "\n" << row.status().ToString();
      if (!*row) break;
    }
  }
  EXPECT_GT(translated, 1500);
  EXPECT_GT(refused, 500);
}

}  // namespace
}  // namespace endure::storage::visibility
