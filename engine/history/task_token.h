// Encoding and decoding of task tokens (task_token.proto).
//
// A token is one version byte followed by the serialized TaskToken. The SDKs need it non-empty
// and not starting with "local_act_" (sdk-core's marker for local activities): the version
// byte guarantees both. Decoding refuses anything else with INVALID_ARGUMENT, so a forged or
// truncated token never reaches the history service.
#pragma once

#include <string>
#include <string_view>

#include "engine/history/mutable_state.pb.h"
#include "engine/history/task_token.pb.h"
#include "storage/base/status.h"

namespace endure::engine::history {

std::string EncodeTaskToken(const endure::history::TaskToken& token);
Result<endure::history::TaskToken> DecodeTaskToken(std::string_view bytes);
// A token of `kind` naming `run`; the caller adds what names the task within it.
endure::history::TaskToken TaskTokenOf(endure::history::TaskToken::Kind kind,
                                       const endure::history::MutableState& run);

// Page tokens of GetWorkflowExecutionHistory (and of poll responses), encoded the same way.
std::string EncodeHistoryPageToken(const endure::history::HistoryPageToken& token);
Result<endure::history::HistoryPageToken> DecodeHistoryPageToken(std::string_view bytes);

}  // namespace endure::engine::history
