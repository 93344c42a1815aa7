// Tests of the sandbox's path resolution: canonical results, ".." and symlinks that try to
// leave the base directory or the mount, symlink chains and loops, trailing slashes.
#include "runtime/wasi/path_resolver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "catch2/catch.hpp"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/fd_table.h"

namespace kiln::wasi {
namespace {

// Sandbox is a host directory laid out as
//   outside/secret            a file next to the mount, which no guest path may reach
//   mount/dir/nested/file
//   mount/file
// with symlinks added by each test, and a Mount of mount/.
class Sandbox {
 public:
  Sandbox() {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/path_resolver_XXXXXX";
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    top_ = pattern;
    std::filesystem::create_directories(top_ + "/outside");
    std::ofstream(top_ + "/outside/secret") << "secret";
    std::filesystem::create_directories(top_ + "/mount/dir/nested");
    std::ofstream(top_ + "/mount/dir/nested/file") << "nested";
    std::ofstream(top_ + "/mount/file") << "top";
    int root_fd = open((top_ + "/mount").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(root_fd >= 0);
    mount_ = std::make_shared<Mount>(root_fd, "/", /*read_only=*/false);
  }
  ~Sandbox() {
    std::error_code ignored;
    std::filesystem::remove_all(top_, ignored);
  }

  // Symlink creates mount/`link` pointing at `target`.
  void Symlink(const std::string& target, const std::string& link) {
    REQUIRE(symlink(target.c_str(), (top_ + "/mount/" + link).c_str()) == 0);
  }

  const std::shared_ptr<Mount>& mount() const { return mount_; }

  // Resolve resolves `path` from the base directory `base` ("" is the mount root).
  Errno Resolve(const std::string& base, const std::string& path, bool follow,
                ResolvedPath* out) {
    return ResolveInMount(mount_, base, path, follow, out);
  }

  // Target returns where `path` leads (PathInMount), or the errno name.
  std::string Target(const std::string& base, const std::string& path, bool follow = true) {
    ResolvedPath resolved;
    Errno e = Resolve(base, path, follow, &resolved);
    if (e != Errno::kSuccess) return std::string(ErrnoName(e));
    return resolved.PathInMount();
  }

 private:
  std::string top_;
  std::shared_ptr<Mount> mount_;
};

// Contents reads the file `name` in the resolved parent, or "" when it cannot be opened.
std::string Contents(const ResolvedPath& resolved) {
  int fd = openat(resolved.parent_fd, resolved.name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return "";
  char buffer[64];
  ssize_t n = read(fd, buffer, sizeof(buffer));
  close(fd);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

TEST_CASE("plain paths resolve to their canonical place in the mount", "[wasi][path]") {
  Sandbox sandbox;
  CHECK(sandbox.Target("", "file") == "file");
  CHECK(sandbox.Target("", "dir/nested/file") == "dir/nested/file");
  CHECK(sandbox.Target("", "dir/.//nested/../../dir/nested/../nested///./file") ==
        "dir/nested/file");
  CHECK(sandbox.Target("dir", "nested/file") == "dir/nested/file");
  CHECK(sandbox.Target("", ".") == "");
  CHECK(sandbox.Target("dir", ".") == "dir");
  CHECK(sandbox.Target("dir", "nested/..") == "dir");

  ResolvedPath resolved;
  REQUIRE(sandbox.Resolve("", "dir/nested/file", false, &resolved) == Errno::kSuccess);
  CHECK(resolved.parent_path == "dir/nested");
  CHECK(resolved.name == "file");
  CHECK_FALSE(resolved.dir_required);
  CHECK(Contents(resolved) == "nested");
}

TEST_CASE("the mount root itself resolves to \".\" with no parent", "[wasi][path]") {
  Sandbox sandbox;
  ResolvedPath resolved;
  REQUIRE(sandbox.Resolve("", ".", false, &resolved) == Errno::kSuccess);
  CHECK(resolved.name == ".");
  CHECK(resolved.parent_fd == sandbox.mount()->root_fd);
  CHECK(resolved.dir_required);
  CHECK(resolved.ends_in_dot);
  CHECK(resolved.PathInMount() == "");
}

TEST_CASE("empty, NUL-carrying and absolute paths are refused", "[wasi][path]") {
  Sandbox sandbox;
  CHECK(sandbox.Target("", "") == "noent");
  CHECK(sandbox.Target("", std::string("file\0", 5)) == "inval");
  CHECK(sandbox.Target("", "/file") == "perm");
  CHECK(sandbox.Target("", "/") == "perm");
}

TEST_CASE("\"..\" never goes above the base directory", "[wasi][path]") {
  Sandbox sandbox;
  CHECK(sandbox.Target("", "..") == "perm");
  CHECK(sandbox.Target("", "../outside/secret") == "perm");
  CHECK(sandbox.Target("", "dir/../..") == "perm");
  CHECK(sandbox.Target("dir", "../file") == "perm");
  CHECK(sandbox.Target("dir", "nested/../../dir/nested/file") == "perm");
  CHECK(sandbox.Target("dir", "nested/../nested/file") == "dir/nested/file");
}

TEST_CASE("symlinks that point out of the mount stay inside it", "[wasi][path]") {
  Sandbox sandbox;
  SECTION("relative targets with too many \"..\" are refused") {
    sandbox.Symlink("../outside/secret", "escape");
    sandbox.Symlink("dir/../../outside", "escape_dir");
    CHECK(sandbox.Target("", "escape") == "perm");
    CHECK(sandbox.Target("", "escape_dir/secret") == "perm");
  }
  SECTION("absolute targets are taken relative to the mount root") {
    sandbox.Symlink("/file", "abs_file");
    sandbox.Symlink("/", "abs_root");
    sandbox.Symlink("/dir/nested", "abs_nested");
    CHECK(sandbox.Target("", "abs_file") == "file");
    CHECK(sandbox.Target("", "abs_root/dir/nested/file") == "dir/nested/file");
    CHECK(sandbox.Target("", "abs_nested/file") == "dir/nested/file");
    CHECK(sandbox.Target("", "abs_root/..") == "perm");
    CHECK(sandbox.Target("", "abs_nested/../../..") == "perm");
    ResolvedPath resolved;
    REQUIRE(sandbox.Resolve("", "abs_root/file", true, &resolved) == Errno::kSuccess);
    CHECK(Contents(resolved) == "top");  // the mount's file, not the host's /file
  }
  SECTION("a symlink in the base directory's subtree cannot climb above the base") {
    sandbox.Symlink("../file", "dir/up");
    CHECK(sandbox.Target("dir", "up") == "perm");
    CHECK(sandbox.Target("", "dir/up") == "file");
  }
}

TEST_CASE("symlink chains are expanded, loops end with loop", "[wasi][path]") {
  Sandbox sandbox;
  sandbox.Symlink("dir", "a");
  sandbox.Symlink("a/nested", "b");
  sandbox.Symlink("b/file", "c");
  CHECK(sandbox.Target("", "c") == "dir/nested/file");
  CHECK(sandbox.Target("", "b/file") == "dir/nested/file");

  sandbox.Symlink("self", "self");
  sandbox.Symlink("ping", "pong");
  sandbox.Symlink("pong", "ping");
  CHECK(sandbox.Target("", "self") == "loop");
  CHECK(sandbox.Target("", "ping/x") == "loop");
  // Not following the final component leaves a loop alone.
  CHECK(sandbox.Target("", "self", /*follow=*/false) == "self");
}

TEST_CASE("the final component is followed only when asked", "[wasi][path]") {
  Sandbox sandbox;
  sandbox.Symlink("dir/nested/file", "link");
  sandbox.Symlink("missing", "dangling");
  CHECK(sandbox.Target("", "link", /*follow=*/false) == "link");
  CHECK(sandbox.Target("", "link", /*follow=*/true) == "dir/nested/file");
  // A dangling link leads to the name it points at, which an operation may then create.
  CHECK(sandbox.Target("", "dangling", /*follow=*/true) == "missing");
  // Intermediate components are always followed.
  sandbox.Symlink("dir", "dirlink");
  CHECK(sandbox.Target("", "dirlink/nested/file", /*follow=*/false) == "dir/nested/file");
}

TEST_CASE("missing or non-directory intermediate components fail", "[wasi][path]") {
  Sandbox sandbox;
  CHECK(sandbox.Target("", "missing/file") == "noent");
  CHECK(sandbox.Target("", "file/x") == "notdir");
  CHECK(sandbox.Target("", "missing") == "missing");  // may be created
}

TEST_CASE("a trailing slash or dot says the result must be a directory", "[wasi][path]") {
  Sandbox sandbox;
  ResolvedPath resolved;
  REQUIRE(sandbox.Resolve("", "dir/nested/", false, &resolved) == Errno::kSuccess);
  CHECK(resolved.name == "nested");
  CHECK(resolved.dir_required);
  CHECK_FALSE(resolved.ends_in_dot);

  ResolvedPath file_slash;
  REQUIRE(sandbox.Resolve("", "file///", false, &file_slash) == Errno::kSuccess);
  CHECK(file_slash.name == "file");
  CHECK(file_slash.dir_required);  // the operation reports notdir

  ResolvedPath dotted;
  REQUIRE(sandbox.Resolve("", "dir/nested/.", false, &dotted) == Errno::kSuccess);
  CHECK(dotted.PathInMount() == "dir/nested");
  CHECK(dotted.dir_required);
  CHECK(dotted.ends_in_dot);

  sandbox.Symlink("dir/", "slashlink");
  ResolvedPath through_link;
  REQUIRE(sandbox.Resolve("", "slashlink", true, &through_link) == Errno::kSuccess);
  CHECK(through_link.PathInMount() == "dir");
  CHECK(through_link.dir_required);
}

TEST_CASE("a directory swapped for a symlink by the host is not walked through",
          "[wasi][path]") {
  Sandbox sandbox;
  // The base path of an fd is canonical when the fd is opened; if the host later replaces a
  // directory on it with a symlink out of the mount, re-opening it fails instead of escaping.
  ResolvedPath before;
  REQUIRE(sandbox.Resolve("dir", "nested/file", false, &before) == Errno::kSuccess);
  int root = sandbox.mount()->root_fd;
  REQUIRE(renameat(root, "dir", root, "dir.moved") == 0);
  REQUIRE(symlinkat("../outside", root, "dir") == 0);
  CHECK(sandbox.Target("dir", "secret") == "loop");
  CHECK(OpenBeneath(root, "dir/secret", O_RDONLY) == -1);
}

TEST_CASE("OpenBeneath opens canonical paths and refuses symlinks", "[wasi][path]") {
  Sandbox sandbox;
  int root = sandbox.mount()->root_fd;
  int fd = OpenBeneath(root, "dir/nested/file", O_RDONLY);
  REQUIRE(fd >= 0);
  close(fd);
  fd = OpenBeneath(root, "", O_PATH | O_DIRECTORY);
  REQUIRE(fd >= 0);
  close(fd);
  sandbox.Symlink("dir", "dirlink");
  CHECK(OpenBeneath(root, "dirlink/nested/file", O_RDONLY) == -1);
  CHECK(errno == ELOOP);
}

TEST_CASE("without openat2, OpenBeneath's component walk refuses symlinks and \"..\"",
          "[wasi][path]") {
  Sandbox sandbox;
  int root = sandbox.mount()->root_fd;
  int fd = OpenBeneathByComponents(root, "dir/nested/file", O_RDONLY);
  REQUIRE(fd >= 0);
  close(fd);
  fd = OpenBeneathByComponents(root, "dir/nested", O_PATH | O_DIRECTORY);
  REQUIRE(fd >= 0);
  close(fd);
  sandbox.Symlink("dir", "dirlink");
  sandbox.Symlink("../outside", "out");
  CHECK(OpenBeneathByComponents(root, "dirlink/nested/file", O_RDONLY) == -1);
  CHECK(errno == ENOTDIR);
  CHECK(OpenBeneathByComponents(root, "dirlink", O_PATH) == -1);
  CHECK(errno == ELOOP);
  CHECK(OpenBeneathByComponents(root, "out/secret", O_RDONLY) == -1);
  CHECK(OpenBeneathByComponents(root, "../outside/secret", O_RDONLY) == -1);
  CHECK(errno == EXDEV);
}

TEST_CASE("ReadLinkAt reads targets of any length", "[wasi][path]") {
  Sandbox sandbox;
  std::string long_target(1000, 'x');
  sandbox.Symlink(long_target, "long");
  std::string target;
  REQUIRE(ReadLinkAt(sandbox.mount()->root_fd, "long", &target));
  CHECK(target == long_target);
  CHECK_FALSE(ReadLinkAt(sandbox.mount()->root_fd, "file", &target));
  CHECK(errno == EINVAL);
}

}  // namespace
}  // namespace kiln::wasi
