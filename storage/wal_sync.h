// WalSync: makes everything written to a database's write-ahead log durable, with fdatasync on
// a descriptor of its own.
//
// Why: at synchronous=FULL SQLite fsyncs the WAL inside every COMMIT, so the group-commit
// writer sits idle for the whole flush. Instead the writer commits at synchronous=NORMAL (the
// WAL is written but not flushed; checkpoints still flush) and the acknowledger calls Sync()
// before it tells callers their transitions committed. One fdatasync covers every commit
// written before it began, and the writer applies the next batch meanwhile.
//
// The WAL file keeps its inode while the store's write connection is open (SQLite restarts it
// in place and deletes it only when the last connection closes), so one descriptor, opened at
// the first Sync(), serves for the store's lifetime. Used by one thread at a time.
#pragma once

#include <string>

#include "storage/base/env.h"
#include "storage/base/status.h"

namespace endure::storage {

class WalSync {
 public:
  WalSync(std::string database_path, Env* env)
      : wal_path_(std::move(database_path) + "-wal"), env_(env) {}
  ~WalSync();
  WalSync(const WalSync&) = delete;
  WalSync& operator=(const WalSync&) = delete;

  Status Sync();

 private:
  std::string wal_path_;
  Env* env_;
  int fd_ = -1;
};

}  // namespace endure::storage
