#include "storage/sqlite/fault_vfs.h"

#include <sqlite3.h>

#include "storage/sqlite/vfs_shim.h"

#include <atomic>
#include <mutex>

namespace endure::storage::sqlite {
namespace {

using shim::Real;

std::atomic<int64_t> writes_until_fault{0};  // 0: disarmed.
std::atomic<int64_t> syncs_until_fault{0};
std::atomic<bool> fired{false};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs fault_vfs;

// Counts one operation against `counter`; true when it is the one to fail.
bool Trips(std::atomic<int64_t>& counter) {
  int64_t left = counter.load();
  while (left > 0) {
    if (counter.compare_exchange_weak(left, left - 1)) {
      if (left == 1) {
        fired = true;
        return true;
      }
      return false;
    }
  }
  return false;
}

int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (Trips(writes_until_fault)) return SQLITE_IOERR_WRITE;
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Sync(sqlite3_file* f, int flags) {
  if (Trips(syncs_until_fault)) return SQLITE_IOERR_FSYNC;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
const sqlite3_io_methods kMethods = [] {
  sqlite3_io_methods m = shim::PassThroughMethods();
  m.xWrite = Write;
  m.xSync = Sync;
  return m;
}();

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  return shim::OpenOver(real_vfs, &kMethods, sizeof(shim::File), name, file, flags, out_flags);
}

}  // namespace

void FaultVfs::Register() {
  static std::once_flag once;
  std::call_once(once, [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    fault_vfs = *real_vfs;
    fault_vfs.zName = kName;
    fault_vfs.szOsFile = static_cast<int>(sizeof(shim::File)) + real_vfs->szOsFile;
    fault_vfs.xOpen = Open;
    fault_vfs.pNext = nullptr;
    sqlite3_vfs_register(&fault_vfs, /*makeDflt=*/0);
  });
}

void FaultVfs::FailWrite(int64_t nth) {
  fired = false;
  writes_until_fault = nth;
}

void FaultVfs::FailSync(int64_t nth) {
  fired = false;
  syncs_until_fault = nth;
}

void FaultVfs::Disarm() {
  writes_until_fault = 0;
  syncs_until_fault = 0;
}

bool FaultVfs::Fired() { return fired.load(); }

}  // namespace endure::storage::sqlite
