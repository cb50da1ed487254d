// Histories for the replay benchmark, written as a server would have recorded them for three
// small workflows: one activity after another, one timer after another, and signals counted
// until enough have arrived. Built directly (not run), so a 51,200-event history costs nothing
// to set up.
#pragma once

#include <cstdint>

#include "runtime/workflow/workflow.h"
#include "temporal/api/history/v1/message.pb.h"

namespace endure::bench {

enum class Shape { kActivities, kTimers, kSignals };

// A closed history of about `events` events (the shape's steps rounded down).
temporal::api::history::v1::History BuildHistory(Shape shape, int64_t events);

// The workflow whose history BuildHistory writes, taking its step count as input.
runtime::WorkflowFunction WorkflowFor(Shape shape);

}  // namespace endure::bench
