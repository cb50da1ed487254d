#include "storage/base/manual_env.h"

#include <cstring>

#include "storage/base/check.h"

namespace endure {

void ManualEnv::Advance(std::chrono::nanoseconds d) {
  ENDURE_CHECK(d.count() >= 0) << "time only moves forward";
  std::lock_guard lock(mu_);
  now_ += d;
}

void ManualEnv::Set(TimePoint t) {
  std::lock_guard lock(mu_);
  ENDURE_CHECK(t >= now_) << "time only moves forward";
  now_ = t;
}

TimePoint ManualEnv::Now() {
  std::lock_guard lock(mu_);
  return now_;
}

void ManualEnv::RandomBytes(void* out, size_t n) {
  std::lock_guard lock(mu_);
  auto* bytes = static_cast<unsigned char*>(out);
  while (n > 0) {
    // splitmix64: small, fast, and every seed gives a well-mixed stream.
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const size_t take = n < sizeof z ? n : sizeof z;
    std::memcpy(bytes, &z, take);
    bytes += take;
    n -= take;
  }
}

}  // namespace endure
