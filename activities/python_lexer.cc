// The lexing rules of Python: comments, prefixed and triple-quoted strings, docstrings, and
// lines that continue a logical line.
#include <algorithm>
#include <cctype>

#include "activities/source_lexer.h"

namespace endure::activities::lexer {

void Scanner::PythonString(size_t begin, bool starts_statement) {
  const int line = static_cast<int>(line_) + 1;
  const char quote = text_[pos_];
  if (Peek(1) == quote && Peek(2) == quote) {
    pos_ += 3;
    // A docstring documents; it is counted as comment and yields no token.
    const Region region = starts_statement ? Region::kDocstring : Region::kString;
    SkipPast(std::string(3, quote), region);
    if (region == Region::kString) Emit(Token::Kind::kString, begin, line);
    return;
  }
  QuotedString(quote, begin);
}

void Scanner::ScanPython() {
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    const bool starts_statement = !line_has_token_ && !Line().continuation;
    if (c == '\n') {
      NewLine(/*inside_token=*/false);
    } else if (c == '\\' && (Peek(1) == '\n' || (Peek(1) == '\r' && Peek(2) == '\n'))) {
      backslash_pending_ = true;
      ++pos_;
    } else if (IsSpace(c)) {
      ++pos_;
    } else if (c == '#') {
      LineComment();
    } else if (c == '"' || c == '\'') {
      PythonString(pos_, starts_statement);
    } else if (IsIdentStart(c)) {
      // String prefixes (r, b, f, u and their pairs) belong to the literal that follows.
      size_t end = pos_;
      while (end < text_.size() && IsIdentChar(text_[end])) ++end;
      const size_t length = end - pos_;
      const bool prefix = length <= 2 && end < text_.size() &&
                          (text_[end] == '"' || text_[end] == '\'') &&
                          std::all_of(text_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                      text_.begin() + static_cast<std::ptrdiff_t>(end), [](char p) {
                                        const char l = static_cast<char>(std::tolower(p));
                                        return l == 'r' || l == 'b' || l == 'f' || l == 'u';
                                      });
      if (prefix) {
        const size_t begin = pos_;
        pos_ = end;
        PythonString(begin, starts_statement);
      } else {
        Identifier();
      }
    } else if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) {
      Number();
    } else {
      Punct();
    }
  }
}

}  // namespace endure::activities::lexer
