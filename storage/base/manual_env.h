// ManualEnv: an Env for tests whose clock moves only when told and whose randomness is seeded.
//
// Threads and flushes are the real ones (Env::Default()). Time starts at `start` and moves only
// through Advance() or Set(), so a test of timeouts and timers runs without sleeping, and the
// same seed gives the same ids in every run.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

#include "storage/base/env.h"

namespace endure {

class ManualEnv final : public Env {
 public:
  explicit ManualEnv(TimePoint start = TimePoint(std::chrono::seconds(1'700'000'000)),
                     uint64_t seed = 1)
      : now_(start), state_(seed) {}

  void Advance(std::chrono::nanoseconds d);
  void Set(TimePoint t);

  TimePoint Now() override;
  std::unique_ptr<Thread> StartThread(std::string name, std::function<void()> body) override {
    return Env::Default()->StartThread(std::move(name), std::move(body));
  }
  int SyncData(int fd) override { return Env::Default()->SyncData(fd); }
  void RandomBytes(void* out, size_t n) override;

 private:
  std::mutex mu_;
  TimePoint now_;   // Guarded by mu_.
  uint64_t state_;  // splitmix64 state, guarded by mu_.
};

}  // namespace endure
