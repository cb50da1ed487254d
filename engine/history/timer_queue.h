// TimerQueue: fires the durable timers of the timers table when they come due.
//
// Timer rows are written in the same transitions as the events that arm them, so a timer that
// came due while the process was down is found on the next start and fires then. The queue
// reads due rows in fire-time order and hands each to `fire`, which writes the timer's effect
// and deletes the row in one transition; a row is read again only after that has finished, so
// each timer fires once.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "storage/store.h"

namespace endure::engine::history {

class TimerQueue {
 public:
  using Fire = std::function<void(const storage::TimerRow& row, std::function<void()> done)>;

  // With `thread`, a thread of its own waits for the next fire time on env's clock; without it,
  // timers fire only in FireDue (tests driving a manual clock).
  TimerQueue(storage::Store* store, Env* env, Fire fire, bool thread);
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // A transition armed a timer for `fire_time`.
  void Armed(TimePoint fire_time);

  // Fires every timer due now and returns once they have all fired.
  void FireDue();

  // Stops the thread (timers then fire only in FireDue).
  void Stop();

 private:
  void Run();

  storage::Store* store_;
  Env* env_;
  Fire fire_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::mutex firing_;  // One FireDue at a time.
  std::optional<TimePoint> next_;
  bool stopping_ = false;
  std::unique_ptr<Thread> thread_;
};

}  // namespace endure::engine::history
