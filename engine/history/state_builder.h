// How a run's mutable state follows from its history.
//
// ApplyEvent is the one place that says what each event does to the state: the history service
// applies every event it writes through it, and Rebuild applies a stored history through it, so
// a run rebuilt from the store is the run that was in memory (state_builder_test proves it).
#pragma once

#include <vector>

#include "engine/history/mutable_state.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace endure::engine::history {

using endure::history::MutableState;
using endure::history::PendingState;
using temporal::api::history::v1::HistoryEvent;

// Applies one persisted event. Events must come in id order, starting at 1.
void ApplyEvent(const HistoryEvent& event, MutableState* state);

// The state of a run from its whole history and the pending state its execution row keeps.
MutableState Rebuild(const std::string& namespace_id, const std::string& workflow_id,
                     const std::string& run_id, const std::vector<HistoryEvent>& events,
                     PendingState pending);

// Fills state->workflow_task from a transient workflow task (which has no events).
void ApplyTransientTask(MutableState* state);

}  // namespace endure::engine::history
