#include "activities/mechanical_changes.h"

#include <numeric>

#include "activities/source_scanner.h"

namespace endure::activities {
namespace {

// A line of a file: its text without the line break, and the break ("\n", "\r\n" or "" for a
// last line that has none).
struct RawLine {
  std::string_view text;
  std::string_view ending;
};

std::vector<RawLine> SplitLines(std::string_view content) {
  std::vector<RawLine> lines;
  size_t begin = 0;
  while (begin < content.size()) {
    size_t end = content.find('\n', begin);
    if (end == std::string_view::npos) {
      lines.push_back({content.substr(begin), ""});
      break;
    }
    size_t text_end = end;
    if (text_end > begin && content[text_end - 1] == '\r') --text_end;
    lines.push_back(
        {content.substr(begin, text_end - begin), content.substr(text_end, end + 1 - text_end)});
    begin = end + 1;
  }
  return lines;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view LeadingWhitespace(std::string_view text) {
  size_t n = 0;
  while (n < text.size() && IsBlank(text[n])) ++n;
  return text.substr(0, n);
}

Edit TrimTrailingWhitespace(Language language, std::string_view content) {
  const ScannedFile scanned = ScanSource(language, content);
  Edit edit;
  int number = 0;
  for (const RawLine& line : SplitLines(content)) {
    ++number;
    std::string_view text = line.text;
    if (!scanned.lines[static_cast<size_t>(number) - 1].ends_in_string) {
      while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
    }
    if (text.size() != line.text.size()) edit.lines.push_back(number);
    edit.content.append(text).append(line.ending);
  }
  return edit;
}

Edit AddFinalNewline(std::string_view content) {
  Edit edit{std::string(content), {}};
  if (content.empty() || content.back() == '\n') return edit;
  const std::vector<RawLine> lines = SplitLines(content);
  size_t crlf = 0;
  for (const RawLine& line : lines) crlf += line.ending == "\r\n" ? 1 : 0;
  edit.content.append(crlf * 2 > lines.size() - 1 ? "\r\n" : "\n");
  edit.lines.push_back(static_cast<int>(lines.size()));
  return edit;
}

// The lines whose indentation can be rewritten: not inside a string literal, and not blank.
template <typename Visit>
void ForEachIndentedLine(Language language, std::string_view content, Visit&& visit) {
  const ScannedFile scanned = ScanSource(language, content);
  int number = 0;
  for (const RawLine& line : SplitLines(content)) {
    ++number;
    const LineInfo& info = scanned.lines[static_cast<size_t>(number) - 1];
    visit(line, number, !info.starts_in_string && !info.blank);
  }
}

// The width a tab stands for: Python's own 8, else the greatest common divisor of the
// space-only indentations, when it is a plausible unit (2 to 8), else 4.
int TabWidth(Language language, std::string_view content) {
  if (language == Language::kPython) return 8;
  int unit = 0;
  ForEachIndentedLine(language, content, [&](const RawLine& line, int, bool rewritable) {
    const std::string_view indent = LeadingWhitespace(line.text);
    if (rewritable && !indent.empty() && indent.find('\t') == std::string_view::npos) {
      unit = std::gcd(unit, static_cast<int>(indent.size()));
    }
  });
  return unit >= 2 && unit <= 8 ? unit : 4;
}

Edit ExpandTabs(Language language, std::string_view content) {
  const int width = TabWidth(language, content);
  Edit edit;
  ForEachIndentedLine(language, content, [&](const RawLine& line, int number, bool rewritable) {
    const std::string_view indent = LeadingWhitespace(line.text);
    if (!rewritable || indent.find('\t') == std::string_view::npos) {
      edit.content.append(line.text).append(line.ending);
      return;
    }
    int column = 0;
    for (const char c : indent) column = c == '\t' ? (column / width + 1) * width : column + 1;
    edit.content.append(static_cast<size_t>(column), ' ')
        .append(line.text.substr(indent.size()))
        .append(line.ending);
    edit.lines.push_back(number);
  });
  return edit;
}

}  // namespace

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kTrailingWhitespace:
      return "trailing_whitespace";
    case ChangeKind::kMissingFinalNewline:
      return "missing_final_newline";
    case ChangeKind::kTabsToSpaces:
      return "tabs_to_spaces";
  }
  return "unknown";
}

std::optional<ChangeKind> ParseChangeKind(std::string_view name) {
  for (const ChangeKind kind : kAllChangeKinds) {
    if (ChangeKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

double ChangeConfidence(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kTrailingWhitespace:
      return 0.98;
    case ChangeKind::kMissingFinalNewline:
      return 0.99;
    case ChangeKind::kTabsToSpaces:
      return 0.8;
  }
  return 0;
}

Edit ApplyChangeKind(ChangeKind kind, Language language, std::string_view content) {
  switch (kind) {
    case ChangeKind::kTrailingWhitespace:
      return TrimTrailingWhitespace(language, content);
    case ChangeKind::kMissingFinalNewline:
      return AddFinalNewline(content);
    case ChangeKind::kTabsToSpaces:
      return ExpandTabs(language, content);
  }
  return {std::string(content), {}};
}

bool ShouldPropose(ChangeKind kind, Language language, std::string_view content) {
  if (kind != ChangeKind::kTabsToSpaces) return true;
  if (language == Language::kGo) return false;
  int tab_lines = 0;
  int space_lines = 0;
  ForEachIndentedLine(language, content, [&](const RawLine& line, int, bool rewritable) {
    if (!rewritable || line.text.empty()) return;
    if (line.text.front() == '\t') ++tab_lines;
    if (line.text.front() == ' ') ++space_lines;
  });
  return tab_lines > 0 && space_lines > tab_lines;
}

}  // namespace endure::activities
