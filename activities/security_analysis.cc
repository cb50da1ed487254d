// AnalyzeSecurity: runs the rules of activities/security_rules.h over a repository and
// summarizes what they find.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "activities/code_analysis.h"
#include "activities/file_scan.h"
#include "activities/input.h"
#include "activities/repo_files.h"
#include "activities/security_rules.h"
#include "activities/source_scanner.h"
#include "activities/text_util.h"

namespace endure::activities {
namespace {

using runtime::Json;

constexpr size_t kExcerptBytes = 200;

struct Finding {
  std::string file;
  int64_t line = 0;
  std::string rule;
  std::string severity;
  std::string excerpt;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Finding, file, line, rule, severity, excerpt)

// Also the checkpoint's partial state.
struct SecurityState {
  std::vector<Finding> findings;  // At most max_findings; the counts go on past it.
  std::map<std::string, int64_t> by_severity;
  std::map<std::string, int64_t> by_rule;
  int64_t total = 0;
  int64_t unreadable_files = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SecurityState, findings, by_severity, by_rule, total,
                                   unreadable_files)

// The line `line` of `text`, trimmed, masked and cut to kExcerptBytes. Masking comes before the
// cut, so a cut can never leave part of a secret unmasked.
std::string Excerpt(std::string_view text, int line) {
  size_t begin = 0;
  for (int i = 1; i < line && begin != std::string_view::npos; ++i) {
    begin = text.find('\n', begin);
    if (begin != std::string_view::npos) ++begin;
  }
  if (begin == std::string_view::npos) return "";
  const size_t end = std::min(text.find('\n', begin), text.size());
  std::string excerpt = MaskSecrets(Trim(text.substr(begin, end - begin)));
  if (excerpt.size() > kExcerptBytes) excerpt.resize(kExcerptBytes);
  return SanitizeUtf8(excerpt);
}

std::vector<RuleHit> ScanFile(Language language, std::string_view text) {
  std::vector<RuleHit> hits;
  if (language != Language::kText) hits = FindRiskyCalls(language, ScanSource(language, text));
  int line = 1;
  for (size_t begin = 0; begin < text.size(); ++line) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    for (RuleHit& hit : FindSecrets(text.substr(begin, end - begin), line)) {
      hits.push_back(std::move(hit));
    }
    begin = end + 1;
  }
  std::stable_sort(hits.begin(), hits.end(), [](const RuleHit& a, const RuleHit& b) {
    return a.line != b.line ? a.line < b.line : a.rule < b.rule;
  });
  return hits;
}

}  // namespace

Json AnalyzeSecurity(runtime::ActivityContext& ctx, const Json& input) {
  const auto root = OpenRepository(input);
  const auto files = ListRepoFiles(root, ExtensionsFromInput(input, kSecurityExtensions));
  const int64_t max_findings = OptionalInt(input, "max_findings", 1000, "InvalidInput");
  if (max_findings < 0) Reject("InvalidInput", "max_findings must not be negative");

  SecurityState state;
  for (const Severity severity :
       {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow}) {
    state.by_severity[std::string(SeverityName(severity))] = 0;
  }
  const int64_t files_scanned =
      ScanFiles(ctx, "security", files, HeartbeatInterval(input), state,
                [max_findings](const RepoFile& file, SecurityState& s) {
                  const std::optional<std::string> text = ReadFileContents(file.absolute);
                  if (!text) {
                    ++s.unreadable_files;
                    return;
                  }
                  for (const RuleHit& hit : ScanFile(file.language, *text)) {
                    const std::string severity(SeverityName(hit.severity));
                    ++s.total;
                    ++s.by_severity[severity];
                    ++s.by_rule[hit.rule];
                    if (static_cast<int64_t>(s.findings.size()) < max_findings) {
                      s.findings.push_back(
                          {file.relative, hit.line, hit.rule, severity, Excerpt(*text, hit.line)});
                    }
                  }
                });
  return {
      {"findings", state.findings},
      {"summary",
       {{"total", state.total}, {"by_severity", state.by_severity}, {"by_rule", state.by_rule}}},
      {"truncated", state.total > static_cast<int64_t>(state.findings.size())},
      {"files_scanned", files_scanned},
      {"unreadable_files", state.unreadable_files}};
}

}  // namespace endure::activities
