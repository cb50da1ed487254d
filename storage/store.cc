#include "storage/store.h"

#include "storage/schema/migrations.h"

#include <string>

namespace endure::storage {
namespace {

// Transitions per SQLite transaction at most: bounds a batch's latency and its memory.
constexpr int kMaxBatch = 1024;

Status ConfigureWriter(sqlite::Connection& db, const StoreOptions& options) {
  ENDURE_ASSIGN_OR_RETURN(auto mode, db.Prepare("PRAGMA journal_mode = WAL"));
  ENDURE_ASSIGN_OR_RETURN(bool row, mode.Step());
  if (!row || mode.ColumnText(0) != "wal") {
    return FailedPrecondition("'" + options.path +
                              "': cannot enable write-ahead logging on this file system");
  }
  // With group commit, FULL durability comes from WalSync, which flushes the WAL before any
  // acknowledgement (see group_commit_writer.h), not from each COMMIT; checkpoints flush at
  // NORMAL as at FULL. Without it, SQLite flushes inside each COMMIT.
  const bool flush_in_commit = options.durability == Durability::kFull && !options.group_commit;
  ENDURE_RETURN_IF_ERROR(
      db.Exec(flush_in_commit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  // The writer touches the same hot pages (recent history, the backlog's tail, open runs) in
  // every batch: keep them cached (64 MiB), and checkpoint the WAL every ~40 MiB rather than
  // every 4 MiB, so that a page rewritten by many commits is copied to the database file once.
  ENDURE_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = -65536"));
  ENDURE_RETURN_IF_ERROR(db.Exec("PRAGMA temp_store = MEMORY"));
  ENDURE_RETURN_IF_ERROR(db.Exec("PRAGMA wal_autocheckpoint = 10000"));
  if (options.max_page_count) {
    ENDURE_RETURN_IF_ERROR(
        db.Exec("PRAGMA max_page_count = " + std::to_string(*options.max_page_count)));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Store>> Store::Open(StoreOptions options) {
  if (options.path.empty()) return InvalidArgument("the store needs a database file path");

  auto db = sqlite::Connection::Open(options.path, sqlite::OpenMode::kReadWriteCreate,
                                     options.vfs_for_testing, sqlite::WalWrites::kGathered);
  if (!db.ok()) return db.status();
  ENDURE_RETURN_IF_ERROR(Migrate(**db, SchemaMigrations()));
  ENDURE_RETURN_IF_ERROR(ConfigureWriter(**db, options));

  std::unique_ptr<WalSync> wal_sync;
  if (options.durability == Durability::kFull && options.group_commit) {
    wal_sync = std::make_unique<WalSync>(options.path, options.env);
  }
  ENDURE_ASSIGN_OR_RETURN(
      auto writer, GroupCommitWriter::Start(std::move(db).value(), options.env,
                                            options.group_commit ? kMaxBatch : 1,
                                            options.before_batch_for_testing, std::move(wal_sync),
                                            options.on_commit));
  return std::unique_ptr<Store>(new Store(std::move(options), std::move(writer)));
}

Store::~Store() {
  writer_->Stop();  // Its last callbacks may still read through the readers.
}

Result<NamespaceRecord> Store::GetNamespaceByName(const std::string& name) {
  return WithReader([&](auto& db) { return reads::GetNamespaceByName(db, name); });
}
Result<NamespaceRecord> Store::GetNamespaceById(const NamespaceId& id) {
  return WithReader([&](auto& db) { return reads::GetNamespaceById(db, id); });
}
Result<std::vector<NamespaceRecord>> Store::ListNamespaces() {
  return WithReader([&](auto& db) { return reads::ListNamespaces(db); });
}
Result<ExecutionRecord> Store::GetExecution(const RunId& run_id) {
  return WithReader([&](auto& db) { return reads::GetExecution(db, run_id); });
}
Result<std::vector<ExecutionRecord>> Store::ReadRunsWithTimersInMemory(const RunId& after,
                                                                       size_t limit) {
  return WithReader([&](auto& db) { return reads::ReadRunsWithTimersInMemory(db, after, limit); });
}
Result<CurrentExecutionRecord> Store::GetCurrentExecution(const NamespaceId& namespace_id,
                                                          const WorkflowId& workflow_id) {
  return WithReader(
      [&](auto& db) { return reads::GetCurrentExecution(db, namespace_id, workflow_id); });
}
Result<std::vector<temporal::api::history::v1::HistoryEvent>> Store::ReadHistory(
    const RunId& run_id, EventId first_event_id, EventId next_event_id, size_t max_events) {
  return WithReader([&](auto& db) {
    return reads::ReadHistory(db, run_id, first_event_id, next_event_id, max_events);
  });
}
Result<std::vector<TaskRow>> Store::ReadTasks(const NamespaceId& namespace_id,
                                              const std::string& task_queue, TaskKind kind,
                                              int64_t after_task_id, size_t limit) {
  return WithReader([&](auto& db) {
    return reads::ReadTasks(db, namespace_id, task_queue, kind, after_task_id, limit);
  });
}
Result<std::vector<TimerRow>> Store::ReadDueTimers(TimePoint until, size_t limit) {
  return WithReader([&](auto& db) { return reads::ReadDueTimers(db, until, limit); });
}
Result<std::optional<TimePoint>> Store::NextTimerFireTime(TimePoint after) {
  return WithReader([&](auto& db) { return reads::NextTimerFireTime(db, after); });
}
Result<VisibilityRecord> Store::GetVisibility(const RunId& run_id) {
  return WithReader([&](auto& db) { return reads::GetVisibility(db, run_id); });
}

Result<std::vector<VisibilityRecord>> Store::ListVisibility(const VisibilityQuery& q) {
  return WithReader([&](auto& db) { return reads::ListVisibility(db, q); });
}

Result<VisibilityCount> Store::CountVisibility(const VisibilityQuery& q) {
  return WithReader([&](auto& db) { return reads::CountVisibility(db, q); });
}

Result<std::vector<SearchAttributeRecord>> Store::ListSearchAttributes() {
  return WithReader([&](auto& db) { return reads::ListSearchAttributes(db); });
}

Result<std::optional<std::string>> Store::GetClusterMetadata(const std::string& name) {
  return WithReader([&](auto& db) { return reads::GetClusterMetadata(db, name); });
}
Result<StoreSummary> Store::Summarize() {
  return WithReader([&](auto& db) { return reads::Summarize(db); });
}

}  // namespace endure::storage
