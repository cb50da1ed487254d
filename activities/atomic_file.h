// Replacing a file's contents so that a crash at any point leaves either the old contents or the
// new ones, never a mix: the activities that edit a repository can then be retried blindly.
#pragma once

#include <filesystem>
#include <string_view>

namespace endure::activities {

// Writes `content` to a temporary file beside `path`, flushes it to disk, renames it over `path`
// and flushes the directory. The file keeps the permissions of the file it replaces, or gets
// those of `permissions_from` when `path` does not exist yet. Throws runtime::ApplicationError
// "IoError" (retryable: disks fill up and get freed) on failure, leaving `path` untouched.
void WriteFileAtomically(const std::filesystem::path& path, std::string_view content,
                         const std::filesystem::path& permissions_from);

}  // namespace endure::activities
