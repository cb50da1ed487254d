#include "storage/reader_pool.h"

namespace endure::storage {

Result<ReaderPool::Lease> ReaderPool::Borrow() {
  {
    std::unique_lock lock(mu_);
    returned_.wait(lock, [this] { return !idle_.empty() || open_ < max_connections_; });
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(c));
    }
    ++open_;
  }
  auto c = sqlite::Connection::Open(path_, sqlite::OpenMode::kReadOnly, vfs_);
  if (!c.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    returned_.notify_one();
    return c.status();
  }
  return Lease(this, std::move(c).value());
}

void ReaderPool::Return(std::unique_ptr<sqlite::Connection> c) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(c));
  }
  returned_.notify_one();
}

}  // namespace endure::storage
