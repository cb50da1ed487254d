// The changes the self-improvement activities know how to make: mechanical, whitespace-only
// edits whose result is fully determined by the file's contents.
//
// Each kind is a pure function of a file's text that is idempotent (applying it to its own
// output changes nothing). That is what lets ApplyChange recompute the edit from the file as it
// is now instead of trusting a diff computed earlier, recognize a change that is already in
// place, and lets RevertChange check that the file is still exactly what the change produced.
// Lines inside multi-line string literals are never touched: their whitespace is data.
//
//   kind                   confidence  edit
//   trailing_whitespace    0.98        remove spaces and tabs before each line break
//   missing_final_newline  0.99        end the file with a line break (the file's own style)
//   tabs_to_spaces         0.8         expand tabs in the indentation of a file that otherwise
//                                      indents with spaces: to the file's indentation unit, or to
//                                      multiples of 8 in Python, whose meaning of a tab that is.
//                                      Never proposed for Go, whose format is tab-indented.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "activities/repo_files.h"

namespace endure::activities {

enum class ChangeKind { kTrailingWhitespace, kMissingFinalNewline, kTabsToSpaces };

inline constexpr ChangeKind kAllChangeKinds[] = {
    ChangeKind::kTrailingWhitespace, ChangeKind::kMissingFinalNewline, ChangeKind::kTabsToSpaces};

std::string_view ChangeKindName(ChangeKind kind);
std::optional<ChangeKind> ParseChangeKind(std::string_view name);
double ChangeConfidence(ChangeKind kind);

struct Edit {
  std::string content;     // The file after the change.
  std::vector<int> lines;  // 1-based lines it touched; empty if it changes nothing.
};

// The change of `kind` applied to `content`, a file in `language`.
Edit ApplyChangeKind(ChangeKind kind, Language language, std::string_view content);

// Whether the change is worth proposing for this file (beyond changing something): tabs are only
// replaced in files that mostly indent with spaces, and never in Go.
bool ShouldPropose(ChangeKind kind, Language language, std::string_view content);

}  // namespace endure::activities
