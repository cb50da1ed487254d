#include "activities/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <system_error>

#include "runtime/activity.h"

namespace endure::activities {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void IoError(const std::string& what, const fs::path& path, int error) {
  throw runtime::ApplicationError(what + " " + path.string() + ": " + std::strerror(error),
                                  "IoError");
}

// Owns a descriptor; closing errors after a successful fsync cannot lose data, so they are
// ignored.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

void WriteAll(int fd, std::string_view content, const fs::path& path) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      IoError("cannot write", path, errno);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void WriteFileAtomically(const fs::path& path, std::string_view content,
                         const fs::path& permissions_from) {
  std::error_code ec;
  fs::perms perms = fs::status(path, ec).permissions();
  if (ec || perms == fs::perms::unknown) perms = fs::status(permissions_from, ec).permissions();
  if (ec || perms == fs::perms::unknown) perms = fs::perms::owner_read | fs::perms::owner_write;

  // A temporary name of its own per call, so that two workers (or two attempts in one worker)
  // editing the same file never write into each other's temporary file.
  static std::atomic<uint64_t> sequence{0};
  fs::path temp = path;
  temp += ".endure-tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++sequence);
  {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) IoError("cannot create", temp, errno);
    try {
      WriteAll(fd.get(), content, temp);
      if (::fsync(fd.get()) != 0) IoError("cannot sync", temp, errno);
    } catch (...) {
      fs::remove(temp, ec);
      throw;
    }
  }
  fs::permissions(temp, perms, ec);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    fs::remove(temp, ec);
    IoError("cannot replace", path, error);
  }
  // The rename itself is only durable once the directory is.
  Fd dir(::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() >= 0) ::fsync(dir.get());
}

}  // namespace endure::activities
