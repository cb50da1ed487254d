// Which history events record a command, and whether an event records a given command: the
// rules the run's non-determinism check applies.
#pragma once

#include <string>

#include "temporal/api/command/v1/message.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace endure::runtime {

// Events written for a command of a workflow task (as opposed to events that resolve one).
bool IsCommandEvent(const temporal::api::history::v1::HistoryEvent& event);

// Whether `event` records `command`: the same kind and the same key (timer id, activity id and
// type, child id and type, marker name, ...).
bool Records(const temporal::api::history::v1::HistoryEvent& event,
             const temporal::api::command::v1::Command& command);

// For error messages: "EVENT_TYPE_TIMER_STARTED (timer 2)", "COMMAND_TYPE_START_TIMER (timer 2)".
std::string Describe(const temporal::api::history::v1::HistoryEvent& event);
std::string Describe(const temporal::api::command::v1::Command& command);

}  // namespace endure::runtime
