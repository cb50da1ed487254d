#include "activities/repo_files.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <system_error>

#include "activities/input.h"
#include "activities/text_util.h"

namespace endure::activities {
namespace fs = std::filesystem;
namespace {

constexpr std::array<std::string_view, 18> kCode = {".c",   ".h",   ".cc",   ".cpp", ".cxx", ".hh",
                                                    ".hpp", ".hxx", ".java", ".go",  ".rs",  ".js",
                                                    ".jsx", ".mjs", ".cjs",  ".ts",  ".tsx", ".py"};

constexpr std::array<std::string_view, 30> kSecurity = {
    ".c",    ".h",    ".cc",  ".cpp", ".cxx",  ".hh",   ".hpp",        ".hxx", ".java", ".go",
    ".rs",   ".js",   ".jsx", ".mjs", ".cjs",  ".ts",   ".tsx",        ".py",  ".env",  ".yml",
    ".yaml", ".json", ".ini", ".cfg", ".conf", ".toml", ".properties", ".pem", ".key",  ".sh"};

struct ExtensionLanguage {
  std::string_view extension;
  Language language;
};

constexpr std::array<ExtensionLanguage, 30> kLanguages = {{
    {".c", Language::kC},
    {".h", Language::kCpp},
    {".cc", Language::kCpp},
    {".cpp", Language::kCpp},
    {".cxx", Language::kCpp},
    {".hh", Language::kCpp},
    {".hpp", Language::kCpp},
    {".hxx", Language::kCpp},
    {".java", Language::kJava},
    {".go", Language::kGo},
    {".rs", Language::kRust},
    {".js", Language::kJavaScript},
    {".jsx", Language::kJavaScript},
    {".mjs", Language::kJavaScript},
    {".cjs", Language::kJavaScript},
    {".ts", Language::kTypeScript},
    {".tsx", Language::kTypeScript},
    {".py", Language::kPython},
    {".env", Language::kText},
    {".yml", Language::kText},
    {".yaml", Language::kText},
    {".json", Language::kText},
    {".ini", Language::kText},
    {".cfg", Language::kText},
    {".conf", Language::kText},
    {".toml", Language::kText},
    {".properties", Language::kText},
    {".pem", Language::kText},
    {".key", Language::kText},
    {".sh", Language::kText},
}};

constexpr uintmax_t kMaxFileBytes = 8u << 20;

// Folders whose files are not the project's own source: metadata, vendored dependencies,
// virtual environments, caches and build outputs.
bool IsSkippedDirectory(const std::string& name) {
  static constexpr std::array<std::string_view, 15> kNames = {
      ".git", ".hg",   ".svn", "node_modules", "build",       "builds",        "dist", "target",
      "out",  ".venv", "venv", "__pycache__",  ".mypy_cache", ".pytest_cache", ".tox"};
  if (std::find(kNames.begin(), kNames.end(), name) != kNames.end()) return true;
  return name.starts_with("cmake-build-") || name.starts_with("bazel-");
}

}  // namespace

const std::span<const std::string_view> kCodeExtensions(kCode);
const std::span<const std::string_view> kSecurityExtensions(kSecurity);

std::string_view LanguageName(Language language) {
  switch (language) {
    case Language::kC:
      return "c";
    case Language::kCpp:
      return "cpp";
    case Language::kJava:
      return "java";
    case Language::kGo:
      return "go";
    case Language::kRust:
      return "rust";
    case Language::kJavaScript:
      return "javascript";
    case Language::kTypeScript:
      return "typescript";
    case Language::kPython:
      return "python";
    case Language::kText:
      return "text";
  }
  return "unknown";
}

std::string ExtensionKey(const fs::path& path) {
  const std::string name = path.filename().string();
  if (name == ".env" || name.starts_with(".env.")) return ".env";
  return path.extension().string();
}

std::optional<Language> LanguageOfExtension(std::string_view extension_key) {
  for (const auto& entry : kLanguages) {
    if (entry.extension == extension_key) return entry.language;
  }
  return std::nullopt;
}

fs::path OpenRepository(const runtime::Json& input) {
  constexpr std::string_view kError = "InvalidRepository";
  const std::string repo_path = RequiredString(input, "repo_path", kError);
  if (repo_path.empty()) Reject(kError, "repo_path is empty");
  std::error_code ec;
  const fs::path root = fs::canonical(repo_path, ec);
  if (ec || !fs::is_directory(root, ec)) {
    Reject(kError, "repo_path is not a directory: " + repo_path);
  }
  // Listing now turns a permission problem into a clear error rather than an empty analysis.
  fs::directory_iterator probe(root, ec);
  if (ec) Reject(kError, "cannot read repository " + repo_path + ": " + ec.message());
  return root;
}

std::vector<std::string> ExtensionsFromInput(const runtime::Json& input,
                                             std::span<const std::string_view> defaults) {
  const std::optional<runtime::Json> field = OptionalField(input, "extensions", "InvalidInput");
  if (!field) return {defaults.begin(), defaults.end()};
  if (!field->is_array()) Reject("InvalidInput", "extensions must be an array of strings");
  std::vector<std::string> extensions;
  for (const auto& item : *field) {
    if (!item.is_string() || !item.get<std::string>().starts_with(".")) {
      Reject("InvalidInput", "each extension must be a string starting with '.'");
    }
    extensions.push_back(item.get<std::string>());
  }
  return extensions;
}

std::vector<RepoFile> ListRepoFiles(const fs::path& root,
                                    const std::vector<std::string>& extensions) {
  std::vector<RepoFile> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return files;
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) break;
    const fs::directory_entry& entry = *it;
    std::error_code status_ec;
    if (entry.is_symlink(status_ec)) continue;  // Not followed, and not recursed into.
    if (entry.is_directory(status_ec)) {
      if (IsSkippedDirectory(entry.path().filename().string())) it.disable_recursion_pending();
      continue;
    }
    if (!entry.is_regular_file(status_ec)) continue;
    // Files this large are generated or data, not code anyone wrote; reading them would only
    // cost memory and time.
    if (entry.file_size(status_ec) > kMaxFileBytes || status_ec) continue;
    const std::string key = ExtensionKey(entry.path());
    if (std::find(extensions.begin(), extensions.end(), key) == extensions.end()) continue;
    const std::optional<Language> language = LanguageOfExtension(key);
    if (!language) continue;
    // Sanitized because the name goes into JSON results and heartbeats; a file whose name is not
    // UTF-8 is still read through its absolute path.
    files.push_back({SanitizeUtf8(entry.path().lexically_relative(root).generic_string()),
                     entry.path(), *language});
  }
  std::sort(files.begin(), files.end(),
            [](const RepoFile& a, const RepoFile& b) { return a.relative < b.relative; });
  return files;
}

std::optional<std::string> ReadFileContents(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(contents).str();
}

fs::path ResolveInsideRepo(const fs::path& root, const std::string& relative) {
  constexpr std::string_view kError = "InvalidPath";
  const fs::path path(relative);
  if (relative.empty() || path.is_absolute() || path.has_root_name()) {
    Reject(kError, "path must be relative to the repository: " + relative);
  }
  for (const auto& part : path) {
    if (part == "..") Reject(kError, "path must not contain '..': " + relative);
  }
  std::error_code ec;
  const fs::path canonical_root = fs::weakly_canonical(root, ec);
  if (ec) Reject(kError, "cannot resolve repository root: " + ec.message());
  // weakly_canonical follows the symbolic links on the way, so a link pointing elsewhere shows.
  const fs::path resolved = fs::weakly_canonical(canonical_root / path, ec);
  if (ec) Reject(kError, "cannot resolve " + relative + ": " + ec.message());
  const fs::path inside = resolved.lexically_relative(canonical_root);
  if (inside.empty() || inside == "." || *inside.begin() == "..") {
    Reject(kError, "path leaves the repository: " + relative);
  }
  return resolved;
}

}  // namespace endure::activities
