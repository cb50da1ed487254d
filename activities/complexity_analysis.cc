// AnalyzeComplexity: cyclomatic complexity per function, summarized per file and for the
// repository (activities/functions.h says how functions and decision points are found).
#include <algorithm>
#include <string>
#include <vector>

#include "activities/code_analysis.h"
#include "activities/file_scan.h"
#include "activities/functions.h"
#include "activities/repo_files.h"
#include "activities/source_scanner.h"
#include "activities/text_util.h"

namespace endure::activities {
namespace {

using runtime::Json;

constexpr size_t kTopFunctions = 10;

struct FileComplexity {
  std::string file;
  std::string language;
  int64_t functions = 0;
  double average = 0;
  int64_t max = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FileComplexity, file, language, functions, average, max)

struct ComplexFunction {
  std::string file;
  std::string function;
  int64_t line = 0;
  int64_t complexity = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ComplexFunction, file, function, line, complexity)

// Also the checkpoint's partial state.
struct ComplexityState {
  std::vector<FileComplexity> files;
  std::vector<ComplexFunction> top;  // Most complex first, then by file and line.
  int64_t functions = 0;
  int64_t total_complexity = 0;
  int64_t unreadable_files = 0;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ComplexityState, files, top, functions, total_complexity,
                                   unreadable_files)

bool MoreComplex(const ComplexFunction& a, const ComplexFunction& b) {
  if (a.complexity != b.complexity) return a.complexity > b.complexity;
  if (a.file != b.file) return a.file < b.file;
  return a.line < b.line;
}

void Visit(const RepoFile& file, ComplexityState& state) {
  if (file.language == Language::kText) return;
  const std::optional<std::string> text = ReadFileContents(file.absolute);
  if (!text) {
    ++state.unreadable_files;
    return;
  }
  const std::vector<FunctionInfo> functions =
      FindFunctions(file.language, ScanSource(file.language, *text));
  if (functions.empty()) return;
  FileComplexity summary{file.relative, std::string(LanguageName(file.language))};
  int64_t sum = 0;
  for (const FunctionInfo& function : functions) {
    sum += function.complexity;
    summary.max = std::max<int64_t>(summary.max, function.complexity);
    state.top.push_back(
        {file.relative, SanitizeUtf8(function.name), function.line, function.complexity});
  }
  summary.functions = static_cast<int64_t>(functions.size());
  summary.average = static_cast<double>(sum) / static_cast<double>(summary.functions);
  state.functions += summary.functions;
  state.total_complexity += sum;
  state.files.push_back(std::move(summary));
  std::sort(state.top.begin(), state.top.end(), MoreComplex);
  if (state.top.size() > kTopFunctions) state.top.resize(kTopFunctions);
}

}  // namespace

Json AnalyzeComplexity(runtime::ActivityContext& ctx, const Json& input) {
  const auto root = OpenRepository(input);
  const auto files = ListRepoFiles(root, ExtensionsFromInput(input, kCodeExtensions));
  ComplexityState state;
  ScanFiles(ctx, "complexity", files, HeartbeatInterval(input), state, Visit);
  const double average = state.functions == 0 ? 0.0
                                              : static_cast<double>(state.total_complexity) /
                                                    static_cast<double>(state.functions);
  return {{"files", state.files},
          {"top_functions", state.top},
          {"functions", state.functions},
          {"average_complexity", average},
          {"max_complexity", state.top.empty() ? 0 : state.top.front().complexity},
          {"unreadable_files", state.unreadable_files}};
}

}  // namespace endure::activities
