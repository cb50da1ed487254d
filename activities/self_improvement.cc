#include "activities/self_improvement.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "activities/atomic_file.h"
#include "activities/file_scan.h"
#include "activities/input.h"
#include "activities/mechanical_changes.h"
#include "activities/repo_files.h"
#include "activities/text_util.h"

namespace endure::activities {
namespace {

namespace fs = std::filesystem;
using runtime::Json;

struct Change {
  std::string id;
  std::string file;
  std::string kind;
  std::string description;
  double confidence = 0;
  std::vector<int> lines_affected;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Change, id, file, kind, description, confidence, lines_affected)

// Also the checkpoint's partial state.
struct ProposeState {
  std::vector<Change> candidates;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ProposeState, candidates)

std::string ChangeId(const std::string& file, ChangeKind kind) {
  std::string key = file;
  key.push_back('\0');  // "a" + "bc" and "ab" + "c" must not collide.
  key.append(ChangeKindName(kind));
  return Hex64(Fnv1a64(key));
}

std::string Describe(ChangeKind kind, size_t lines) {
  const std::string count = std::to_string(lines) + (lines == 1 ? " line" : " lines");
  switch (kind) {
    case ChangeKind::kTrailingWhitespace:
      return "Remove trailing whitespace from " + count;
    case ChangeKind::kMissingFinalNewline:
      return "Add the missing newline at the end of the file";
    case ChangeKind::kTabsToSpaces:
      return "Indent with spaces instead of tabs on " + count;
  }
  return "";
}

void ProposeFor(const RepoFile& file, ProposeState& state) {
  if (file.language == Language::kText) return;
  const std::optional<std::string> text = ReadFileContents(file.absolute);
  if (!text) return;
  for (const ChangeKind kind : kAllChangeKinds) {
    if (!ShouldPropose(kind, file.language, *text)) continue;
    Edit edit = ApplyChangeKind(kind, file.language, *text);
    if (edit.lines.empty()) continue;
    state.candidates.push_back(
        {ChangeId(file.relative, kind), file.relative, std::string(ChangeKindName(kind)),
         Describe(kind, edit.lines.size()), ChangeConfidence(kind), std::move(edit.lines)});
  }
}

// A change from an ApplyChange or RevertChange input, checked against the repository.
struct Target {
  std::string id;
  std::string file;
  ChangeKind kind;
  fs::path path;    // The file, resolved inside the repository.
  fs::path backup;  // Where its contents are kept while the change is applied.
  std::string backup_relative;
  Language language;
};

Target ResolveChange(const fs::path& root, const Json& input) {
  constexpr std::string_view kError = "InvalidChange";
  const std::optional<Json> change = OptionalField(input, "change", kError);
  if (!change || !change->is_object()) Reject(kError, "change must be an object");
  Target target;
  target.id = RequiredString(*change, "id", kError);
  target.file = RequiredString(*change, "file", kError);
  const std::string kind = RequiredString(*change, "kind", kError);
  // The path first: a change that points outside the repository is refused as such, whatever
  // else is wrong with it.
  target.path = ResolveInsideRepo(root, target.file);
  const std::optional<ChangeKind> parsed = ParseChangeKind(kind);
  if (!parsed) Reject(kError, "unknown change kind: " + kind);
  target.kind = *parsed;
  if (target.id != ChangeId(target.file, target.kind)) {
    Reject(kError, "change id " + target.id + " does not match its file and kind");
  }
  const std::optional<Language> language = LanguageOfExtension(ExtensionKey(target.path));
  if (!language || *language == Language::kText) {
    Reject(kError, "not a source file the activities edit: " + target.file);
  }
  target.language = *language;
  std::error_code ec;
  if (!fs::is_regular_file(target.path, ec)) {
    Reject("FileNotFound", "no such file in the repository: " + target.file);
  }
  target.backup = target.path;
  target.backup += ".endure-backup-" + target.id;
  target.backup_relative = target.backup.lexically_relative(root).generic_string();
  return target;
}

std::string ReadOrThrow(const fs::path& path) {
  std::optional<std::string> text = ReadFileContents(path);
  if (!text) {
    throw runtime::ApplicationError("cannot read " + path.string(), "IoError");
  }
  return std::move(*text);
}

Json Report(const Target& target, std::string_view status) {
  return {{"status", status}, {"change_id", target.id}, {"file", target.file}};
}

}  // namespace

Json ProposeChanges(runtime::ActivityContext& ctx, const Json& input) {
  const auto root = OpenRepository(input);
  const int64_t max_changes = OptionalInt(input, "max_changes", 100, "InvalidInput");
  if (max_changes < 0) Reject("InvalidInput", "max_changes must not be negative");
  const auto files = ListRepoFiles(root, ExtensionsFromInput(input, kCodeExtensions));
  ProposeState state;
  const int64_t files_scanned =
      ScanFiles(ctx, "propose", files, HeartbeatInterval(input), state, ProposeFor);
  std::vector<Change>& changes = state.candidates;
  std::sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    if (a.file != b.file) return a.file < b.file;
    return a.kind < b.kind;
  });
  const size_t total = changes.size();
  if (changes.size() > static_cast<size_t>(max_changes)) {
    changes.resize(static_cast<size_t>(max_changes));
  }
  return {{"changes", changes}, {"total_candidates", total}, {"files_scanned", files_scanned}};
}

Json ApplyChange(runtime::ActivityContext&, const Json& input) {
  const auto root = OpenRepository(input);
  const Target target = ResolveChange(root, input);
  const std::string before = ReadOrThrow(target.path);
  const Edit edit = ApplyChangeKind(target.kind, target.language, before);
  if (edit.content == before) {
    Json result = Report(target, "already_applied");
    result["lines_changed"] = Json::array();
    return result;
  }
  // The backup first: if the activity dies between the two writes, the file is still the
  // original, and the retry overwrites the backup with the same contents.
  WriteFileAtomically(target.backup, before, target.path);
  WriteFileAtomically(target.path, edit.content, target.path);
  Json result = Report(target, "applied");
  result["lines_changed"] = edit.lines;
  result["backup"] = target.backup_relative;
  return result;
}

Json RevertChange(runtime::ActivityContext&, const Json& input) {
  const auto root = OpenRepository(input);
  const Target target = ResolveChange(root, input);
  std::error_code ec;
  if (!fs::exists(target.backup, ec)) return Report(target, "not_applied");
  const std::string backup = ReadOrThrow(target.backup);
  const std::string current = ReadOrThrow(target.path);
  // current == backup: an earlier attempt restored the file but did not get to delete the backup.
  if (current != backup) {
    if (current != ApplyChangeKind(target.kind, target.language, backup).content) {
      throw runtime::ApplicationError(
          target.file + " changed after change " + target.id +
              " was applied; restoring its backup would discard those edits",
          "RevertConflict", /*non_retryable=*/true);
    }
    WriteFileAtomically(target.path, backup, target.path);
  }
  fs::remove(target.backup, ec);
  if (ec) {
    throw runtime::ApplicationError("cannot remove " + target.backup.string() + ": " + ec.message(),
                                    "IoError");
  }
  return Report(target, "reverted");
}

}  // namespace endure::activities
