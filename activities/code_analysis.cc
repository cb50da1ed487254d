// AnalyzeStatic. The security and complexity analyses live in security_analysis.cc and
// complexity_analysis.cc.
#include "activities/code_analysis.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "activities/file_scan.h"
#include "activities/functions.h"
#include "activities/repo_files.h"
#include "activities/source_scanner.h"

namespace endure::activities {
namespace {

using runtime::Json;

constexpr size_t kLargestFiles = 10;

struct Counts {
  int64_t files = 0;
  int64_t lines = 0;
  int64_t code = 0;
  int64_t comment = 0;
  int64_t blank = 0;
  int64_t functions = 0;

  void Add(const Counts& other) {
    files += other.files;
    lines += other.lines;
    code += other.code;
    comment += other.comment;
    blank += other.blank;
    functions += other.functions;
  }
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Counts, files, lines, code, comment, blank, functions)

struct SizedFile {
  std::string file;
  std::string language;
  int64_t lines = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SizedFile, file, language, lines)

// Also the checkpoint's partial state.
struct StaticState {
  std::map<std::string, Counts> languages;
  std::vector<SizedFile> largest;  // Most lines first, then by path; at most kLargestFiles.
  int64_t unreadable_files = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(StaticState, languages, largest, unreadable_files)

Counts CountFile(Language language, const std::string& text) {
  const ScannedFile scanned = ScanSource(language, text);
  Counts counts;
  counts.files = 1;
  counts.lines = static_cast<int64_t>(scanned.lines.size());
  for (int line = 1; line <= counts.lines; ++line) {
    if (scanned.lines[static_cast<size_t>(line) - 1].blank) {
      ++counts.blank;
    } else if (scanned.IsCommentLine(line)) {
      ++counts.comment;
    } else {
      ++counts.code;
    }
  }
  counts.functions = static_cast<int64_t>(FindFunctions(language, scanned).size());
  return counts;
}

void KeepLargest(std::vector<SizedFile>& largest, SizedFile file) {
  largest.push_back(std::move(file));
  std::sort(largest.begin(), largest.end(), [](const SizedFile& a, const SizedFile& b) {
    return a.lines != b.lines ? a.lines > b.lines : a.file < b.file;
  });
  if (largest.size() > kLargestFiles) largest.resize(kLargestFiles);
}

}  // namespace

Json AnalyzeStatic(runtime::ActivityContext& ctx, const Json& input) {
  const auto root = OpenRepository(input);
  const auto files = ListRepoFiles(root, ExtensionsFromInput(input, kCodeExtensions));
  StaticState state;
  ScanFiles(ctx, "static", files, HeartbeatInterval(input), state,
            [](const RepoFile& file, StaticState& s) {
              if (file.language == Language::kText) return;
              const std::optional<std::string> text = ReadFileContents(file.absolute);
              if (!text) {
                ++s.unreadable_files;
                return;
              }
              const Counts counts = CountFile(file.language, *text);
              const std::string language(LanguageName(file.language));
              s.languages[language].Add(counts);
              KeepLargest(s.largest, {file.relative, language, counts.lines});
            });
  Counts totals;
  for (const auto& [language, counts] : state.languages) totals.Add(counts);
  return {{"totals", totals},
          {"languages", state.languages},
          {"largest_files", state.largest},
          {"unreadable_files", state.unreadable_files}};
}

}  // namespace endure::activities
