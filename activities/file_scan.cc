#include "activities/file_scan.h"

#include "activities/input.h"

namespace endure::activities {

std::optional<ScanCheckpoint> ReadScanCheckpoint(const runtime::ActivityContext& ctx,
                                                 std::string_view kind) {
  const std::optional<runtime::Json> details = ctx.last_heartbeat_details();
  if (!details || !details->is_object()) return std::nullopt;
  const auto scan = details->find("scan");
  const auto files_done = details->find("files_done");
  const auto last_file = details->find("last_file");
  const auto partial = details->find("partial");
  if (scan == details->end() || !scan->is_string() || scan->get<std::string>() != kind ||
      files_done == details->end() || !files_done->is_number_integer() ||
      last_file == details->end() || !last_file->is_string() || partial == details->end()) {
    return std::nullopt;
  }
  return ScanCheckpoint{files_done->get<int64_t>(), last_file->get<std::string>(), *partial};
}

void WriteScanCheckpoint(runtime::ActivityContext& ctx, std::string_view kind,
                         const ScanCheckpoint& checkpoint) {
  ctx.heartbeat({{"scan", kind},
                 {"files_done", checkpoint.files_done},
                 {"last_file", checkpoint.last_file},
                 {"partial", checkpoint.partial}});
  if (ctx.cancelled()) throw runtime::CancelledError("scan cancelled");
}

int64_t HeartbeatInterval(const runtime::Json& input) {
  const int64_t every = OptionalInt(input, "heartbeat_every_files", 100, "InvalidInput");
  if (every < 1) Reject("InvalidInput", "heartbeat_every_files must be at least 1");
  return every;
}

}  // namespace endure::activities
