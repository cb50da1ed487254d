// The replayer: runs workflow code over a recorded history, as a worker would on a cache miss,
// and reports whether the code still makes the commands history recorded. Histories come from
// the store, from a server (GetWorkflowExecutionHistory), or from a JSON file in the format
// `temporal workflow show --output json` writes.
#pragma once

#include <string>

#include "runtime/workflow/workflow.h"
#include "storage/base/status.h"
#include "temporal/api/history/v1/message.pb.h"

namespace endure::runtime {

// OK when the code replays the history; kNonDeterminism naming the event, what history
// recorded and what the code made, when it does not.
Status ReplayHistory(const WorkflowFunction& workflow,
                     const temporal::api::history::v1::History& history,
                     const std::string& workflow_id = "replay");

// A history in Temporal's JSON form.
Result<temporal::api::history::v1::History> ParseJsonHistory(const std::string& text);

}  // namespace endure::runtime
