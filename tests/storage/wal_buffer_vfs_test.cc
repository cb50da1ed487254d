// WalBufferVfs: a connection whose WAL writes are gathered reads and commits exactly as one whose
// writes are not, and a commit is in the file, where another process would find it, by the time
// COMMIT returns.
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/connection.h"
#include "storage/sqlite/fault_vfs.h"
#include "storage/sqlite/wal_buffer_vfs.h"
#include "tests/storage/store_test_util.h"

namespace endure::storage::sqlite {
namespace {

using testing::TempDir;

std::unique_ptr<Connection> OpenGathered(const std::string& path, const std::string& base = "") {
  auto db = Connection::Open(path, OpenMode::kReadWriteCreate, base, WalWrites::kGathered);
  ENDURE_CHECK(db.ok()) << db.status().ToString();
  ENDURE_CHECK((*db)
                   ->Exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
                          "PRAGMA wal_autocheckpoint = 0; "
                          "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body BLOB)")
                   .ok());
  return std::move(db).value();
}

// A WITH clause naming the table `series` of the integers 0 .. count - 1 (`value`).
std::string Series(int64_t count) {
  return "WITH RECURSIVE series(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM series "
         "WHERE value + 1 < " +
         std::to_string(count) + ") ";
}

// Inserts `count` rows of `bytes` random bytes each, from id `first`, in one transaction.
Status Insert(Connection& db, int64_t first, int64_t count, int bytes) {
  return db.Exec("BEGIN; " + Series(count) + "INSERT INTO rows (id, body) SELECT " +
                 std::to_string(first) + " + value, randomblob(" + std::to_string(bytes) +
                 ") FROM series; COMMIT");
}

// What a process that opened the files just now would find: the database and its WAL copied
// while the writer still holds them (as if it had been killed), then opened afresh.
int64_t RowsSeenByAnotherProcess(const TempDir& dir, const std::string& name) {
  const std::string copy = dir.File("copy-" + name);
  for (const char* suffix : {"", "-wal"}) {
    std::filesystem::remove(copy + suffix);
    std::filesystem::copy_file(dir.File(name) + suffix, copy + suffix);
  }
  auto db = Connection::Open(copy, OpenMode::kReadWriteCreate);
  ENDURE_CHECK(db.ok()) << db.status().ToString();
  auto check = (*db)->QueryInt(
      "SELECT count(*) FROM pragma_integrity_check WHERE "
      "integrity_check != 'ok'");
  ENDURE_CHECK(check.ok() && *check == 0) << "the copy is corrupt";
  auto rows = (*db)->QueryInt("SELECT count(*) FROM rows");
  ENDURE_CHECK(rows.ok()) << rows.status().ToString();
  return *rows;
}

// Each test also checks that every commit was found by its commit frame, not by the backstop.
class WalBufferVfsTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(WalBufferVfs::BackstopWrites(), backstop_before_); }

  const int64_t backstop_before_ = WalBufferVfs::BackstopWrites();
};

TEST_F(WalBufferVfsTest, ACommitIsInTheFileWhenCommitReturns) {
  TempDir dir;
  auto db = OpenGathered(dir.File("a.db"));
  for (int64_t batch = 0; batch < 20; ++batch) {
    ASSERT_TRUE(Insert(*db, batch * 50, 50, 300).ok());
    EXPECT_EQ(RowsSeenByAnotherProcess(dir, "a.db"), (batch + 1) * 50);
  }
  // And a reader of the same files, in this process, sees each commit at once.
  auto reader = Connection::Open(dir.File("a.db"), OpenMode::kReadOnly);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(Insert(*db, 1000, 7, 100).ok());
  EXPECT_EQ(*(*reader)->QueryInt("SELECT count(*) FROM rows"), 1007);
}

TEST_F(WalBufferVfsTest, PagesSpilledBeforeTheCommitAreReadBackAndStayOutOfTheFile) {
  TempDir dir;
  auto db = OpenGathered(dir.File("b.db"));
  ASSERT_TRUE(Insert(*db, 0, 10, 100).ok());
  // A page cache of a few pages makes SQLite write frames before the commit (a spill), and read
  // them back from the WAL while the transaction goes on.
  ASSERT_TRUE(db->Exec("PRAGMA cache_size = 4").ok());
  ASSERT_TRUE(db->Exec("BEGIN").ok());
  ASSERT_TRUE(db->Exec(Series(1000) +
                       "INSERT INTO rows (id, body) SELECT 100 + value, randomblob(500) "
                       "FROM series")
                  .ok());
  ASSERT_TRUE(db->Exec("UPDATE rows SET body = zeroblob(600) WHERE id % 3 = 0").ok());
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM rows WHERE length(body) = 600"), 337);
  EXPECT_EQ(RowsSeenByAnotherProcess(dir, "b.db"), 10) << "uncommitted rows are visible";
  ASSERT_TRUE(db->Exec("COMMIT").ok());
  EXPECT_EQ(RowsSeenByAnotherProcess(dir, "b.db"), 1010);
}

TEST_F(WalBufferVfsTest, ATransactionLargerThanTheBufferCommitsWhole) {
  TempDir dir;
  auto db = OpenGathered(dir.File("c.db"));
  ASSERT_TRUE(Insert(*db, 0, 5000, 4000).ok());  // About 20 MiB of frames.
  EXPECT_EQ(RowsSeenByAnotherProcess(dir, "c.db"), 5000);
}

TEST_F(WalBufferVfsTest, TheLogRestartsAfterACheckpoint) {
  TempDir dir;
  auto db = OpenGathered(dir.File("d.db"));
  for (int round = 0; round < 3; ++round) {
    ASSERT_TRUE(Insert(*db, round * 100, 100, 2000).ok());
    // RESTART makes the next commit write the log from its start, header first.
    ASSERT_TRUE(db->Exec("PRAGMA wal_checkpoint(RESTART)").ok());
    ASSERT_TRUE(Insert(*db, round * 100 + 50'000, 3, 100).ok());
    EXPECT_EQ(RowsSeenByAnotherProcess(dir, "d.db"), (round + 1) * 103);
  }
}

TEST_F(WalBufferVfsTest, ALogLeftByACrashGrowsFromItsLastCommit) {
  TempDir dir;
  auto crashed = OpenGathered(dir.File("f.db"));
  ASSERT_TRUE(Insert(*crashed, 0, 40, 300).ok());
  // A copy of the files as a killed writer leaves them: a log of frames, never checkpointed.
  for (const char* suffix : {"", "-wal"}) {
    std::filesystem::copy_file(dir.File("f.db") + suffix, dir.File("g.db") + suffix);
  }
  auto db = OpenGathered(dir.File("g.db"));
  ASSERT_TRUE(db->Exec("INSERT INTO rows (id, body) VALUES (100, x'01')").ok());  // One frame.
  EXPECT_EQ(RowsSeenByAnotherProcess(dir, "g.db"), 41);
  ASSERT_TRUE(Insert(*db, 200, 30, 300).ok());
  EXPECT_EQ(RowsSeenByAnotherProcess(dir, "g.db"), 71);
}

TEST_F(WalBufferVfsTest, TheLogIsWrittenAheadOfACommitThatGrowsIt) {
  TempDir dir;
  auto db = OpenGathered(dir.File("h.db"));
  const std::string wal = dir.File("h.db") + "-wal";
  ASSERT_TRUE(Insert(*db, 0, 1, 100).ok());
  const auto ahead = std::filesystem::file_size(wal);
  EXPECT_GE(ahead, uintmax_t{256} << 10);
  // Small commits after it overwrite what was written ahead: the file keeps its size.
  for (int64_t i = 1; i <= 10; ++i) ASSERT_TRUE(Insert(*db, i, 1, 100).ok());  // A frame or two each.
  EXPECT_EQ(std::filesystem::file_size(wal), ahead);
  // Killed now, the log is read up to its last commit and no further.
  EXPECT_EQ(RowsSeenByAnotherProcess(dir, "h.db"), 11);
  // A commit past the zeros grows the file again, and is followed by more of them.
  ASSERT_TRUE(Insert(*db, 100, 400, 4000).ok());
  EXPECT_GE(std::filesystem::file_size(wal), ahead + (uintmax_t{256} << 10));
  EXPECT_EQ(RowsSeenByAnotherProcess(dir, "h.db"), 411);
}

TEST_F(WalBufferVfsTest, ACommitWhoseWriteFailsNeverAppearsLater) {
  TempDir dir;
  {
    auto db = OpenGathered(dir.File("e.db"), FaultVfs::kName);
    ASSERT_TRUE(Insert(*db, 0, 10, 100).ok());
    FaultVfs::FailWrite(1);  // The commit's gathered frames, in its first write.
    Status failed = Insert(*db, 10, 10, 100);
    EXPECT_TRUE(FaultVfs::Fired());
    FaultVfs::Disarm();
    EXPECT_FALSE(failed.ok());
    (void)db->Exec("ROLLBACK");
    EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM rows"), 10);
    ASSERT_TRUE(Insert(*db, 20, 5, 100).ok());  // The log goes on after the failure.
  }
  // Closed: the frames of the failed commit were not written at close either.
  auto db = Connection::Open(dir.File("e.db"), OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM rows"), 15);
  EXPECT_EQ(*(*db)->QueryInt("SELECT count(*) FROM rows WHERE id BETWEEN 10 AND 19"), 0);
}

}  // namespace
}  // namespace endure::storage::sqlite
