#include "storage/group_commit_writer.h"

#include <future>
#include <utility>

namespace endure::storage {

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<sqlite::Connection> db, Env* env,
                                     int max_batch)
    : db_(std::move(db)),
      writer_(db_.get()),
      max_batch_(max_batch < 1 ? 1 : static_cast<size_t>(max_batch)) {
  thread_ = env->StartThread("endure-writer", [this] { Run(); });
}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_->Join();
}

void GroupCommitWriter::Submit(Transition t, Callback done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(t), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Unavailable("the store is closing"));
}

Status GroupCommitWriter::Commit(Transition t) {
  std::promise<Status> outcome;
  auto future = outcome.get_future();
  Submit(std::move(t), [&outcome](Status s) { outcome.set_value(std::move(s)); });
  return future.get();
}

WriterStats GroupCommitWriter::stats() const {
  return {transactions_.load(), transitions_.load(), failed_.load()};
}

void GroupCommitWriter::Run() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // Stopping and drained.
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    CommitBatch(batch);
    batch.clear();
  }
}

void GroupCommitWriter::CommitBatch(std::vector<Pending>& batch) {
  std::vector<Status> results(batch.size());
  std::vector<size_t> indexes(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) indexes[i] = i;
  // Each retry drops at least one failed transition, so this ends.
  while (!indexes.empty() && !TryCommit(batch, indexes, results)) {
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    (results[i].ok() ? transitions_ : failed_).fetch_add(1, std::memory_order_relaxed);
    batch[i].done(std::move(results[i]));
  }
}

bool GroupCommitWriter::TryCommit(std::vector<Pending>& batch, std::vector<size_t>& indexes,
                                  std::vector<Status>& results) {
  auto fail_all = [&](const Status& s) {
    for (size_t i : indexes) results[i] = s;
    indexes.clear();
    return true;
  };
  Status begin = db_->Exec("BEGIN IMMEDIATE");
  if (!begin.ok()) return fail_all(begin);

  std::vector<size_t> applied;
  applied.reserve(indexes.size());
  for (size_t n = 0; n < indexes.size(); ++n) {
    const size_t i = indexes[n];
    Status s = db_->Exec("SAVEPOINT transition");
    if (s.ok()) s = writer_.Apply(batch[i].transition);
    if (s.ok()) s = db_->Exec("RELEASE transition");
    if (s.ok()) {
      applied.push_back(i);
      continue;
    }
    results[i] = s;
    if (!db_->InTransaction()) {
      // SQLite rolled the whole transaction back: retry what was applied and what is left.
      applied.insert(applied.end(), indexes.begin() + static_cast<ptrdiff_t>(n) + 1,
                     indexes.end());
      indexes = std::move(applied);
      return false;
    }
    Status undo = db_->Exec("ROLLBACK TO transition; RELEASE transition");
    if (!undo.ok()) {
      (void)db_->Exec("ROLLBACK");
      for (size_t j : applied) results[j] = undo;
      return fail_all(undo);
    }
  }

  Status commit = db_->Exec("COMMIT");
  if (!commit.ok() && db_->InTransaction()) (void)db_->Exec("ROLLBACK");
  if (commit.ok()) transactions_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i : applied) results[i] = commit;
  indexes.clear();
  return true;
}

}  // namespace endure::storage
