// The files of a repository that the code activities read: found by walking the tree, filtered
// by extension, named by their path relative to the repository root, and listed in one fixed
// order so that an attempt resuming from a heartbeat skips exactly the files already done.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/activity.h"

namespace endure::activities {

enum class Language {
  kC,
  kCpp,
  kJava,
  kGo,
  kRust,
  kJavaScript,
  kTypeScript,
  kPython,
  kText,  // Configuration and scripts: read for secrets only.
};

// "c", "cpp", "java", "go", "rust", "javascript", "typescript", "python", "text".
std::string_view LanguageName(Language language);

// The extensions the analyses read when the input names none; kSecurityExtensions adds the
// configuration files where secrets are usually left.
extern const std::span<const std::string_view> kCodeExtensions;
extern const std::span<const std::string_view> kSecurityExtensions;

// The key a file is filtered by: its extension (".cc"), or ".env" for ".env" and ".env.local".
std::string ExtensionKey(const std::filesystem::path& path);

// The language of a file with that extension key, if the activities read it.
std::optional<Language> LanguageOfExtension(std::string_view extension_key);

struct RepoFile {
  std::string relative;  // '/'-separated, from the root; files are ordered by it, bytewise.
  std::filesystem::path absolute;
  Language language;
};

// input["repo_path"], checked to be a directory this process can list. Throws ApplicationError
// "InvalidRepository" (non-retryable) when it is missing, not a directory, or unreadable.
std::filesystem::path OpenRepository(const runtime::Json& input);

// input["extensions"] (each like ".py"), or `defaults` when absent. Throws "InvalidInput".
std::vector<std::string> ExtensionsFromInput(const runtime::Json& input,
                                             std::span<const std::string_view> defaults);

// The regular files under `root` whose extension key is in `extensions` and has a language,
// sorted by `relative`. Skips symbolic links (they can leave the repository or loop), version
// control metadata, dependency folders and build outputs, whose files are not the project's own,
// and files over 8 MiB.
std::vector<RepoFile> ListRepoFiles(const std::filesystem::path& root,
                                    const std::vector<std::string>& extensions);

// The contents of a file, or nullopt when it cannot be read.
std::optional<std::string> ReadFileContents(const std::filesystem::path& path);

// `relative` resolved under `root`. Throws ApplicationError "InvalidPath" (non-retryable) for an
// empty or absolute path, a ".." component, or a path whose symbolic links lead out of `root`:
// activities that write files must never be steered outside the repository they were given.
std::filesystem::path ResolveInsideRepo(const std::filesystem::path& root,
                                        const std::string& relative);

}  // namespace endure::activities
