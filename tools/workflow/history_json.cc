#include "tools/workflow/history_json.h"

#include <google/protobuf/util/json_util.h>

namespace endure::tools {

std::string HistoryToJson(const temporal::api::history::v1::History& history) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = false;
  std::string out;
  // Printing a valid message cannot fail; History holds no Any whose type could be unknown.
  (void)google::protobuf::util::MessageToJsonString(history, &out, options);
  return out;
}

Result<temporal::api::history::v1::History> HistoryFromJson(const std::string& text,
                                                            const std::string& source) {
  temporal::api::history::v1::History history;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(text, &history, options);
  if (!status.ok()) {
    return InvalidArgument(source +
                           ": not a Temporal history in JSON: " + std::string(status.message()));
  }
  if (history.events_size() == 0) return InvalidArgument(source + ": the history has no events");
  return history;
}

}  // namespace endure::tools
