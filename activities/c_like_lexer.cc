// The lexing rules of the C-like languages: C, C++, Java, Go, Rust, JavaScript, TypeScript.
#include <algorithm>
#include <array>

#include "activities/source_lexer.h"

namespace endure::activities::lexer {
namespace {

// Keywords after which a JavaScript '/' begins a regular expression rather than a division.
constexpr std::array<std::string_view, 14> kBeforeRegex = {
    "return", "typeof", "instanceof", "in", "of",   "new",   "delete",
    "void",   "throw",  "case",       "do", "else", "yield", "await"};

}  // namespace

// Rust uses ' for lifetimes and labels as well as character literals: a literal is an escape or
// one character followed by a closing quote; anything else is a lifetime. The other languages
// only have literals.
void Scanner::Apostrophe() {
  if (language_ == Language::kRust && Peek(1) != '\\') {
    size_t length = 1;  // Of the UTF-8 character after the quote.
    const auto lead = static_cast<unsigned char>(Peek(1));
    if (lead >= 0xF0) {
      length = 4;
    } else if (lead >= 0xE0) {
      length = 3;
    } else if (lead >= 0xC0) {
      length = 2;
    }
    if (Peek(1 + length) != '\'') {
      const size_t begin = pos_++;
      Emit(Token::Kind::kPunct, begin, static_cast<int>(line_) + 1);
      return;
    }
  }
  QuotedString('\'', pos_);
}

bool Scanner::RegexAllowed() const {
  if (out_.tokens.empty()) return true;
  const Token& prev = out_.tokens.back();
  switch (prev.kind) {
    case Token::Kind::kNumber:
    case Token::Kind::kString:
      return false;
    case Token::Kind::kIdentifier:
      return std::find(kBeforeRegex.begin(), kBeforeRegex.end(), prev.text) != kBeforeRegex.end();
    case Token::Kind::kPunct:
      return prev.text != ")" && prev.text != "]" && prev.text != "}";
  }
  return false;
}

// A /regex/flags literal on one line; false (nothing consumed) if the line ends first.
bool Scanner::RegexLiteral() {
  size_t i = pos_ + 1;
  bool in_class = false;
  while (i < text_.size() && text_[i] != '\n') {
    const char c = text_[i];
    if (c == '\\') {
      i += 2;
      continue;
    }
    if (c == '[') in_class = true;
    if (c == ']') in_class = false;
    if (c == '/' && !in_class) {
      const size_t begin = pos_;
      pos_ = i + 1;
      while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      Emit(Token::Kind::kString, begin, static_cast<int>(line_) + 1);
      return true;
    }
    ++i;
  }
  return false;
}

// A preprocessor line, with its backslash continuations: code, but its tokens would confuse the
// function finder (a macro body need not balance its braces), so none are emitted.
void Scanner::Preprocessor() {
  Line().has_code = true;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\n') {
      if (pos_ > 0 && text_[pos_ - 1] == '\\') {
        NewLine(/*inside_token=*/false);
        Line().has_code = true;
        continue;
      }
      return;
    }
    if (LookingAt("//")) return LineComment();
    if (LookingAt("/*")) {
      pos_ += 2;
      SkipPast("*/", Region::kComment);
      continue;
    }
    if (c == '"') {
      // Skipped so that "//" in `#include "a//b.h"` is not taken for a comment.
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n') ++pos_;
      if (Peek() == '"') ++pos_;
      continue;
    }
    ++pos_;
  }
}

void Scanner::ScanCLike() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\n') {
      NewLine(/*inside_token=*/false);
    } else if (IsSpace(c) || (c == '\\' && Peek(1) == '\n')) {
      ++pos_;
    } else if (c == '#' && !line_has_token_ && IsCFamily()) {
      Preprocessor();
    } else if (LookingAt("//")) {
      LineComment();
    } else if (LookingAt("/*")) {
      pos_ += 2;
      SkipPast("*/", Region::kComment);
    } else if (c == '"') {
      QuotedString('"', pos_);
    } else if (c == '\'') {
      Apostrophe();
    } else if (c == '`' && (IsJavaScript() || language_ == Language::kGo)) {
      const size_t begin = pos_++;
      const int line = static_cast<int>(line_) + 1;
      SkipPast("`", Region::kString);
      Emit(Token::Kind::kString, begin, line);
    } else if (IsIdentStart(c)) {
      Identifier();
    } else if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) {
      Number();
    } else if (!(c == '/' && IsJavaScript() && RegexAllowed() && RegexLiteral())) {
      Punct();
    }
  }
}

}  // namespace endure::activities::lexer
