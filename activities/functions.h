// Finding function definitions in a scanned file and measuring their cyclomatic complexity.
//
// Heuristics, not a parser, chosen to be right on ordinary code and predictable elsewhere:
//
//   C-like languages: a function is a brace block, outside any other function's body, whose
//     header (the tokens since the last ';', '{' or '}') ends in `name(...)` followed only by
//     qualifiers and a return type (C, C++, Java, Go, Rust, JS/TS methods), or contains the
//     `function`/`func` keyword, or ends in `=>` (JS/TS arrow functions). A C++ constructor's
//     member initializer list is skipped. Its body is found by brace matching.
//   Python: every `def` statement; its body is the lines indented deeper than the `def`.
//
//   In both, a function nested inside another one (a lambda, closure or local function) is not
//   counted on its own: its lines and decisions belong to the function that contains it.
//
// Complexity is 1 + the decision points in the body: if, for, while, case, catch and the
// operators &&, ||, ?: (and ?? in JS/TS); in Python if, elif, for, while, except, and, or, and
// `case` of a match statement.
#pragma once

#include <string>
#include <vector>

#include "activities/repo_files.h"
#include "activities/source_scanner.h"

namespace endure::activities {

struct FunctionInfo {
  std::string name;  // Qualified as written (Foo::Bar); "<anonymous>" when it has none.
  int line = 0;      // Of its name (or of its parameters when anonymous).
  int end_line = 0;  // Of the closing brace, or of the last line of a Python body.
  int complexity = 1;
};

// The functions of `file`, in order of their line.
std::vector<FunctionInfo> FindFunctions(Language language, const ScannedFile& file);

}  // namespace endure::activities
