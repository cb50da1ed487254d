// UUIDs in their canonical text form, as Temporal uses for run, namespace and request ids.
#pragma once

#include <cstdint>
#include <string>

#include "storage/base/env.h"

namespace endure {

// A random (version 4) UUID.
std::string NewUuid(Env* env);

// A version 4 UUID made of the given 128 bits (for UUIDs that must be reproducible, such as a
// workflow's, drawn from its deterministic random source).
std::string UuidFromBits(uint64_t high, uint64_t low);

// A time-ordered (version 7) UUID: 48 bits of env's clock in milliseconds, then randomness.
// Run ids are made so: rows keyed by run id (executions, history) then cluster by start time,
// and the runs in progress share a few B-tree pages instead of dirtying one page each.
std::string NewTimeOrderedUuid(Env* env);

}  // namespace endure
