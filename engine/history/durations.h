// Conversions between google.protobuf.Duration/Timestamp and std::chrono or unix nanoseconds;
// 0 means "unlimited" in Temporal's timeout fields.
#pragma once

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

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

// Timestamps as unix nanoseconds, the form mutable state and the store keep.
inline int64_t ToUnixNanos(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1'000'000'000 + t.nanos();
}

inline void SetTimestamp(google::protobuf::Timestamp* t, int64_t unix_nanos) {
  t->set_seconds(unix_nanos / 1'000'000'000);
  t->set_nanos(static_cast<int32_t>(unix_nanos % 1'000'000'000));
}

}  // namespace endure::engine::history
