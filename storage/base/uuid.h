// UUIDs in their canonical text form, as Temporal uses for run, namespace and request ids.
#pragma once

#include <string>

#include "storage/base/env.h"

namespace endure {

// A random (version 4) UUID.
std::string NewUuid(Env* env);

// A time-ordered (version 7) UUID: 48 bits of env's clock in milliseconds, then randomness.
// Run ids are made so: rows keyed by run id (executions, history) then cluster by start time,
// and the runs in progress share a few B-tree pages instead of dirtying one page each.
std::string NewTimeOrderedUuid(Env* env);

}  // namespace endure
