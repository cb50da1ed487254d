// Store: Endure's durable state in one SQLite file.
//
// The history log is the source of truth; executions, tasks, timers and visibility are kept
// beside it and change only through Transitions, each applied atomically and only when its
// optimistic-concurrency conditions hold (records.h). Writes go through one group-commit writer
// thread; a write is acknowledged only once its transaction is committed at the configured
// durability. Reads run on their own connections and never wait for the writer.
//
// Thread-safety: every method may be called from any thread. Destroying the Store commits what
// is already queued, then closes the file.
//
// Files, durability and the schema are documented in docs/storage.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/base/env.h"
#include "storage/base/status.h"
#include "storage/group_commit_writer.h"
#include "storage/reader_pool.h"
#include "storage/records.h"
#include "storage/store_reads.h"

namespace endure::storage {

enum class Durability {
  kFull,    // The WAL is flushed before acknowledgement: a write survives an OS crash too.
  kNormal,  // The WAL is flushed at checkpoints: survives a crash of the process only.
};

struct StoreOptions {
  std::string path;  // The database file; created if missing.
  Durability durability = Durability::kFull;
  // Group commit (the default): many transitions share one SQLite transaction and one flush of
  // the WAL. Off: every transition is its own transaction, flushed inside its own COMMIT; the
  // baseline group commit is measured against, and nothing else should want it.
  bool group_commit = true;
  int max_readers = 8;
  // Caps the file at this many pages (of 4 KiB); a write past it fails with RESOURCE_EXHAUSTED.
  std::optional<int64_t> max_page_count;
  Env* env = Env::Default();
  // Told of each durable group commit (the dev server's metrics); see group_commit_writer.h.
  CommitObserver on_commit;
  // For tests only: runs on the writer thread before it takes each batch (a sync point).
  std::function<void()> before_batch_for_testing;
  // For tests only: the SQLite VFS of every connection (sqlite::FaultVfs::kName injects faults).
  std::string vfs_for_testing;
};

using reads::VisibilityCount;
using reads::VisibilityQuery;

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(StoreOptions options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Writes. `done` runs once, on the store's acknowledger thread, after the outcome is durable
  // (see group_commit_writer.h); Commit() waits for it.
  void Submit(Transition t, GroupCommitWriter::Callback done) {
    writer_->Submit(std::move(t), std::move(done));
  }
  Result<Committed> Commit(Transition t) { return writer_->Commit(std::move(t)); }
  WriterStats writer_stats() const { return writer_->stats(); }

  // Reads (see store_reads.h for each).
  Result<NamespaceRecord> GetNamespaceByName(const std::string& name);
  Result<NamespaceRecord> GetNamespaceById(const NamespaceId& id);
  Result<std::vector<NamespaceRecord>> ListNamespaces();
  Result<ExecutionRecord> GetExecution(const RunId& run_id);
  Result<std::vector<ExecutionRecord>> ReadRunsWithTimersInMemory(const RunId& after, size_t limit);
  Result<CurrentExecutionRecord> GetCurrentExecution(const NamespaceId& namespace_id,
                                                     const WorkflowId& workflow_id);
  Result<std::vector<temporal::api::history::v1::HistoryEvent>> ReadHistory(const RunId& run_id,
                                                                            EventId first_event_id,
                                                                            EventId next_event_id,
                                                                            size_t max_events);
  Result<std::vector<TaskRow>> ReadTasks(const NamespaceId& namespace_id,
                                         const std::string& task_queue, TaskKind kind,
                                         int64_t after_task_id, size_t limit);
  Result<std::vector<TimerRow>> ReadDueTimers(TimePoint until, size_t limit);
  // The earliest fire time of any timer later than `after`, if there is one.
  Result<std::optional<TimePoint>> NextTimerFireTime(TimePoint after = TimePoint::min());
  Result<VisibilityRecord> GetVisibility(const RunId& run_id);
  Result<std::vector<VisibilityRecord>> ListVisibility(const VisibilityQuery& q);
  Result<VisibilityCount> CountVisibility(const VisibilityQuery& q);
  Result<std::vector<SearchAttributeRecord>> ListSearchAttributes();
  Result<std::optional<std::string>> GetClusterMetadata(const std::string& name);
  Result<StoreSummary> Summarize();

  const StoreOptions& options() const { return options_; }

 private:
  Store(StoreOptions options, std::unique_ptr<GroupCommitWriter> writer)
      : options_(std::move(options)),
        writer_(std::move(writer)),
        readers_(options_.path, options_.vfs_for_testing, options_.max_readers) {}

  // Runs `read` on a borrowed reader connection.
  template <typename Read>
  auto WithReader(Read&& read) -> decltype(read(std::declval<sqlite::Connection&>())) {
    auto lease = readers_.Borrow();
    if (!lease.ok()) return lease.status();
    return read(**lease);
  }

  StoreOptions options_;
  // The readers close before the writer's connection (members go in reverse order; the writer
  // has stopped first, in ~Store): SQLite copies the WAL into the database file and removes it
  // only when the last connection to close may write. So a store closed cleanly is one
  // self-contained file, and the next open has no WAL to read through.
  std::unique_ptr<GroupCommitWriter> writer_;
  ReaderPool readers_;
};

}  // namespace endure::storage
