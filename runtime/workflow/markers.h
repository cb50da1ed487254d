// The markers the C++ SDK records, in the form Temporal's SDKs write them so that histories
// read the same whichever SDK wrote them: `core_patch` (patched, deprecate_patch) and
// `core_local_activity` (a local activity's outcome).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/payloads.h"
#include "temporal/api/command/v1/message.pb.h"
#include "temporal/api/history/v1/message.pb.h"

namespace endure::runtime {

inline constexpr char kPatchMarker[] = "core_patch";
inline constexpr char kLocalActivityMarker[] = "core_local_activity";

using MarkerDetails = google::protobuf::Map<std::string, temporal::api::common::v1::Payloads>;

temporal::api::command::v1::Command PatchMarkerCommand(const std::string& patch_id,
                                                       bool deprecated);
std::optional<std::string> PatchIdOf(const MarkerDetails& details);
bool IsDeprecatedPatchMarker(const temporal::api::history::v1::HistoryEvent& event);

// The local activity marker: `data` holds {seq, attempt, activity_id, activity_type,
// complete_time}, `result` the result; a failure goes in the marker's failure.
temporal::api::command::v1::Command LocalActivityMarkerCommand(
    uint64_t seq, int attempt, const std::string& activity_type, const std::optional<Json>& result,
    const temporal::api::failure::v1::Failure* failure);
std::optional<uint64_t> LocalActivitySeqOf(const MarkerDetails& details);

// Whether two markers are the same one: the same name and key (patch id, activity sequence).
bool SameMarker(const temporal::api::history::v1::MarkerRecordedEventAttributes& event,
                const temporal::api::command::v1::RecordMarkerCommandAttributes& command);

}  // namespace endure::runtime
