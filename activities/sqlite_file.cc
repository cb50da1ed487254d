#include "activities/sqlite_file.h"

#include <filesystem>
#include <system_error>

#include "runtime/activity.h"

namespace endure::activities::sqlite {

void Fail(sqlite3* db, int rc, std::string_view what) {
  const std::string message =
      std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw runtime::ApplicationError(message, "DatabaseBusy");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      throw runtime::ApplicationError(message, "CorruptDatabase", /*non_retryable=*/true);
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      throw runtime::ApplicationError(message, "DatabaseError", /*non_retryable=*/true);
    default:
      throw runtime::ApplicationError(message, "DatabaseError");
  }
}

Db Open(const std::string& path, Mode mode) {
  if (mode == Mode::kReadOnly) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw runtime::ApplicationError("no database file at " + path, "MissingDatabase",
                                      /*non_retryable=*/true);
    }
  }
  const int flags =
      mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) Fail(db.get(), rc, "cannot open " + path);
  sqlite3_extended_result_codes(db.get(), 1);
  // Another process writing the file holds its lock for moments; wait rather than fail.
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

Stmt Prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  Stmt stmt(raw);
  if (rc != SQLITE_OK) Fail(db, rc, "cannot prepare \"" + std::string(sql) + "\"");
  if (stmt == nullptr) {
    throw runtime::ApplicationError("empty statement", "DatabaseError", /*non_retryable=*/true);
  }
  for (const char* p = tail; p != nullptr && p < sql.data() + sql.size(); ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') {
      throw runtime::ApplicationError("more than one statement in \"" + std::string(sql) + "\"",
                                      "DatabaseError", /*non_retryable=*/true);
    }
  }
  return stmt;
}

void Exec(sqlite3* db, std::string_view sql) {
  const Stmt stmt = Prepare(db, sql);
  while (Step(db, stmt.get())) {
  }
}

bool Step(sqlite3* db, sqlite3_stmt* stmt) {
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Fail(db, rc, "cannot run \"" + std::string(sqlite3_sql(stmt)) + "\"");
}

void BindText(sqlite3* db, sqlite3_stmt* stmt, int index, std::string_view text) {
  const int rc =
      sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) Fail(db, rc, "cannot bind parameter");
}

void BindInt(sqlite3* db, sqlite3_stmt* stmt, int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt, index, value);
  if (rc != SQLITE_OK) Fail(db, rc, "cannot bind parameter");
}

std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const unsigned char* text = sqlite3_column_text(stmt, column);
  if (text == nullptr) return "";
  return {reinterpret_cast<const char*>(text),
          static_cast<size_t>(sqlite3_column_bytes(stmt, column))};
}

std::string QuoteIdentifier(std::string_view name) {
  std::string quoted = "\"";
  for (const char c : name) {
    quoted.push_back(c);
    if (c == '"') quoted.push_back('"');
  }
  quoted.push_back('"');
  return quoted;
}

Transaction::Transaction(sqlite3* db, std::string_view begin) : db_(db) { Exec(db_, begin); }

Transaction::~Transaction() {
  // A failed rollback leaves nothing to do: SQLite rolls back when the connection closes.
  if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::Commit() {
  Exec(db_, "COMMIT");
  open_ = false;
}

}  // namespace endure::activities::sqlite
