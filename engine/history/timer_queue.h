// TimerQueue: fires timers when they come due: the rows of the timers table, and the timers the
// engine keeps in memory (KeptInMemory in timer_kinds.h).
//
// Timer rows are written in the same transitions as the events that arm them, so a timer that
// came due while the process was down is found on the next start and fires then. The queue
// reads due rows in fire-time order and hands each to `fire`, which writes the timer's effect
// and deletes the row in one transition; a row is read again only after that has finished, so
// each timer fires once.
//
// Timers kept in memory reach the queue through Apply once the transition arming them has
// committed, and leave it when one disarming them has. They are in their runs' pending state
// too, and the queue's first act is to read them back from there (`recover`): whatever was
// armed when the process stopped is armed again. A timer in memory that a transition disarmed
// meanwhile may still fire; `fire` finds it no longer armed and does nothing.
//
// A timer that could not fire (its run could not be read, or the transition failed) is held:
// it is tried again only after a wait that doubles with each failure in a row, and the timers
// due after it fire on time meanwhile.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "engine/history/timer_changes.h"
#include "storage/store.h"

namespace endure::engine::history {

class TimerQueue {
 public:
  // Fires one timer. `stored`: the timer is a row of the timers table, which the timer's effect
  // deletes. `done(settled)` once it has fired or turned out to be no longer armed; with false
  // when it could not fire now and must be tried again.
  using Fire = std::function<void(const storage::TimerRow& row, bool stored,
                                  std::function<void(bool settled)> done)>;
  // The timers kept in memory, as the runs' pending state in the store lists them.
  using Recover = std::function<Result<std::vector<storage::TimerRow>>()>;

  // With `thread`, a thread of its own recovers the timers kept in memory and then waits for
  // the next fire time on env's clock; without it, the constructor recovers them, and timers
  // fire only in FireDue (tests driving a manual clock).
  TimerQueue(storage::Store* store, Env* env, Fire fire, Recover recover, bool thread);
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // A transition that made `changes` has committed.
  void Apply(const TimerChanges& changes);

  // Fires every timer due now and not held, and returns once they have all fired.
  void FireDue() { (void)FireDueNow(); }

  // Stops the thread (timers then fire only in FireDue).
  void Stop();

 private:
  // Orders timers by fire time, then by the rest of their key; a row is found by its key alone.
  struct ByFireTime {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::tie(a.fire_time, a.run_id.value(), a.kind, a.ref) <
             std::tie(b.fire_time, b.run_id.value(), b.kind, b.ref);
    }
  };

  // A timer that could not fire: not tried again before `until`.
  struct Hold {
    TimePoint until;
    std::chrono::nanoseconds wait;
  };

  // What a FireDue did: every timer due at `up_to` fired or is held, unless the table could not
  // be read.
  struct Fired {
    TimePoint up_to;
    bool table_read = true;
  };

  void Run();
  Fired FireDueNow();
  // A fired timer's outcome: settled, or held (and, kept in memory, back in the queue).
  void Settle(const storage::TimerRow& row, bool stored, bool settled);
  // Under mu_: whether the timer waits out a hold at `now`.
  bool HeldLocked(const storage::TimerRow& row, TimePoint now) const;
  // Under mu_: the earliest time a timer may fire after `fired`, given the table's earliest fire
  // time after it, `stored_next`.
  void ScheduleNextLocked(const Fired& fired, std::optional<TimePoint> stored_next);
  // Reads the timers kept in memory back from the store, until it succeeds or the queue stops.
  void RecoverInMemory();
  // Under mu_: `fire_time` may be the earliest now.
  void ArmedLocked(TimePoint fire_time);
  // Takes up to `limit` timers kept in memory that are due at `now` and not held.
  std::vector<storage::TimerRow> TakeDueInMemory(TimePoint now, size_t limit);

  storage::Store* store_;
  Env* env_;
  Fire fire_;
  Recover recover_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::mutex firing_;  // One FireDue at a time.
  std::optional<TimePoint> next_;
  std::set<storage::TimerRow, ByFireTime> in_memory_;
  std::map<storage::TimerKey, Hold, ByFireTime> held_;  // Few: the timers that failed to fire.
  bool stopping_ = false;
  std::unique_ptr<Thread> thread_;
};

}  // namespace endure::engine::history
