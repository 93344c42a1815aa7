// The fd_* functions of WASI preview 1: reading, writing, seeking and syncing open file
// descriptors, their flags, rights and stats, directory listing (fd_readdir) and the preopen
// queries (fd_prestat_*), plus fd_close and fd_renumber.
//
// Stdio entries (host_fd == -1) go through the ModuleConfig's Reader and Writers; everything
// else is a host descriptor that path_open or the preopens gave the entry. Guest memory is
// only touched through api::Memory's bounds checks, so a hostile pointer or length gives
// `fault`, never a host memory error.
//
// Rights. kiln enforces the rights that guard data: FD_READ (fd_read, fd_pread), FD_WRITE
// (fd_write, fd_pwrite) and FD_READDIR (fd_readdir) give `notcapable` when missing. Other fd
// rights are reported by fd_fdstat_get and can only be dropped, but are not checked: the WASI
// testsuite (like wasmtime) expects seek, tell, filestat and set-times to work on files that
// were opened asking for FD_READ or FD_WRITE only, and the host descriptor's own open mode
// decides the rest (ftruncate on a read-only descriptor gives `inval`, as POSIX says).
#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "api/memory.h"
#include "api/wasm.h"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/fd_table.h"
#include "runtime/wasi/functions.h"
#include "runtime/wasi/path_resolver.h"
#include "runtime/wasi/rights.h"
#include "runtime/wasi/wasi_state.h"

namespace kiln::wasi {
namespace {

// -- WASI constants ----------------------------------------------------------------------


// `fdflags` (u16).
constexpr uint16_t kFdflagAppend = 1 << 0;
constexpr uint16_t kFdflagDsync = 1 << 1;
constexpr uint16_t kFdflagNonblock = 1 << 2;
constexpr uint16_t kFdflagRsync = 1 << 3;
constexpr uint16_t kFdflagSync = 1 << 4;
constexpr uint16_t kFdflagsAll =
    kFdflagAppend | kFdflagDsync | kFdflagNonblock | kFdflagRsync | kFdflagSync;
constexpr uint16_t kFdflagsSyncing = kFdflagDsync | kFdflagRsync | kFdflagSync;

// `fstflags` (u16).
constexpr uint32_t kFstflagAtim = 1 << 0;
constexpr uint32_t kFstflagAtimNow = 1 << 1;
constexpr uint32_t kFstflagMtim = 1 << 2;
constexpr uint32_t kFstflagMtimNow = 1 << 3;
constexpr uint32_t kFstflagsAll = kFstflagAtim | kFstflagAtimNow | kFstflagMtim | kFstflagMtimNow;

// `whence` (u8), preview 1 numbering.
constexpr uint8_t kWhenceSet = 0;
constexpr uint8_t kWhenceCur = 1;
constexpr uint8_t kWhenceEnd = 2;

// `advice` (u8): normal, sequential, random, willneed, dontneed, noreuse.
constexpr int kHostAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                               POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED,   POSIX_FADV_NOREUSE};

// Record sizes in guest memory.
constexpr uint32_t kFdstatSize = 24;
constexpr uint32_t kPrestatSize = 8;
constexpr uint32_t kIovecSize = 8;
constexpr uint32_t kDirentHeaderSize = 24;

constexpr uint64_t kMaxHostOffset = static_cast<uint64_t>(std::numeric_limits<off_t>::max());

// -- Small helpers -----------------------------------------------------------------------

uint32_t ParamU32(const WasiCall& call, size_t i) { return static_cast<uint32_t>(call.stack[i]); }
uint64_t ParamU64(const WasiCall& call, size_t i) { return call.stack[i]; }

void StoreU16(uint8_t* out, uint16_t v) {
  out[0] = static_cast<uint8_t>(v);
  out[1] = static_cast<uint8_t>(v >> 8);
}
void StoreU32(uint8_t* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}
void StoreU64(uint8_t* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
}

// Writable tells whether `size` bytes at `ptr` are inside guest memory, so a function can
// refuse a bad result pointer before it changes anything.
bool Writable(api::Memory& memory, uint32_t ptr, uint32_t size) {
  return memory.Read(ptr, size).has_value();
}

bool IsStdio(const FileEntry& entry) { return entry.host_fd < 0; }
bool IsDirectory(const FileEntry& entry) { return entry.filetype == Filetype::kDirectory; }
bool IsSocket(const FileEntry& entry) {
  return entry.filetype == Filetype::kSocketStream || entry.filetype == Filetype::kSocketDgram;
}
bool OnReadOnlyMount(const FileEntry& entry) {
  return entry.mount != nullptr && entry.mount->read_only;
}

// StdioHostFd is the host descriptor behind a stdio entry's stream, or -1.
int StdioHostFd(const FileEntry& entry) {
  if (entry.reader != nullptr) return entry.reader->HostFd();
  if (entry.writer != nullptr) return entry.writer->HostFd();
  return -1;
}

// HostError is the WASI errno of the last failed host call.
Errno HostError() { return ErrnoFromHost(errno); }

// OpenDirectoryForReading opens the directory of `entry` anew for reading: preopens and
// opened directories may be held as O_PATH descriptors, which cannot list or sync.
int OpenDirectoryForReading(const FileEntry& entry) {
  return openat(entry.host_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

Filetype FiletypeOfDirentType(unsigned char d_type) {
  switch (d_type) {
    case DT_REG: return Filetype::kRegularFile;
    case DT_DIR: return Filetype::kDirectory;
    case DT_LNK: return Filetype::kSymbolicLink;
    case DT_CHR: return Filetype::kCharacterDevice;
    case DT_BLK: return Filetype::kBlockDevice;
    case DT_SOCK: return Filetype::kSocketStream;
    default: return Filetype::kUnknown;
  }
}

// -- Guest buffers -----------------------------------------------------------------------

// GuestBuffers resolves an iovec (or ciovec) array into host spans over guest memory. Empty
// buffers are left out. `fault` for any part outside memory; `inval` when the total length
// does not fit WASI's u32 `size` (what readv/writev say for an overflowing total).
Errno GuestBuffers(api::Memory& memory, uint32_t iovs, uint32_t iovs_len,
                   std::vector<absl::Span<uint8_t>>* out, uint64_t* total) {
  out->clear();
  *total = 0;
  uint64_t array_size = uint64_t{iovs_len} * kIovecSize;
  if (array_size > std::numeric_limits<uint32_t>::max()) return Errno::kFault;
  std::optional<absl::Span<uint8_t>> array = memory.Read(iovs, static_cast<uint32_t>(array_size));
  if (!array.has_value()) return Errno::kFault;
  // Every record is decoded before any data moves, so a read that lands on the array itself
  // cannot change which buffers it fills.
  for (uint32_t i = 0; i < iovs_len; ++i) {
    const uint8_t* record = array->data() + size_t{i} * kIovecSize;
    uint32_t buf = 0;
    uint32_t len = 0;
    for (int b = 0; b < 4; ++b) {
      buf |= uint32_t{record[b]} << (8 * b);
      len |= uint32_t{record[4 + b]} << (8 * b);
    }
    if (len == 0) continue;
    std::optional<absl::Span<uint8_t>> span = memory.Read(buf, len);
    if (!span.has_value()) return Errno::kFault;
    *total += len;
    if (*total > std::numeric_limits<uint32_t>::max()) return Errno::kInval;
    out->push_back(*span);
  }
  return Errno::kSuccess;
}

// Direction tells TransferHost which way data moves.
enum class Direction { kRead, kWrite };

// TransferHost moves data between `buffers` and a host descriptor, at `offset` (or the
// current position when offset < 0), batching by IOV_MAX as the kernel requires. It stops
// at the first short transfer, as one readv would. Sockets are written with MSG_NOSIGNAL, so
// a peer that went away gives `pipe` instead of killing the host with SIGPIPE.
Errno TransferHost(const FileEntry& entry, Direction direction,
                   absl::Span<const absl::Span<uint8_t>> buffers, int64_t offset,
                   uint64_t* transferred) {
  *transferred = 0;
  size_t next = 0;
  while (next < buffers.size()) {
    size_t batch = std::min<size_t>(buffers.size() - next, IOV_MAX);
    std::vector<struct iovec> iov(batch);
    uint64_t wanted = 0;
    for (size_t i = 0; i < batch; ++i) {
      iov[i].iov_base = buffers[next + i].data();
      iov[i].iov_len = buffers[next + i].size();
      wanted += buffers[next + i].size();
    }
    ssize_t n;
    do {
      if (direction == Direction::kRead) {
        n = offset < 0 ? readv(entry.host_fd, iov.data(), static_cast<int>(batch))
                       : preadv(entry.host_fd, iov.data(), static_cast<int>(batch),
                                static_cast<off_t>(offset + static_cast<int64_t>(*transferred)));
      } else if (offset < 0 && IsSocket(entry)) {
        struct msghdr message {};
        message.msg_iov = iov.data();
        message.msg_iovlen = batch;
        n = sendmsg(entry.host_fd, &message, MSG_NOSIGNAL);
      } else {
        n = offset < 0 ? writev(entry.host_fd, iov.data(), static_cast<int>(batch))
                       : pwritev(entry.host_fd, iov.data(), static_cast<int>(batch),
                                 static_cast<off_t>(offset + static_cast<int64_t>(*transferred)));
      }
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      // Data already moved counts: report it, as a short read or write.
      if (*transferred > 0) return Errno::kSuccess;
      return HostError();
    }
    *transferred += static_cast<uint64_t>(n);
    if (static_cast<uint64_t>(n) < wanted) break;
    next += batch;
  }
  return Errno::kSuccess;
}

// ReadStdio reads from a stdio entry's Reader into the first non-empty buffer only: a second
// Read could block on an interactive stream although the guest already has data.
Errno ReadStdio(const FileEntry& entry, absl::Span<const absl::Span<uint8_t>> buffers,
                uint64_t* nread) {
  *nread = 0;
  if (entry.reader == nullptr) return Errno::kBadf;
  if (buffers.empty()) return Errno::kSuccess;
  absl::StatusOr<size_t> n = entry.reader->Read(buffers[0]);
  if (!n.ok()) return Errno::kIo;
  *nread = std::min<uint64_t>(*n, buffers[0].size());
  return Errno::kSuccess;
}

// WriteStdio writes all buffers to a stdio entry's Writer in one Write, so a line the guest
// gathered from several iovecs reaches the stream whole.
Errno WriteStdio(const FileEntry& entry, absl::Span<const absl::Span<uint8_t>> buffers,
                 uint64_t total, uint64_t* nwritten) {
  *nwritten = 0;
  if (entry.writer == nullptr) return Errno::kBadf;
  if (buffers.empty()) return Errno::kSuccess;
  absl::StatusOr<size_t> n;
  if (buffers.size() == 1) {
    n = entry.writer->Write(buffers[0]);
  } else {
    std::vector<uint8_t> joined;
    joined.reserve(total);
    for (absl::Span<uint8_t> buffer : buffers) joined.insert(joined.end(), buffer.begin(), buffer.end());
    n = entry.writer->Write(joined);
  }
  if (!n.ok()) return Errno::kIo;
  *nwritten = std::min<uint64_t>(*n, total);
  return Errno::kSuccess;
}

// -- Shared shape of the read and write functions -----------------------------------------

// ReadOrWrite implements fd_read, fd_pread, fd_write and fd_pwrite. `offset` is < 0 for the
// functions that use (and move) the current position.
Errno ReadOrWrite(WasiCall& call, Direction direction, uint32_t fd, uint32_t iovs,
                  uint32_t iovs_len, int64_t offset, uint32_t result_ptr) {
  WasiState& state = call.state;
  absl::MutexLock lock(&state.mu());
  FileEntry* entry = state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  uint64_t right = direction == Direction::kRead ? rights::kFdRead : rights::kFdWrite;
  if ((entry->rights_base & right) == 0) return Errno::kNotcapable;
  if (IsDirectory(*entry)) return Errno::kIsdir;
  if (offset >= 0 && (IsStdio(*entry) || IsSocket(*entry))) return Errno::kSpipe;
  if (direction == Direction::kWrite && OnReadOnlyMount(*entry)) return Errno::kRofs;

  std::vector<absl::Span<uint8_t>> buffers;
  uint64_t total = 0;
  Errno err = GuestBuffers(call.memory, iovs, iovs_len, &buffers, &total);
  if (err != Errno::kSuccess) return err;
  if (!Writable(call.memory, result_ptr, 4)) return Errno::kFault;

  uint64_t done = 0;
  if (IsStdio(*entry)) {
    err = direction == Direction::kRead ? ReadStdio(*entry, buffers, &done)
                                        : WriteStdio(*entry, buffers, total, &done);
  } else {
    err = TransferHost(*entry, direction, buffers, offset, &done);
  }
  if (err != Errno::kSuccess) return err;
  call.memory.WriteUint32Le(result_ptr, static_cast<uint32_t>(done));
  return Errno::kSuccess;
}

// OffsetFits tells whether a u64 `filesize` offset fits the host's off_t.
bool OffsetFits(uint64_t offset) { return offset <= kMaxHostOffset; }

// -- The functions -----------------------------------------------------------------------

Errno FdAdvise(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint64_t offset = ParamU64(call, 1);
  uint64_t len = ParamU64(call, 2);
  uint32_t advice = ParamU32(call, 3);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  if (advice >= sizeof(kHostAdvice) / sizeof(kHostAdvice[0])) return Errno::kInval;
  if (IsStdio(*entry) || IsDirectory(*entry)) return Errno::kBadf;
  if (!OffsetFits(offset) || !OffsetFits(len)) return Errno::kInval;
  int rc = posix_fadvise(entry->host_fd, static_cast<off_t>(offset), static_cast<off_t>(len),
                         kHostAdvice[advice]);
  return rc == 0 ? Errno::kSuccess : ErrnoFromHost(rc);
}

Errno FdAllocate(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint64_t offset = ParamU64(call, 1);
  uint64_t len = ParamU64(call, 2);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  if (IsStdio(*entry) || IsDirectory(*entry) || IsSocket(*entry)) return Errno::kBadf;
  if (OnReadOnlyMount(*entry)) return Errno::kRofs;
  if (len == 0 || !OffsetFits(offset) || !OffsetFits(len)) return Errno::kInval;
  if (offset > kMaxHostOffset - len) return Errno::kFbig;
  int rc = posix_fallocate(entry->host_fd, static_cast<off_t>(offset), static_cast<off_t>(len));
  return rc == 0 ? Errno::kSuccess : ErrnoFromHost(rc);
}

Errno FdClose(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  absl::MutexLock lock(&call.state.mu());
  return call.state.fds().Remove(fd);
}

// Sync implements fd_sync and fd_datasync.
Errno Sync(WasiCall& call, bool data_only) {
  uint32_t fd = ParamU32(call, 0);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  if (IsStdio(*entry)) return Errno::kBadf;
  int host_fd = entry->host_fd;
  UniqueFd reopened(IsDirectory(*entry) ? OpenDirectoryForReading(*entry) : -1);
  if (IsDirectory(*entry)) {
    if (reopened.get() < 0) return HostError();
    host_fd = reopened.get();
  }
  int rc = data_only ? fdatasync(host_fd) : fsync(host_fd);
  return rc == 0 ? Errno::kSuccess : HostError();
}

Errno FdDatasync(WasiCall& call) { return Sync(call, /*data_only=*/true); }
Errno FdSync(WasiCall& call) { return Sync(call, /*data_only=*/false); }

Errno FdFdstatGet(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint32_t result_ptr = ParamU32(call, 1);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  uint8_t record[kFdstatSize] = {};
  record[0] = static_cast<uint8_t>(entry->filetype);
  StoreU16(record + 2, entry->fdflags);
  StoreU64(record + 8, entry->rights_base);
  StoreU64(record + 16, entry->rights_inheriting);
  return call.memory.Write(result_ptr, record) ? Errno::kSuccess : Errno::kFault;
}

Errno FdFdstatSetFlags(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint32_t flags = ParamU32(call, 1);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  if ((flags & ~uint32_t{kFdflagsAll}) != 0) return Errno::kInval;
  // Linux cannot change O_DSYNC/O_RSYNC/O_SYNC on an open descriptor: asking for a change is
  // invalid (as in wasmtime); repeating the current ones is fine.
  if ((flags & kFdflagsSyncing) != (entry->fdflags & kFdflagsSyncing)) return Errno::kInval;
  if (IsDirectory(*entry)) return Errno::kBadf;
  uint16_t changeable = kFdflagAppend | kFdflagNonblock;
  if (IsStdio(*entry)) {
    // The stream may be the host's own terminal: record the guest's view, never change the
    // host descriptor's flags under the embedder.
    entry->fdflags = static_cast<uint16_t>((entry->fdflags & ~changeable) | (flags & changeable));
    return Errno::kSuccess;
  }
  int host_flags = fcntl(entry->host_fd, F_GETFL);
  if (host_flags < 0) return HostError();
  host_flags &= ~(O_APPEND | O_NONBLOCK);
  if ((flags & kFdflagAppend) != 0) host_flags |= O_APPEND;
  if ((flags & kFdflagNonblock) != 0) host_flags |= O_NONBLOCK;
  if (fcntl(entry->host_fd, F_SETFL, host_flags) != 0) return HostError();
  entry->fdflags = static_cast<uint16_t>((entry->fdflags & ~changeable) | (flags & changeable));
  return Errno::kSuccess;
}

Errno FdFdstatSetRights(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint64_t base = ParamU64(call, 1);
  uint64_t inheriting = ParamU64(call, 2);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  // Rights can only be dropped, never gained back.
  if ((base & ~entry->rights_base) != 0 || (inheriting & ~entry->rights_inheriting) != 0) {
    return Errno::kNotcapable;
  }
  entry->rights_base = base;
  entry->rights_inheriting = inheriting;
  return Errno::kSuccess;
}

Errno FdFilestatGetFn(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint32_t result_ptr = ParamU32(call, 1);
  Filestat stat;
  {
    absl::MutexLock lock(&call.state.mu());
    Errno err = FdFilestatGet(call.state, fd, &stat);
    if (err != Errno::kSuccess) return err;
  }
  return WritePreview1Filestat(call.memory, result_ptr, stat) ? Errno::kSuccess : Errno::kFault;
}

Errno FdFilestatSetSize(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint64_t size = ParamU64(call, 1);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  if (IsDirectory(*entry)) return Errno::kIsdir;
  if (IsStdio(*entry) || IsSocket(*entry)) return Errno::kBadf;
  if (OnReadOnlyMount(*entry)) return Errno::kRofs;
  if (!OffsetFits(size)) return Errno::kFbig;
  int rc;
  do {
    rc = ftruncate(entry->host_fd, static_cast<off_t>(size));
  } while (rc != 0 && errno == EINTR);
  return rc == 0 ? Errno::kSuccess : HostError();
}

// HostTimespec turns one timestamp of fd_filestat_set_times into what utimensat takes.
struct timespec HostTimespec(uint64_t nanoseconds, bool set, bool now) {
  struct timespec ts {};
  if (set) {
    ts.tv_sec = static_cast<time_t>(nanoseconds / 1000000000u);
    ts.tv_nsec = static_cast<long>(nanoseconds % 1000000000u);
  } else {
    ts.tv_nsec = now ? UTIME_NOW : UTIME_OMIT;
  }
  return ts;
}

// SetTimesOnHostFd sets the times of whatever `host_fd` refers to. futimens needs a
// descriptor opened for reading or writing; directories held as O_PATH descriptors are
// reached with AT_EMPTY_PATH, or through /proc on kernels without it.
int SetTimesOnHostFd(int host_fd, const struct timespec times[2]) {
  if (futimens(host_fd, times) == 0) return 0;
  if (errno != EBADF) return -1;
  if (utimensat(host_fd, "", times, AT_EMPTY_PATH) == 0) return 0;
  std::string proc_path = absl::StrCat("/proc/self/fd/", host_fd);
  if (utimensat(AT_FDCWD, proc_path.c_str(), times, 0) == 0) return 0;
  errno = EBADF;
  return -1;
}

Errno FdFilestatSetTimes(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint64_t atim = ParamU64(call, 1);
  uint64_t mtim = ParamU64(call, 2);
  uint32_t fst_flags = ParamU32(call, 3);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  if ((fst_flags & ~kFstflagsAll) != 0) return Errno::kInval;
  // A time cannot be both given and "now".
  if ((fst_flags & kFstflagAtim) != 0 && (fst_flags & kFstflagAtimNow) != 0) return Errno::kInval;
  if ((fst_flags & kFstflagMtim) != 0 && (fst_flags & kFstflagMtimNow) != 0) return Errno::kInval;
  if (IsStdio(*entry)) return Errno::kBadf;
  if (OnReadOnlyMount(*entry)) return Errno::kRofs;
  struct timespec times[2] = {
      HostTimespec(atim, (fst_flags & kFstflagAtim) != 0, (fst_flags & kFstflagAtimNow) != 0),
      HostTimespec(mtim, (fst_flags & kFstflagMtim) != 0, (fst_flags & kFstflagMtimNow) != 0),
  };
  return SetTimesOnHostFd(entry->host_fd, times) == 0 ? Errno::kSuccess : HostError();
}

Errno FdPread(WasiCall& call) {
  uint64_t offset = ParamU64(call, 3);
  if (!OffsetFits(offset)) return Errno::kInval;
  return ReadOrWrite(call, Direction::kRead, ParamU32(call, 0), ParamU32(call, 1),
                     ParamU32(call, 2), static_cast<int64_t>(offset), ParamU32(call, 4));
}

Errno FdPwrite(WasiCall& call) {
  uint64_t offset = ParamU64(call, 3);
  if (!OffsetFits(offset)) return Errno::kInval;
  return ReadOrWrite(call, Direction::kWrite, ParamU32(call, 0), ParamU32(call, 1),
                     ParamU32(call, 2), static_cast<int64_t>(offset), ParamU32(call, 4));
}

Errno FdRead(WasiCall& call) {
  return ReadOrWrite(call, Direction::kRead, ParamU32(call, 0), ParamU32(call, 1),
                     ParamU32(call, 2), /*offset=*/-1, ParamU32(call, 3));
}

Errno FdWrite(WasiCall& call) {
  return ReadOrWrite(call, Direction::kWrite, ParamU32(call, 0), ParamU32(call, 1),
                     ParamU32(call, 2), /*offset=*/-1, ParamU32(call, 3));
}

// PreopenDirectory returns `fd` when it is a preopened directory (fd_prestat_* describe only
// those), else nullptr.
const FileEntry* PreopenDirectory(WasiState& state, uint32_t fd)
    ABSL_EXCLUSIVE_LOCKS_REQUIRED(state.mu()) {
  const FileEntry* entry = state.fds().Get(fd);
  if (entry == nullptr || !entry->is_preopen || !IsDirectory(*entry) || entry->mount == nullptr) {
    return nullptr;
  }
  return entry;
}

Errno FdPrestatGet(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint32_t result_ptr = ParamU32(call, 1);
  absl::MutexLock lock(&call.state.mu());
  const FileEntry* entry = PreopenDirectory(call.state, fd);
  if (entry == nullptr) return Errno::kBadf;
  uint8_t record[kPrestatSize] = {};
  record[0] = 0;  // preopentype dir
  StoreU32(record + 4, static_cast<uint32_t>(entry->mount->guest_path.size()));
  return call.memory.Write(result_ptr, record) ? Errno::kSuccess : Errno::kFault;
}

Errno FdPrestatDirName(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint32_t path_ptr = ParamU32(call, 1);
  uint32_t path_len = ParamU32(call, 2);
  absl::MutexLock lock(&call.state.mu());
  const FileEntry* entry = PreopenDirectory(call.state, fd);
  if (entry == nullptr) return Errno::kBadf;
  const std::string& name = entry->mount->guest_path;
  if (name.size() > path_len) return Errno::kNametoolong;
  return call.memory.WriteString(path_ptr, name) ? Errno::kSuccess : Errno::kFault;
}

// LoadDirectoryEntries lists the directory of `entry` into entry->dir_entries: "." and ".."
// first (as wasmtime lists them), then the host's entries in the host's order. At a mount's
// root ".." describes the root itself: the guest never sees what lies above its mount.
Errno LoadDirectoryEntries(FileEntry* entry) {
  struct stat self {};
  if (fstat(entry->host_fd, &self) != 0) return HostError();
  struct stat parent = self;
  if (!entry->path_in_mount.empty() && fstatat(entry->host_fd, "..", &parent, 0) != 0) {
    parent = self;
  }
  std::vector<FileEntry::DirEntry> entries;
  entries.push_back({static_cast<uint64_t>(self.st_ino), Filetype::kDirectory, "."});
  entries.push_back({static_cast<uint64_t>(parent.st_ino), Filetype::kDirectory, ".."});

  int dir_fd = OpenDirectoryForReading(*entry);
  if (dir_fd < 0) return HostError();
  DIR* dir = fdopendir(dir_fd);
  if (dir == nullptr) {
    Errno err = HostError();
    close(dir_fd);
    return err;
  }
  errno = 0;
  while (struct dirent* host_entry = readdir(dir)) {
    absl::string_view name = host_entry->d_name;
    if (name == "." || name == "..") continue;
    // Each entry is stat'ed (without following symlinks) so its inode is the one
    // fd_filestat_get and path_filestat_get report: on union file systems d_ino can differ
    // from st_ino, and some file systems leave d_type unknown. An entry that vanished since
    // readdir keeps what readdir said.
    uint64_t inode = static_cast<uint64_t>(host_entry->d_ino);
    Filetype type = FiletypeOfDirentType(host_entry->d_type);
    struct stat st {};
    if (fstatat(dirfd(dir), host_entry->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
      inode = static_cast<uint64_t>(st.st_ino);
      type = FiletypeOfMode(st.st_mode);
    }
    entries.push_back({inode, type, std::string(name)});
    errno = 0;
  }
  Errno err = errno == 0 ? Errno::kSuccess : HostError();
  closedir(dir);
  if (err != Errno::kSuccess) return err;
  entry->dir_entries = std::move(entries);
  entry->dir_entries_loaded = true;
  return Errno::kSuccess;
}

Errno FdReaddir(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint32_t buf = ParamU32(call, 1);
  uint32_t buf_len = ParamU32(call, 2);
  uint64_t cookie = ParamU64(call, 3);
  uint32_t result_ptr = ParamU32(call, 4);
  absl::MutexLock lock(&call.state.mu());
  FileEntry* entry = call.state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  if (!IsDirectory(*entry) || IsStdio(*entry)) return Errno::kNotdir;
  if ((entry->rights_base & rights::kFdReaddir) == 0) return Errno::kNotcapable;
  std::optional<absl::Span<uint8_t>> out = call.memory.Read(buf, buf_len);
  if (!out.has_value()) return Errno::kFault;
  if (!Writable(call.memory, result_ptr, 4)) return Errno::kFault;

  // Cookie n means "after the first n entries"; reading from the start lists anew.
  if (cookie == 0 || !entry->dir_entries_loaded) {
    Errno err = LoadDirectoryEntries(entry);
    if (err != Errno::kSuccess) return err;
  }
  // The entries form one byte stream; the buffer gets as much of it as fits, the last entry
  // possibly cut short (bufused == buf_len tells the guest there may be more).
  size_t used = 0;
  for (uint64_t i = cookie; i < entry->dir_entries.size() && used < buf_len; ++i) {
    const FileEntry::DirEntry& dir_entry = entry->dir_entries[i];
    uint8_t header[kDirentHeaderSize] = {};
    StoreU64(header + 0, i + 1);
    StoreU64(header + 8, dir_entry.inode);
    StoreU32(header + 16, static_cast<uint32_t>(dir_entry.name.size()));
    header[20] = static_cast<uint8_t>(dir_entry.filetype);
    size_t n = std::min<size_t>(kDirentHeaderSize, buf_len - used);
    std::memcpy(out->data() + used, header, n);
    used += n;
    n = std::min<size_t>(dir_entry.name.size(), buf_len - used);
    std::memcpy(out->data() + used, dir_entry.name.data(), n);
    used += n;
  }
  call.memory.WriteUint32Le(result_ptr, static_cast<uint32_t>(used));
  return Errno::kSuccess;
}

Errno FdRenumber(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint32_t to = ParamU32(call, 1);
  absl::MutexLock lock(&call.state.mu());
  return call.state.fds().Renumber(fd, to);
}

Errno FdSeekFn(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  int64_t offset = static_cast<int64_t>(ParamU64(call, 1));
  uint32_t whence = ParamU32(call, 2);
  uint32_t result_ptr = ParamU32(call, 3);
  if (!Writable(call.memory, result_ptr, 8)) return Errno::kFault;
  if (whence > 0xff) return Errno::kInval;
  uint64_t new_offset = 0;
  {
    absl::MutexLock lock(&call.state.mu());
    Errno err = FdSeek(call.state, fd, offset, static_cast<uint8_t>(whence), &new_offset);
    if (err != Errno::kSuccess) return err;
  }
  call.memory.WriteUint64Le(result_ptr, new_offset);
  return Errno::kSuccess;
}

Errno FdTell(WasiCall& call) {
  uint32_t fd = ParamU32(call, 0);
  uint32_t result_ptr = ParamU32(call, 1);
  if (!Writable(call.memory, result_ptr, 8)) return Errno::kFault;
  uint64_t offset = 0;
  {
    absl::MutexLock lock(&call.state.mu());
    Errno err = FdSeek(call.state, fd, 0, kWhenceCur, &offset);
    if (err != Errno::kSuccess) return err;
  }
  call.memory.WriteUint64Le(result_ptr, offset);
  return Errno::kSuccess;
}

FunctionDef Def(std::string name, std::vector<api::ValueType> params,
                std::vector<std::string> param_names, WasiFn fn) {
  FunctionDef def;
  def.name = std::move(name);
  def.params = std::move(params);
  def.param_names = std::move(param_names);
  def.fn = fn;
  return def;
}

}  // namespace

// -- Typed operations shared with snapshot 0 ----------------------------------------------

Errno FdFilestatGet(WasiState& state, uint32_t fd, Filestat* out) {
  state.mu().AssertHeld();
  const FileEntry* entry = state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  *out = Filestat{};
  if (IsStdio(*entry)) {
    // A stream without a host descriptor has nothing to report but its type.
    int host_fd = StdioHostFd(*entry);
    struct stat st {};
    if (host_fd >= 0 && fstat(host_fd, &st) == 0) *out = FilestatOf(st);
    out->filetype = entry->filetype;
    return Errno::kSuccess;
  }
  struct stat st {};
  if (fstat(entry->host_fd, &st) != 0) return HostError();
  *out = FilestatOf(st);
  // The host cannot tell a datagram socket from a stream one by its mode.
  if (IsSocket(*entry)) out->filetype = entry->filetype;
  return Errno::kSuccess;
}

Errno FdSeek(WasiState& state, uint32_t fd, int64_t offset, uint8_t whence, uint64_t* new_offset) {
  state.mu().AssertHeld();
  const FileEntry* entry = state.fds().Get(fd);
  if (entry == nullptr) return Errno::kBadf;
  int host_whence;
  switch (whence) {
    case kWhenceSet: host_whence = SEEK_SET; break;
    case kWhenceCur: host_whence = SEEK_CUR; break;
    case kWhenceEnd: host_whence = SEEK_END; break;
    default: return Errno::kInval;
  }
  if (IsStdio(*entry) || IsSocket(*entry)) return Errno::kSpipe;
  // lseek succeeds on a Linux directory, but a WASI directory has no position.
  if (IsDirectory(*entry)) return Errno::kBadf;
  off_t result = lseek(entry->host_fd, static_cast<off_t>(offset), host_whence);
  if (result < 0) return HostError();
  *new_offset = static_cast<uint64_t>(result);
  return Errno::kSuccess;
}

// -- The fd_* group ------------------------------------------------------------------------

std::vector<FunctionDef> FdFunctions() {
  constexpr api::ValueType i32 = api::kValueTypeI32;
  constexpr api::ValueType i64 = api::kValueTypeI64;
  std::vector<FunctionDef> defs;
  defs.push_back(Def("fd_advise", {i32, i64, i64, i32}, {"fd", "offset", "len", "advice"},
                     FdAdvise));
  defs.push_back(Def("fd_allocate", {i32, i64, i64}, {"fd", "offset", "len"}, FdAllocate));
  defs.push_back(Def("fd_close", {i32}, {"fd"}, FdClose));
  defs.push_back(Def("fd_datasync", {i32}, {"fd"}, FdDatasync));
  defs.push_back(Def("fd_fdstat_get", {i32, i32}, {"fd", "result.stat"}, FdFdstatGet));
  defs.push_back(Def("fd_fdstat_set_flags", {i32, i32}, {"fd", "flags"}, FdFdstatSetFlags));
  defs.push_back(Def("fd_fdstat_set_rights", {i32, i64, i64},
                     {"fd", "fs_rights_base", "fs_rights_inheriting"}, FdFdstatSetRights));
  defs.push_back(Def("fd_filestat_get", {i32, i32}, {"fd", "result.buf"}, FdFilestatGetFn));
  defs.push_back(Def("fd_filestat_set_size", {i32, i64}, {"fd", "size"}, FdFilestatSetSize));
  defs.push_back(Def("fd_filestat_set_times", {i32, i64, i64, i32},
                     {"fd", "atim", "mtim", "fst_flags"}, FdFilestatSetTimes));
  defs.push_back(Def("fd_pread", {i32, i32, i32, i64, i32},
                     {"fd", "iovs", "iovs_len", "offset", "result.nread"}, FdPread));
  defs.push_back(Def("fd_prestat_get", {i32, i32}, {"fd", "result.prestat"}, FdPrestatGet));
  defs.push_back(Def("fd_prestat_dir_name", {i32, i32, i32}, {"fd", "path", "path_len"},
                     FdPrestatDirName));
  defs.push_back(Def("fd_pwrite", {i32, i32, i32, i64, i32},
                     {"fd", "iovs", "iovs_len", "offset", "result.nwritten"}, FdPwrite));
  defs.push_back(Def("fd_read", {i32, i32, i32, i32}, {"fd", "iovs", "iovs_len", "result.nread"},
                     FdRead));
  defs.push_back(Def("fd_readdir", {i32, i32, i32, i64, i32},
                     {"fd", "buf", "buf_len", "cookie", "result.bufused"}, FdReaddir));
  defs.push_back(Def("fd_renumber", {i32, i32}, {"fd", "to"}, FdRenumber));
  defs.push_back(Def("fd_seek", {i32, i64, i32, i32},
                     {"fd", "offset", "whence", "result.newoffset"}, FdSeekFn));
  defs.push_back(Def("fd_sync", {i32}, {"fd"}, FdSync));
  defs.push_back(Def("fd_tell", {i32, i32}, {"fd", "result.offset"}, FdTell));
  defs.push_back(Def("fd_write", {i32, i32, i32, i32},
                     {"fd", "iovs", "iovs_len", "result.nwritten"}, FdWrite));
  return defs;
}

}  // namespace kiln::wasi
