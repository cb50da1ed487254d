// FaultVfs: an SQLite VFS over the default one that fails a chosen write or sync, so that tests
// can show what an I/O error at any point does to the store (SQLite's own test suites do the
// same). Registered once per process under the name FaultVfs::kName; a store opened with that
// VFS behaves exactly as with the default one until a fault is armed.
//
// Thread-safety: the counters are atomic; arm faults while no other test uses the VFS.
#pragma once

#include <cstdint>

namespace endure::storage::sqlite {

class FaultVfs {
 public:
  static constexpr const char* kName = "endure-faults";

  // Registers the VFS (idempotent). Connection::Open with kName calls it.
  static void Register();

  // The nth xWrite (or xSync) from now, on any file, fails with SQLITE_IOERR_WRITE (or
  // SQLITE_IOERR_FSYNC); 1 is the next one. The fault fires once. 0 disarms.
  static void FailWrite(int64_t nth);
  static void FailSync(int64_t nth);
  static void Disarm();
  // Whether an armed fault has fired since it was armed.
  static bool Fired();
};

}  // namespace endure::storage::sqlite
