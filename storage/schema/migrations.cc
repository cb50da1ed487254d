#include "storage/schema/migrations.h"

#include <filesystem>
#include <string>

namespace endure::storage {
namespace {

bool IsInMemory(const std::string& path) {
  return path.empty() || path == ":memory:" || path.find("mode=memory") != std::string::npos;
}

// Copies the database to `<path>.v<version>.bak` with VACUUM INTO: a consistent snapshot even in
// WAL mode, written by SQLite itself.
Status BackUp(sqlite::Connection& db, int version) {
  if (IsInMemory(db.path())) return Status::Ok();
  std::string backup = db.path() + ".v" + std::to_string(version) + ".bak";
  std::error_code ignored;
  std::filesystem::remove(backup, ignored);
  ENDURE_ASSIGN_OR_RETURN(auto stmt, db.Prepare("VACUUM INTO ?1"));
  stmt.Bind(1, backup);
  return stmt.Run().WithContext("backing up before a schema migration");
}

}  // namespace

Status Migrate(sqlite::Connection& db, std::span<const Migration> migrations) {
  ENDURE_CHECK(!migrations.empty()) << "no migrations";
  const int latest = migrations.back().version;

  // The first read of the file: a non-database file fails here.
  auto version_or = db.QueryInt("PRAGMA user_version");
  if (!version_or.ok()) {
    return Status(
        version_or.status().code(),
        "'" + db.path() + "' is not a readable Endure database: " + version_or.status().message());
  }
  const int version = static_cast<int>(*version_or);
  ENDURE_ASSIGN_OR_RETURN(int64_t app_id, db.QueryInt("PRAGMA application_id"));
  ENDURE_ASSIGN_OR_RETURN(int64_t tables, db.QueryInt("SELECT count(*) FROM sqlite_schema"));

  if (app_id != kApplicationId && (app_id != 0 || tables != 0)) {
    return FailedPrecondition("'" + db.path() +
                              "' is an SQLite database of another application; Endure will not "
                              "modify it");
  }
  if (version > latest) {
    return FailedPrecondition("'" + db.path() + "' has schema version " + std::to_string(version) +
                              ", newer than the newest this build of "
                              "Endure knows (" +
                              std::to_string(latest) + "); use a newer Endure");
  }
  if (version == latest) return Status::Ok();
  if (version > 0) ENDURE_RETURN_IF_ERROR(BackUp(db, version));

  ENDURE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status status = [&]() -> Status {
    for (const Migration& m : migrations) {
      if (m.version <= version) continue;
      ENDURE_RETURN_IF_ERROR(
          db.Exec(m.sql).WithContext("schema migration to version " + std::to_string(m.version)));
      ENDURE_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(m.version)));
    }
    return db.Exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  }();
  if (!status.ok()) {
    if (db.InTransaction()) (void)db.Exec("ROLLBACK");
    return status;
  }
  return db.Exec("COMMIT");
}

}  // namespace endure::storage
