// Env: the process's time and threads, injected so that tests can replace them.
//
// Following LevelDB's Env, nothing in Endure reads the wall clock, starts a thread, flushes a
// file or draws randomness except through an Env. Env::Default() is the real one; tests pass a
// ManualClock-backed Env where time matters. Thread-safety: every method may be called from any
// thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace endure {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

// A thread started by an Env; joined by Join() or on destruction.
class Thread {
 public:
  virtual ~Thread() = default;
  virtual void Join() = 0;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide real environment. Never destroyed.
  static Env* Default();

  virtual TimePoint Now() = 0;
  virtual std::unique_ptr<Thread> StartThread(std::string name, std::function<void()> body) = 0;
  // Flushes a file's data to stable storage (fdatasync); returns 0 or an errno value. A test
  // Env can fail it to show what a failed flush does.
  virtual int SyncData(int fd) = 0;
  // Fills `out` with `n` random bytes (ids such as namespace and run ids, never replay
  // decisions). A test Env can make them deterministic.
  virtual void RandomBytes(void* out, size_t n) = 0;
};

}  // namespace endure
