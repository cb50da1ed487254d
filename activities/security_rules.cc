#include "activities/security_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

namespace endure::activities {
namespace {

using Tokens = std::vector<Token>;

bool Is(const Token& t, std::string_view punct) {
  return t.kind == Token::Kind::kPunct && t.text == punct;
}
bool IsWord(const Token& t, std::string_view word) {
  return t.kind == Token::Kind::kIdentifier && t.text == word;
}

// A string literal's contents, without its quotes.
std::string_view Unquoted(const Token& t) {
  std::string_view text = t.text;
  if (text.size() >= 2) text = text.substr(1, text.size() - 2);
  return text;
}

bool NamesChildProcess(const Token& t) {
  return t.kind == Token::Kind::kString &&
         (Unquoted(t) == "child_process" || Unquoted(t) == "node:child_process");
}

// t[k] is called (followed by "("), and not as a member of some object: a.system() or
// obj->gets() are someone else's functions. `::name(` and `std::name(` are the library's.
bool IsFreeCall(const Tokens& t, size_t k) {
  if (k + 1 >= t.size() || !Is(t[k + 1], "(")) return false;
  if (k == 0) return true;
  const Token& prev = t[k - 1];
  // A definition of a function with that name is not a call of the risky one.
  if (Is(prev, ".") || Is(prev, "->") || IsWord(prev, "def") || IsWord(prev, "function")) {
    return false;
  }
  if (Is(prev, "::"))
    return k < 2 || IsWord(t[k - 2], "std") || t[k - 2].kind != Token::Kind::kIdentifier;
  return true;
}

// t[k] is `object . name (` for one of `objects`.
bool IsMemberCall(const Tokens& t, size_t k, std::initializer_list<std::string_view> objects) {
  if (k < 2 || k + 1 >= t.size() || !Is(t[k - 1], ".") || !Is(t[k + 1], "(")) return false;
  return std::any_of(objects.begin(), objects.end(),
                     [&](std::string_view object) { return IsWord(t[k - 2], object); });
}

// The call whose "(" is at `open` passes `shell=True` among its top-level arguments.
bool PassesShellTrue(const Tokens& t, size_t open) {
  int depth = 0;
  for (size_t k = open; k < t.size(); ++k) {
    if (Is(t[k], "(") || Is(t[k], "[") || Is(t[k], "{")) ++depth;
    if (Is(t[k], ")") || Is(t[k], "]") || Is(t[k], "}")) {
      if (--depth == 0) return false;
    }
    if (depth == 1 && IsWord(t[k], "shell") && k + 2 < t.size() && Is(t[k + 1], "=") &&
        IsWord(t[k + 2], "True")) {
      return true;
    }
  }
  return false;
}

void CRules(const Tokens& t, std::vector<RuleHit>& hits) {
  for (size_t k = 0; k < t.size(); ++k) {
    if (t[k].kind != Token::Kind::kIdentifier || !IsFreeCall(t, k)) continue;
    const std::string& name = t[k].text;
    if (name == "gets") hits.push_back({t[k].line, "c-gets", Severity::kHigh});
    if (name == "system") hits.push_back({t[k].line, "c-system", Severity::kHigh});
    if (name == "popen") hits.push_back({t[k].line, "c-popen", Severity::kHigh});
    if (name == "strcpy") hits.push_back({t[k].line, "c-strcpy", Severity::kMedium});
    if (name == "strcat") hits.push_back({t[k].line, "c-strcat", Severity::kMedium});
    if (name == "sprintf" || name == "vsprintf") {
      hits.push_back({t[k].line, "c-sprintf", Severity::kMedium});
    }
  }
}

void PythonRules(const Tokens& t, std::vector<RuleHit>& hits) {
  bool imports_subprocess = false;
  for (size_t k = 0; k + 1 < t.size(); ++k) {
    if ((IsWord(t[k], "import") || IsWord(t[k], "from")) && IsWord(t[k + 1], "subprocess")) {
      imports_subprocess = true;
    }
  }
  static constexpr std::array<std::string_view, 5> kShellFunctions = {"run", "call", "Popen",
                                                                      "check_call", "check_output"};
  for (size_t k = 0; k < t.size(); ++k) {
    if (t[k].kind != Token::Kind::kIdentifier) continue;
    const std::string& name = t[k].text;
    const int line = t[k].line;
    const bool free_call = IsFreeCall(t, k);
    if (name == "eval" && free_call) hits.push_back({line, "py-eval", Severity::kHigh});
    if (name == "exec" && free_call) hits.push_back({line, "py-exec", Severity::kHigh});
    if ((name == "loads" || name == "load") &&
        IsMemberCall(t, k, {"pickle", "cPickle", "_pickle"})) {
      hits.push_back({line, "py-pickle-loads", Severity::kHigh});
    }
    if ((name == "system" || name == "popen") && IsMemberCall(t, k, {"os"})) {
      hits.push_back({line, "py-os-system", Severity::kHigh});
    }
    const bool subprocess_call =
        IsMemberCall(t, k, {"subprocess"}) ||
        (imports_subprocess && free_call &&
         std::find(kShellFunctions.begin(), kShellFunctions.end(), name) != kShellFunctions.end());
    if (subprocess_call && PassesShellTrue(t, k + 1)) {
      hits.push_back({line, "py-subprocess-shell", Severity::kHigh});
    }
  }
}

void JavaScriptRules(const Tokens& t, std::vector<RuleHit>& hits) {
  // Names bound to the module: `const cp = require("child_process")`,
  // `import * as cp from "child_process"`, `import cp from "child_process"`.
  std::vector<std::string> aliases = {"child_process"};
  bool imports_child_process = false;
  for (size_t k = 0; k < t.size(); ++k) {
    if (!NamesChildProcess(t[k])) continue;
    imports_child_process = true;
    if (k >= 4 && Is(t[k - 1], "(") && IsWord(t[k - 2], "require") && Is(t[k - 3], "=") &&
        t[k - 4].kind == Token::Kind::kIdentifier) {
      aliases.push_back(t[k - 4].text);
    }
    if (k >= 2 && IsWord(t[k - 1], "from") && t[k - 2].kind == Token::Kind::kIdentifier) {
      aliases.push_back(t[k - 2].text);
    }
  }
  for (size_t k = 0; k < t.size(); ++k) {
    const Token& x = t[k];
    if (x.kind != Token::Kind::kIdentifier) continue;
    if (x.text == "eval" && IsFreeCall(t, k)) hits.push_back({x.line, "js-eval", Severity::kHigh});
    if ((x.text == "exec" || x.text == "execSync") && k + 1 < t.size() && Is(t[k + 1], "(")) {
      const bool member = k > 0 && Is(t[k - 1], ".");
      bool of_child_process = !member && imports_child_process;
      if (member && k >= 2) {
        const Token& object = t[k - 2];
        of_child_process =
            std::find(aliases.begin(), aliases.end(), object.text) != aliases.end() ||
            (Is(object, ")") && k >= 3 && NamesChildProcess(t[k - 3]));  // require("...").exec
      }
      if (of_child_process) hits.push_back({x.line, "js-child-process-exec", Severity::kHigh});
    }
    if ((x.text == "innerHTML" || x.text == "outerHTML") && k > 0 && Is(t[k - 1], ".") &&
        k + 1 < t.size() && (Is(t[k + 1], "=") || Is(t[k + 1], "+="))) {
      hits.push_back({x.line, "js-inner-html", Severity::kMedium});
    }
  }
}

const std::regex& AwsKeyPattern() {
  static const std::regex pattern("(^|[^0-9A-Z])(AKIA[0-9A-Z]{16})(?![0-9A-Z])");
  return pattern;
}

const std::regex& PrivateKeyPattern() {
  static const std::regex pattern("-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----");
  return pattern;
}

const std::regex& GenericSecretPattern() {
  static const std::regex pattern(
      // Bounded, because libstdc++ matches a repetition recursively and a long unquoted run in a
      // minified file would overflow the stack; MaskSecrets masks past the bound.
      R"((password|passwd|secret|api_?key|token)["']?\s*(:=|[:=])\s*["']([^"']{8,512}))",
      std::regex::ECMAScript | std::regex::icase);
  return pattern;
}

// Cheap tests that rule most lines out before any regular expression runs.
bool MayHoldGenericSecret(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  for (const std::string_view word :
       {"password", "passwd", "secret", "apikey", "api_key", "token"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

// A value that only stands in for a secret: a template reference or a run of one character.
bool IsPlaceholder(std::string_view value) {
  if (value.find("${") != std::string_view::npos || value.find("{{") != std::string_view::npos) {
    return true;
  }
  return std::all_of(value.begin(), value.end(), [&](char c) { return c == value.front(); });
}

}  // namespace

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "critical";
    case Severity::kHigh:
      return "high";
    case Severity::kMedium:
      return "medium";
    case Severity::kLow:
      return "low";
  }
  return "unknown";
}

std::vector<RuleHit> FindRiskyCalls(Language language, const ScannedFile& file) {
  std::vector<RuleHit> hits;
  switch (language) {
    case Language::kC:
    case Language::kCpp:
      CRules(file.tokens, hits);
      break;
    case Language::kPython:
      PythonRules(file.tokens, hits);
      break;
    case Language::kJavaScript:
    case Language::kTypeScript:
      JavaScriptRules(file.tokens, hits);
      break;
    default:
      break;
  }
  return hits;
}

std::vector<RuleHit> FindSecrets(std::string_view text, int line) {
  std::vector<RuleHit> hits;
  const std::string s(text);
  if (s.find("AKIA") != std::string::npos) {
    const auto count = std::distance(std::sregex_iterator(s.begin(), s.end(), AwsKeyPattern()),
                                     std::sregex_iterator());
    for (std::ptrdiff_t i = 0; i < count; ++i) {
      hits.push_back({line, "secret-aws-access-key", Severity::kCritical});
    }
  }
  if (s.find("PRIVATE KEY") != std::string::npos && std::regex_search(s, PrivateKeyPattern())) {
    hits.push_back({line, "secret-private-key", Severity::kCritical});
  }
  if (MayHoldGenericSecret(s)) {
    for (std::sregex_iterator it(s.begin(), s.end(), GenericSecretPattern()), end; it != end;
         ++it) {
      if (!IsPlaceholder((*it)[3].str())) {
        hits.push_back({line, "secret-generic", Severity::kHigh});
      }
    }
  }
  return hits;
}

std::string MaskSecrets(std::string_view text) {
  std::string masked(text);
  if (masked.find("AKIA") != std::string::npos) {
    // Same length in and out, so the positions of later matches hold.
    std::vector<size_t> keys;
    for (std::sregex_iterator it(masked.begin(), masked.end(), AwsKeyPattern()), end; it != end;
         ++it) {
      keys.push_back(static_cast<size_t>(it->position(2)));
    }
    for (const size_t key : keys) masked.replace(key + 4, 16, std::string(16, '*'));
  }
  if (MayHoldGenericSecret(masked)) {
    // A fixed run, so that the mask does not tell the value's length; replaced right to left
    // because it changes the line's length.
    std::vector<std::pair<size_t, size_t>> values;
    for (std::sregex_iterator it(masked.begin(), masked.end(), GenericSecretPattern()), end;
         it != end; ++it) {
      if (IsPlaceholder((*it)[3].str())) continue;
      const size_t begin = static_cast<size_t>(it->position(3));
      const size_t quote = masked.find_first_of("\"'", begin);
      values.emplace_back(begin, (quote == std::string::npos ? masked.size() : quote) - begin);
    }
    for (auto it = values.rbegin(); it != values.rend(); ++it) {
      masked.replace(it->first, it->second, "********");
    }
  }
  return masked;
}

}  // namespace endure::activities
