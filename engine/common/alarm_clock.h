// AlarmClock: runs callbacks at deadlines on one thread of its own.
//
// Long polls (task polls, history polls) wait for work or for their deadline, whichever comes
// first; this is where their deadlines live. Deadlines are real (steady) time, because they are
// the callers' deadlines, not the workflow's clock.
//
// Thread-safety: every method may be called from any thread, including from an alarm.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "storage/base/env.h"

namespace endure::engine {

class AlarmClock {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = uint64_t;

  explicit AlarmClock(Env* env);
  // Stops the thread; alarms that have not run never run.
  ~AlarmClock();
  AlarmClock(const AlarmClock&) = delete;
  AlarmClock& operator=(const AlarmClock&) = delete;

  // Runs `alarm` at `when` (at once if that has passed). Never returns 0.
  Id Set(Clock::time_point when, std::function<void()> alarm);
  // Whether the alarm was still waiting; if so it never runs.
  bool Cancel(Id id);

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable changed_;
  bool stopping_ = false;
  Id next_id_ = 1;
  std::map<std::pair<Clock::time_point, Id>, std::function<void()>> alarms_;
  std::unordered_map<Id, Clock::time_point> when_;
  std::unique_ptr<Thread> thread_;
};

}  // namespace endure::engine
