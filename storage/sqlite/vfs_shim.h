// What the VFSes layered over another one share: their files hold the real file's handle, and
// every method they do not change passes straight to it.
#pragma once

#include <sqlite3.h>

#include <cstddef>

namespace endure::storage::sqlite::shim {

// The start of a shim's file; SQLite allocates szOsFile bytes for it, the real file after it.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
};

inline File* Of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
inline sqlite3_file* Real(sqlite3_file* f) { return Of(f)->real; }

// Methods (version 3) that each call the real file's; a shim replaces those it changes.
sqlite3_io_methods PassThroughMethods();

// Opens `name` with `base` into a shim's file of `shim_bytes` (its own struct, which starts with
// File), the real file right after it. The file gets `methods` once the real file is open:
// SQLite calls xClose only if pMethods is set.
int OpenOver(sqlite3_vfs* base, const sqlite3_io_methods* methods, size_t shim_bytes,
             const char* name, sqlite3_file* file, int flags, int* out_flags);

}  // namespace endure::storage::sqlite::shim
