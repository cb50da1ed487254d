// GroupCommitWriter: the one thread that writes to the database.
//
// Callers queue Transitions; the writer takes everything queued (up to max_batch), applies each
// inside its own SAVEPOINT within one SQLite transaction, commits once, and only then reports
// each caller's status. So many transitions share one fsync, yet each fails alone: a
// transition whose condition fails (ABORTED) or whose write fails is rolled back to its
// savepoint and its neighbours still commit. When SQLite rolls back the whole transaction by
// itself (possible after SQLITE_FULL or an I/O error), the batch is retried without the
// transition that failed.
//
//   queued --take--> applied in savepoint --COMMIT ok--> acknowledged OK
//                         |                  \--COMMIT fails--> reported with the error
//                         \--condition/write fails--> rolled back, reported with the error
//
// A callback runs on the writer thread after the commit is durable (at the configured
// synchronous level); it must be short and must not call Commit(). Destruction stops intake,
// commits everything already queued, and joins the thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/base/env.h"
#include "storage/base/status.h"
#include "storage/records.h"
#include "storage/sqlite/connection.h"
#include "storage/transition_writer.h"

namespace endure::storage {

struct WriterStats {
  uint64_t transactions = 0;  // SQLite transactions committed.
  uint64_t transitions = 0;   // Transitions acknowledged OK.
  uint64_t failed = 0;        // Transitions reported with an error.
};

class GroupCommitWriter {
 public:
  using Callback = std::function<void(Status)>;

  GroupCommitWriter(std::unique_ptr<sqlite::Connection> db, Env* env, int max_batch);
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues `t`; `done` runs once with its outcome. After shutdown began, `done` gets UNAVAILABLE
  // at once.
  void Submit(Transition t, Callback done);
  // Submits and waits for the outcome. Must not be called on the writer thread.
  Status Commit(Transition t);

  WriterStats stats() const;

 private:
  struct Pending {
    Transition transition;
    Callback done;
  };

  void Run();
  void CommitBatch(std::vector<Pending>& batch);
  // Applies the transitions at `indexes` in one transaction; fills `results`. Returns false when
  // SQLite abandoned the transaction and the batch must be retried without the failed ones.
  bool TryCommit(std::vector<Pending>& batch, std::vector<size_t>& indexes,
                 std::vector<Status>& results);

  std::unique_ptr<sqlite::Connection> db_;
  TransitionWriter writer_;
  const size_t max_batch_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> transitions_{0};
  std::atomic<uint64_t> failed_{0};

  std::unique_ptr<Thread> thread_;  // Last: started after everything above exists.
};

}  // namespace endure::storage
