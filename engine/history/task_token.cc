#include "engine/history/task_token.h"

namespace endure::engine::history {
namespace {

constexpr char kVersion1 = '\x01';

}  // namespace

std::string EncodeTaskToken(const endure::history::TaskToken& token) {
  ENDURE_CHECK(token.kind() != endure::history::TaskToken::KIND_UNSPECIFIED)
      << "a task token needs a kind";
  std::string out(1, kVersion1);
  token.AppendToString(&out);
  return out;
}

endure::history::TaskToken TaskTokenOf(endure::history::TaskToken::Kind kind,
                                       const endure::history::MutableState& run) {
  endure::history::TaskToken token;
  token.set_kind(kind);
  token.set_namespace_id(run.namespace_id());
  token.set_workflow_id(run.workflow_id());
  token.set_run_id(run.run_id());
  return token;
}

Result<endure::history::TaskToken> DecodeTaskToken(std::string_view bytes) {
  if (bytes.empty()) return InvalidArgument("task token is empty");
  if (bytes[0] != kVersion1) return InvalidArgument("task token is not one this server issued");
  endure::history::TaskToken token;
  if (!token.ParseFromArray(bytes.data() + 1, static_cast<int>(bytes.size() - 1)) ||
      token.kind() == endure::history::TaskToken::KIND_UNSPECIFIED ||
      token.namespace_id().empty() || token.run_id().empty()) {
    return InvalidArgument("task token is malformed");
  }
  return token;
}

std::string EncodeHistoryPageToken(const endure::history::HistoryPageToken& token) {
  std::string out(1, kVersion1);
  token.AppendToString(&out);
  return out;
}

Result<endure::history::HistoryPageToken> DecodeHistoryPageToken(std::string_view bytes) {
  endure::history::HistoryPageToken token;
  if (bytes.empty() || bytes[0] != kVersion1 ||
      !token.ParseFromArray(bytes.data() + 1, static_cast<int>(bytes.size() - 1)) ||
      token.run_id().empty() || token.next_event_id() < 1) {
    return InvalidArgument("next page token is malformed");
  }
  return token;
}

}  // namespace endure::engine::history
