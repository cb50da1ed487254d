#include "storage/sqlite/wal_buffer_vfs.h"

#include <sqlite3.h>

#include "storage/sqlite/vfs_shim.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace endure::storage::sqlite {
namespace {

// The WAL format (sqlite.org/fileformat2.html#walformat): a 32-byte header naming the page size,
// then frames of a 24-byte header and a page; bytes 4..7 of a frame header are non-zero in the
// frame that commits a transaction.
constexpr int64_t kWalHeaderBytes = 32;
constexpr int64_t kFrameHeaderBytes = 24;

// The most one xWrite of the unix VFS takes: it assumes a write below 128 KiB and masks the
// length to 17 bits.
constexpr size_t kMaxWrite = 124u << 10;

// Past this much, gathered frames are written even before their commit: bounds the memory a
// large transaction holds.
constexpr size_t kMaxGathered = 8u << 20;

// How far past a commit that grew the log the file is written with zeros (see the header).
constexpr int64_t kWrittenAhead = 256 << 10;
const unsigned char kZeros[kMaxWrite] = {};

uint32_t BigEndian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// The frames written to one WAL and not yet handed to the file system: [start, end).
struct Gathered {
  std::vector<unsigned char> bytes;
  int64_t start = 0;
  int64_t log_end = 0;      // Where the log ends, written or gathered, since it last started.
  int64_t page_size = 0;    // 0: not known yet.
  int64_t commit_end = -1;  // Where the last complete commit frame gathered ends, or -1.
  int64_t file_end = -1;    // How far the file is written, frames or zeros; -1: not known yet.

  int64_t end() const { return start + static_cast<int64_t>(bytes.size()); }
};

struct File {
  shim::File shim;    // The real file's handle; first, as SQLite's base.
  Gathered* wal;      // Set for a write-ahead log.
  File* database;     // For a WAL: its database's file, while both are open.
  File* wal_of_this;  // For a database: its open WAL, if any.
};

std::atomic<int64_t> backstop_writes{0};

File* Of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
sqlite3_file* RealOf(File* f) { return f->shim.real; }

// What the methods below do after their own part.
const sqlite3_io_methods kPassThrough = shim::PassThroughMethods();

int WriteThrough(File* f, const void* data, int n, sqlite3_int64 offset) {
  return RealOf(f)->pMethods->xWrite(RealOf(f), data, n, offset);
}

// After frames that end at `end` are written: if they grew the file, zeros follow them up to
// kWrittenAhead further, so that the next commits overwrite blocks the file has (see the
// header). Best effort: the frames are written whether or not the zeros are.
void WriteAhead(File* f, int64_t end) {
  Gathered& g = *f->wal;
  if (g.file_end < 0 || end <= g.file_end) return;
  const int64_t target = end + kWrittenAhead;
  int64_t at = end;
  while (at < target) {
    const int n = static_cast<int>(std::min<int64_t>(kMaxWrite, target - at));
    if (WriteThrough(f, kZeros, n, at) != SQLITE_OK) break;
    at += n;
  }
  g.file_end = at;
}

// Hands what is gathered to the file system, in writes of at most kMaxWrite.
int Flush(File* f) {
  Gathered& g = *f->wal;
  if (g.file_end < 0 && !g.bytes.empty()) {
    sqlite3_int64 size = 0;
    if (RealOf(f)->pMethods->xFileSize(RealOf(f), &size) == SQLITE_OK) g.file_end = size;
  }
  int rc = SQLITE_OK;
  for (size_t at = 0; at < g.bytes.size() && rc == SQLITE_OK; at += kMaxWrite) {
    const size_t n = std::min(kMaxWrite, g.bytes.size() - at);
    rc = WriteThrough(f, g.bytes.data() + at, static_cast<int>(n),
                      g.start + static_cast<int64_t>(at));
  }
  if (rc == SQLITE_OK && !g.bytes.empty()) WriteAhead(f, g.end());
  // Dropped even when the write failed: the transaction they belong to fails with it, and
  // written later they could complete it in the file (a commit SQLite rolled back).
  g.start = g.end();
  g.bytes.clear();
  g.commit_end = -1;
  return rc;
}

// The page size, from the WAL header being written or, when frames follow an existing log,
// from the one in the file.
void LearnPageSize(File* f, const void* data, int n, sqlite3_int64 offset) {
  Gathered& g = *f->wal;
  unsigned char header[kWalHeaderBytes];
  if (offset == 0 && n >= kWalHeaderBytes) {
    std::memcpy(header, data, kWalHeaderBytes);
  } else if (RealOf(f)->pMethods->xRead(RealOf(f), header, kWalHeaderBytes, 0) != SQLITE_OK) {
    return;
  }
  const uint32_t size = BigEndian32(header + 8);
  if (size == 1) {
    g.page_size = 65536;
  } else if (size >= 512 && size <= 32768 && (size & (size - 1)) == 0) {
    g.page_size = size;
  }
}

// Notes a commit frame whose header starts in [from, to) of what is gathered.
void NoteCommitFrames(Gathered& g, int64_t from, int64_t to) {
  const int64_t frame = kFrameHeaderBytes + g.page_size;
  int64_t header = from <= kWalHeaderBytes
                       ? kWalHeaderBytes
                       : kWalHeaderBytes + (from - kWalHeaderBytes + frame - 1) / frame * frame;
  for (; header < to; header += frame) {
    if (header < g.start || header + 8 > g.end()) continue;
    if (BigEndian32(g.bytes.data() + (header - g.start) + 4) != 0) {
      g.commit_end = std::max(g.commit_end, header + frame);
    }
  }
}

int Write(sqlite3_file* file, const void* data, int n, sqlite3_int64 offset) {
  File* f = Of(file);
  if (f->wal == nullptr) return WriteThrough(f, data, n, offset);
  Gathered& g = *f->wal;
  if (offset == 0) {
    // The log starts over (after a checkpoint) with its header: what is gathered goes first.
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    g.log_end = 0;
    LearnPageSize(f, data, n, offset);
  } else if (g.page_size == 0) {
    LearnPageSize(f, data, n, offset);
  }
  const auto* bytes = static_cast<const unsigned char*>(data);
  if (g.page_size == 0) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    return WriteThrough(f, data, n, offset);  // Not a log we understand: nothing gathered.
  }
  if (!g.bytes.empty() && offset >= g.start && offset + n <= g.end()) {
    std::memcpy(g.bytes.data() + (offset - g.start), bytes, n);  // A gathered frame rewritten.
  } else if (offset >= g.log_end) {
    // The log grows: gathered, after what is gathered if it follows on.
    if (!g.bytes.empty() && offset != g.end()) {
      if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    }
    if (g.bytes.empty()) g.start = offset;
    g.bytes.insert(g.bytes.end(), bytes, bytes + n);
    g.log_end = offset + n;
  } else {
    // A frame written already is rewritten (SQLite fixes checksums up after some commits):
    // everything gathered first, then it, straight through.
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    return WriteThrough(f, data, n, offset);
  }
  NoteCommitFrames(g, offset, offset + n);
  if (g.commit_end >= 0 && g.end() >= g.commit_end) return Flush(f);
  if (g.bytes.size() >= kMaxGathered) return Flush(f);
  return SQLITE_OK;
}

int Read(sqlite3_file* file, void* out, int n, sqlite3_int64 offset) {
  File* f = Of(file);
  if (f->wal != nullptr && !f->wal->bytes.empty()) {
    Gathered& g = *f->wal;
    if (offset >= g.start && offset + n <= g.end()) {
      std::memcpy(out, g.bytes.data() + (offset - g.start), n);
      return SQLITE_OK;
    }
    if (offset + n > g.start) {
      if (int rc = Flush(f); rc != SQLITE_OK) return SQLITE_IOERR_READ;
    }
  }
  return RealOf(f)->pMethods->xRead(RealOf(f), out, n, offset);
}

// Writes what is gathered before an operation that must see the whole file.
int FlushFirst(File* f, int error) {
  if (f->wal == nullptr) return SQLITE_OK;
  return Flush(f) == SQLITE_OK ? SQLITE_OK : error;
}

int Close(sqlite3_file* file) {
  File* f = Of(file);
  int flushed = FlushFirst(f, SQLITE_IOERR_CLOSE);
  if (f->database != nullptr) f->database->wal_of_this = nullptr;
  if (f->wal_of_this != nullptr) f->wal_of_this->database = nullptr;
  delete f->wal;
  f->wal = nullptr;
  int rc = RealOf(f)->pMethods->xClose(RealOf(f));
  return flushed != SQLITE_OK ? flushed : rc;
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (int rc = FlushFirst(Of(f), SQLITE_IOERR_TRUNCATE); rc != SQLITE_OK) return rc;
  if (Gathered* g = Of(f)->wal; g != nullptr) {
    g->log_end = std::min<int64_t>(g->log_end, size);
    if (g->file_end > size) g->file_end = size;
  }
  return kPassThrough.xTruncate(f, size);
}
int Sync(sqlite3_file* f, int flags) {
  if (int rc = FlushFirst(Of(f), SQLITE_IOERR_FSYNC); rc != SQLITE_OK) return rc;
  return kPassThrough.xSync(f, flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  if (int rc = FlushFirst(Of(f), SQLITE_IOERR_FSTAT); rc != SQLITE_OK) return rc;
  return kPassThrough.xFileSize(f, size);
}
void ShmBarrier(sqlite3_file* f) {
  // The backstop (see the header): nothing of this database's log may stay gathered once SQLite
  // publishes a commit. A log that cannot be written here cannot be published either.
  if (File* wal = Of(f)->wal_of_this; wal != nullptr && !wal->wal->bytes.empty()) {
    backstop_writes.fetch_add(1, std::memory_order_relaxed);
    if (Flush(wal) != SQLITE_OK) {
      std::fputs("endure: cannot write the write-ahead log before publishing a commit\n", stderr);
      std::abort();
    }
  }
  kPassThrough.xShmBarrier(f);
}
const sqlite3_io_methods kMethods = [] {
  sqlite3_io_methods m = kPassThrough;
  m.xClose = Close;
  m.xRead = Read;
  m.xWrite = Write;
  m.xTruncate = Truncate;
  m.xSync = Sync;
  m.xFileSize = FileSize;
  m.xShmBarrier = ShmBarrier;
  return m;
}();

// One registered VFS per base VFS; they live as long as the process (SQLite keeps pointers).
struct Registered {
  sqlite3_vfs vfs;
  sqlite3_vfs* base;
  std::string name;
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* base = static_cast<Registered*>(vfs->pAppData)->base;
  File* f = Of(file);
  f->wal = nullptr;
  f->database = nullptr;
  f->wal_of_this = nullptr;
  const int rc = shim::OpenOver(base, &kMethods, sizeof(File), name, file, flags, out_flags);
  if (file->pMethods == nullptr || (flags & SQLITE_OPEN_WAL) == 0 || name == nullptr) return rc;
  f->wal = new Gathered;
  if (sqlite3_file* db = sqlite3_database_file_object(name); db && db->pMethods == &kMethods) {
    f->database = Of(db);
    Of(db)->wal_of_this = f;
  }
  return rc;
}

}  // namespace

std::string WalBufferVfs::Over(const std::string& base) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Registered>> registered;
  std::lock_guard lock(mu);
  auto& entry = registered[base];
  if (!entry) {
    entry = std::make_unique<Registered>();
    entry->base = sqlite3_vfs_find(base.empty() ? nullptr : base.c_str());
    entry->name = "endure-wal-buffer" + (base.empty() ? std::string() : "+" + base);
    entry->vfs = *entry->base;
    entry->vfs.zName = entry->name.c_str();
    entry->vfs.szOsFile = static_cast<int>(sizeof(File)) + entry->base->szOsFile;
    entry->vfs.xOpen = Open;
    entry->vfs.pAppData = entry.get();
    entry->vfs.pNext = nullptr;
    sqlite3_vfs_register(&entry->vfs, /*makeDflt=*/0);
  }
  return entry->name;
}

int64_t WalBufferVfs::BackstopWrites() { return backstop_writes.load(); }

}  // namespace endure::storage::sqlite
