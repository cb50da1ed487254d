#include "storage/sqlite/connection.h"

#include <sqlite3.h>

#include "storage/sqlite/fault_vfs.h"
#include "storage/sqlite/wal_buffer_vfs.h"

#include <cstring>
#include <mutex>
#include <utility>

namespace endure::storage::sqlite {

StatusCode StatusCodeForSqlite(int rc) {
  switch (rc & 0xff) {
    case SQLITE_OK:
      return StatusCode::kOk;
    case SQLITE_CONSTRAINT:
      return StatusCode::kAlreadyExists;
    case SQLITE_FULL:
      return StatusCode::kResourceExhausted;
    case SQLITE_NOMEM:
      return StatusCode::kResourceExhausted;
    case SQLITE_TOOBIG:
      return StatusCode::kResourceExhausted;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StatusCode::kUnavailable;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return StatusCode::kFailedPrecondition;
    case SQLITE_IOERR:
      return StatusCode::kUnavailable;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return StatusCode::kDataLoss;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return StatusCode::kInternal;
    default:
      return StatusCode::kInternal;
  }
}

// --- Statement ------------------------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(other.bind_error_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    connection_ = other.connection_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = other.bind_error_;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  return Note(sqlite3_bind_int64(stmt_, index, value));
}

Statement& Statement::BindDouble(int index, double value) {
  return Note(sqlite3_bind_double(stmt_, index, value));
}

Statement& Statement::Bind(int index, std::string_view text) {
  return Note(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

// A zero-length blob must still be a blob, not NULL: blobs bind an empty, non-null pointer.
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  return Note(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                                  SQLITE_TRANSIENT));
}

Statement& Statement::BindRef(int index, std::string_view text) {
  return Note(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8));
}

Statement& Statement::BindBlobRef(int index, std::string_view bytes) {
  return Note(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                                  SQLITE_STATIC));
}

Statement& Statement::BindNull(int index) { return Note(sqlite3_bind_null(stmt_, index)); }

Statement& Statement::BindTime(int index, std::optional<int64_t> unix_nanos) {
  return unix_nanos ? Bind(index, *unix_nanos) : BindNull(index);
}

Statement& Statement::Note(int rc) {
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Status Statement::BindError() { return connection_->Error(bind_error_, "binding a parameter"); }

Result<bool> Statement::Step() {
  if (bind_error_ != 0) return BindError();
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->Error(rc, "executing statement");
}

Status Statement::Run() {
  Result<bool> stepped = Step();
  sqlite3_reset(stmt_);
  return stepped.status();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = 0;
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string_view Statement::ColumnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return text ? std::string_view(reinterpret_cast<const char*>(text), size) : std::string_view();
}

std::string_view Statement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return blob ? std::string_view(static_cast<const char*>(blob), size) : std::string_view();
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

// --- Connection -----------------------------------------------------------------------------

namespace {

// Process-wide settings, applied once before SQLite initialises. Memory statistics cost a
// global mutex on every allocation and Endure does not read them.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, OpenMode mode,
                                                     const std::string& base_vfs,
                                                     WalWrites wal_writes) {
  ConfigureSqliteOnce();
  if (base_vfs == FaultVfs::kName) FaultVfs::Register();
  const std::string vfs =
      wal_writes == WalWrites::kGathered ? WalBufferVfs::Over(base_vfs) : base_vfs;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  flags |= mode == OpenMode::kReadOnly ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    int sys_errno = db ? sqlite3_system_errno(db) : 0;
    sqlite3_close(db);
    if (sys_errno != 0) message += " (" + std::string(std::strerror(sys_errno)) + ")";
    return Status(StatusCodeForSqlite(rc), "cannot open database '" + path + "': " + message);
  }
  sqlite3_extended_result_codes(db, 1);
  // A busy reader or a checkpoint can hold a lock briefly; wait instead of failing.
  sqlite3_busy_timeout(db, 5000);
  // A writer's statements open many cursors per transaction: more lookaside slots than the
  // default 100 spare a malloc for each. Readers keep the default (and their memory).
  if (mode == OpenMode::kReadWriteCreate) {
    sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 1200, 1000);
  }
  return std::unique_ptr<Connection>(new Connection(db, path));
}

Connection::~Connection() {
  cache_.clear();  // Statements must be finalized before the connection closes.
  sqlite3_close(db_);
}

Status Connection::Exec(std::string_view sql) {
  std::string owned(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = error ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  return Status(StatusCodeForSqlite(rc), "database '" + path_ + "': " + message);
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "preparing '" + std::string(sql.substr(0, 60)) + "'");
  return Statement(this, stmt);
}

Result<StatementLease> Connection::Cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return StatementLease(it->second.get());
  ENDURE_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  auto owned = std::make_unique<Statement>(std::move(stmt));
  Statement* raw = owned.get();
  cache_.emplace(sql, std::move(owned));
  return StatementLease(raw);
}

Status Connection::ExecCached(const char* sql) {
  ENDURE_ASSIGN_OR_RETURN(auto stmt, Cached(sql));
  return stmt->Run();
}

Result<int64_t> Connection::QueryInt(std::string_view sql) {
  ENDURE_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  ENDURE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Internal("query returned no row: " + std::string(sql));
  return stmt.ColumnInt(0);
}

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

int64_t Connection::ChangesInLastStatement() const { return sqlite3_changes64(db_); }

int64_t Connection::TotalChanges() const { return sqlite3_total_changes64(db_); }

Status Connection::Error(int rc, std::string_view what) const {
  std::string message =
      "database '" + path_ + "': " + std::string(what) + ": " + sqlite3_errmsg(db_);
  return Status(StatusCodeForSqlite(rc), std::move(message));
}

}  // namespace endure::storage::sqlite
