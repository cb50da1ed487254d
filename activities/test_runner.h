// RunTests: runs a repository's test command and reports how it went.
//
// Input:  {"repo_path": string, "command": string, "timeout_seconds"?: number (default 600)}
// Output: {"exit_code": int, "passed": bool, "timed_out": bool, "duration_ms": int,
//          "output_tail": string, "output_bytes": int, "signal"?: int}
//
// `command` runs as `/bin/sh -c <command>` in repo_path, in a process group of its own, with
// stdin from /dev/null and stdout and stderr merged into one pipe; output_tail is the last 4 KiB
// of that output (made valid UTF-8). passed is exit code 0. A command killed by a signal reports
// exit_code 128 + the signal, as a shell would, and the signal.
//
// While it runs the activity heartbeats {"elapsed_ms", "output_bytes"} about once a second; the
// tests are not resumable, so a retry runs them again from the start. At timeout_seconds the
// process group gets SIGTERM, then SIGKILL two seconds later, and the result says timed_out (and
// not passed): a timeout is an outcome of the tests, not a failure of the activity. When the
// activity is cancelled the group gets SIGKILL and the activity throws runtime::CancelledError.
// Processes the command leaves running in its group are killed when it exits, so a test run
// never outlives its activity.
//
// Errors (non-retryable ApplicationError): "InvalidRepository", "InvalidInput"; a failure to
// create the process is retryable ("ProcessError").
#pragma once

#include "runtime/activity.h"

namespace endure::activities {

runtime::Json RunTests(runtime::ActivityContext& ctx, const runtime::Json& input);

}  // namespace endure::activities
