// ScanFiles: visits a repository's files in order and checkpoints through heartbeats, so that a
// retried attempt resumes after the last file reported instead of reading the repository again.
//
// Heartbeat details of a scan:
//
//   {"scan": "<kind>", "files_done": n, "last_file": "<relative path>", "partial": <State>}
//
// `partial` is the state accumulated over every file up to and including `last_file`. Files are
// visited in the bytewise order of their relative paths (ListRepoFiles sorts them), so "the files
// after last_file" is well defined even if files were added or removed between attempts; a file
// already counted is never counted twice. Details of another kind, or that do not parse as
// State, are ignored: the scan starts over, which is slower but never wrong.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activities/repo_files.h"
#include "runtime/activity.h"

namespace endure::activities {

struct ScanCheckpoint {
  int64_t files_done = 0;
  std::string last_file;
  runtime::Json partial;
};

// The checkpoint of an earlier attempt of a scan of this `kind`, if it left one.
std::optional<ScanCheckpoint> ReadScanCheckpoint(const runtime::ActivityContext& ctx,
                                                 std::string_view kind);

// Heartbeats `checkpoint`, then throws runtime::CancelledError if the activity was cancelled:
// the checkpoint goes first so that the work is kept for whoever runs the activity again.
void WriteScanCheckpoint(runtime::ActivityContext& ctx, std::string_view kind,
                         const ScanCheckpoint& checkpoint);

// input["heartbeat_every_files"], default 100, at least 1.
int64_t HeartbeatInterval(const runtime::Json& input);

// Calls visit(file, state) for each file of `files` (sorted by relative path) not covered by a
// checkpoint, heartbeating every `every` files. `state` starts as the checkpoint's partial state
// (State must convert from and to JSON) or as given. Returns the number of files covered in all.
template <typename State, typename Visit>
int64_t ScanFiles(runtime::ActivityContext& ctx, std::string_view kind,
                  const std::vector<RepoFile>& files, int64_t every, State& state, Visit&& visit) {
  ScanCheckpoint checkpoint;
  if (std::optional<ScanCheckpoint> resumed = ReadScanCheckpoint(ctx, kind)) {
    try {
      State restored = resumed->partial.template get<State>();
      state = std::move(restored);
      checkpoint = std::move(*resumed);
    } catch (const runtime::Json::exception&) {
      // Not a state this version understands: start over.
    }
  }
  auto next = files.begin();
  if (!checkpoint.last_file.empty()) {
    next = std::upper_bound(
        files.begin(), files.end(), checkpoint.last_file,
        [](const std::string& path, const RepoFile& file) { return path < file.relative; });
  }
  int64_t since_heartbeat = 0;
  for (; next != files.end(); ++next) {
    visit(*next, state);
    ++checkpoint.files_done;
    if (++since_heartbeat == every) {
      since_heartbeat = 0;
      checkpoint.last_file = next->relative;
      checkpoint.partial = state;
      WriteScanCheckpoint(ctx, kind, checkpoint);
    }
  }
  return checkpoint.files_done;
}

}  // namespace endure::activities
