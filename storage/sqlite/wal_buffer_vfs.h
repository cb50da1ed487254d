// WalBufferVfs: an SQLite VFS over another one that gathers the writes to a write-ahead log and
// hands each commit's frames to the file system together, in writes of up to 124 KiB.
//
// Why: SQLite writes every WAL frame with two calls, its 24-byte header and then its page, and a
// frame of 4,120 bytes straddles two pages of the OS's cache. A group commit of 60 frames is 120
// pwrite calls and 180 page-cache updates; 42% of the writer thread's CPU time went to them when
// 10,000 timers fired at once. Gathered, the same commit is two calls over 61 pages.
//
// What stays the same: nothing written is visible to another connection, or to this one, before
// SQLite would have put it in the file itself.
//   - The frames of a transaction stay in memory until its commit frame (one whose header names
//     the database size after the commit, see the WAL format) is complete; then all of them are
//     written, inside the same xWrite, before SQLite publishes the commit in the WAL index. A
//     failed write fails that xWrite, and with it the COMMIT.
//   - Reads of a gathered range are answered from memory; xSync, xTruncate, xFileSize and xClose
//     write what is gathered first.
//   - As a backstop, the database file's xShmBarrier (SQLite calls it between the two copies of
//     the WAL index header when it publishes a commit) writes anything still gathered.
// A crash of the process loses only frames of a transaction that had not committed, as without
// the VFS. Other files (the database, journals) pass straight through.
//
// The log is also written ahead: a commit that grows the file is followed by 256 KiB of zeros.
// Why: the flush of a commit that appends to a file must also make the file's new size and
// blocks durable, a journal commit of the file system's own; one that overwrites blocks the
// file has needs no such thing. On this project's machines fdatasync after an append took about
// 0.23 ms, after an overwrite 0.11, and a one-activity workflow flushes four commits. SQLite
// writes the log from its start again after a checkpoint and keeps the file, so only a log that
// grows (from when the store opens until checkpoints hold it at its size) appends, and with
// this once per 256 KiB instead of at every commit. The commit that writes the zeros flushes
// them too: 1 MiB at a time made that one commit slow enough to show in a p99. The zeros are no
// frame (a frame's header carries the log's salt), so SQLite, reading the log after a crash,
// stops at them as it does at the stale frames of an earlier pass.
#pragma once

#include <cstdint>
#include <string>

namespace endure::storage::sqlite {

class WalBufferVfs {
 public:
  // The name of the VFS that gathers WAL writes over `base` ("" for SQLite's default VFS),
  // registered on first use. `base` must already be registered.
  static std::string Over(const std::string& base);

  // How many times the backstop found frames still gathered: 0 unless SQLite wrote its log in a
  // way this VFS did not foresee (the tests check it).
  static int64_t BackstopWrites();
};

}  // namespace endure::storage::sqlite
