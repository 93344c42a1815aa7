#include "runtime/wasi/filestat.h"

#include "absl/types/span.h"

namespace kiln::wasi {
namespace {

uint64_t Nanoseconds(const struct timespec& ts) {
  if (ts.tv_sec < 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

void StoreU64(uint8_t* at, uint64_t value) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<uint8_t>(value >> (8 * i));
}

}  // namespace

Filetype FiletypeOfMode(mode_t mode) {
  if (S_ISREG(mode)) return Filetype::kRegularFile;
  if (S_ISDIR(mode)) return Filetype::kDirectory;
  if (S_ISLNK(mode)) return Filetype::kSymbolicLink;
  if (S_ISCHR(mode)) return Filetype::kCharacterDevice;
  if (S_ISBLK(mode)) return Filetype::kBlockDevice;
  if (S_ISSOCK(mode)) return Filetype::kSocketStream;
  return Filetype::kUnknown;
}

Filestat FilestatOf(const struct stat& st) {
  Filestat out;
  out.dev = static_cast<uint64_t>(st.st_dev);
  out.ino = static_cast<uint64_t>(st.st_ino);
  out.filetype = FiletypeOfMode(st.st_mode);
  out.nlink = static_cast<uint64_t>(st.st_nlink);
  out.size = static_cast<uint64_t>(st.st_size);
  out.atim = Nanoseconds(st.st_atim);
  out.mtim = Nanoseconds(st.st_mtim);
  out.ctim = Nanoseconds(st.st_ctim);
  return out;
}

bool WritePreview1Filestat(api::Memory& memory, uint32_t ptr, const Filestat& stat) {
  uint8_t record[64] = {};
  StoreU64(record + 0, stat.dev);
  StoreU64(record + 8, stat.ino);
  record[16] = static_cast<uint8_t>(stat.filetype);
  StoreU64(record + 24, stat.nlink);
  StoreU64(record + 32, stat.size);
  StoreU64(record + 40, stat.atim);
  StoreU64(record + 48, stat.mtim);
  StoreU64(record + 56, stat.ctim);
  return memory.Write(ptr, absl::MakeConstSpan(record));
}

}  // namespace kiln::wasi
