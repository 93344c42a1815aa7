// Path resolution inside a mount: kiln walks the components itself (see path_resolver.h).
#include "runtime/wasi/path_resolver.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <vector>

#include "absl/strings/str_split.h"

namespace kiln::wasi {

void UniqueFd::Reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

std::string ResolvedPath::PathInMount() const {
  if (name == ".") return parent_path;
  if (parent_path.empty()) return name;
  return parent_path + "/" + name;
}

namespace {

// Walk is the directory the resolution is at: its canonical path below the mount root as a
// stack of names, each with a descriptor (the base directory's borrowed one, or one opened
// by the walk; levels below the base are opened only if ever needed).
class Walk {
 public:
  explicit Walk(int root_fd) : root_fd_(root_fd) {}

  size_t depth() const { return levels_.size(); }

  // EnterBase descends into the base directory's path (already canonical); `base_fd`, when not
  // -1, is the base directory itself, borrowed from its FileEntry.
  void EnterBase(absl::string_view base_path_in_mount, int base_fd) {
    for (absl::string_view name : absl::StrSplit(base_path_in_mount, '/', absl::SkipEmpty())) {
      levels_.emplace_back();
      levels_.back().name = std::string(name);
    }
    if (!levels_.empty()) levels_.back().fd = base_fd;
  }

  // Enter descends into the directory `name` of the current one: `notdir` when it is not a
  // directory (a symlink included, which callers have expanded before).
  Errno Enter(const std::string& name) {
    int parent = -1;
    KILN_WASI_RETURN_IF_ERRNO(Current(&parent));
    int fd = openat(parent, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return ErrnoFromHost(errno);
    levels_.emplace_back();
    levels_.back().name = name;
    levels_.back().owned = UniqueFd(fd);
    levels_.back().fd = fd;
    return Errno::kSuccess;
  }

  void Leave() { levels_.pop_back(); }

  void LeaveToRoot() { levels_.clear(); }

  // Current returns a descriptor of the current directory (owned by the walk or borrowed).
  Errno Current(int* fd) {
    if (levels_.empty()) {
      *fd = root_fd_;
      return Errno::kSuccess;
    }
    Level& top = levels_.back();
    if (top.fd < 0) {
      int opened = OpenBeneath(root_fd_, Path(), O_PATH | O_DIRECTORY);
      if (opened < 0) return ErrnoFromHost(errno);
      top.owned = UniqueFd(opened);
      top.fd = opened;
    }
    *fd = top.fd;
    return Errno::kSuccess;
  }

  // TakeCurrent hands the current directory to `out` as the parent of the final component
  // (moving the descriptor when the walk owns it).
  Errno TakeCurrent(ResolvedPath* out) {
    int fd = -1;
    KILN_WASI_RETURN_IF_ERRNO(Current(&fd));
    if (!levels_.empty()) out->parent_owned = std::move(levels_.back().owned);
    out->parent_fd = fd;
    out->parent_path = Path();
    return Errno::kSuccess;
  }

  std::string Path() const {
    std::string path;
    for (const Level& level : levels_) {
      if (!path.empty()) path += '/';
      path += level.name;
    }
    return path;
  }

 private:
  struct Level {
    std::string name;
    int fd = -1;
    UniqueFd owned;
  };

  int root_fd_;
  std::vector<Level> levels_;
};

// PrependComponents puts the components of `path` in front of `pending`, in order.
void PrependComponents(absl::string_view path, std::deque<std::string>* pending) {
  std::vector<std::string> components = absl::StrSplit(path, '/', absl::SkipEmpty());
  pending->insert(pending->begin(), components.begin(), components.end());
}

}  // namespace

int OpenBeneathByComponents(int root_fd, absl::string_view relative_path, int flags) {
  std::vector<std::string> components =
      absl::StrSplit(relative_path, '/', absl::SkipEmpty());
  if (components.empty()) return openat(root_fd, ".", flags | O_CLOEXEC);
  UniqueFd current;
  int dir_fd = root_fd;
  for (size_t i = 0; i < components.size(); ++i) {
    if (components[i] == "..") {
      errno = EXDEV;
      return -1;
    }
    if (i + 1 == components.size()) break;
    int next = openat(dir_fd, components[i].c_str(),
                      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) return -1;
    current = UniqueFd(next);
    dir_fd = next;
  }
  int fd = openat(dir_fd, components.back().c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
  // O_PATH | O_NOFOLLOW opens a final symlink itself; refuse it as RESOLVE_NO_SYMLINKS does.
  struct stat st;
  if (fd >= 0 && (flags & O_PATH) && fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
    close(fd);
    errno = ELOOP;
    return -1;
  }
  return fd;
}

bool ReadLinkAt(int dir_fd, const std::string& name, std::string* target) {
  std::string buffer(256, '\0');
  while (true) {
    ssize_t n = readlinkat(dir_fd, name.c_str(), buffer.data(), buffer.size());
    if (n < 0) return false;
    if (static_cast<size_t>(n) < buffer.size()) {
      buffer.resize(static_cast<size_t>(n));
      *target = std::move(buffer);
      return true;
    }
    buffer.resize(buffer.size() * 2);  // possibly cut short: read again with more room
  }
}

int OpenBeneath(int root_fd, absl::string_view relative_path, int flags) {
  std::string path = relative_path.empty() ? "." : std::string(relative_path);
  struct open_how how = {};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  long fd = syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof(how));
  if (fd >= 0) return static_cast<int>(fd);
  if (errno != ENOSYS) return -1;
  return OpenBeneathByComponents(root_fd, relative_path, flags);
}

namespace {

// ResolveFrom resolves from the base directory at `base_path_in_mount` (whose descriptor is
// `base_fd`, or -1 to open it from the mount root).
Errno ResolveFrom(const std::shared_ptr<Mount>& mount, absl::string_view base_path_in_mount,
                  int base_fd, absl::string_view guest_path, bool follow_final,
                  ResolvedPath* out) {
  if (guest_path.empty()) return Errno::kNoent;
  if (guest_path.find('\0') != absl::string_view::npos) return Errno::kInval;
  if (guest_path.front() == '/') return Errno::kPerm;

  Walk walk(mount->root_fd);
  walk.EnterBase(base_path_in_mount, base_fd);
  // ".." may not go above `floor`: the base directory, or the mount root once an absolute
  // symlink has moved the walk there.
  size_t floor = walk.depth();

  std::deque<std::string> pending;
  PrependComponents(guest_path, &pending);
  bool dir_required = HasTrailingSlash(guest_path);
  bool ends_in_dot = false;
  int expansions = 0;
  std::string final_name;

  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    bool last = pending.empty();
    ends_in_dot = false;
    if (name == ".") {
      ends_in_dot = last;
      continue;
    }
    if (name == "..") {
      if (walk.depth() <= floor) return Errno::kPerm;
      walk.Leave();
      ends_in_dot = last;
      continue;
    }
    // POSIX follows a final symlink that a trailing slash makes a directory lookup only when
    // asked to; kiln leaves that decision to the operation (follow_final).
    if (last && !follow_final) {
      final_name = std::move(name);
      break;
    }
    int dir_fd = -1;
    KILN_WASI_RETURN_IF_ERRNO(walk.Current(&dir_fd));
    std::string target;
    if (ReadLinkAt(dir_fd, name, &target)) {
      if (++expansions > kMaxSymlinkExpansions) return Errno::kLoop;
      if (target.empty()) return Errno::kNoent;
      if (target.front() == '/') {
        walk.LeaveToRoot();
        floor = 0;
      }
      if (last && HasTrailingSlash(target)) dir_required = true;
      PrependComponents(target, &pending);
      // A target of only "/" (or "/." ...) leaves the walk at the directory it names.
      if (pending.empty()) ends_in_dot = true;
      continue;
    }
    if (errno == EINVAL || errno == ENOENT) {  // not a symlink, or nothing there yet
      if (last) {
        final_name = std::move(name);
        break;
      }
      if (errno == ENOENT) return Errno::kNoent;
      KILN_WASI_RETURN_IF_ERRNO(walk.Enter(name));
      continue;
    }
    return ErrnoFromHost(errno);
  }

  out->mount = mount;
  if (final_name.empty()) {
    // The path ends at a directory of the walk itself ("a/b/..", ".", "x/" through a link to
    // "/"): the operation acts on it as "." of itself, which keeps working when a directory
    // fd's directory has been renamed since it was opened.
    dir_required = true;
    ends_in_dot = true;
    final_name = ".";
  }
  KILN_WASI_RETURN_IF_ERRNO(walk.TakeCurrent(out));
  out->name = std::move(final_name);
  out->dir_required = dir_required;
  out->ends_in_dot = ends_in_dot;
  return Errno::kSuccess;
}

}  // namespace

Errno ResolvePath(const FileEntry& dir, absl::string_view guest_path, bool follow_final,
                  ResolvedPath* out) {
  if (dir.mount == nullptr) return Errno::kNotcapable;
  return ResolveFrom(dir.mount, dir.path_in_mount, dir.host_fd, guest_path, follow_final, out);
}

Errno ResolveInMount(const std::shared_ptr<Mount>& mount, absl::string_view base_path_in_mount,
                     absl::string_view guest_path, bool follow_final, ResolvedPath* out) {
  return ResolveFrom(mount, base_path_in_mount, /*base_fd=*/-1, guest_path, follow_final, out);
}

}  // namespace kiln::wasi
