// The checks the history service makes on a workflow task's commands before applying any, with
// the outcome Temporal gives each kind of mistake:
//   - the order of the commands (a terminal command is last, and there is one at most): a bad
//     order refuses the whole RespondWorkflowTaskCompleted request (INVALID_ARGUMENT);
//   - each command's own attributes: a bad command fails the workflow task with the
//     WorkflowTaskFailedCause of its kind, and the worker retries it.
// Checks that need the run's state (duplicate timer or activity ids, a run timeout to cap the
// activity's) come later, when the command is applied.
#pragma once

#include <optional>
#include <string>

#include "storage/base/status.h"
#include "temporal/api/command/v1/message.pb.h"
#include "temporal/api/enums/v1/failed_cause.pb.h"

namespace endure::engine::history {

using Commands = google::protobuf::RepeatedPtrField<temporal::api::command::v1::Command>;

// Complete, Fail, Cancel and ContinueAsNew end the run.
bool IsTerminal(const temporal::api::command::v1::Command& command);

// INVALID_ARGUMENT when a terminal command is followed by any command.
Status CheckCommandOrder(const Commands& commands);

struct CommandRejection {
  temporal::api::enums::v1::WorkflowTaskFailedCause cause;
  std::string message;
};

// Whether the command's attributes match its type and carry what the type requires. Commands
// this server does not take yet (Nexus)
// are rejected as unhandled rather than ignored.
std::optional<CommandRejection> CheckCommandAttributes(
    const temporal::api::command::v1::Command& command);

}  // namespace endure::engine::history
