// Conversions between google.protobuf.Duration and std::chrono, where 0 means "unlimited" in
// Temporal's timeout fields.
#pragma once

#include <google/protobuf/duration.pb.h>

#include <chrono>

namespace endure::engine::history {

using Nanos = std::chrono::nanoseconds;

inline Nanos ToNanos(const google::protobuf::Duration& d) {
  return std::chrono::seconds(d.seconds()) + Nanos(d.nanos());
}

inline void SetDuration(google::protobuf::Duration* d, Nanos n) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(n);
  d->set_seconds(seconds.count());
  d->set_nanos(static_cast<int32_t>((n - seconds).count()));
}

// The smaller of two limits, where 0 means no limit.
inline Nanos MinLimit(Nanos a, Nanos b) {
  if (a.count() == 0) return b;
  if (b.count() == 0) return a;
  return a < b ? a : b;
}

}  // namespace endure::engine::history
