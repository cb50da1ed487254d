// RunCache: the runs in memory, one operation at a time per run.
//
// Every operation on a run (a signal, a task completion, a timer) runs with exclusive access to
// the run's mutable state, through a Lease, and keeps it until its transition is committed; the
// next operation on that run waits in a queue, while operations on other runs proceed (and their
// transitions share the store's group commits). A run not in memory is rebuilt from its history
// and the pending state its execution row keeps (state_builder.h), so the cache holds nothing
// the store does not; with it, the end of its history that workflow tasks are served from
// (kept_history.h). Idle runs are evicted beyond a capacity. A closed run leaves as soon as no
// operation holds it or waits for it: closed runs are seldom read again (a describe or a late
// query loads one from the store), and kept, they would fill the cache until the capacity
// pushed them out one by one, cold, each new run paying to free an old one.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <vector>

#include "engine/history/kept_history.h"
#include "engine/history/state_builder.h"
#include "storage/base/status.h"
#include "storage/store.h"

namespace endure::engine::history {

class RunCache {
  struct Entry;

 public:
  // Exclusive access to one run. Releasing it (dropping the last reference) lets the run's next
  // operation start. A lease released after its state was changed but not committed makes the
  // run reload from the store.
  class Lease {
   public:
    ~Lease();
    MutableState& state();
    int64_t db_version() const;
    // The state was changed; it matches the store only after Committed().
    void MarkDirty() { dirty_ = true; }
    // The transition that changed the state is durable at db_version; `events` were appended.
    void Committed(int64_t db_version, std::vector<HistoryEvent> events);
    // The end of the run's committed history that is in memory (see KeptHistory), while its
    // whole history is small enough to keep (kMaxKeptHistoryBytes); nullptr otherwise.
    // Workflow tasks are served from it, and move their events out of it.
    KeptHistory* history();
    // Drops the changes made to the state and loads it again from the store (as it was after
    // the last commit): how an operation that changed the state and then failed starts over.
    Status Reload();

   private:
    friend class RunCache;
    Lease(RunCache* cache, std::shared_ptr<Entry> entry) : cache_(cache), entry_(std::move(entry)) {}
    RunCache* cache_;
    std::shared_ptr<Entry> entry_;
    bool dirty_ = false;
  };
  using LeasePtr = std::shared_ptr<Lease>;
  using Operation = std::function<void(Result<LeasePtr>)>;

  static constexpr int64_t kMaxKeptHistoryBytes = 256 << 10;

  RunCache(storage::Store* store, size_t capacity) : store_(store), capacity_(capacity) {}

  // Runs `op` once no other operation holds the run, with its state loaded. NOT_FOUND when the
  // store has no such run.
  void With(const RunId& run_id, Operation op);

  // Calls `read` with the run's state and kept history (nullptr if none) as last committed,
  // when the run is in memory and no operation holds it, and returns true; returns false
  // otherwise, without waiting or loading. `read` runs under the cache's lock: it must be short
  // and must not call into the cache.
  bool PeekCommitted(const RunId& run_id,
                     const std::function<void(const MutableState&, const KeptHistory*)>& read);

  // Installs the state of a run just created and committed at db_version 1, with what is left
  // of its first events.
  void Insert(MutableState state, int64_t db_version, KeptHistory history);

  size_t size();

 private:
  struct Entry {
    RunId run_id;
    bool busy = false;
    bool loaded = false;
    MutableState state;
    int64_t db_version = 0;
    // Every committed event from its first_id(), while the whole history is small enough.
    std::optional<KeptHistory> history;
    std::deque<Operation> waiting;
    std::list<RunId>::iterator lru;
  };

  void Run(std::shared_ptr<Entry> entry, Operation op);
  void Release(const std::shared_ptr<Entry>& entry, bool invalidate);
  Status Load(Entry& entry);
  // Entries beyond capacity, least recently used first, skipping busy ones. Returned rather than
  // destroyed: freeing a run's state and history is the costly part of an eviction, and is done
  // by the caller once the lock is released, so that other runs' operations do not wait for it.
  using Evicted = std::vector<std::shared_ptr<Entry>>;
  Evicted EvictLocked();
  using EntryMap = std::unordered_map<RunId, std::shared_ptr<Entry>>;
  // Takes the entry out of entries_ and lru_, for the caller to free once the lock is released.
  std::shared_ptr<Entry> RemoveLocked(EntryMap::iterator found);

  storage::Store* store_;
  const size_t capacity_;
  std::mutex mu_;
  EntryMap entries_;
  std::list<RunId> lru_;  // Least recently used first.
  // Closed runs released, to be freed by the next With(): the release is in a commit's
  // callback, on the store's acknowledging thread, whose time every waiting commit shares;
  // With() runs on the callers' threads.
  Evicted closed_;
};

}  // namespace endure::engine::history
