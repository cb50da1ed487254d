#include "storage/wal_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace endure::storage {

WalSync::~WalSync() {
  if (fd_ >= 0) close(fd_);
}

Status WalSync::Sync() {
  if (fd_ < 0) {
    fd_ = open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) {
      return Unavailable("cannot open '" + wal_path_ + "' to flush it: " + std::strerror(errno));
    }
  }
  if (int error = env_->SyncData(fd_); error != 0) {
    // The commits are written but their durability is unknown: say so rather than acknowledge.
    return DataLoss("fdatasync of '" + wal_path_ + "' failed: " + std::strerror(error) +
                    "; the transition may or may not survive a crash of the machine");
  }
  return Status::Ok();
}

}  // namespace endure::storage
