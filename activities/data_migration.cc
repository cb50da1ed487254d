#include "activities/data_migration.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "activities/input.h"
#include "activities/sqlite_file.h"

namespace endure::activities {
namespace {

using runtime::Json;
using sqlite::Db;
using sqlite::Stmt;

constexpr int64_t kMaxBatchSize = 1'000'000;
constexpr int64_t kHeartbeatEveryRows = 1000;

// input[key] as a table name that can be spliced into SQL: an identifier, and not one of
// SQLite's own tables.
std::string TableName(const Json& input) {
  constexpr std::string_view kError = "InvalidTable";
  const std::string table = RequiredString(input, "table", kError);
  const auto identifier_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  if (table.empty() || table.size() > 128 || std::isdigit(static_cast<unsigned char>(table[0])) ||
      !std::all_of(table.begin(), table.end(), identifier_char)) {
    Reject(kError, "table must be an identifier ([A-Za-z_][A-Za-z0-9_]*): " + table);
  }
  std::string lower = table;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  if (lower.starts_with("sqlite_")) Reject(kError, "cannot migrate SQLite's own table " + table);
  return table;
}

struct Column {
  std::string name;
  std::string type;
  int primary_key_position;  // 0 when not in the primary key.
};

std::vector<Column> Columns(sqlite3* db, const std::string& table) {
  const Stmt stmt = sqlite::Prepare(db, "SELECT name, type, pk FROM pragma_table_info(?1)");
  sqlite::BindText(db, stmt.get(), 1, table);
  std::vector<Column> columns;
  while (sqlite::Step(db, stmt.get())) {
    columns.push_back({sqlite::ColumnText(stmt.get(), 0), sqlite::ColumnText(stmt.get(), 1),
                       sqlite3_column_int(stmt.get(), 2)});
  }
  return columns;
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return text;
}

// What it takes to copy a table: how to create it, and how its rows are ordered and keyed.
struct TableShape {
  std::string create_sql;
  std::vector<std::string> index_sql;
  std::vector<Column> columns;
  std::string order_by;    // The key, in SQL.
  std::string rowid_name;  // Copied as an extra first column; empty when a column holds it.
};

TableShape Describe(sqlite3* db, const std::string& table, const std::string& file) {
  TableShape shape;
  {
    const Stmt stmt =
        sqlite::Prepare(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1");
    sqlite::BindText(db, stmt.get(), 1, table);
    if (!sqlite::Step(db, stmt.get())) Reject("InvalidTable", "no table " + table + " in " + file);
    shape.create_sql = sqlite::ColumnText(stmt.get(), 0);
  }
  {
    const Stmt stmt = sqlite::Prepare(
        db,
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL "
        "ORDER BY name");
    sqlite::BindText(db, stmt.get(), 1, table);
    while (sqlite::Step(db, stmt.get()))
      shape.index_sql.push_back(sqlite::ColumnText(stmt.get(), 0));
  }
  shape.columns = Columns(db, table);

  std::string compact = Upper(shape.create_sql);
  compact.erase(std::remove_if(compact.begin(), compact.end(),
                               [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
                compact.end());
  std::vector<const Column*> key;
  for (const Column& c : shape.columns) {
    if (c.primary_key_position > 0) key.push_back(&c);
  }
  std::sort(key.begin(), key.end(), [](const Column* a, const Column* b) {
    return a->primary_key_position < b->primary_key_position;
  });
  if (compact.find(")WITHOUTROWID") != std::string::npos) {
    for (const Column* c : key) {
      shape.order_by += (shape.order_by.empty() ? "" : ", ") + sqlite::QuoteIdentifier(c->name);
    }
    return shape;
  }
  // An INTEGER PRIMARY KEY column is the rowid under another name and is copied as a column;
  // otherwise the rowid is copied under a name no column shadows.
  if (key.size() == 1 && Upper(key[0]->type) == "INTEGER") {
    shape.order_by = sqlite::QuoteIdentifier(key[0]->name);
    return shape;
  }
  for (const char* name : {"rowid", "_rowid_", "oid"}) {
    const bool shadowed =
        std::any_of(shape.columns.begin(), shape.columns.end(),
                    [&](const Column& c) { return Upper(c.name) == Upper(name); });
    if (!shadowed) {
      shape.rowid_name = name;
      shape.order_by = name;
      return shape;
    }
  }
  Reject("InvalidTable", "columns of " + table + " shadow every name of its rowid");
}

std::string ColumnList(const TableShape& shape) {
  std::string list = shape.rowid_name;
  for (const Column& c : shape.columns) {
    list += (list.empty() ? "" : ", ") + sqlite::QuoteIdentifier(c.name);
  }
  return list;
}

bool TableExists(sqlite3* db, const std::string& table) {
  const Stmt stmt =
      sqlite::Prepare(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
  sqlite::BindText(db, stmt.get(), 1, table);
  return sqlite::Step(db, stmt.get());
}

// Creates the table in the target like the source's, or checks that the existing one can take
// its rows.
void PrepareTarget(sqlite3* target, const std::string& table, const TableShape& shape) {
  if (!TableExists(target, table)) {
    sqlite::Exec(target, shape.create_sql);
    for (const std::string& sql : shape.index_sql) sqlite::Exec(target, sql);
    return;
  }
  const std::vector<Column> existing = Columns(target, table);
  for (const Column& c : shape.columns) {
    const bool present = std::any_of(existing.begin(), existing.end(), [&](const Column& e) {
      return Upper(e.name) == Upper(c.name);
    });
    if (!present) {
      Reject("SchemaMismatch", "target table " + table + " has no column " + c.name);
    }
  }
}

}  // namespace

Json CopyRowsBatch(runtime::ActivityContext& ctx, const Json& input) {
  const std::string table = TableName(input);
  const std::string source_path = RequiredString(input, "source_db", "InvalidInput");
  const std::string target_path = RequiredString(input, "target_db", "InvalidInput");
  const int64_t batch = RequiredInt(input, "batch", "InvalidInput");
  const int64_t batch_size = RequiredInt(input, "batch_size", "InvalidInput");
  if (batch < 0) Reject("InvalidInput", "batch must not be negative");
  if (batch_size < 1 || batch_size > kMaxBatchSize) {
    Reject("InvalidInput", "batch_size must be in [1, " + std::to_string(kMaxBatchSize) + "]");
  }
  if (batch > (INT64_MAX - 1) / batch_size - 1) Reject("InvalidInput", "batch is too large");
  std::error_code ec;
  if (std::filesystem::equivalent(source_path, target_path, ec)) {
    // The read's lock would keep the write from ever committing.
    Reject("InvalidInput", "source_db and target_db are the same file");
  }

  const Db source = sqlite::Open(source_path, sqlite::Mode::kReadOnly);
  // One snapshot of the source for its schema and its rows.
  sqlite::Transaction read(source.get(), "BEGIN");
  const TableShape shape = Describe(source.get(), table, source_path);
  const std::string columns = ColumnList(shape);
  const Stmt select = sqlite::Prepare(
      source.get(), "SELECT " + columns + " FROM " + sqlite::QuoteIdentifier(table) + " ORDER BY " +
                        shape.order_by + " LIMIT ?1 OFFSET ?2");
  // One row past the batch, to tell whether any follow.
  sqlite::BindInt(source.get(), select.get(), 1, batch_size + 1);
  sqlite::BindInt(source.get(), select.get(), 2, batch * batch_size);

  const Db target = sqlite::Open(target_path, sqlite::Mode::kReadWriteCreate);
  sqlite::Transaction write(target.get(), "BEGIN IMMEDIATE");
  PrepareTarget(target.get(), table, shape);
  const int column_count = sqlite3_column_count(select.get());
  std::string placeholders;
  for (int i = 0; i < column_count; ++i) placeholders += i == 0 ? "?" : ", ?";
  const Stmt insert =
      sqlite::Prepare(target.get(), "INSERT OR REPLACE INTO " + sqlite::QuoteIdentifier(table) +
                                        " (" + columns + ") VALUES (" + placeholders + ")");
  int64_t copied = 0;
  bool more = false;
  while (sqlite::Step(source.get(), select.get())) {
    if (copied == batch_size) {
      more = true;
      break;
    }
    for (int i = 0; i < column_count; ++i) {
      // Values go across as they are stored: type, blob bytes and all.
      const int rc = sqlite3_bind_value(insert.get(), i + 1, sqlite3_column_value(select.get(), i));
      if (rc != SQLITE_OK) sqlite::Fail(target.get(), rc, "cannot bind a copied value");
    }
    sqlite::Step(target.get(), insert.get());
    sqlite3_reset(insert.get());
    if (++copied % kHeartbeatEveryRows == 0) {
      ctx.heartbeat({{"batch", batch}, {"rows_copied", copied}});
      if (ctx.cancelled()) throw runtime::CancelledError("copy cancelled");  // Rolls back.
    }
  }
  write.Commit();
  return {{"batch", batch}, {"rows_copied", copied}, {"done", !more}};
}

Json CountRows(runtime::ActivityContext&, const Json& input) {
  const std::string table = TableName(input);
  const std::string path = RequiredString(input, "db", "InvalidInput");
  const Db db = sqlite::Open(path, sqlite::Mode::kReadOnly);
  if (!TableExists(db.get(), table)) Reject("InvalidTable", "no table " + table + " in " + path);
  const Stmt stmt =
      sqlite::Prepare(db.get(), "SELECT count(*) FROM " + sqlite::QuoteIdentifier(table));
  sqlite::Step(db.get(), stmt.get());
  return {{"rows", sqlite3_column_int64(stmt.get(), 0)}};
}

}  // namespace endure::activities
