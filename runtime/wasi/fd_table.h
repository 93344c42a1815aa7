// The file descriptors one WASI instance sees: stdio (0, 1, 2, backed by the ModuleConfig's
// Reader and Writers), then its preopens (FSConfig mounts in order, then preopened sockets),
// then whatever the guest opens, always at the lowest free number (as POSIX does).
//
// Every open file or directory below a mount remembers that mount and its own path relative
// to the mount's root. Path resolution (path_resolver.h) works on those relative paths, so
// `..` and symlinks are resolved by kiln, within the mount, never by the host's kernel
// walking out of it.
#ifndef KILN_RUNTIME_WASI_FD_TABLE_H_
#define KILN_RUNTIME_WASI_FD_TABLE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/io.h"
#include "runtime/wasi/errno.h"

namespace kiln::wasi {

// Filetype is WASI's `filetype` (u8).
enum class Filetype : uint8_t {
  kUnknown = 0,
  kBlockDevice = 1,
  kCharacterDevice = 2,
  kDirectory = 3,
  kRegularFile = 4,
  kSocketDgram = 5,
  kSocketStream = 6,
  kSymbolicLink = 7,
};

// Mount is one FSConfig mount as the instance holds it open.
struct Mount {
  Mount(int root_fd, std::string guest_path, bool read_only)
      : root_fd(root_fd), guest_path(std::move(guest_path)), read_only(read_only) {}
  ~Mount();  // closes root_fd
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;

  int root_fd;             // O_PATH|O_DIRECTORY descriptor of the host directory
  std::string guest_path;  // the preopen's name, as fd_prestat_dir_name reports it
  bool read_only;
};

// FileEntry is what one WASI fd refers to.
struct FileEntry {
  FileEntry() = default;
  ~FileEntry();  // closes host_fd when owns_host_fd
  FileEntry(const FileEntry&) = delete;
  FileEntry& operator=(const FileEntry&) = delete;

  Filetype filetype = Filetype::kUnknown;
  // The host descriptor (a file, directory or socket), or -1 for stdio backed by a stream.
  int host_fd = -1;
  bool owns_host_fd = true;
  // Stdio: the streams of the ModuleConfig (reader for fd 0, writer for 1 and 2).
  std::shared_ptr<Reader> reader;
  std::shared_ptr<Writer> writer;

  // Rights (WASI `rights`, u64 bit sets) and fd flags (`fdflags`, u16: append, dsync,
  // nonblock, rsync, sync).
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  uint16_t fdflags = 0;

  // Files and directories below a mount: the mount and the canonical path of this entry
  // relative to the mount's root ("" for the root itself; components joined by '/', never
  // "." or ".." and no symlinks).
  std::shared_ptr<Mount> mount;
  std::string path_in_mount;
  // A preopen (mount root or preopened socket): fd_prestat_get reports it, and it cannot be
  // renumbered over by accident (fd_renumber onto it is allowed, as in wasmtime).
  bool is_preopen = false;
  // Opened with path_open's oflags DIRECTORY/ for reading only etc.: what path_open asked.
  bool readable = false;
  bool writable = false;

  // Directory reading state for fd_readdir: entries read so far (cookie n = after entry n).
  // Refilled when a read starts again at cookie 0.
  struct DirEntry {
    uint64_t inode = 0;
    Filetype filetype = Filetype::kUnknown;
    std::string name;
  };
  std::vector<DirEntry> dir_entries;
  bool dir_entries_loaded = false;
};

// FdTable maps WASI fd numbers to entries. Not thread-safe by itself: WasiState locks it.
class FdTable {
 public:
  // Get returns the entry of `fd`, or nullptr (the caller reports `badf`).
  FileEntry* Get(uint32_t fd) const;

  // Insert puts `entry` at the lowest free fd and returns that number, or `nfile` when the
  // table holds kMaxFds entries.
  Errno Insert(std::unique_ptr<FileEntry> entry, uint32_t* fd);

  // InsertAt puts `entry` at `fd`, replacing (and closing) whatever was there.
  void InsertAt(uint32_t fd, std::unique_ptr<FileEntry> entry);

  // Remove closes `fd`: `badf` when it is not open.
  Errno Remove(uint32_t fd);

  // Renumber moves `from` onto `to` (closing what `to` held): `badf` if either is not open.
  Errno Renumber(uint32_t from, uint32_t to);

  static constexpr uint32_t kMaxFds = 1 << 16;

 private:
  std::map<uint32_t, std::unique_ptr<FileEntry>> entries_;
};

}  // namespace kiln::wasi

#endif  // KILN_RUNTIME_WASI_FD_TABLE_H_
