#include "runtime/workflow/markers.h"

#include <chrono>

#include "temporal/api/enums/v1/command_type.pb.h"

namespace endure::runtime {
namespace {

namespace enums = temporal::api::enums::v1;
using temporal::api::command::v1::Command;

std::optional<Json> Detail(const MarkerDetails& details, const std::string& key) {
  const auto it = details.find(key);
  if (it == details.end() || it->second.payloads_size() == 0) return std::nullopt;
  auto value = FromPayload(it->second.payloads(0));
  if (!value.ok()) return std::nullopt;
  return *value;
}

}  // namespace

Command PatchMarkerCommand(const std::string& patch_id, bool deprecated) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_RECORD_MARKER);
  auto* a = command.mutable_record_marker_command_attributes();
  a->set_marker_name(kPatchMarker);
  (*a->mutable_details())["patch_id"] = ToPayloads(patch_id);
  (*a->mutable_details())["deprecated"] = ToPayloads(deprecated);
  return command;
}

std::optional<std::string> PatchIdOf(const MarkerDetails& details) {
  auto id = Detail(details, "patch_id");
  if (!id || !id->is_string()) return std::nullopt;
  return id->get<std::string>();
}

bool IsDeprecatedPatchMarker(const temporal::api::history::v1::HistoryEvent& event) {
  if (!event.has_marker_recorded_event_attributes()) return false;
  const auto& a = event.marker_recorded_event_attributes();
  if (a.marker_name() != kPatchMarker) return false;
  auto deprecated = Detail(a.details(), "deprecated");
  return deprecated && deprecated->is_boolean() && deprecated->get<bool>();
}

Command LocalActivityMarkerCommand(uint64_t seq, int attempt, const std::string& activity_type,
                                   const std::optional<Json>& result,
                                   const temporal::api::failure::v1::Failure* failure) {
  Command command;
  command.set_command_type(enums::COMMAND_TYPE_RECORD_MARKER);
  auto* a = command.mutable_record_marker_command_attributes();
  a->set_marker_name(kLocalActivityMarker);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now);
  const Json data = {
      {"seq", seq},
      {"attempt", attempt},
      {"activity_id", std::to_string(seq)},
      {"activity_type", activity_type},
      {"complete_time",
       {{"seconds", seconds.count()},
        {"nanos", std::chrono::duration_cast<std::chrono::nanoseconds>(now - seconds).count()}}},
  };
  (*a->mutable_details())["data"] = ToPayloads(data);
  if (result) (*a->mutable_details())["result"] = ToPayloads(*result);
  if (failure != nullptr) *a->mutable_failure() = *failure;
  return command;
}

std::optional<uint64_t> LocalActivitySeqOf(const MarkerDetails& details) {
  auto data = Detail(details, "data");
  if (!data || !data->is_object() || !data->contains("seq")) return std::nullopt;
  const Json& seq = (*data)["seq"];
  if (!seq.is_number_unsigned() && !seq.is_number_integer()) return std::nullopt;
  return seq.get<uint64_t>();
}

bool SameMarker(const temporal::api::history::v1::MarkerRecordedEventAttributes& event,
                const temporal::api::command::v1::RecordMarkerCommandAttributes& command) {
  if (event.marker_name() != command.marker_name()) return false;
  if (event.marker_name() == kPatchMarker) {
    return PatchIdOf(event.details()) == PatchIdOf(command.details());
  }
  if (event.marker_name() == kLocalActivityMarker) {
    return LocalActivitySeqOf(event.details()) == LocalActivitySeqOf(command.details());
  }
  return true;
}

}  // namespace endure::runtime
