// Connection and Statement: a thin RAII layer over sqlite3 that reports errors as Status.
//
// This folder is the only place in Endure that includes sqlite3.h. A Connection is used by one
// thread at a time (SQLite's multi-thread mode); the store gives each reader its own.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "storage/base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace endure::storage::sqlite {

class Connection;

// A prepared statement. Bind parameters are 1-based, columns 0-based, as in SQLite.
class Statement {
 public:
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& Bind(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& Bind(int index, std::string_view text);       // Copies the text.
  Statement& BindBlob(int index, std::string_view bytes);  // Copies the bytes.
  // Bind without copying: the caller keeps the memory alive until the statement is reset (for
  // a leased statement, until the lease ends). For the writer's hot path.
  Statement& BindRef(int index, std::string_view text);
  Statement& BindBlobRef(int index, std::string_view bytes);
  Statement& BindNull(int index);
  // An optional INTEGER: NULL when absent.
  Statement& BindTime(int index, std::optional<int64_t> unix_nanos);

  // Advances to the next row: true when a row is available, false when done.
  Result<bool> Step();
  // Runs a statement that returns no rows, and rewinds it so that it can be bound and run again
  // (the bindings stay until rebound or Reset()).
  Status Run();
  // Clears bindings and rewinds, ready for reuse.
  void Reset();

  int64_t ColumnInt(int column) const;
  std::string_view ColumnText(int column) const;
  std::string_view ColumnBlob(int column) const;
  bool ColumnIsNull(int column) const;

 private:
  friend class Connection;
  Statement(Connection* connection, sqlite3_stmt* stmt) : connection_(connection), stmt_(stmt) {}
  Status BindError();
  // Remembers the first failed bind; Step() reports it.
  Statement& Note(int rc);

  Connection* connection_;
  sqlite3_stmt* stmt_;
  int bind_error_ = 0;
};

// A cached statement on loan: reset (bindings cleared, read snapshot released) when the lease
// ends, so that no statement left mid-result pins an old WAL snapshot.
class StatementLease {
 public:
  explicit StatementLease(Statement* stmt) : stmt_(stmt) {}
  StatementLease(StatementLease&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;
  ~StatementLease() {
    if (stmt_ != nullptr) stmt_->Reset();
  }
  Statement* operator->() const { return stmt_; }
  Statement& operator*() const { return *stmt_; }

 private:
  Statement* stmt_;
};

enum class OpenMode { kReadWriteCreate, kReadOnly };

// How a connection's commits reach its write-ahead log: frame by frame as SQLite writes them, or
// gathered into one write per commit (WalBufferVfs; for a store's writer).
enum class WalWrites { kDirect, kGathered };

class Connection {
 public:
  // `vfs` names an SQLite VFS other than the default (tests: FaultVfs::kName).
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, OpenMode mode,
                                                  const std::string& vfs = "",
                                                  WalWrites wal_writes = WalWrites::kDirect);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // A statement prepared once per connection (keyed by the address of `sql`, a literal or a
  // static string). A statement must not be leased twice at once.
  Result<StatementLease> Cached(const char* sql);
  // Runs one statement that returns no rows, prepared once (for hot paths such as SAVEPOINT).
  Status ExecCached(const char* sql);
  // Runs a query that yields one integer (e.g. a PRAGMA).
  Result<int64_t> QueryInt(std::string_view sql);

  bool InTransaction() const;
  int64_t ChangesInLastStatement() const;
  // Rows inserted, updated or deleted by the statements completed on this connection so far.
  int64_t TotalChanges() const;

  // Turns an SQLite result code into a Status, with the connection's error message.
  Status Error(int rc, std::string_view what) const;

  const std::string& path() const { return path_; }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  sqlite3* db_;
  std::string path_;
  std::map<const char*, std::unique_ptr<Statement>> cache_;
};

// Maps an SQLite primary result code onto Endure's status codes.
StatusCode StatusCodeForSqlite(int rc);

}  // namespace endure::storage::sqlite
