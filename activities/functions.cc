#include "activities/functions.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace endure::activities {
namespace {

using Tokens = std::vector<Token>;
constexpr size_t kNone = static_cast<size_t>(-1);

bool Is(const Token& t, std::string_view punct) {
  return t.kind == Token::Kind::kPunct && t.text == punct;
}
bool IsIdent(const Token& t) { return t.kind == Token::Kind::kIdentifier; }
bool IsWord(const Token& t, std::string_view word) { return IsIdent(t) && t.text == word; }

template <size_t N>
bool OneOf(std::string_view text, const std::array<std::string_view, N>& words) {
  return std::find(words.begin(), words.end(), text) != words.end();
}

bool IsJs(Language language) {
  return language == Language::kJavaScript || language == Language::kTypeScript;
}
bool IsCFamily(Language language) { return language == Language::kC || language == Language::kCpp; }

// Words that begin a statement, not a function header.
constexpr std::array<std::string_view, 14> kControl = {
    "if",    "else",    "for",  "while", "do",      "switch", "try",
    "catch", "finally", "with", "case",  "default", "return", "match"};

// Words followed by parentheses that are not a function's name.
constexpr std::array<std::string_view, 28> kNotNames = {"if",
                                                        "for",
                                                        "while",
                                                        "switch",
                                                        "catch",
                                                        "return",
                                                        "sizeof",
                                                        "alignof",
                                                        "alignas",
                                                        "decltype",
                                                        "noexcept",
                                                        "throw",
                                                        "requires",
                                                        "typeof",
                                                        "new",
                                                        "delete",
                                                        "static_assert",
                                                        "__attribute__",
                                                        "__declspec",
                                                        "defined",
                                                        "await",
                                                        "yield",
                                                        "asm",
                                                        "__asm__",
                                                        "_Alignas",
                                                        "_Static_assert",
                                                        "__typeof__",
                                                        "function"};

// The index of the token closing the group opened at `open`, or kNone before `end`.
size_t MatchForward(const Tokens& t, size_t open, size_t end) {
  const std::string_view opener = t[open].text;
  const std::string_view closer = opener == "(" ? ")" : opener == "[" ? "]" : "}";
  int depth = 0;
  for (size_t k = open; k < end; ++k) {
    if (Is(t[k], opener)) ++depth;
    if (Is(t[k], closer) && --depth == 0) return k;
  }
  return kNone;
}

// The index of the "(" (or "<") opening the group closed at `close`, or kNone after `begin`.
size_t MatchBackward(const Tokens& t, size_t close, size_t begin) {
  const std::string_view closer = t[close].text;
  const std::string_view opener = closer == ")" ? "(" : "<";
  int depth = 0;
  for (size_t k = close + 1; k-- > begin;) {
    if (Is(t[k], closer)) ++depth;
    if (Is(t[k], opener) && --depth == 0) return k;
  }
  return kNone;
}

// `Foo::Bar`, `Foo::~Foo` or `bar` for the name at `k`.
std::string QualifiedName(const Tokens& t, size_t begin, size_t k) {
  std::string name = t[k].text;
  size_t j = k;
  if (j > begin && Is(t[j - 1], "~")) {
    name = "~" + name;
    --j;
  }
  while (j >= begin + 2 && Is(t[j - 1], "::") && IsIdent(t[j - 2])) {
    name = t[j - 2].text + "::" + name;
    j -= 2;
  }
  return name;
}

enum class HeaderKind { kOther, kFunction, kInitializerBrace };

struct Header {
  HeaderKind kind = HeaderKind::kOther;
  std::string name;
  int line = 0;
};

// The name a function expression is bound to: `name = <at>` or `name: <at>` (also
// `name: Type = <at>`), skipping `async` and TypeScript generic parameters before `at`.
Header BoundName(const Tokens& t, size_t begin, size_t at) {
  Header header{HeaderKind::kFunction, "<anonymous>", t[at].line};
  size_t k = at;
  if (k > begin && Is(t[k - 1], ">")) {
    const size_t open = MatchBackward(t, k - 1, begin);
    if (open != kNone) k = open;
  }
  if (k > begin && IsWord(t[k - 1], "async")) --k;
  if (k < begin + 2 || !(Is(t[k - 1], "=") || Is(t[k - 1], ":")) || !IsIdent(t[k - 2])) {
    return header;
  }
  size_t name = k - 2;
  if (Is(t[k - 1], "=") && name >= begin + 2 && Is(t[name - 1], ":") && IsIdent(t[name - 2])) {
    name -= 2;  // `const f: Handler = ...`: the variable, not its type.
  }
  header.name = t[name].text;
  header.line = t[name].line;
  return header;
}

// `(params) => {`, `x => {` or `(x: T): R => {`.
Header ArrowFunction(const Tokens& t, size_t begin, size_t end) {
  if (end < begin + 2) return {HeaderKind::kFunction, "<anonymous>", t[end - 1].line};
  const size_t before = end - 2;
  size_t params = kNone;
  if (Is(t[before], ")")) {
    params = MatchBackward(t, before, begin);
  } else if (IsIdent(t[before]) && !(before > begin && Is(t[before - 1], ":"))) {
    params = before;
  } else {
    for (size_t k = before + 1; k-- > begin;) {
      if (Is(t[k], ")")) {
        params = MatchBackward(t, k, begin);
        break;
      }
    }
  }
  if (params == kNone) return {HeaderKind::kFunction, "<anonymous>", t[end - 1].line};
  return BoundName(t, begin, params);
}

// A header containing `function` (JS/TS) or `func` (Go) at `k`.
Header KeywordFunction(Language language, const Tokens& t, size_t begin, size_t end, size_t k) {
  size_t j = k + 1;
  if (j < end && Is(t[j], "*")) ++j;  // function* generator
  if (language == Language::kGo && j < end && Is(t[j], "(")) {
    const size_t receiver_end = MatchForward(t, j, end);  // func (r *T) Name(
    j = receiver_end == kNone ? end : receiver_end + 1;
  }
  if (j + 1 < end && IsIdent(t[j]) &&
      (Is(t[j + 1], "(") || Is(t[j + 1], "<") || Is(t[j + 1], "["))) {
    return {HeaderKind::kFunction, t[j].text, t[j].line};
  }
  return BoundName(t, begin, k);
}

bool AllowedAfterParameters(const Token& t) {
  static constexpr std::array<std::string_view, 16> kPunct = {
      "::", "->", "<", ">", ">>", "*", "&", "&&", ",", "[", "]", ".", "'", "|", "?", ":"};
  if (t.kind == Token::Kind::kIdentifier || t.kind == Token::Kind::kNumber) return true;
  return t.kind == Token::Kind::kPunct && OneOf(t.text, kPunct);
}

// What the brace after tokens [begin, end) opens.
Header AnalyzeHeader(Language language, const Tokens& t, size_t begin, size_t end) {
  if (begin >= end || (IsIdent(t[begin]) && OneOf(t[begin].text, kControl))) return {};
  if (IsJs(language) && Is(t[end - 1], "=>")) return ArrowFunction(t, begin, end);
  for (size_t k = begin; k < end; ++k) {
    if ((IsJs(language) && IsWord(t[k], "function")) ||
        (language == Language::kGo && IsWord(t[k], "func"))) {
      return KeywordFunction(language, t, begin, end, k);
    }
  }
  // A ':' after the parameters starts a C++ member initializer list or a TypeScript return type
  // (or a Rust where clause); neither holds the name.
  size_t limit = end;
  int depth = 0;
  bool after_parameters = false;
  for (size_t k = begin; k < end; ++k) {
    if (Is(t[k], "(") || Is(t[k], "[")) ++depth;
    if (Is(t[k], ")") || Is(t[k], "]")) --depth;
    if (depth == 0 && Is(t[k], ")")) after_parameters = true;
    if (depth == 0 && after_parameters && Is(t[k], ":")) {
      limit = k;
      break;
    }
  }
  if (limit != end && IsCFamily(language) && (IsIdent(t[end - 1]) || Is(t[end - 1], ">"))) {
    return {HeaderKind::kInitializerBrace};  // member_{value} inside the initializer list.
  }
  // An '=' outside parentheses and template brackets makes the brace an initializer.
  int parens = 0, angles = 0;
  for (size_t k = begin; k < limit; ++k) {
    if (Is(t[k], "(") || Is(t[k], "[")) ++parens;
    if (Is(t[k], ")") || Is(t[k], "]")) --parens;
    if (parens != 0) continue;
    if (Is(t[k], "<")) ++angles;
    if (Is(t[k], ">")) angles = std::max(0, angles - 1);
    if (Is(t[k], ">>")) angles = std::max(0, angles - 2);
    if (angles == 0 && Is(t[k], "=")) return {};
  }
  size_t open = kNone;
  parens = 0;
  for (size_t k = begin; k < limit; ++k) {
    if (Is(t[k], "(") || Is(t[k], "[")) {
      const bool call_like = Is(t[k], "(") && k > begin && IsIdent(t[k - 1]) &&
                             !OneOf(t[k - 1].text, kNotNames) &&
                             !(k - 1 > begin && (Is(t[k - 2], ".") || Is(t[k - 2], "->")));
      if (parens == 0 && call_like) open = k;
      ++parens;
    }
    if (Is(t[k], ")") || Is(t[k], "]")) --parens;
  }
  if (open == kNone) return {};
  const size_t close = MatchForward(t, open, limit);
  if (close == kNone) return {};
  for (size_t k = close + 1; k < limit; ++k) {
    if (Is(t[k], "(")) {
      k = MatchForward(t, k, limit);
      if (k == kNone) return {};
      continue;
    }
    if (!AllowedAfterParameters(t[k])) return {};
  }
  return {HeaderKind::kFunction, QualifiedName(t, begin, open - 1), t[open - 1].line};
}

// Decision points among tokens (begin, end).
int CLikeDecisions(Language language, const Tokens& t, size_t begin, size_t end) {
  static constexpr std::array<std::string_view, 5> kBranches = {"if", "for", "while", "case",
                                                                "catch"};
  static constexpr std::array<std::string_view, 9> kNotTernary = {":", ">", ")", ",", ";",
                                                                  ".", "]", "}", "="};
  static constexpr std::array<std::string_view, 4> kNotLogical = {")", ",", ">", "..."};
  const bool has_ternary = language != Language::kRust && language != Language::kGo;
  int decisions = 0;
  for (size_t k = begin + 1; k < end; ++k) {
    const Token& x = t[k];
    const Token* next = k + 1 < end ? &t[k + 1] : nullptr;
    if (IsIdent(x)) {
      if (OneOf(x.text, kBranches)) ++decisions;
    } else if (Is(x, "||") || (Is(x, "??") && IsJs(language))) {
      ++decisions;
    } else if (Is(x, "&&")) {
      // Not an rvalue reference: `auto&& x`, `const T&&`, `vector<int>&&`, `(T&&)`.
      const Token& prev = t[k - 1];
      const bool reference = IsWord(prev, "auto") || IsWord(prev, "const") || Is(prev, ">") ||
                             (next != nullptr && OneOf(next->text, kNotLogical));
      if (!reference) ++decisions;
    } else if (Is(x, "?") && has_ternary && next != nullptr) {
      // Not TypeScript's `x?: T`, nor Java's `List<?>`.
      if (!OneOf(next->text, kNotTernary) && !IsWord(*next, "extends") && !IsWord(*next, "super")) {
        ++decisions;
      }
    }
  }
  return decisions;
}

std::vector<FunctionInfo> FindCLikeFunctions(Language language, const Tokens& t) {
  std::vector<FunctionInfo> functions;
  size_t header_begin = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (Is(t[i], ";") || Is(t[i], "}")) {
      header_begin = i + 1;
      continue;
    }
    if (!Is(t[i], "{")) continue;
    const Header header = AnalyzeHeader(language, t, header_begin, i);
    if (header.kind == HeaderKind::kInitializerBrace) {
      const size_t close = MatchForward(t, i, t.size());
      if (close == kNone) break;
      i = close;  // The header goes on after the braces.
      continue;
    }
    if (header.kind == HeaderKind::kFunction) {
      size_t close = MatchForward(t, i, t.size());
      if (close == kNone) close = t.size() - 1;  // Unbalanced: the body runs to the end.
      functions.push_back(
          {header.name, header.line, t[close].line, 1 + CLikeDecisions(language, t, i, close)});
      i = close;
    }
    header_begin = i + 1;
  }
  return functions;
}

std::vector<FunctionInfo> FindPythonFunctions(const ScannedFile& file) {
  static constexpr std::array<std::string_view, 7> kBranches = {"if",     "elif", "for", "while",
                                                                "except", "and",  "or"};
  const Tokens& t = file.tokens;
  const auto& lines = file.lines;
  const int line_count = static_cast<int>(lines.size());
  std::vector<FunctionInfo> functions;
  int enclosing_end = 0;  // Last line of the function being read; a def up to it is nested.
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (!IsWord(t[i], "def") || !IsIdent(t[i + 1])) continue;
    const Token& first = i > 0 && IsWord(t[i - 1], "async") ? t[i - 1] : t[i];
    if (!first.first_on_line || lines[static_cast<size_t>(first.line) - 1].continuation) continue;
    const int def_line = t[i].line;
    if (def_line <= enclosing_end) continue;
    const int indent = lines[static_cast<size_t>(def_line) - 1].indent;

    // The body: every later line indented deeper, with the lines continuing its statements.
    // Comments may sit at any indentation, so they neither end the body nor extend it.
    int last = def_line;
    bool statement_in_body = true;
    for (int line = def_line + 1; line <= line_count; ++line) {
      const LineInfo& info = lines[static_cast<size_t>(line) - 1];
      if (info.blank) continue;
      if (info.continuation) {
        if (statement_in_body) last = line;
        continue;
      }
      if (!info.has_code) {
        statement_in_body = info.indent > indent;
        if (statement_in_body) last = line;
        continue;
      }
      if (info.indent <= indent) break;
      statement_in_body = true;
      last = line;
    }

    // Decisions after the parameter list, up to the body's last line.
    size_t k = i + 2;
    if (k < t.size() && Is(t[k], "(")) {
      const size_t close = MatchForward(t, k, t.size());
      k = close == kNone ? t.size() : close + 1;
    }
    int decisions = 0;
    for (; k < t.size() && t[k].line <= last; ++k) {
      if (!IsIdent(t[k])) continue;
      if (OneOf(t[k].text, kBranches)) ++decisions;
      const bool statement_start =
          t[k].first_on_line && !lines[static_cast<size_t>(t[k].line) - 1].continuation;
      if (t[k].text == "case" && statement_start) ++decisions;
    }
    functions.push_back({t[i + 1].text, def_line, last, 1 + decisions});
    enclosing_end = last;
  }
  return functions;
}

}  // namespace

std::vector<FunctionInfo> FindFunctions(Language language, const ScannedFile& file) {
  switch (language) {
    case Language::kPython:
      return FindPythonFunctions(file);
    case Language::kText:
      return {};
    default:
      return FindCLikeFunctions(language, file.tokens);
  }
}

}  // namespace endure::activities
