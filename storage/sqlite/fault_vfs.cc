#include "storage/sqlite/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>

namespace endure::storage::sqlite {
namespace {

std::atomic<int64_t> writes_until_fault{0};  // 0: disarmed.
std::atomic<int64_t> syncs_until_fault{0};
std::atomic<bool> fired{false};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs fault_vfs;

// A file of ours is the real file's handle, preceded by our header that points at it.
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }

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

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (Trips(writes_until_fault)) return SQLITE_IOERR_WRITE;
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  if (Trips(syncs_until_fault)) return SQLITE_IOERR_FSYNC;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) { return Real(f)->pMethods->xLock(Real(f), level); }
int Unlock(sqlite3_file* f, int level) { return Real(f)->pMethods->xUnlock(Real(f), level); }
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int ShmUnmap(sqlite3_file* f, int delete_flag) {
  return Real(f)->pMethods->xShmUnmap(Real(f), delete_flag);
}
int Fetch(sqlite3_file* f, sqlite3_int64 off, int amount, void** out) {
  return Real(f)->pMethods->xFetch(Real(f), off, amount, out);
}
int Unfetch(sqlite3_file* f, sqlite3_int64 off, void* page) {
  return Real(f)->pMethods->xUnfetch(Real(f), off, page);
}

const sqlite3_io_methods kMethods = {
    3,
    Close,
    Read,
    Write,
    Truncate,
    Sync,
    FileSize,
    Lock,
    Unlock,
    CheckReservedLock,
    FileControl,
    SectorSize,
    DeviceCharacteristics,
    ShmMap,
    ShmLock,
    ShmBarrier,
    ShmUnmap,
    Fetch,
    Unfetch,
};

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<FaultFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
  // SQLite calls xClose only if pMethods is set, so set it only when the real file is open.
  f->base.pMethods = f->real->pMethods != nullptr ? &kMethods : nullptr;
  return rc;
}

}  // namespace

void FaultVfs::Register() {
  static std::once_flag once;
  std::call_once(once, [] {
    real_vfs = sqlite3_vfs_find(nullptr);
    fault_vfs = *real_vfs;
    fault_vfs.zName = kName;
    fault_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile;
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
