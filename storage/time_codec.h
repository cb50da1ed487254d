// How the store writes time: INTEGER unix nanoseconds, which sort and compare in SQL.
#pragma once

#include <cstdint>

#include "storage/base/env.h"

namespace endure::storage {

inline int64_t ToUnixNanos(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromUnixNanos(int64_t nanos) { return TimePoint(std::chrono::nanoseconds(nanos)); }

}  // namespace endure::storage
