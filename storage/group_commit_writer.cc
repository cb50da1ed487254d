#include "storage/group_commit_writer.h"

#include <future>
#include <utility>

#include "storage/base/thread_priority.h"

namespace endure::storage {
namespace {

// Arrivals that wake a writer whose batch is open (see wake_at_).
constexpr size_t kOpenBatchWakeAt = 64;

// How far the writer and the acknowledger are favoured over the process's other threads, where
// the process may (see RaiseThisThreadPriority). Every transition passes through both, one batch
// at a time: when the threads they wake take their CPU (on a small machine, the workers woken by
// the acknowledger's callbacks preempt it), every caller waits longer.
constexpr int kPipelinePriorityLevels = 10;

}  // namespace

Result<std::unique_ptr<GroupCommitWriter>> GroupCommitWriter::Start(
    std::unique_ptr<sqlite::Connection> db, Env* env, int max_batch,
    std::function<void()> before_batch, std::unique_ptr<WalSync> wal_sync,
    CommitObserver on_commit) {
  std::unique_ptr<GroupCommitWriter> writer(
      new GroupCommitWriter(std::move(db), max_batch, std::move(before_batch), std::move(wal_sync),
                            std::move(on_commit)));
  ENDURE_RETURN_IF_ERROR(writer->writer_.LoadSequences());
  writer->acknowledger_ = env->StartThread("endure-acks", [w = writer.get()] { w->Acknowledge(); });
  writer->thread_ = env->StartThread("endure-writer", [w = writer.get()] { w->Run(); });
  return writer;
}

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<sqlite::Connection> db, int max_batch,
                                     std::function<void()> before_batch,
                                     std::unique_ptr<WalSync> wal_sync, CommitObserver on_commit)
    : db_(std::move(db)),
      writer_(db_.get()),
      max_batch_(max_batch < 1 ? 1 : static_cast<size_t>(max_batch)),
      before_batch_(std::move(before_batch)),
      wal_sync_(std::move(wal_sync)),
      on_commit_(std::move(on_commit)) {}

GroupCommitWriter::~GroupCommitWriter() { Stop(); }

void GroupCommitWriter::Stop() {
  if (thread_ == nullptr) return;  // Never started, or stopped already.
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_->Join();
  {
    std::lock_guard lock(outcomes_mu_);
    writer_done_ = true;
  }
  outcomes_ready_.notify_all();
  acknowledger_->Join();
  thread_.reset();
  acknowledger_.reset();
}

void GroupCommitWriter::Submit(Transition t, Callback done) {
  EncodedTransition encoded = Encode(t);  // On the caller's thread, outside the lock.
  // Written from their encoded form: the events themselves go back to the caller.
  Committed committed;
  committed.events = std::move(t.events);
  t.events.clear();
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(
          Pending{std::move(t), std::move(encoded), std::move(done), std::move(committed)});
      if (queue_.size() >= wake_at_) wake_.notify_one();
      return;
    }
  }
  done(Unavailable("the store is closing"));
}

Result<Committed> GroupCommitWriter::Commit(Transition t) {
  std::promise<Result<Committed>> outcome;
  auto future = outcome.get_future();
  Submit(std::move(t), [&outcome](Result<Committed> r) { outcome.set_value(std::move(r)); });
  return future.get();
}

WriterStats GroupCommitWriter::stats() const {
  return {transactions_.load(), transitions_.load(), failed_.load()};
}

void GroupCommitWriter::Run() {
  (void)RaiseThisThreadPriority(kPipelinePriorityLevels);
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // Stopping and drained.
      if (before_batch_) {
        lock.unlock();
        before_batch_();
        lock.lock();
      }
      TakeQueued(batch);
    }
    CommitBatch(batch);
    batch.clear();
  }
}

size_t GroupCommitWriter::TakeQueued(std::vector<Pending>& batch) {
  size_t taken = 0;
  while (!queue_.empty() && batch.size() < max_batch_) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
    ++taken;
  }
  return taken;
}

void GroupCommitWriter::CommitBatch(std::vector<Pending>& batch) {
  const auto began = std::chrono::steady_clock::now();
  std::vector<Status> results(batch.size());
  std::vector<size_t> indexes(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) indexes[i] = i;
  // First optimistically, without savepoints: transitions rarely fail. After a failure, the rest
  // is retried with a savepoint around each transition. Each retry drops at least one failed
  // transition, so this ends.
  bool isolate = false;
  while (!indexes.empty() && !TryCommit(batch, indexes, results, isolate)) isolate = true;
  Outcomes outcomes;
  outcomes.callbacks.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    (results[i].ok() ? transitions_ : failed_).fetch_add(1, std::memory_order_relaxed);
    outcomes.callbacks.push_back(std::move(batch[i].done));
    outcomes.committed.push_back(std::move(batch[i].committed));
  }
  outcomes.results = std::move(results);
  outcomes.began = began;
  // A lone transition, with nothing queued behind it and nothing being told: the writer tells
  // its caller itself, which saves waking the acknowledger (a context switch, tens of
  // microseconds on a virtual machine) when commits come one at a time. A batch of several
  // means transitions arrive faster than they commit; then the acknowledger flushes while the
  // writer applies the next batch.
  bool hand_off = batch.size() != 1;
  if (!hand_off) {
    std::lock_guard lock(mu_);
    hand_off = !queue_.empty();
  }
  {
    std::lock_guard lock(outcomes_mu_);
    hand_off =
        hand_off || !outcomes_.empty() || !acknowledger_idle_.load(std::memory_order_acquire);
    if (hand_off) {
      outcomes_.push_back(std::move(outcomes));
    } else {
      acknowledger_idle_.store(false, std::memory_order_release);
    }
  }
  if (hand_off) {
    outcomes_ready_.notify_one();
    return;
  }
  std::deque<Outcomes> ready;
  ready.push_back(std::move(outcomes));
  Tell(ready);
}

void GroupCommitWriter::Acknowledge() {
  (void)RaiseThisThreadPriority(kPipelinePriorityLevels);
  for (;;) {
    std::deque<Outcomes> ready;
    {
      std::unique_lock lock(outcomes_mu_);
      outcomes_ready_.wait(lock, [this] { return writer_done_ || !outcomes_.empty(); });
      if (outcomes_.empty()) return;  // The writer has stopped and everything is told.
      ready.swap(outcomes_);
      // Under the lock, so that the writer never tells a later batch at the same time.
      acknowledger_idle_.store(false, std::memory_order_release);
    }
    Tell(ready);
  }
}

void GroupCommitWriter::Tell(std::deque<Outcomes>& ready) {
  // Every batch here was committed before this flush began, so one flush covers all.
  Status durable = Status::Ok();
  if (wal_sync_) durable = wal_sync_->Sync();
  if (on_commit_ && durable.ok()) {
    const auto now = std::chrono::steady_clock::now();
    for (const Outcomes& outcomes : ready)
      on_commit_(outcomes.callbacks.size(), now - outcomes.began);
  }
  for (Outcomes& outcomes : ready) {
    for (size_t i = 0; i < outcomes.callbacks.size(); ++i) {
      Status& result = outcomes.results[i];
      if (!result.ok()) {
        outcomes.callbacks[i](std::move(result));
      } else if (!durable.ok()) {
        outcomes.callbacks[i](durable);
      } else {
        outcomes.callbacks[i](std::move(outcomes.committed[i]));
      }
    }
  }
  // Idle only once the callbacks have run too: they are where the next transitions come from
  // (an engine's operations submit their successors there), so while they run the writer's
  // batch keeps growing instead of committing a few transitions at a time.
  {
    std::lock_guard lock(mu_);
    acknowledger_idle_.store(true, std::memory_order_release);
  }
  wake_.notify_all();
}

bool GroupCommitWriter::TryCommit(std::vector<Pending>& batch, std::vector<size_t>& indexes,
                                  std::vector<Status>& results, bool isolate) {
  auto fail_all = [&](const Status& s) {
    for (size_t i : indexes) results[i] = s;
    indexes.clear();
    return true;
  };
  Status begin = db_->ExecCached("BEGIN IMMEDIATE");
  if (!begin.ok()) return fail_all(begin);

  std::vector<size_t> applied;
  applied.reserve(indexes.size());
  for (size_t n = 0; n < indexes.size(); ++n) {
    const size_t i = indexes[n];
    Status s = isolate ? db_->ExecCached("SAVEPOINT transition") : Status::Ok();
    const int64_t changes_before = db_->TotalChanges();
    if (s.ok()) s = writer_.Apply(batch[i].transition, batch[i].encoded, &batch[i].committed);
    if (s.ok() && isolate) s = db_->ExecCached("RELEASE transition");
    // A transition whose condition failed before it wrote anything (a start that finds its
    // workflow id taken, a run changed since it was read) leaves the transaction as it was:
    // the batch goes on without it, as if it had been isolated.
    const bool untouched =
        !s.ok() && !isolate && db_->InTransaction() && db_->TotalChanges() == changes_before;
    if (untouched) results[i] = s;
    if (s.ok() || untouched) {
      if (s.ok()) applied.push_back(i);
      if (n + 1 == indexes.size() && !isolate) {
        // Transitions that arrive while the WAL flush and the acknowledgements after it are in
        // progress join this batch rather than wait for the next commit: the batch grows to
        // the offered load (and the acknowledger's callbacks are where the next transitions
        // come from). Once the acknowledger is idle, committing now starts the next flush at
        // once, and what arrives goes into the next batch, applied while that flush runs.
        std::unique_lock lock(mu_);
        wake_at_ = kOpenBatchWakeAt;
        wake_.wait(lock, [&] {
          return stopping_ || queue_.size() >= kOpenBatchWakeAt || batch.size() >= max_batch_ ||
                 acknowledger_idle_.load(std::memory_order_acquire);
        });
        wake_at_ = 1;
        const size_t first_new = batch.size();
        const size_t taken = TakeQueued(batch);
        for (size_t j = first_new; j < first_new + taken; ++j) indexes.push_back(j);
        results.resize(batch.size());
      }
      continue;
    }
    results[i] = s;
    if (!isolate || !db_->InTransaction()) {
      // Undo everything (SQLite may have already) and retry what was applied and what is left,
      // in the same order, without the failed transition.
      if (db_->InTransaction()) (void)db_->ExecCached("ROLLBACK");
      applied.insert(applied.end(), indexes.begin() + static_cast<ptrdiff_t>(n) + 1, indexes.end());
      indexes = std::move(applied);
      return false;
    }
    Status undo = db_->ExecCached("ROLLBACK TO transition");
    if (undo.ok()) undo = db_->ExecCached("RELEASE transition");
    if (!undo.ok()) {
      (void)db_->ExecCached("ROLLBACK");
      for (size_t j : applied) results[j] = undo;
      return fail_all(undo);
    }
  }

  Status commit = writer_.SaveSequences();
  if (commit.ok()) commit = db_->ExecCached("COMMIT");
  if (!commit.ok() && db_->InTransaction()) (void)db_->ExecCached("ROLLBACK");
  if (commit.ok()) {
    writer_.SequencesCommitted();
    transactions_.fetch_add(1, std::memory_order_relaxed);
  }
  for (size_t i : applied) results[i] = commit;
  indexes.clear();
  return true;
}

}  // namespace endure::storage
