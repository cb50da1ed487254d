// Versioned schema: the migrations that bring a database file up to the current layout.
//
// The version lives in SQLite's `PRAGMA user_version`; `PRAGMA application_id` marks the file as
// Endure's so that another program's SQLite file is refused rather than altered. On open:
//
//   empty file            -> every migration runs, in order, in one transaction
//   version < latest      -> the file is first copied to `<path>.v<version>.bak`, then the
//                            missing migrations run in one transaction (all or nothing)
//   version == latest     -> nothing to do
//   version > latest      -> refused: written by a newer Endure (FAILED_PRECONDITION)
//   foreign application   -> refused (FAILED_PRECONDITION)
//
// The layout itself is documented in docs/storage.md.
#pragma once

#include <span>
#include <string>

#include "storage/base/status.h"
#include "storage/sqlite/connection.h"

namespace endure::storage {

struct Migration {
  int version;      // The schema version after this migration; versions count up from 1.
  const char* sql;  // Statements run inside the migration's transaction.
};

// Endure's own migrations, oldest first.
std::span<const Migration> SchemaMigrations();

// 'ENDU': the application id of every Endure database file.
inline constexpr int32_t kApplicationId = 0x454e4455;

// Brings the database behind `db` (whose file is `path`, or ":memory:") to the newest version in
// `migrations`. Must run before any other statement on the database.
Status Migrate(sqlite::Connection& db, std::span<const Migration> migrations);

}  // namespace endure::storage
