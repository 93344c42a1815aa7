// WASI's `filestat`: what a host `struct stat` becomes, and preview 1's layout of it in guest
// memory. fd_filestat_get and path_filestat_get share these; snapshot 0 (snapshot0.cc) writes
// its own 56-byte layout from the same Filestat.
#ifndef KILN_RUNTIME_WASI_FILESTAT_H_
#define KILN_RUNTIME_WASI_FILESTAT_H_

#include <sys/stat.h>

#include <cstdint>

#include "api/memory.h"
#include "runtime/wasi/fd_table.h"

namespace kiln::wasi {

// Filestat is WASI's `filestat` before it is laid out in guest memory.
struct Filestat {
  uint64_t dev = 0;
  uint64_t ino = 0;
  Filetype filetype = Filetype::kUnknown;
  uint64_t nlink = 0;
  uint64_t size = 0;
  uint64_t atim = 0;  // nanoseconds since the epoch (times before it read as 0)
  uint64_t mtim = 0;
  uint64_t ctim = 0;
};

// FiletypeOfMode is the WASI file type of a host st_mode. A FIFO is `unknown`, as wasmtime
// reports it (WASI has no FIFO type).
Filetype FiletypeOfMode(mode_t mode);

// FilestatOf converts a host stat.
Filestat FilestatOf(const struct stat& st);

// WritePreview1Filestat lays `stat` out at `ptr` as preview 1's 64-byte record (dev @0,
// ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56); false when
// the record does not fit in memory.
bool WritePreview1Filestat(api::Memory& memory, uint32_t ptr, const Filestat& stat);

}  // namespace kiln::wasi

#endif  // KILN_RUNTIME_WASI_FILESTAT_H_
