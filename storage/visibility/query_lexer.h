// The lexer of Temporal's visibility query language (the `query` of ListWorkflowExecutions and
// CountWorkflowExecutions), and the decoding of its literals.
//
// Tokens carry their byte offset so that every error names where it went wrong; the parser in
// visibility_query.cc gives them meaning. Keywords (AND, IN, ORDER, ...) are plain words here:
// a word is a keyword or an attribute name depending on where it stands.
//
// Thread-safety: a QueryLexer is used by one thread at a time; the functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/base/status.h"

namespace endure::storage::visibility {

enum class TokenKind {
  kWord,        // [A-Za-z_][A-Za-z0-9_]*: a keyword, true/false or an attribute name.
  kQuotedName,  // `Name`: always an attribute name.
  kString,      // '...' or "...", text decoded.
  kInteger,     // -?[0-9]+
  kDecimal,     // -?[0-9]+.[0-9]+ and/or an exponent.
  kOperator,    // = != <> < > <= >=
  kLeftParen,
  kRightParen,
  kComma,
  kEnd,  // After the last token; its offset is the query's length.
};

struct Token {
  TokenKind kind;
  std::string text;  // kString and kQuotedName: the decoded text; otherwise as written.
  size_t offset;     // Of the token's first byte in the query.
};

// Reads a query one token at a time, so that the parser reports the first error in reading
// order. Any character outside the language (`;`, `--`, `/*`, `*`, ...) is an error: nothing but
// the grammar reaches the parser. The query must outlive the lexer.
class QueryLexer {
 public:
  explicit QueryLexer(std::string_view query) : query_(query) {}

  // The next token; kEnd (again and again) once the query is consumed.
  Result<Token> Next();

 private:
  Result<Token> Number();
  Result<Token> Quoted(TokenKind kind, std::string_view what);
  Status Unexpected(size_t start) const;
  char At(size_t i) const { return i < query_.size() ? query_[i] : '\0'; }
  void SkipDigits();

  std::string_view query_;
  size_t pos_ = 0;
};

// The 1-based character (not byte: UTF-8 is decoded) position of byte `offset` in `query`.
size_t CharacterPosition(std::string_view query, size_t offset);

// INVALID_ARGUMENT "invalid query at position N: <what>", N the CharacterPosition of `offset`.
Status SyntaxError(std::string_view query, size_t offset, std::string_view what);

// Whether `token` is the word `keyword` (upper case), in any case.
bool IsKeyword(const Token& token, std::string_view keyword);

// Decodes an RFC 3339 timestamp ("2026-11-27T10:00:00Z", "2026-11-27T12:00:00.5+02:00") into
// Unix nanoseconds. Fractions past nanoseconds are truncated, as Go's time.Parse does. False
// when the text is not RFC 3339 or falls outside what int64 nanoseconds hold (1677..2262).
bool ParseRfc3339(std::string_view text, int64_t* unix_nanos);

}  // namespace endure::storage::visibility
