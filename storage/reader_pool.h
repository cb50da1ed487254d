// ReaderPool: read-only connections to the store's file, lent to one caller at a time.
//
// WAL lets readers run beside the writer, each on its own snapshot. Connections are opened on
// demand up to `max_connections`; a caller who finds none free waits for one.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/base/status.h"
#include "storage/sqlite/connection.h"

namespace endure::storage {

class ReaderPool {
 public:
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<sqlite::Connection> c)
        : pool_(pool), connection_(std::move(c)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) pool_->Return(std::move(connection_));
    }
    sqlite::Connection& operator*() const { return *connection_; }

   private:
    ReaderPool* pool_;
    std::unique_ptr<sqlite::Connection> connection_;
  };

  ReaderPool(std::string path, std::string vfs, int max_connections)
      : path_(std::move(path)),
        vfs_(std::move(vfs)),
        max_connections_(max_connections < 1 ? 1 : max_connections) {}

  Result<Lease> Borrow();

 private:
  void Return(std::unique_ptr<sqlite::Connection> c);

  const std::string path_;
  const std::string vfs_;
  const int max_connections_;
  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_;
  int open_ = 0;
};

}  // namespace endure::storage
