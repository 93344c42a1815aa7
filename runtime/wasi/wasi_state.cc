// Creating an instance's WASI state: the stdio entries, one preopen per mount, the preopened
// sockets; and finding the calling instance's state.
#include "runtime/wasi/wasi_state.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/embedding/instance_config.h"
#include "runtime/wasi/rights.h"

namespace kiln::wasi {
namespace {

// The rights sets preopens get (the bits are in rights.h).
namespace right_sets {
using namespace ::kiln::wasi::rights;  // NOLINT: the bits the sets are made of
// A preopened directory gets the set wasmtime reports (what wasi-libc and Rust's std expect
// to find); files opened below it may inherit the wider set.
constexpr uint64_t kPreopenDirBase =
    kPathCreateDirectory | kPathCreateFile | kPathLinkSource | kPathLinkTarget | kPathOpen |
    kFdReaddir | kPathReadlink | kPathRenameSource | kPathRenameTarget | kPathSymlink |
    kPathRemoveDirectory | kPathUnlinkFile | kPathFilestatGet | kPathFilestatSetTimes |
    kFdFilestatGet | kFdFilestatSetTimes;
constexpr uint64_t kPreopenDirInheriting =
    kPreopenDirBase | kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell |
    kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatSetSize | kPollFdReadwrite;

// A preopened socket can be read, written, polled, shut down and accepted on.
constexpr uint64_t kSocket = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                             kPollFdReadwrite | kSockShutdown | kSockAccept;
}  // namespace right_sets

// StdioFiletype is what the guest is told its stdio stream is. As in wasmtime, a terminal is
// a character device and a pipe is `unknown`; kiln also tells regular files, sockets and
// other character devices (/dev/null) for what they are. A stream that is not a host
// descriptor (a StringWriter, the default empty stdin) is reported like a pipe.
Filetype StdioFiletype(int host_fd) {
  if (host_fd < 0) return Filetype::kUnknown;
  if (isatty(host_fd)) return Filetype::kCharacterDevice;
  struct stat st;
  if (fstat(host_fd, &st) != 0) return Filetype::kUnknown;
  if (S_ISREG(st.st_mode)) return Filetype::kRegularFile;
  if (S_ISCHR(st.st_mode)) return Filetype::kCharacterDevice;
  if (S_ISBLK(st.st_mode)) return Filetype::kBlockDevice;
  if (S_ISSOCK(st.st_mode)) return Filetype::kSocketStream;
  return Filetype::kUnknown;
}

std::unique_ptr<FileEntry> StdinEntry(const std::shared_ptr<Reader>& reader) {
  auto entry = std::make_unique<FileEntry>();
  entry->filetype = StdioFiletype(reader->HostFd());
  entry->owns_host_fd = false;
  entry->reader = reader;
  // wasmtime's stdio rights: reading only, so wasi-libc's isatty (a character device without
  // seek or tell rights) answers yes exactly for terminals.
  entry->rights_base = rights::kFdRead;
  entry->rights_inheriting = rights::kFdRead;
  entry->readable = true;
  return entry;
}

std::unique_ptr<FileEntry> StdoutEntry(const std::shared_ptr<Writer>& writer) {
  auto entry = std::make_unique<FileEntry>();
  entry->filetype = StdioFiletype(writer->HostFd());
  entry->owns_host_fd = false;
  entry->writer = writer;
  entry->rights_base = rights::kFdWrite;
  entry->rights_inheriting = rights::kFdWrite;
  entry->writable = true;
  return entry;
}

// OpenDirectory opens `path` for reading its entries, or at least as a path when the host
// directory is searchable but not readable. Returns -1 with errno set.
int OpenDirectory(int dirfd, const char* path) {
  int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == EACCES) fd = openat(dirfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd;
}

absl::StatusOr<std::unique_ptr<FileEntry>> PreopenEntry(const FSConfig::DirMount& dir_mount) {
  int root_fd = OpenDirectory(AT_FDCWD, dir_mount.host_dir.c_str());
  if (root_fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open mount directory ", dir_mount.host_dir, ": ", std::strerror(errno)));
  }
  std::string guest_path = dir_mount.guest_path.empty() ? "/" : dir_mount.guest_path;
  auto mount = std::make_shared<Mount>(root_fd, std::move(guest_path), dir_mount.read_only);
  // The entry has its own open file description, so reading its directory entries does not
  // move anything the mount's root descriptor is used for.
  int entry_fd = OpenDirectory(root_fd, ".");
  if (entry_fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot open mount directory ", dir_mount.host_dir, ": ", std::strerror(errno)));
  }
  auto entry = std::make_unique<FileEntry>();
  entry->filetype = Filetype::kDirectory;
  entry->host_fd = entry_fd;
  entry->rights_base = right_sets::kPreopenDirBase;
  entry->rights_inheriting = right_sets::kPreopenDirInheriting;
  entry->mount = std::move(mount);
  entry->path_in_mount = "";
  entry->is_preopen = true;
  entry->readable = true;
  entry->writable = !dir_mount.read_only;
  return entry;
}

absl::StatusOr<std::unique_ptr<FileEntry>> SocketEntry(int host_fd) {
  int fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot duplicate preopened socket ", host_fd, ": ", std::strerror(errno)));
  }
  auto entry = std::make_unique<FileEntry>();
  entry->host_fd = fd;
  int type = 0;
  socklen_t type_size = sizeof(type);
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_size) == 0) {
    entry->filetype = type == SOCK_DGRAM ? Filetype::kSocketDgram : Filetype::kSocketStream;
  } else {
    entry->filetype = Filetype::kUnknown;  // not a socket after all: sock_* report notsock
  }
  entry->rights_base = right_sets::kSocket;
  entry->rights_inheriting = right_sets::kSocket;
  entry->is_preopen = true;
  entry->readable = true;
  entry->writable = true;
  return entry;
}

// kStateKey identifies WASI's state among the host modules' per-instance states.
const char kStateKey = 0;

}  // namespace

absl::StatusOr<std::shared_ptr<WasiState>> WasiState::Create(
    std::shared_ptr<const ModuleConfig> config) {
  std::shared_ptr<WasiState> state(new WasiState(std::move(config)));
  const ModuleConfig& c = *state->config_;
  absl::MutexLock lock(&state->mu_);
  FdTable& fds = state->fds_;
  fds.InsertAt(0, StdinEntry(c.stdin_reader()));
  fds.InsertAt(1, StdoutEntry(c.stdout_writer()));
  fds.InsertAt(2, StdoutEntry(c.stderr_writer()));
  uint32_t next_fd = 3;
  for (const FSConfig::DirMount& dir_mount : c.fs_config().mounts()) {
    absl::StatusOr<std::unique_ptr<FileEntry>> entry = PreopenEntry(dir_mount);
    if (!entry.ok()) return entry.status();
    fds.InsertAt(next_fd++, *std::move(entry));
  }
  for (int socket_fd : c.preopened_sockets()) {
    absl::StatusOr<std::unique_ptr<FileEntry>> entry = SocketEntry(socket_fd);
    if (!entry.ok()) return entry.status();
    fds.InsertAt(next_fd++, *std::move(entry));
  }
  return state;
}

std::shared_ptr<WasiState> StateOf(api::Module& caller) {
  // Every WASI call comes here: once the state exists, one registry lookup finds it.
  std::shared_ptr<void> existing =
      embedding::InstanceStateOf(caller, &kStateKey, [] { return std::shared_ptr<void>(); });
  if (existing != nullptr) return std::static_pointer_cast<WasiState>(existing);
  // Read the config first: InstanceStateOf's `make` runs under the registry lock and must not
  // call back into the registry.
  std::shared_ptr<const ModuleConfig> config = embedding::InstanceConfigOf(caller);
  if (config == nullptr) return nullptr;
  std::shared_ptr<void> state = embedding::InstanceStateOf(caller, &kStateKey, [&] {
    absl::StatusOr<std::shared_ptr<WasiState>> created = WasiState::Create(config);
    // A failure leaves no state, so the next call tries again (and fails the same way).
    return created.ok() ? std::shared_ptr<void>(*std::move(created)) : nullptr;
  });
  return std::static_pointer_cast<WasiState>(state);
}

}  // namespace kiln::wasi
