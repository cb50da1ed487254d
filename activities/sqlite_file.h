// Thin RAII over the sqlite3 C API for the data migration activities, which work on SQLite files
// that belong to the user (not on Endure's store, which storage/ owns). Every failure becomes
// an ApplicationError whose type and retryability follow the SQLite result code.
//
// Not thread-safe: a connection belongs to one activity attempt.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>

namespace endure::activities::sqlite {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStmt {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;
using Stmt = std::unique_ptr<sqlite3_stmt, FinalizeStmt>;

enum class Mode { kReadOnly, kReadWriteCreate };

// Throws the ApplicationError for result code `rc` on `db`:
//   SQLITE_BUSY, SQLITE_LOCKED                  "DatabaseBusy", retryable
//   SQLITE_CORRUPT, SQLITE_NOTADB               "CorruptDatabase", non-retryable
//   SQLITE_CANTOPEN, SQLITE_READONLY, _PERM     "DatabaseError", non-retryable
//   anything else (I/O errors, a full disk)     "DatabaseError", retryable
[[noreturn]] void Fail(sqlite3* db, int rc, std::string_view what);

// Opens `path`. kReadOnly requires an existing regular file ("MissingDatabase" otherwise).
Db Open(const std::string& path, Mode mode);

// One statement; trailing SQL is an error (no statement smuggled in after the first).
Stmt Prepare(sqlite3* db, std::string_view sql);

// Runs one statement that returns no rows.
void Exec(sqlite3* db, std::string_view sql);

// Steps `stmt`: true for a row, false when done.
bool Step(sqlite3* db, sqlite3_stmt* stmt);

void BindText(sqlite3* db, sqlite3_stmt* stmt, int index, std::string_view text);
void BindInt(sqlite3* db, sqlite3_stmt* stmt, int index, int64_t value);

std::string ColumnText(sqlite3_stmt* stmt, int column);

// `name` in double quotes, for an identifier that cannot be bound as a parameter.
std::string QuoteIdentifier(std::string_view name);

// A transaction that rolls back unless committed.
class Transaction {
 public:
  // `begin` is "BEGIN" or "BEGIN IMMEDIATE".
  Transaction(sqlite3* db, std::string_view begin);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void Commit();

 private:
  sqlite3* db_;
  bool open_ = true;
};

}  // namespace endure::activities::sqlite
