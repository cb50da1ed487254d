#include "activities/source_scanner.h"

#include <algorithm>
#include <array>

#include "activities/source_lexer.h"

namespace endure::activities {
namespace lexer {
namespace {

// Longest first, so that "===" wins over "==" and "==" over "=".
constexpr std::array<std::string_view, 36> kOperators = {
    "<<=", ">>=", "===", "!==", "...", "**=", "&&=", "||=", "?\?=", "->", "::", "&&",
    "||",  "=>",  "==",  "!=",  "<=",  ">=",  "?.",  "??",  "+=",   "-=", "*=", "/=",
    "%=",  "&=",  "|=",  "^=",  "++",  "--",  "<<",  ">>",  "**",   "//", ":=", "@="};

}  // namespace

void Scanner::SplitLines() {
  size_t begin = 0;
  while (begin < text_.size()) {
    size_t end = text_.find('\n', begin);
    if (end == std::string_view::npos) end = text_.size();
    LineInfo info;
    const std::string_view line = text_.substr(begin, end - begin);
    info.blank = std::all_of(line.begin(), line.end(), IsSpace);
    for (const char c : line) {
      if (c == ' ') {
        ++info.indent;
      } else if (c == '\t') {
        info.indent = (info.indent / 8 + 1) * 8;
      } else {
        break;
      }
    }
    out_.lines.push_back(info);
    begin = end + 1;
  }
  // Room for the line after a final newline, which the scanner may step onto; removed in Run().
  out_.lines.emplace_back();
}

void Scanner::NewLine(bool inside_token) {
  ++pos_;
  if (line_ + 1 < out_.lines.size()) ++line_;
  line_has_token_ = false;
  if (language_ == Language::kPython) {
    Line().continuation = inside_token || bracket_depth_ > 0 || backslash_pending_;
    backslash_pending_ = false;
  }
}

void Scanner::Mark(Region region) {
  if (region == Region::kString) {
    Line().has_code = true;
  } else {
    Line().has_comment = true;
  }
}

void Scanner::Emit(Token::Kind kind, size_t begin, int line) {
  out_.tokens.push_back(
      {kind, std::string(text_.substr(begin, pos_ - begin)), line, !line_has_token_});
  line_has_token_ = true;
  out_.lines[static_cast<size_t>(line) - 1].has_code = true;
}

ScannedFile Scanner::Run() {
  SplitLines();
  if (language_ == Language::kText) {
    for (auto& line : out_.lines) line.has_code = !line.blank;
  } else if (language_ == Language::kPython) {
    ScanPython();
  } else {
    ScanCLike();
  }
  out_.lines.pop_back();
  return std::move(out_);
}

void Scanner::LineComment() {
  Mark(Region::kComment);
  while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
}

// Advances past `terminator` from inside a literal or comment that may span lines, marking every
// line it covers. A backslash escapes the next character in strings. False at end of input.
bool Scanner::SkipPast(std::string_view terminator, Region region) {
  const bool in_string = region != Region::kComment;
  Mark(region);
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (in_string && c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '\n') {
      pos_ += 2;
      continue;
    }
    if (LookingAt(terminator)) {
      Mark(region);  // A line holding only the closer ("*/", """) belongs to the construct.
      pos_ += terminator.size();
      return true;
    }
    if (c == '\n') {
      if (in_string) Line().ends_in_string = true;
      NewLine(/*inside_token=*/true);
      if (in_string) Line().starts_in_string = true;
      continue;
    }
    if (!IsSpace(c) && c != '\\') Mark(region);
    ++pos_;
  }
  return false;
}

// A "..." or '...' literal, which ends at its closing quote or, unterminated, at the line's end;
// a backslash before the line break continues it on the next line.
void Scanner::QuotedString(char quote, size_t begin) {
  const int line = static_cast<int>(line_) + 1;
  ++pos_;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (c == '\\' && pos_ + 1 < text_.size()) {
      if (text_[pos_ + 1] == '\n') {
        ++pos_;
        Line().ends_in_string = true;
        NewLine(/*inside_token=*/true);
        Line().starts_in_string = true;
        Mark(Region::kString);
      } else {
        pos_ += 2;
      }
      continue;
    }
    if (c == '\n') break;
    ++pos_;
    if (c == quote) break;
  }
  Emit(Token::Kind::kString, begin, line);
}

void Scanner::Identifier() {
  const size_t begin = pos_;
  const int line = static_cast<int>(line_) + 1;
  while (pos_ < text_.size() && IsIdentChar(text_[pos_])) ++pos_;
  const std::string_view word = text_.substr(begin, pos_ - begin);
  if (IsCFamily() && Peek() == '"' &&
      (word == "R" || word == "LR" || word == "uR" || word == "UR" || word == "u8R")) {
    // A raw string R"delim( ... )delim": nothing inside is escaped or ends it but its closer.
    const size_t open = text_.find('(', pos_);
    if (open != std::string_view::npos && open - pos_ <= 17) {
      const std::string closer = ")" + std::string(text_.substr(pos_ + 1, open - pos_ - 1)) + "\"";
      pos_ = open + 1;
      SkipPast(closer, Region::kString);
      Emit(Token::Kind::kString, begin, line);
      return;
    }
  }
  if (IsCFamily() && word == "operator") {
    // Glued into one name, so that `bool operator==(...)` reads as a function named operator==.
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
    if (LookingAt("()")) {
      pos_ += 2;
    } else {
      while (pos_ < text_.size() && !IsSpace(text_[pos_]) && text_[pos_] != '(' &&
             !IsIdentChar(text_[pos_])) {
        ++pos_;
      }
    }
    std::string name = "operator" + std::string(text_.substr(begin + 8, pos_ - begin - 8));
    name.erase(std::remove_if(name.begin(), name.end(), IsSpace), name.end());
    out_.tokens.push_back({Token::Kind::kIdentifier, name, line, !line_has_token_});
    line_has_token_ = true;
    Line().has_code = true;
    return;
  }
  Emit(Token::Kind::kIdentifier, begin, line);
}

void Scanner::Number() {
  const size_t begin = pos_;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    const char prev = pos_ > begin ? text_[pos_ - 1] : '\0';
    const bool exponent_sign =
        (c == '+' || c == '-') && (prev == 'e' || prev == 'E' || prev == 'p' || prev == 'P');
    const bool digit_separator =
        c == '\'' && IsCFamily() && std::isalnum(static_cast<unsigned char>(Peek(1)));
    if (IsIdentChar(c) || c == '.' || exponent_sign || digit_separator) {
      ++pos_;
    } else {
      break;
    }
  }
  Emit(Token::Kind::kNumber, begin, static_cast<int>(line_) + 1);
}

void Scanner::Punct() {
  const size_t begin = pos_;
  size_t length = 1;
  for (const std::string_view op : kOperators) {
    // "?." is optional chaining only in JavaScript; "//" and "@=" only in Python; ":=" is Go's
    // and Python's.
    if (op == "?." && !IsJavaScript()) continue;
    if ((op == "//" || op == "@=") && language_ != Language::kPython) continue;
    if (LookingAt(op)) {
      length = op.size();
      break;
    }
  }
  pos_ += length;
  if (language_ == Language::kPython) {
    const char c = text_[begin];
    if (length == 1 && (c == '(' || c == '[' || c == '{')) ++bracket_depth_;
    if (length == 1 && (c == ')' || c == ']' || c == '}')) {
      bracket_depth_ = std::max(0, bracket_depth_ - 1);
    }
  }
  Emit(Token::Kind::kPunct, begin, static_cast<int>(line_) + 1);
}

}  // namespace lexer

bool ScannedFile::IsCodeLine(int line) const {
  const LineInfo& info = lines[static_cast<size_t>(line) - 1];
  // A line with neither (a lone line-continuation backslash) is code, so that every line counts.
  return !info.blank && (info.has_code || !info.has_comment);
}

bool ScannedFile::IsCommentLine(int line) const {
  const LineInfo& info = lines[static_cast<size_t>(line) - 1];
  return !info.blank && !info.has_code && info.has_comment;
}

ScannedFile ScanSource(Language language, std::string_view text) {
  return lexer::Scanner(language, text).Run();
}

}  // namespace endure::activities
