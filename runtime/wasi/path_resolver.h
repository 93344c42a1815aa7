// The sandbox: resolving a guest path inside one mount without ever leaving it.
//
// A guest path is resolved relative to a directory (its base) by kiln itself, one component at
// a time, never by handing a multi-component path to the host's kernel:
//   - "" is `noent`, a NUL byte is `inval`, a leading '/' is `perm` (WASI paths are relative).
//   - "." is skipped; ".." goes up one directory, and going above the base directory is `perm`
//     (WASI's rule, and what the WASI testsuite expects: a directory fd is a capability for its
//     own subtree only).
//   - A symlink met before the last component is expanded: a relative target continues from
//     the directory holding the link (still never above the base); an absolute target is taken
//     relative to the mount's root (api/fs_config.h), from where the whole mount is reachable
//     but never more. More than kMaxSymlinkExpansions expansions is `loop`.
//   - The last component is expanded the same way only when the caller asks (lookupflags
//     SYMLINK_FOLLOW); otherwise it is the name the operation acts on.
//   - A trailing '/' (or a path ending in "." or "..") means the result must be a directory;
//     each operation decides what that means for it (ResolvedPath::dir_required).
//
// Each directory of the walk is opened relative to the previous one with O_NOFOLLOW |
// O_DIRECTORY (a single component, never ".."), and multi-component re-opens go through
// openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS). The operation then
// acts on (parent_fd, name) with a *at() call that does not follow `name`. So a host process
// that swaps a directory for a symlink while the guest resolves can make the operation fail,
// but never make it act outside the mount.
#ifndef KILN_RUNTIME_WASI_PATH_RESOLVER_H_
#define KILN_RUNTIME_WASI_PATH_RESOLVER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/fd_table.h"

namespace kiln::wasi {

// Linux's own limit on symlinks followed in one lookup.
inline constexpr int kMaxSymlinkExpansions = 40;

// UniqueFd owns a host descriptor (or holds -1) and closes it when destroyed.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.Release();
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }
  void Reset();

 private:
  int fd_ = -1;
};

// ResolvedPath is where a guest path leads: the directory holding the final component (open
// as an O_PATH descriptor) and that component's name.
struct ResolvedPath {
  std::shared_ptr<Mount> mount;
  // The directory holding `name`: `parent_owned`, or a descriptor borrowed from the mount
  // (its root) or from the base directory's FileEntry, valid while that entry is (callers
  // hold the state's lock).
  int parent_fd = -1;
  UniqueFd parent_owned;
  // The canonical path of that directory relative to the mount root ("" for the root).
  std::string parent_path;
  // The final component: a single name without '/', never "..". It is "." when the path
  // leads to a directory the walk went through (".", "a/..", the base itself): operations
  // then act on parent_fd itself.
  std::string name;
  // The guest path ended in '/', "." or "..": the result must be a directory.
  bool dir_required = false;
  // The guest path ended in "." or "..": it names a directory through itself or a child, so
  // removing or renaming it is `inval` as on POSIX.
  bool ends_in_dot = false;

  // PathInMount is the canonical path of the result relative to the mount root, for the
  // FileEntry of something opened there.
  std::string PathInMount() const;
};

// ResolvePath resolves `guest_path` relative to the directory entry `dir` (which must be below
// a mount; callers check the filetype and rights first). `follow_final` expands a symlink in
// the last component. The walk starts at dir.host_fd, so it follows the directory itself even
// after a rename; dir.path_in_mount only names the results.
Errno ResolvePath(const FileEntry& dir, absl::string_view guest_path, bool follow_final,
                  ResolvedPath* out);

// ResolveInMount is ResolvePath with the base given as a canonical path inside `mount`.
Errno ResolveInMount(const std::shared_ptr<Mount>& mount, absl::string_view base_path_in_mount,
                     absl::string_view guest_path, bool follow_final, ResolvedPath* out);

// HasTrailingSlash tells whether `guest_path` ends in '/' (callers that follow the final
// component of such a path, as POSIX lookup does, ask before resolving).
inline bool HasTrailingSlash(absl::string_view guest_path) {
  return !guest_path.empty() && guest_path.back() == '/';
}

// OpenBeneath opens `relative_path` (canonical: components joined by '/', no "." or "..";
// "" is `root_fd` itself) below `root_fd` with `flags`, refusing every symlink on the way
// (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, or a component-wise O_NOFOLLOW walk on
// kernels without openat2). Returns the descriptor, or -1 with errno set.
int OpenBeneath(int root_fd, absl::string_view relative_path, int flags);

// OpenBeneathByComponents is OpenBeneath's way on kernels without openat2 (public for its
// tests): each directory on the way is opened with O_NOFOLLOW | O_DIRECTORY relative to the
// previous one; a ".." component fails with EXDEV, as openat2's RESOLVE_BENEATH does.
int OpenBeneathByComponents(int root_fd, absl::string_view relative_path, int flags);

// ReadLinkAt reads the target of the symlink `name` in `dir_fd`, whatever its length. Returns
// false with errno set (EINVAL when `name` is not a symlink).
bool ReadLinkAt(int dir_fd, const std::string& name, std::string* target);

}  // namespace kiln::wasi

#endif  // KILN_RUNTIME_WASI_PATH_RESOLVER_H_
