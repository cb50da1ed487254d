// The lexer behind ScanSource, shared by the files that implement it. Private to activities/.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

#include "activities/source_scanner.h"

namespace endure::activities::lexer {

inline bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsIdentStart(char c) {
  // Bytes of multi-byte UTF-8 characters are taken as identifier characters, as most of these
  // languages allow them there and they appear nowhere else outside strings and comments.
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
inline bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

enum class Region { kString, kDocstring, kComment };

// Lexes one file (see activities/source_scanner.h). The rules common to every language live in
// source_scanner.cc, those of C-like languages in c_like_lexer.cc and Python's in
// python_lexer.cc.
class Scanner {
 public:
  Scanner(Language language, std::string_view text) : language_(language), text_(text) {}

  ScannedFile Run();

 private:
  bool IsCFamily() const { return language_ == Language::kC || language_ == Language::kCpp; }
  bool IsJavaScript() const {
    return language_ == Language::kJavaScript || language_ == Language::kTypeScript;
  }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool LookingAt(std::string_view s) const {
    return pos_ <= text_.size() && text_.substr(pos_).starts_with(s);
  }
  LineInfo& Line() { return out_.lines[line_]; }

  void SplitLines();
  void NewLine(bool inside_token);
  void Mark(Region region);
  void Emit(Token::Kind kind, size_t begin, int line);

  void ScanCLike();
  void ScanPython();
  void LineComment();
  bool SkipPast(std::string_view terminator, Region region);
  void QuotedString(char quote, size_t begin);
  void Apostrophe();
  void Identifier();
  void Number();
  void Punct();
  bool RegexLiteral();
  bool RegexAllowed() const;
  void Preprocessor();
  void PythonString(size_t begin, bool starts_statement);

  Language language_;
  std::string_view text_;
  // out_.lines has one entry per line of text_ plus one for the line after a final newline,
  // which Run() removes, so that stepping past the last newline never indexes out of range.
  ScannedFile out_;
  size_t pos_ = 0;   // The next character of text_ to read.
  size_t line_ = 0;  // 0-based index in out_.lines of the line holding pos_.
  bool line_has_token_ = false;
  int bracket_depth_ = 0;           // Python: open (, [ and {.
  bool backslash_pending_ = false;  // Python: the line ended with a backslash.
};

}  // namespace endure::activities::lexer
