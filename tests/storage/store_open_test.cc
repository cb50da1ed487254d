// Opening databases: migrations, files that are not ours, and running out of space.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>

#include "storage/schema/migrations.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace endure::storage {
namespace {

using testing::TempDir;
using testing::ToyRun;

Result<std::unique_ptr<Store>> OpenAt(const std::string& path) {
  StoreOptions options;
  options.path = path;
  return Store::Open(options);
}

// Runs a test's own migrations on the file, as Store::Open runs Endure's.
Status MigrateAt(const std::string& path, std::span<const Migration> migrations) {
  auto db = sqlite::Connection::Open(path, sqlite::OpenMode::kReadWriteCreate);
  if (!db.ok()) return db.status();
  return Migrate(**db, migrations);
}

int64_t QueryInt(const std::string& path, const std::string& sql) {
  auto db = sqlite::Connection::Open(path, sqlite::OpenMode::kReadOnly);
  ENDURE_CHECK(db.ok()) << db.status().ToString();
  auto value = (*db)->QueryInt(sql);
  ENDURE_CHECK(value.ok()) << value.status().ToString();
  return *value;
}

constexpr Migration kOld[] = {
    {1,
     "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
     "INSERT INTO notes (text) VALUES ('kept across migrations');"},
};
constexpr Migration kNew[] = {
    kOld[0],
    {2, "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown';"},
    {3, "CREATE INDEX notes_by_author ON notes (author);"},
};
constexpr Migration kBroken[] = {
    kOld[0],
    {2, "ALTER TABLE notes ADD COLUMN author TEXT;"},
    {3, "THIS IS NOT SQL;"},
};

TEST(StoreOpenTest, MigratesAnOlderSchemaAndKeepsABackup) {
  TempDir dir;
  const std::string path = dir.File("old.db");
  ASSERT_TRUE(MigrateAt(path, kOld).ok());
  ASSERT_EQ(QueryInt(path, "PRAGMA user_version"), 1);

  Status migrated = MigrateAt(path, kNew);
  ASSERT_TRUE(migrated.ok()) << migrated.ToString();
  EXPECT_EQ(QueryInt(path, "PRAGMA user_version"), 3);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM notes WHERE author = 'unknown'"), 1);
  // The backup is the database as it was before the migration.
  ASSERT_TRUE(std::filesystem::exists(path + ".v1.bak"));
  EXPECT_EQ(QueryInt(path + ".v1.bak", "PRAGMA user_version"), 1);
  EXPECT_EQ(QueryInt(path + ".v1.bak", "SELECT count(*) FROM notes"), 1);
}

TEST(StoreOpenTest, FailedMigrationChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("old.db");
  ASSERT_TRUE(MigrateAt(path, kOld).ok());
  Status failed = MigrateAt(path, kBroken);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("schema migration to version 3"), std::string::npos)
      << failed.ToString();
  EXPECT_EQ(QueryInt(path, "PRAGMA user_version"), 1);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM pragma_table_info('notes')"), 2);
}

TEST(StoreOpenTest, RefusesADatabaseFromANewerEndure) {
  TempDir dir;
  const std::string path = dir.File("new.db");
  ASSERT_TRUE(MigrateAt(path, kNew).ok());
  Status refused = MigrateAt(path, kOld);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("schema version 3, newer"), std::string::npos)
      << refused.ToString();
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM notes"), 1);

  // Endure's own store refuses a file from the future in the same way.
  const std::string future = dir.File("future.db");
  ASSERT_TRUE(OpenAt(future).ok());
  {
    auto db = sqlite::Connection::Open(future, sqlite::OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 999").ok());
  }
  auto store = OpenAt(future);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("schema version 999, newer"), std::string::npos)
      << store.status().ToString();
}

TEST(StoreOpenTest, RefusesAnotherApplicationsDatabase) {
  TempDir dir;
  const std::string path = dir.File("foreign.db");
  {
    auto db = sqlite::Connection::Open(path, sqlite::OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("CREATE TABLE theirs (x); INSERT INTO theirs VALUES (1);").ok());
  }
  auto store = OpenAt(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("another application"), std::string::npos);
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM theirs"), 1);
}

TEST(StoreOpenTest, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.File("garbage.db");
  std::string garbage(8192, '\x5a');
  std::ofstream(path, std::ios::binary) << garbage;
  auto store = OpenAt(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(store.status().message().find("not a readable Endure database"), std::string::npos)
      << store.status().ToString();
  // The file is left as it was.
  std::ifstream in(path, std::ios::binary);
  std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, garbage);
}

TEST(StoreOpenTest, ReportsAnUnusableLocation) {
  TempDir dir;
  auto missing_dir = OpenAt(dir.File("no/such/dir/endure.db"));
  ASSERT_FALSE(missing_dir.ok());
  EXPECT_NE(missing_dir.status().message().find("cannot open database"), std::string::npos)
      << missing_dir.status().ToString();
  EXPECT_NE(missing_dir.status().message().find("no/such/dir/endure.db"), std::string::npos);

  auto a_directory = OpenAt(dir.path());
  ASSERT_FALSE(a_directory.ok());
  EXPECT_FALSE(a_directory.status().message().empty());

  auto empty = OpenAt("");
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreOpenTest, FullDiskFailsTheWriteAndKeepsWhatWasCommitted) {
  TempDir dir;
  const std::string path = dir.File("small.db");
  StoreOptions options;
  options.path = path;
  options.max_page_count = 64;  // 256 KiB.
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  std::vector<ToyRun> committed;
  Status failure;
  for (int i = 0; i < 1000 && failure.ok(); ++i) {
    ToyRun run{WorkflowId("wf-" + std::to_string(i)), RunId("run-" + std::to_string(i))};
    Transition t = run.Start();
    t.execution->record.state = std::string(8 * 1024, 'x');  // Fill the file quickly.
    failure = (*store)->Commit(std::move(t)).status();
    if (failure.ok()) committed.push_back(run);
  }
  ASSERT_FALSE(failure.ok()) << "the page limit was never reached";
  EXPECT_EQ(failure.code(), StatusCode::kResourceExhausted) << failure.ToString();
  EXPECT_NE(failure.message().find("full"), std::string::npos) << failure.ToString();
  ASSERT_FALSE(committed.empty());
  store->reset();

  // Reopened without the limit: everything acknowledged is there, and writing works again.
  auto reopened = OpenAt(path);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto raw = sqlite::Connection::Open(path, sqlite::OpenMode::kReadOnly);
  for (const ToyRun& run : committed) {
    auto exec = (*reopened)->GetExecution(run.run_id);
    ASSERT_TRUE(exec.ok()) << exec.status().ToString();
    EXPECT_EQ(exec->state.size(), 8u * 1024);
    auto events = (*reopened)->ReadHistory(run.run_id, 1, 100, 100);
    EXPECT_EQ(events->size(), 3u);
  }
  EXPECT_EQ(testing::AllRunIds(path).size(), committed.size());
  ToyRun more{WorkflowId("wf-more"), RunId("run-more")};
  EXPECT_TRUE(more.Commit(**reopened, 1).ok());
}

}  // namespace
}  // namespace endure::storage

namespace endure::storage {
namespace {

TEST(StoreOpenTest, FullDiskInABatchFailsOnlyTheTransitionThatDoesNotFit) {
  TempDir dir;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> holding;
  std::atomic<bool> hold_next{true};
  StoreOptions options;
  options.path = dir.File("batch-full.db");
  options.max_page_count = 48;  // 192 KiB.
  options.before_batch_for_testing = [&] {
    if (hold_next.exchange(false)) {
      holding.set_value();
      released.wait();
    }
  };
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  std::vector<std::future<Status>> outcomes;
  std::vector<ToyRun> runs;
  for (int i = 0; i < 6; ++i) {
    runs.push_back({WorkflowId("wf-" + std::to_string(i)), RunId("run-" + std::to_string(i))});
  }
  for (int i = 0; i < 6; ++i) {
    Transition t = runs[i].Start();
    if (i == 2) t.execution->record.state = std::string(1 << 20, 'x');  // 1 MiB: cannot fit.
    auto outcome = std::make_shared<std::promise<Status>>();
    outcomes.push_back(outcome->get_future());
    (*store)->Submit(std::move(t),
                     [outcome](Result<Committed> r) { outcome->set_value(r.status()); });
    if (i == 0) holding.get_future().wait();
  }
  release.set_value();
  for (int i = 0; i < 6; ++i) {
    Status s = outcomes[i].get();
    if (i == 2) {
      EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
    } else {
      EXPECT_TRUE(s.ok()) << i << ": " << s.ToString();
    }
  }
  EXPECT_EQ((*store)->GetExecution(runs[2].run_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(testing::AllRunIds(options.path).size(), 5u);
}

}  // namespace
}  // namespace endure::storage

namespace endure::storage {
namespace {

// Writes a database as the release with schema `version` left it, holding the rows `sql` adds.
Status WriteOlderDatabase(const std::string& path, size_t version, const std::string& sql) {
  auto db = sqlite::Connection::Open(path, sqlite::OpenMode::kReadWriteCreate);
  if (!db.ok()) return db.status();
  ENDURE_RETURN_IF_ERROR(Migrate(**db, SchemaMigrations().first(version)));
  return (*db)->Exec(sql);
}

TEST(StoreOpenTest, AVersionOneDatabaseIsMigratedWithItsData) {
  TempDir dir;
  const std::string path = dir.File("v1.db");
  // A database as the first release wrote it: version 1 only, with a run in it.
  ASSERT_TRUE(WriteOlderDatabase(path, 1,
                                 "INSERT INTO executions VALUES ('run-1', 'ns', 'wf', 1, 4, 1, "
                                 "x'00');"
                                 "INSERT INTO sequences VALUES ('task_id', 1) "
                                 "ON CONFLICT (name) DO NOTHING;")
                  .ok());
  auto store = OpenAt(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Summarize()->schema_version, SchemaMigrations().back().version);
  EXPECT_EQ((*store)->GetExecution(RunId("run-1"))->next_event_id, 4);
  Transition t;
  t.cluster_metadata["cluster_id"] = "abc";
  ASSERT_TRUE((*store)->Commit(t).ok());
  EXPECT_EQ((*store)->GetClusterMetadata("cluster_id")->value_or(""), "abc");
  EXPECT_FALSE((*store)->GetClusterMetadata("missing")->has_value());
  store->reset();
  EXPECT_EQ(QueryInt(path + ".v1.bak", "PRAGMA user_version"), 1);
  EXPECT_EQ(QueryInt(path + ".v1.bak", "SELECT count(*) FROM executions"), 1);
}

TEST(StoreOpenTest, AVersionThreeDatabaseIsMigratedToVersionFour) {
  TempDir dir;
  const std::string path = dir.File("v3.db");
  // Version 3 kept a status in current_executions, written again when the run closed.
  ASSERT_TRUE(WriteOlderDatabase(path, 3,
                                 "INSERT INTO executions VALUES ('run-1', 'ns', 'wf', 3, 9, 2, "
                                 "x'00');"
                                 "INSERT INTO current_executions VALUES ('ns', 'wf', 'run-1', 2, "
                                 "'req');"
                                 "INSERT INTO history VALUES ('run-1', 1, 8, x'');"
                                 "INSERT INTO history VALUES ('run-1', 9, 9, x'');")
                  .ok());
  auto store = OpenAt(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto current = (*store)->GetCurrentExecution(NamespaceId("ns"), WorkflowId("wf"));
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  EXPECT_EQ(current->run_id, RunId("run-1"));
  EXPECT_EQ(current->status, 2);
  EXPECT_EQ(current->create_request_id, "req");
  // The history moved to the append-ordered table, batches intact.
  auto summary = (*store)->Summarize();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->history_batches, 2);
  EXPECT_EQ(summary->history_events, 9);
  store->reset();
  EXPECT_EQ(QueryInt(path, "SELECT count(*) FROM pragma_table_info('current_executions')"), 4);
  EXPECT_EQ(QueryInt(path,
                     "SELECT count(*) FROM sqlite_schema WHERE name = "
                     "'executions_by_workflow'"),
            0);
}

}  // namespace
}  // namespace endure::storage
