// GroupCommitWriter: the one thread that writes to the database.
//
// Callers queue Transitions; the writer takes everything queued (up to max_batch), applies them
// in order within one SQLite transaction, commits once, and only then reports each caller's
// status. While the acknowledger is busy (flushing the WAL, or running the callbacks of the last
// commit, which is where callers submit their next transitions), the writer keeps its batch open
// and takes in whatever arrives (a commit now would only wait for that flush); once the
// acknowledger is idle it commits at once, so that the next flush starts and overlaps the next
// batch. Batch sizes so follow the load, the flush latency and the callers' own pace, with no
// tuning. So many transitions share one fsync and one write of each page they touch, yet
// each fails alone. A transition that fails before it has changed a row (most failed
// conditions, ABORTED) is left out and the batch goes on. When one fails after it has written,
// the transaction is rolled back and the batch is applied again without it, this time with a
// SAVEPOINT around each transition so that any further failure is undone alone. Savepoints cost
// two statements per transition, and failures are rare, hence the optimistic first attempt. If
// SQLite abandons a transaction by itself (possible after SQLITE_FULL or an I/O error), the batch
// is likewise retried without the transition that failed.
//
//   queued --take--> applied --COMMIT ok--> acknowledged OK
//                      |          \--COMMIT fails--> every applied one reported with the error
//                      |--fails, nothing written--> reported with its error; the batch goes on
//                      \--fails after writing--> reported with its error; the rest applied again
//
// Callbacks run on a second thread (the acknowledger), in commit order, so that waking callers
// never delays the next batch; a callback must be short, and must not wait for a commit. A
// batch of one transition committed with nothing queued behind it and nothing being told is
// told by the writer itself, in the same way: when commits come one at a time there is no next
// batch to overlap, and waking the acknowledger would only add a context switch to each
// commit's latency. With a WalSync, the acknowledger (or the writer, so telling) first
// flushes the WAL (one fdatasync for every batch committed since the last one) and only then
// reports success: the writer commits at synchronous=NORMAL and goes on with the next batch
// while the flush runs. Other connections may read a commit before that flush completes, as in
// other databases with group commit; no caller is told it succeeded before it is durable.
// Destruction stops intake, commits everything already queued, runs its callbacks, and joins
// both threads.
#pragma once

#include <atomic>
#include <chrono>
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
#include "storage/wal_sync.h"

namespace endure::storage {

// Told of each committed group once it is durable: how many transitions it held and how long it
// took from BEGIN to the end of the WAL flush. Runs where callbacks run; must be quick.
using CommitObserver =
    std::function<void(size_t transitions, std::chrono::steady_clock::duration latency)>;

struct WriterStats {
  uint64_t transactions = 0;  // SQLite transactions committed.
  uint64_t transitions = 0;   // Transitions acknowledged OK.
  uint64_t failed = 0;        // Transitions reported with an error.
};

class GroupCommitWriter {
 public:
  using Callback = std::function<void(Result<Committed>)>;

  // Starts the writer on `db` (migrated and configured). `before_batch`, if set, runs on the
  // writer thread each time it wakes to work, before it takes the queued transitions: a sync
  // point for tests.
  // `wal_sync`, if set, flushes the WAL before acknowledgements (durability FULL).
  static Result<std::unique_ptr<GroupCommitWriter>> Start(std::unique_ptr<sqlite::Connection> db,
                                                          Env* env, int max_batch,
                                                          std::function<void()> before_batch,
                                                          std::unique_ptr<WalSync> wal_sync,
                                                          CommitObserver on_commit = nullptr);
  ~GroupCommitWriter();  // Stops, then closes the connection.
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues `t`; `done` runs once with its outcome. After shutdown began, `done` gets UNAVAILABLE
  // at once.
  void Submit(Transition t, Callback done);
  // Submits and waits for the outcome. Must not be called from a callback.
  Result<Committed> Commit(Transition t);

  WriterStats stats() const;

  // What destruction does but for closing the connection: stops intake, commits what is queued,
  // runs its callbacks, and joins both threads. Later submissions get UNAVAILABLE.
  void Stop();

 private:
  struct Pending {
    Transition transition;
    EncodedTransition encoded;
    Callback done;
    Committed committed;  // Filled when applied.
  };

  // A committed batch whose callers are still to be told.
  struct Outcomes {
    std::vector<Callback> callbacks;
    std::vector<Status> results;
    std::vector<Committed> committed;
    std::chrono::steady_clock::time_point began;
  };

  GroupCommitWriter(std::unique_ptr<sqlite::Connection> db, int max_batch,
                    std::function<void()> before_batch, std::unique_ptr<WalSync> wal_sync,
                    CommitObserver on_commit);
  void Run();
  // Moves queued transitions into `batch` up to max_batch; returns how many. Holds mu_.
  size_t TakeQueued(std::vector<Pending>& batch);
  void Acknowledge();
  // Flushes the WAL, then runs the callbacks of `ready`, and marks the acknowledger idle. Called
  // by one thread at a time: the acknowledger, or the writer for a lone transition (CommitBatch).
  void Tell(std::deque<Outcomes>& ready);
  void CommitBatch(std::vector<Pending>& batch);
  // Applies the transitions at `indexes` in one transaction, each in a savepoint if `isolate`;
  // fills `results`. Returns false when the transaction was abandoned and `indexes` now holds
  // the transitions to apply again.
  bool TryCommit(std::vector<Pending>& batch, std::vector<size_t>& indexes,
                 std::vector<Status>& results, bool isolate);

  std::unique_ptr<sqlite::Connection> db_;
  TransitionWriter writer_;
  const size_t max_batch_;
  const std::function<void()> before_batch_;
  const std::unique_ptr<WalSync> wal_sync_;  // Used by whichever thread is telling.
  const CommitObserver on_commit_;           // Likewise.
  // True unless the acknowledger is flushing the WAL or running callbacks. While it is busy, the
  // writer's open batch takes in what arrives; once it is idle, the batch commits.
  std::atomic<bool> acknowledger_idle_{true};

  mutable std::mutex mu_;
  std::condition_variable wake_;
  // Submit wakes the writer only once this many transitions are queued: one while it waits for
  // work, more while its batch is open (it commits when the acknowledger goes idle, not sooner,
  // so waking it for every arrival would only cost a context switch each).
  size_t wake_at_ = 1;
  std::deque<Pending> queue_;
  bool stopping_ = false;

  std::atomic<uint64_t> transactions_{0};
  std::atomic<uint64_t> transitions_{0};
  std::atomic<uint64_t> failed_{0};

  std::mutex outcomes_mu_;
  std::condition_variable outcomes_ready_;
  std::deque<Outcomes> outcomes_;
  bool writer_done_ = false;

  // Last: started after everything above exists.
  std::unique_ptr<Thread> acknowledger_;
  std::unique_ptr<Thread> thread_;
};

}  // namespace endure::storage
