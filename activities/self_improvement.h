// The self-improvement activities of JARVIS's SelfImprovementWorkflow: propose mechanical
// changes to a repository, apply one, and take one back (the saga's compensation).
//
// A change (activities/mechanical_changes.h lists the kinds) is
//
//   {"id": string, "file": string, "kind": string, "description": string,
//    "confidence": number, "lines_affected": [int]}
//
// where `file` is relative to the repository and `id` is a stable hash of file and kind, so the
// same change proposed twice has the same id. ApplyChange recomputes the edit from the file as
// it is now (the kinds are idempotent functions of the contents), so it applies cleanly after
// other edits and applying it twice is a no-op.
//
// Backups: before writing, ApplyChange saves the file as `<file>.endure-backup-<id>`; both
// writes are atomic (activities/atomic_file.h). RevertChange restores that backup only if the
// file is still exactly what the change made of it, then deletes it. Changes to one file are
// therefore reverted in the reverse order of their application, as a saga compensates.
//
// Errors (non-retryable ApplicationError): "InvalidRepository"; "InvalidPath" for a file that is
// absolute, contains "..", or leads out of the repository through a link; "InvalidChange" for a
// change that is malformed, of an unknown kind, whose id does not match its file and kind, or
// for a file the activities do not edit; "FileNotFound"; "RevertConflict" when the file changed
// after the change was applied. "IoError" is retryable.
#pragma once

#include "runtime/activity.h"

namespace endure::activities {

// Input:  {"repo_path": string, "max_changes"?: int (default 100), "extensions"?: [string],
//          "heartbeat_every_files"?: int}
// Output: {"changes": [change], "total_candidates": int, "files_scanned": int}
// Changes come most confident first, then by file and kind; at most max_changes of the
// total_candidates. Heartbeats and resumes like the code analyses (activities/file_scan.h).
runtime::Json ProposeChanges(runtime::ActivityContext& ctx, const runtime::Json& input);

// Input:  {"repo_path": string, "change": change}
// Output: {"status": "applied" | "already_applied", "change_id", "file",
//          "lines_changed": [int], "backup"?: string (relative path, when applied)}
runtime::Json ApplyChange(runtime::ActivityContext& ctx, const runtime::Json& input);

// Input:  {"repo_path": string, "change": change}
// Output: {"status": "reverted" | "not_applied", "change_id", "file"}
// not_applied: there is no backup (never applied, a no-op when applied, or already reverted).
runtime::Json RevertChange(runtime::ActivityContext& ctx, const runtime::Json& input);

}  // namespace endure::activities
