// SourceScanner: one pass over a source file that separates code from comments and string
// literals, for the code analyses.
//
// It is a lexer, not a parser: enough to count code, comment and blank lines the way `cloc` does,
// to give the function finder a token stream in which braces and keywords inside strings and
// comments no longer appear, and to tell the self-improvement activity which lines it must not
// touch because they lie inside a multi-line string. Each language family has its own rules:
//
//   C-like (C, C++, Java, Go, Rust, JavaScript, TypeScript): // and /* */ comments; "..." and
//     '...' literals; C++ raw strings R"d(...)d"; JS template and Go raw `...` strings; JS regex
//     literals; C/C++ preprocessor lines (code, but no tokens); Rust lifetimes ('a).
//   Python: # comments; '...', "...", '''...''', """...""" with r/b/f/u prefixes; a triple-quoted
//     string that begins a statement is a docstring and counts as comment; lines inside open
//     brackets or after a backslash continue the previous logical line.
//   Text: no lexing at all (every non-blank line is code).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "activities/repo_files.h"

namespace endure::activities {

struct Token {
  enum class Kind { kIdentifier, kNumber, kString, kPunct };
  Kind kind;
  std::string text;  // A string literal keeps its quotes and prefix.
  int line;          // 1-based.
  bool first_on_line;
};

struct LineInfo {
  bool blank = true;      // Only whitespace.
  bool has_code = false;  // A token or part of a string literal.
  bool has_comment = false;
  bool starts_in_string = false;  // The line begins inside a multi-line string literal.
  bool ends_in_string = false;    // Its line break belongs to a string literal.
  bool continuation = false;      // Python: continues the previous logical line.
  int indent = 0;                 // Leading whitespace width; a tab goes to the next multiple of 8.
};

struct ScannedFile {
  std::vector<LineInfo> lines;  // lines[0] is line 1. A final newline does not start a line.
  std::vector<Token> tokens;

  // A line is counted as exactly one of blank, code or comment.
  bool IsCodeLine(int line) const;
  bool IsCommentLine(int line) const;
};

ScannedFile ScanSource(Language language, std::string_view text);

}  // namespace endure::activities
