// The code analysis activities of JARVIS's CodeAnalysisWorkflow: static metrics, security
// findings and function complexity of a repository on the worker's disk.
//
// All three walk the same files (activities/repo_files.h), in the same order, and checkpoint the
// same way (activities/file_scan.h): every `heartbeat_every_files` files they heartbeat their
// partial result, and an attempt that finds such a heartbeat from an earlier attempt resumes
// after the last file it covers. A cancelled activity stops at its next heartbeat and throws
// runtime::CancelledError. They only read the repository.
//
// Common input: {"repo_path": string, "extensions"?: [".cc", ...], "heartbeat_every_files"?: int}
// A missing or unreadable repo_path fails with ApplicationError "InvalidRepository"
// (non-retryable); a malformed field with "InvalidInput" (non-retryable).
#pragma once

#include "runtime/activity.h"

namespace endure::activities {

// Line and function counts per language (activities/source_scanner.h says what counts as code,
// comment and blank; activities/functions.h what counts as a function).
//
// Output: {"totals": Counts, "languages": {"cpp": Counts, "python": Counts, ...},
//          "largest_files": [{"file", "language", "lines"}] (10, most lines first),
//          "unreadable_files": int}
// where Counts is {"files", "lines", "code", "comment", "blank", "functions"}.
runtime::Json AnalyzeStatic(runtime::ActivityContext& ctx, const runtime::Json& input);

// Risky calls and committed secrets (activities/security_rules.h lists the rules). Besides the
// source extensions it reads configuration files (.env, .yaml, .json, ...) for secrets.
//
// Extra input: {"max_findings"?: int (default 1000)}: findings past it are counted, not listed.
// Output: {"findings": [{"file", "line", "rule", "severity", "excerpt"}],
//          "summary": {"total": int, "by_severity": {"critical", "high", "medium", "low"},
//                      "by_rule": {rule: int}},
//          "truncated": bool, "files_scanned": int, "unreadable_files": int}
// Excerpts are the trimmed line with every secret on it masked.
runtime::Json AnalyzeSecurity(runtime::ActivityContext& ctx, const runtime::Json& input);

// Cyclomatic complexity of every function (1 + its decision points).
//
// Output: {"files": [{"file", "language", "functions", "average", "max"}] (files with functions,
//                    in path order),
//          "top_functions": [{"file", "function", "line", "complexity"}] (10, most complex first,
//                           then by file and line),
//          "functions": int, "average_complexity": number, "max_complexity": int,
//          "unreadable_files": int}
runtime::Json AnalyzeComplexity(runtime::ActivityContext& ctx, const runtime::Json& input);

}  // namespace endure::activities
