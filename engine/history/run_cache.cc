#include "engine/history/run_cache.h"

#include <limits>
#include <utility>

#include "temporal/api/enums/v1/workflow.pb.h"

namespace endure::engine::history {
namespace {

// Operations started by a release run after the releasing operation returns, not inside it:
// a run whose operations complete synchronously would otherwise recurse once per operation.
thread_local std::deque<std::function<void()>>* deferred = nullptr;

void RunDeferred(std::function<void()> fn) {
  if (deferred != nullptr) {
    deferred->push_back(std::move(fn));
    return;
  }
  std::deque<std::function<void()>> queue;
  deferred = &queue;
  fn();
  while (!queue.empty()) {
    auto next = std::move(queue.front());
    queue.pop_front();
    next();
  }
  deferred = nullptr;
}

}  // namespace

RunCache::Lease::~Lease() { cache_->Release(entry_, dirty_); }

MutableState& RunCache::Lease::state() { return entry_->state; }

int64_t RunCache::Lease::db_version() const { return entry_->db_version; }

void RunCache::Lease::Committed(int64_t db_version, std::vector<HistoryEvent> events) {
  entry_->db_version = db_version;
  dirty_ = false;
  if (!entry_->history) return;
  if (entry_->state.history_size_bytes() > kMaxKeptHistoryBytes) {
    entry_->history.reset();
    return;
  }
  entry_->history->Append(std::move(events));
}

Status RunCache::Lease::Reload() {
  dirty_ = true;  // Until the load succeeds.
  entry_->loaded = false;
  ENDURE_RETURN_IF_ERROR(cache_->Load(*entry_));
  dirty_ = false;
  return Status::Ok();
}

KeptHistory* RunCache::Lease::history() {
  return entry_->history ? &*entry_->history : nullptr;
}

void RunCache::With(const RunId& run_id, Operation op) {
  std::shared_ptr<Entry> entry;
  Evicted closed;  // Freed after the lock is released.
  {
    std::lock_guard lock(mu_);
    closed.swap(closed_);
    auto& slot = entries_[run_id];
    if (!slot) {
      slot = std::make_shared<Entry>();
      slot->run_id = run_id;
      slot->lru = lru_.insert(lru_.end(), run_id);
    } else {
      lru_.splice(lru_.end(), lru_, slot->lru);
    }
    if (slot->busy) {
      slot->waiting.push_back(std::move(op));
      return;
    }
    slot->busy = true;
    entry = slot;
  }
  RunDeferred([this, entry, op = std::move(op)]() mutable { Run(entry, std::move(op)); });
}

void RunCache::Run(std::shared_ptr<Entry> entry, Operation op) {
  if (!entry->loaded) {
    Status loaded = Load(*entry);
    if (!loaded.ok()) {
      Release(entry, /*invalidate=*/true);
      op(loaded);
      return;
    }
  }
  op(LeasePtr(new Lease(this, std::move(entry))));
}

Status RunCache::Load(Entry& entry) {
  ENDURE_ASSIGN_OR_RETURN(auto record, store_->GetExecution(entry.run_id));
  ENDURE_ASSIGN_OR_RETURN(auto events, store_->ReadHistory(entry.run_id, 1, record.next_event_id,
                                                           std::numeric_limits<size_t>::max()));
  PendingState pending;
  if (!pending.ParseFromString(record.state)) {
    return DataLoss("the execution row of run " + entry.run_id.value() + " is corrupt");
  }
  entry.state = Rebuild(record.namespace_id.value(), record.workflow_id.value(),
                        record.run_id.value(), events, std::move(pending));
  entry.db_version = record.db_version;
  entry.history.reset();
  if (entry.state.history_size_bytes() <= kMaxKeptHistoryBytes) {
    entry.history.emplace(1, std::move(events));
  }
  entry.loaded = true;
  return Status::Ok();
}

bool RunCache::PeekCommitted(
    const RunId& run_id, const std::function<void(const MutableState&, const KeptHistory*)>& read) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(run_id);
  // Not busy and loaded: no operation is changing the state, and a failed one left it unloaded.
  if (it == entries_.end() || it->second->busy || !it->second->loaded) return false;
  const Entry& entry = *it->second;
  read(entry.state, entry.history ? &*entry.history : nullptr);
  return true;
}

void RunCache::Insert(MutableState state, int64_t db_version, KeptHistory history) {
  Evicted evicted;  // Freed after the lock is released.
  std::lock_guard lock(mu_);
  const RunId run_id(state.run_id());
  auto& slot = entries_[run_id];
  if (slot) return;  // An operation got there first and loads it from the store.
  slot = std::make_shared<Entry>();
  slot->run_id = run_id;
  slot->state = std::move(state);
  slot->db_version = db_version;
  slot->history = std::move(history);
  slot->loaded = true;
  slot->lru = lru_.insert(lru_.end(), run_id);
  evicted = EvictLocked();
}

void RunCache::Release(const std::shared_ptr<Entry>& entry, bool invalidate) {
  Operation next;
  Evicted evicted;  // Freed after the lock is released.
  {
    std::lock_guard lock(mu_);
    if (invalidate) {
      entry->loaded = false;
      entry->state.Clear();
      entry->history.reset();
    }
    if (entry->waiting.empty()) {
      entry->busy = false;
      if (entry->loaded &&
          entry->state.status() != temporal::api::enums::v1::WORKFLOW_EXECUTION_STATUS_RUNNING) {
        // Closed and idle: it leaves the cache now (see the header).
        closed_.push_back(RemoveLocked(entries_.find(entry->run_id)));
        return;
      }
      evicted = EvictLocked();
      return;
    }
    next = std::move(entry->waiting.front());
    entry->waiting.pop_front();
  }
  RunDeferred([this, entry, next = std::move(next)]() mutable { Run(entry, std::move(next)); });
}

RunCache::Evicted RunCache::EvictLocked() {
  Evicted evicted;
  auto it = lru_.begin();
  while (entries_.size() > capacity_ && it != lru_.end()) {
    auto found = entries_.find(*it);
    ++it;  // Before the entry's place in lru_ is erased.
    if (!found->second->busy) evicted.push_back(RemoveLocked(found));
  }
  return evicted;
}

std::shared_ptr<RunCache::Entry> RunCache::RemoveLocked(EntryMap::iterator found) {
  std::shared_ptr<Entry> entry = std::move(found->second);
  lru_.erase(entry->lru);
  entries_.erase(found);
  return entry;
}

size_t RunCache::size() {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace endure::engine::history
