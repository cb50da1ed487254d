#include "storage/visibility/query_lexer.h"

#include <chrono>
#include <string>
#include <utility>

namespace endure::storage::visibility {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c); }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The backslash escapes of MySQL's string literals, which Temporal's parser (vitess) follows:
// \n \r \t \b \0 stand for control characters, any other escaped character for itself.
char Unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case '0':
      return '\0';
    default:
      return c;
  }
}

// Reads exactly `count` digits at `*i`.
bool Digits(std::string_view s, size_t* i, int count, int* value) {
  if (*i + static_cast<size_t>(count) > s.size()) return false;
  *value = 0;
  for (int k = 0; k < count; ++k) {
    const char c = s[(*i)++];
    if (!IsDigit(c)) return false;
    *value = *value * 10 + (c - '0');
  }
  return true;
}

bool Literal(std::string_view s, size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

}  // namespace

Result<Token> QueryLexer::Next() {
  while (pos_ < query_.size() && IsSpace(query_[pos_])) ++pos_;
  const size_t start = pos_;
  if (pos_ == query_.size()) return Token{TokenKind::kEnd, "", start};
  const char c = query_[pos_];
  if (IsWordStart(c)) {
    while (pos_ < query_.size() && IsWordChar(query_[pos_])) ++pos_;
    return Token{TokenKind::kWord, std::string(query_.substr(start, pos_ - start)), start};
  }
  if (IsDigit(c) || (c == '-' && IsDigit(At(pos_ + 1)))) return Number();
  if (c == '\'' || c == '"') return Quoted(TokenKind::kString, "string");
  if (c == '`') return Quoted(TokenKind::kQuotedName, "attribute name");
  if (c == '(' || c == ')' || c == ',') {
    ++pos_;
    const TokenKind kind = c == '('   ? TokenKind::kLeftParen
                           : c == ')' ? TokenKind::kRightParen
                                      : TokenKind::kComma;
    return Token{kind, std::string(1, c), start};
  }
  if (c == '=' || c == '<' || c == '>' || (c == '!' && At(pos_ + 1) == '=')) {
    const char next = At(pos_ + 1);
    // "==" is not an operator: '=' then a stray '='.
    const bool two = (c != '=' && next == '=') || (c == '<' && next == '>');
    pos_ += two ? 2 : 1;
    return Token{TokenKind::kOperator, std::string(query_.substr(start, pos_ - start)), start};
  }
  return Unexpected(start);
}

Result<Token> QueryLexer::Number() {
  const size_t start = pos_;
  if (query_[pos_] == '-') ++pos_;
  bool decimal = false;
  SkipDigits();
  if (At(pos_) == '.') {
    ++pos_;
    if (!IsDigit(At(pos_))) return SyntaxError(query_, start, "malformed number");
    SkipDigits();
    decimal = true;
  }
  if (At(pos_) == 'e' || At(pos_) == 'E') {
    ++pos_;
    if (At(pos_) == '+' || At(pos_) == '-') ++pos_;
    if (!IsDigit(At(pos_))) return SyntaxError(query_, start, "malformed number");
    SkipDigits();
    decimal = true;
  }
  // "1abc" or "1.2.3" is neither a number nor two tokens.
  if (IsWordChar(At(pos_)) || At(pos_) == '.')
    return SyntaxError(query_, start, "malformed number");
  return Token{decimal ? TokenKind::kDecimal : TokenKind::kInteger,
               std::string(query_.substr(start, pos_ - start)), start};
}

void QueryLexer::SkipDigits() {
  while (IsDigit(At(pos_))) ++pos_;
}

// A string or a backticked name: the quote doubled stands for itself. Backslash escapes are
// taken in strings only, so that a name is exactly what is between the backticks.
Result<Token> QueryLexer::Quoted(TokenKind kind, std::string_view what) {
  const size_t start = pos_;
  const char quote = query_[pos_++];
  std::string text;
  while (pos_ < query_.size()) {
    const char c = query_[pos_];
    if (c == quote) {
      if (At(pos_ + 1) == quote) {
        text += quote;
        pos_ += 2;
        continue;
      }
      ++pos_;
      if (kind == TokenKind::kQuotedName && text.empty()) {
        return SyntaxError(query_, start, "empty attribute name");
      }
      return Token{kind, std::move(text), start};
    }
    if (c == '\\' && kind == TokenKind::kString && pos_ + 1 < query_.size()) {
      text += Unescape(query_[pos_ + 1]);
      pos_ += 2;
      continue;
    }
    text += c;
    ++pos_;
  }
  return SyntaxError(query_, start, "unterminated " + std::string(what));
}

Status QueryLexer::Unexpected(size_t start) const {
  const auto c = static_cast<unsigned char>(query_[start]);
  size_t end = start + 1;
  if (c >= 0xc0) {  // The whole UTF-8 sequence, so that the message stays valid UTF-8.
    while (end < query_.size() && (static_cast<unsigned char>(query_[end]) & 0xc0) == 0x80) ++end;
  } else if (c < 0x21 || c > 0x7e) {
    return SyntaxError(query_, start, "unexpected character");
  }
  return SyntaxError(
      query_, start,
      "unexpected character '" + std::string(query_.substr(start, end - start)) + "'");
}

size_t CharacterPosition(std::string_view query, size_t offset) {
  size_t position = 1;
  for (size_t i = 0; i < offset && i < query.size(); ++i) {
    if ((static_cast<unsigned char>(query[i]) & 0xc0) != 0x80) ++position;  // Not a continuation.
  }
  return position;
}

Status SyntaxError(std::string_view query, size_t offset, std::string_view what) {
  return InvalidArgument("invalid query at position " +
                         std::to_string(CharacterPosition(query, offset)) + ": " +
                         std::string(what));
}

bool IsKeyword(const Token& token, std::string_view keyword) {
  if (token.kind != TokenKind::kWord || token.text.size() != keyword.size()) return false;
  for (size_t i = 0; i < keyword.size(); ++i) {
    char c = token.text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != keyword[i]) return false;
  }
  return true;
}

bool ParseRfc3339(std::string_view s, int64_t* unix_nanos) {
  size_t i = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(s, &i, 4, &year) || !Literal(s, &i, '-') || !Digits(s, &i, 2, &month) ||
      !Literal(s, &i, '-') || !Digits(s, &i, 2, &day)) {
    return false;
  }
  if (!Literal(s, &i, 'T') && !Literal(s, &i, 't')) return false;
  if (!Digits(s, &i, 2, &hour) || !Literal(s, &i, ':') || !Digits(s, &i, 2, &minute) ||
      !Literal(s, &i, ':') || !Digits(s, &i, 2, &second)) {
    return false;
  }
  int64_t nanos = 0;
  if (Literal(s, &i, '.')) {
    int digits = 0;
    for (; i < s.size() && IsDigit(s[i]); ++i, ++digits) {
      if (digits < 9) nanos = nanos * 10 + (s[i] - '0');
    }
    if (digits == 0) return false;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int offset_seconds = 0;
  if (!Literal(s, &i, 'Z') && !Literal(s, &i, 'z')) {
    if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return false;
    const int sign = s[i++] == '-' ? -1 : 1;
    int offset_hours, offset_minutes;
    if (!Digits(s, &i, 2, &offset_hours) || !Literal(s, &i, ':') ||
        !Digits(s, &i, 2, &offset_minutes) || offset_hours > 23 || offset_minutes > 59) {
      return false;
    }
    offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
  }
  if (i != s.size() || hour > 23 || minute > 59 || second > 59) return false;

  namespace chrono = std::chrono;
  const chrono::year_month_day date{chrono::year(year), chrono::month(static_cast<unsigned>(month)),
                                    chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return false;  // Month 13, February 30th, ...
  const int64_t days = chrono::sys_days(date).time_since_epoch().count();
  const int64_t seconds =
      days * 86400 + hour * 3600 + minute * 60 + second - static_cast<int64_t>(offset_seconds);
  int64_t result;
  if (__builtin_mul_overflow(seconds, int64_t{1'000'000'000}, &result) ||
      __builtin_add_overflow(result, nanos, &result)) {
    return false;
  }
  *unix_nanos = result;
  return true;
}

}  // namespace endure::storage::visibility
