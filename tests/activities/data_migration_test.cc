// CopyRowsBatch and CountRows between real SQLite files.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "activities/data_migration.h"
#include "tests/activities/fake_activity_context.h"
#include "tests/activities/temp_dir.h"

namespace endure::activities {
namespace {

using runtime::Json;
using testing::FakeActivityContext;
using testing::TempDir;

// Runs `sql` on the database at `path` and returns its rows, each as "v1|v2|...", NULL as
// "NULL" and blobs as their length ("blob:3").
std::vector<std::string> Query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  std::vector<std::string> rows;
  while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      if (i > 0) row += "|";
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
          row += "NULL";
          break;
        case SQLITE_BLOB:
          row += "blob:" + std::to_string(sqlite3_column_bytes(stmt, i));
          break;
        default:
          row += reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      }
    }
    rows.push_back(row);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

void Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

class DataMigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = (dir_.path() / "source.db").string();
    target_ = (dir_.path() / "target.db").string();
    // 25 users whose ids have gaps (10, 20, ..., 250), so batches follow the key, not the ids.
    std::string sql =
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, avatar BLOB);"
        "CREATE INDEX users_by_name ON users (name);";
    for (int i = 1; i <= 25; ++i) {
      sql += "INSERT INTO users VALUES (" + std::to_string(i * 10) + ", 'user" + std::to_string(i) +
             "', " + (i % 5 == 0 ? "NULL" : std::to_string(i) + ".5") + ", x'0102" +
             (i % 2 == 0 ? "03" : "") + "');";
    }
    Exec(source_, sql);
  }

  Json Copy(int64_t batch, int64_t batch_size, const std::string& table = "users") {
    FakeActivityContext ctx;
    return CopyRowsBatch(ctx, {{"source_db", source_},
                               {"target_db", target_},
                               {"table", table},
                               {"batch", batch},
                               {"batch_size", batch_size}});
  }
  int64_t Count(const std::string& db, const std::string& table) {
    FakeActivityContext ctx;
    return CountRows(ctx, {{"db", db}, {"table", table}})["rows"].get<int64_t>();
  }
  std::string ErrorType(const std::function<void()>& f) {
    try {
      f();
    } catch (const runtime::ApplicationError& e) {
      EXPECT_TRUE(e.non_retryable()) << e.what();
      return e.type();
    }
    return "none";
  }

  TempDir dir_;
  std::string source_;
  std::string target_;
};

TEST_F(DataMigrationTest, CopiesInBatchesUntilDone) {
  EXPECT_EQ(Copy(0, 10), Json({{"batch", 0}, {"rows_copied", 10}, {"done", false}}));
  EXPECT_EQ(Count(target_, "users"), 10);
  EXPECT_EQ(Copy(1, 10), Json({{"batch", 1}, {"rows_copied", 10}, {"done", false}}));
  EXPECT_EQ(Copy(2, 10), Json({{"batch", 2}, {"rows_copied", 5}, {"done", true}}));
  EXPECT_EQ(Copy(3, 10), Json({{"batch", 3}, {"rows_copied", 0}, {"done", true}}));
  EXPECT_EQ(Count(target_, "users"), 25);
  const std::string all = "SELECT id, name, score, avatar FROM users ORDER BY id";
  EXPECT_EQ(Query(target_, all), Query(source_, all));
  EXPECT_EQ(Query(target_, "SELECT typeof(score), typeof(avatar) FROM users WHERE id = 50"),
            std::vector<std::string>{"null|blob"});
  // The schema came along: the same CREATE statements, the index included.
  const std::string schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name";
  EXPECT_EQ(Query(target_, schema), Query(source_, schema));
}

TEST_F(DataMigrationTest, ABatchRetriedDoesNotDuplicate) {
  Copy(0, 10);
  Copy(1, 10);
  EXPECT_EQ(Copy(1, 10)["rows_copied"], 10);  // A retry after the commit.
  Copy(0, 10);
  EXPECT_EQ(Count(target_, "users"), 20);
  EXPECT_EQ(Query(target_, "SELECT min(id), max(id) FROM users"),
            std::vector<std::string>{"10|200"});
}

TEST_F(DataMigrationTest, DoneWhenTheLastBatchIsExactlyFull) {
  EXPECT_EQ(Copy(0, 25)["done"], true);
  EXPECT_EQ(Copy(4, 5)["done"], true);
  EXPECT_EQ(Copy(3, 5)["done"], false);
}

TEST_F(DataMigrationTest, TablesWithoutAnIntegerKeyCopyTheirRowid) {
  Exec(source_,
       "CREATE TABLE events (kind TEXT, payload TEXT);"
       "INSERT INTO events VALUES ('a', '1'), ('a', '1'), ('b', NULL);"  // Duplicate rows.
       "DELETE FROM events WHERE rowid = 1;"
       "INSERT INTO events VALUES ('c', '3');");
  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_EQ(Copy(0, 2, "events")["done"], false);
    EXPECT_EQ(Copy(1, 2, "events")["done"], true);
  }
  const std::string all = "SELECT rowid, kind, payload FROM events ORDER BY rowid";
  EXPECT_EQ(Query(target_, all), (std::vector<std::string>{"2|a|1", "3|b|NULL", "4|c|3"}));
}

TEST_F(DataMigrationTest, WithoutRowidTablesUseTheirPrimaryKey) {
  Exec(source_,
       "CREATE TABLE kv (k TEXT, n INTEGER, v TEXT, PRIMARY KEY (n, k)) WITHOUT ROWID;"
       "INSERT INTO kv VALUES ('b', 1, 'x'), ('a', 1, 'y'), ('a', 0, 'z');");
  EXPECT_EQ(Copy(0, 2, "kv")["rows_copied"], 2);
  EXPECT_EQ(Copy(0, 2, "kv")["rows_copied"], 2);
  EXPECT_EQ(Copy(1, 2, "kv")["rows_copied"], 1);
  EXPECT_EQ(Query(target_, "SELECT n, k, v FROM kv ORDER BY n, k"),
            (std::vector<std::string>{"0|a|z", "1|a|y", "1|b|x"}));
}

TEST_F(DataMigrationTest, ExistingTargetTableMustHaveTheColumns) {
  Exec(target_, "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);");
  EXPECT_EQ(ErrorType([&] { Copy(0, 10); }), "SchemaMismatch");
  EXPECT_EQ(Count(target_, "users"), 0);  // Rolled back.
}

TEST_F(DataMigrationTest, Errors) {
  EXPECT_EQ(ErrorType([&] { Copy(0, 10, "users; DROP TABLE users"); }), "InvalidTable");
  EXPECT_EQ(ErrorType([&] { Copy(0, 10, "1users"); }), "InvalidTable");
  EXPECT_EQ(ErrorType([&] { Copy(0, 10, "sqlite_master"); }), "InvalidTable");
  EXPECT_EQ(ErrorType([&] { Copy(0, 10, "nosuchtable"); }), "InvalidTable");
  EXPECT_EQ(ErrorType([&] { Copy(0, 0); }), "InvalidInput");
  EXPECT_EQ(ErrorType([&] { Copy(-1, 10); }), "InvalidInput");
  EXPECT_EQ(ErrorType([&] { Count(target_, "users"); }), "MissingDatabase");
  EXPECT_EQ(ErrorType([&] {
              FakeActivityContext ctx;
              CopyRowsBatch(ctx, {{"source_db", source_},
                                  {"target_db", source_},
                                  {"table", "users"},
                                  {"batch", 0},
                                  {"batch_size", 1}});
            }),
            "InvalidInput");
  source_ = (dir_.path() / "missing.db").string();
  EXPECT_EQ(ErrorType([&] { Copy(0, 10); }), "MissingDatabase");
  dir_.Write("garbage.db", std::string(4096, 'x'));
  EXPECT_EQ(ErrorType([&] { Count((dir_.path() / "garbage.db").string(), "users"); }),
            "CorruptDatabase");
}

TEST_F(DataMigrationTest, CancelledBatchRollsBack) {
  std::string sql =
      "CREATE TABLE big (v INTEGER); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
      "SELECT i + 1 FROM n WHERE i < 2500) INSERT INTO big SELECT i FROM n;";
  Exec(source_, sql);
  FakeActivityContext ctx;
  ctx.set_cancelled(true);
  EXPECT_THROW(CopyRowsBatch(ctx, {{"source_db", source_},
                                   {"target_db", target_},
                                   {"table", "big"},
                                   {"batch", 0},
                                   {"batch_size", 2000}}),
               runtime::CancelledError);
  ASSERT_EQ(ctx.heartbeats().size(), 1u);
  EXPECT_EQ(ctx.heartbeats()[0]["rows_copied"], 1000);
  EXPECT_EQ(Query(target_, "SELECT count(*) FROM sqlite_master WHERE name = 'big'"),
            std::vector<std::string>{"0"});  // Even the CREATE TABLE was rolled back.
}

}  // namespace
}  // namespace endure::activities
