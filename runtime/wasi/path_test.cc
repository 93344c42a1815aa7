// Tests of the path_* functions through a Runtime: a guest module re-exports each imported
// function (and the few fd_* ones needed to look at results), the test puts paths into its
// memory, calls, and checks the errno, the results in memory and the host directory. The
// errnos checked are the ones the WASI testsuite expects on Linux.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "api/kiln.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/testing/wat_binaries.h"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/fd_table.h"
#include "runtime/wasi/testing/test_support.h"
#include "runtime/wasi/wasi.h"
#include "testing/status_matchers.h"

namespace kiln::wasi {
namespace {

using test_support::ForwardingGuestWat;
using testing::IsOk;

constexpr uint64_t kRightFdRead = uint64_t{1} << 1;
constexpr uint64_t kRightFdWrite = uint64_t{1} << 6;
constexpr uint64_t kRightPathOpen = uint64_t{1} << 13;
constexpr uint64_t kRightPathFilestatGet = uint64_t{1} << 18;
constexpr uint64_t kAllRights = (uint64_t{1} << 30) - 1;
// Everything but the rights that need a descriptor open for writing (FD_WRITE, FD_ALLOCATE,
// FD_FILESTAT_SET_SIZE): what the helpers ask for unless a test says otherwise, as opening a
// directory for writing is `isdir`.
constexpr uint64_t kNoWriteRights =
    kAllRights & ~(kRightFdWrite | (uint64_t{1} << 8) | (uint64_t{1} << 22));

constexpr uint32_t kFollow = 1;
constexpr uint32_t kCreat = 1;
constexpr uint32_t kDirectory = 2;
constexpr uint32_t kExcl = 4;
constexpr uint32_t kTrunc = 8;
constexpr uint32_t kAppend = 1;

constexpr uint32_t kFstAtim = 1;
constexpr uint32_t kFstAtimNow = 2;
constexpr uint32_t kFstMtim = 4;
constexpr uint32_t kFstMtimNow = 8;

// The preopen of the first mount.
constexpr uint64_t kRoot = 3;

// Where the tests put things in guest memory.
constexpr uint32_t kResult = 0;     // result pointers (fd, bufused, filestat: 64 bytes)
constexpr uint32_t kPath1 = 1024;   // first path argument
constexpr uint32_t kPath2 = 2048;   // second path argument
constexpr uint32_t kBuffer = 4096;  // readlink / fd_read buffers
constexpr uint64_t kOutOfBounds = 0xfffffff0;

// GuestFunctionNames lists what the guest imports and re-exports.
const std::vector<std::string>& GuestFunctionNames() {
  static const auto* names = new std::vector<std::string>{
      "path_create_directory", "path_filestat_get", "path_filestat_set_times", "path_link",
      "path_open",             "path_readlink",     "path_remove_directory",   "path_rename",
      "path_symlink",          "path_unlink_file",  "fd_close",                "fd_fdstat_get",
      "fd_read",               "fd_write"};
  return *names;
}

// HostDir is a fresh host directory holding `mount/` (what the guest sees) and `outside/`
// (which it must never reach), removed at the end.
class HostDir {
 public:
  HostDir() : dir_("kiln_path_test"), top_(dir_.path()) {
    std::filesystem::create_directories(Mount(""));
    std::filesystem::create_directories(top_ + "/outside");
    Write(top_ + "/outside/secret", "secret");
  }
  // Mount is the host path of `name` inside the mount.
  std::string Mount(absl::string_view name) const { return absl::StrCat(top_, "/mount/", name); }
  std::string Top(absl::string_view name) const { return absl::StrCat(top_, "/", name); }

  static void Write(const std::string& path, absl::string_view contents) {
    test_support::WriteHostFile(path, contents);
  }
  static std::string Read(const std::string& path) { return test_support::ReadHostFile(path); }
  static bool Exists(const std::string& path) {
    struct stat st;
    return lstat(path.c_str(), &st) == 0;
  }

 private:
  test_support::TempDir dir_;
  std::string top_;
};

// Guest is one instance of the guest module with WASI and the given FSConfig.
class Guest {
 public:
  explicit Guest(FSConfig fs) : runtime_(NewRuntime(ctx_)) {
    REQUIRE_THAT(InstantiateSnapshotPreview1(ctx_, *runtime_).status(), IsOk());
    absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
        runtime_->CompileModule(ctx_, embedding::testing::WatToWasm(ForwardingGuestWat(GuestFunctionNames())));
    REQUIRE_THAT(compiled.status(), IsOk());
    absl::StatusOr<api::Module*> module = runtime_->InstantiateModule(
        ctx_, *compiled, NewModuleConfig().WithFSConfig(fs).WithStartFunctions({}));
    REQUIRE_THAT(module.status(), IsOk());
    module_ = *module;
  }

  Errno Call(absl::string_view name, std::vector<uint64_t> params) {
    api::Function* function = module_->ExportedFunction(name);
    REQUIRE(function != nullptr);
    absl::StatusOr<std::vector<uint64_t>> results = function->Call(ctx_, params);
    REQUIRE_THAT(results.status(), IsOk());
    REQUIRE(results->size() == 1);
    return static_cast<Errno>(static_cast<uint32_t>((*results)[0]));
  }

  api::Memory& memory() { return *module_->Memory(); }
  uint32_t U32(uint32_t at) { return memory().ReadUint32Le(at).value(); }
  uint64_t U64(uint32_t at) { return memory().ReadUint64Le(at).value(); }
  std::string Bytes(uint32_t at, uint32_t size) {
    std::optional<absl::Span<uint8_t>> span = memory().Read(at, size);
    REQUIRE(span.has_value());
    return std::string(span->begin(), span->end());
  }
  // Put writes `text` at `at` and returns its length.
  uint64_t Put(uint32_t at, absl::string_view text) {
    REQUIRE(memory().WriteString(at, text));
    return text.size();
  }

  // The path functions with their paths placed in memory.
  Errno Open(uint64_t dir, absl::string_view path, uint32_t oflags = 0,
             uint64_t base = kNoWriteRights, uint64_t inheriting = kAllRights,
             uint32_t fdflags = 0, uint32_t lookup = 0) {
    uint64_t len = Put(kPath1, path);
    return Call("path_open", {dir, lookup, kPath1, len, oflags, base, inheriting, fdflags, kResult});
  }
  // OpenFd opens `path` and returns the new fd (failing the test when it cannot).
  uint32_t OpenFd(uint64_t dir, absl::string_view path, uint32_t oflags = 0,
                  uint64_t base = kNoWriteRights, uint64_t inheriting = kAllRights,
                  uint32_t fdflags = 0, uint32_t lookup = 0) {
    REQUIRE(Open(dir, path, oflags, base, inheriting, fdflags, lookup) == Errno::kSuccess);
    return U32(kResult);
  }
  Errno Mkdir(uint64_t dir, absl::string_view path) {
    return Call("path_create_directory", {dir, kPath1, Put(kPath1, path)});
  }
  Errno Rmdir(uint64_t dir, absl::string_view path) {
    return Call("path_remove_directory", {dir, kPath1, Put(kPath1, path)});
  }
  Errno Unlink(uint64_t dir, absl::string_view path) {
    return Call("path_unlink_file", {dir, kPath1, Put(kPath1, path)});
  }
  Errno Symlink(absl::string_view target, uint64_t dir, absl::string_view path) {
    uint64_t target_len = Put(kPath1, target);
    return Call("path_symlink", {kPath1, target_len, dir, kPath2, Put(kPath2, path)});
  }
  Errno Readlink(uint64_t dir, absl::string_view path, uint32_t buf_len) {
    return Call("path_readlink", {dir, kPath1, Put(kPath1, path), kBuffer, buf_len, kResult});
  }
  Errno Rename(uint64_t dir, absl::string_view from, uint64_t new_dir, absl::string_view to) {
    uint64_t from_len = Put(kPath1, from);
    return Call("path_rename", {dir, kPath1, from_len, new_dir, kPath2, Put(kPath2, to)});
  }
  Errno Link(uint64_t dir, uint32_t flags, absl::string_view from, uint64_t new_dir,
             absl::string_view to) {
    uint64_t from_len = Put(kPath1, from);
    return Call("path_link", {dir, flags, kPath1, from_len, new_dir, kPath2, Put(kPath2, to)});
  }
  Errno Stat(uint64_t dir, absl::string_view path, uint32_t lookup = 0) {
    return Call("path_filestat_get", {dir, lookup, kPath1, Put(kPath1, path), kResult});
  }
  Errno SetTimes(uint64_t dir, absl::string_view path, uint64_t atim, uint64_t mtim,
                 uint32_t fst_flags, uint32_t lookup = 0) {
    return Call("path_filestat_set_times",
                {dir, lookup, kPath1, Put(kPath1, path), atim, mtim, fst_flags});
  }
  // The filestat at kResult.
  uint8_t StatFiletype() { return static_cast<uint8_t>(Bytes(kResult + 16, 1)[0]); }
  uint64_t StatSize() { return U64(kResult + 32); }
  uint64_t StatMtim() { return U64(kResult + 48); }

  // RightsOf returns fs_rights_base of `fd` (fd_fdstat_get).
  uint64_t RightsOf(uint32_t fd) {
    REQUIRE(Call("fd_fdstat_get", {fd, 512}) == Errno::kSuccess);
    return U64(512 + 8);
  }
  // ReadAll reads up to 100 bytes from `fd`.
  std::string ReadAll(uint32_t fd) {
    REQUIRE(memory().WriteUint32Le(600, kBuffer));
    REQUIRE(memory().WriteUint32Le(604, 100));
    REQUIRE(Call("fd_read", {fd, 600, 1, 610}) == Errno::kSuccess);
    return Bytes(kBuffer, U32(610));
  }
  Errno Write(uint32_t fd, absl::string_view text) {
    Put(kBuffer, text);
    REQUIRE(memory().WriteUint32Le(600, kBuffer));
    REQUIRE(memory().WriteUint32Le(604, static_cast<uint32_t>(text.size())));
    return Call("fd_write", {fd, 600, 1, 610});
  }
  Errno Close(uint32_t fd) { return Call("fd_close", {fd}); }

 private:
  Context ctx_;
  std::unique_ptr<Runtime> runtime_;
  api::Module* module_ = nullptr;
};

FSConfig MountOf(const HostDir& host) { return NewFSConfig().WithDirMount(host.Mount(""), "/"); }

// -- path_open --------------------------------------------------------------------------------

TEST_CASE("path_open opens files below the preopen and reads them", "[wasi][path]") {
  HostDir host;
  std::filesystem::create_directories(host.Mount("dir/nested"));
  HostDir::Write(host.Mount("dir/nested/file"), "hello");
  Guest guest(MountOf(host));
  uint32_t fd = guest.OpenFd(kRoot, "dir/.//nested/../../dir/nested/../nested///./file");
  CHECK(fd > 3);
  CHECK(guest.ReadAll(fd) == "hello");
  CHECK(guest.Close(fd) == Errno::kSuccess);

  // A directory fd opened by path is a base for further paths.
  uint32_t dir = guest.OpenFd(kRoot, "dir/nested/", kDirectory);
  uint32_t file = guest.OpenFd(dir, "file");
  CHECK(guest.ReadAll(file) == "hello");
  CHECK(guest.OpenFd(kRoot, "dir/nested///") > 3);
  CHECK(guest.OpenFd(kRoot, ".") > 3);
}

TEST_CASE("path_open refuses paths that leave the preopen", "[wasi][path]") {
  HostDir host;
  std::filesystem::create_directories(host.Mount("dir"));
  HostDir::Write(host.Mount("dir/file"), "x");
  Guest guest(MountOf(host));
  CHECK(guest.Open(kRoot, "/dir/file") == Errno::kPerm);
  CHECK(guest.Open(kRoot, "../outside/secret") == Errno::kPerm);
  CHECK(guest.Open(kRoot, "dir/../../outside/secret") == Errno::kPerm);
  // ".." cannot climb above the directory fd it starts from, even inside the mount.
  uint32_t dir = guest.OpenFd(kRoot, "dir", kDirectory);
  CHECK(guest.Open(dir, "../dir/file") == Errno::kPerm);
  // Symlinks planted by the host: relative ones out are refused, absolute ones stay inside.
  REQUIRE(symlink("../outside/secret", host.Mount("escape").c_str()) == 0);
  REQUIRE(symlink("/dir/file", host.Mount("absolute").c_str()) == 0);
  REQUIRE(symlink(host.Top("outside").c_str(), host.Mount("host_absolute").c_str()) == 0);
  CHECK(guest.Open(kRoot, "escape", 0, kNoWriteRights, kAllRights, 0, kFollow) == Errno::kPerm);
  uint32_t file = guest.OpenFd(kRoot, "absolute", 0, kNoWriteRights, kAllRights, 0, kFollow);
  CHECK(guest.ReadAll(file) == "x");
  // The host's absolute path means nothing inside the mount.
  CHECK(guest.Open(kRoot, "host_absolute/secret") == Errno::kNoent);
}

TEST_CASE("path_open: malformed paths and trailing slashes", "[wasi][path]") {
  HostDir host;
  std::filesystem::create_directories(host.Mount("dir"));
  HostDir::Write(host.Mount("dir/file"), "x");
  Guest guest(MountOf(host));
  CHECK(guest.Open(kRoot, "") == Errno::kNoent);
  CHECK(guest.Open(kRoot, std::string("dir/file\0", 9)) == Errno::kInval);
  CHECK(guest.Open(kRoot, "dir/file/") == Errno::kNotdir);
  CHECK(guest.Open(kRoot, "dir/file///") == Errno::kNotdir);
  CHECK(guest.Open(kRoot, "dir/file", kDirectory) == Errno::kNotdir);
  CHECK(guest.Open(kRoot, "missing") == Errno::kNoent);
  CHECK(guest.Open(kRoot, "missing/file") == Errno::kNoent);
  CHECK(guest.Open(kRoot, "dir/file/x") == Errno::kNotdir);
}

TEST_CASE("path_open creates, truncates and refuses existing files with EXCL", "[wasi][path]") {
  HostDir host;
  Guest guest(MountOf(host));
  uint32_t fd = guest.OpenFd(kRoot, "new", kCreat, kRightFdWrite | kRightFdRead);
  CHECK(guest.Write(fd, "abc") == Errno::kSuccess);
  CHECK(HostDir::Read(host.Mount("new")) == "abc");
  CHECK(guest.Open(kRoot, "new", kCreat | kExcl) == Errno::kExist);
  guest.OpenFd(kRoot, "new", kTrunc, kRightFdWrite);
  CHECK(HostDir::Read(host.Mount("new")).empty());
  uint32_t append = guest.OpenFd(kRoot, "new", 0, kRightFdWrite, 0, kAppend);
  CHECK(guest.Write(append, "1") == Errno::kSuccess);
  CHECK(guest.Write(append, "2") == Errno::kSuccess);
  CHECK(HostDir::Read(host.Mount("new")) == "12");
  CHECK(guest.Open(kRoot, "x", 0xff) == Errno::kInval);  // unknown oflags
}

TEST_CASE("path_open: rights of the new fd and the access they give", "[wasi][path]") {
  HostDir host;
  std::filesystem::create_directories(host.Mount("dir"));
  HostDir::Write(host.Mount("file"), "data");
  Guest guest(MountOf(host));

  uint32_t read_only = guest.OpenFd(kRoot, "file", 0, kRightFdRead | kRightPathFilestatGet, 0);
  uint64_t rights = guest.RightsOf(read_only);
  CHECK((rights & kRightFdRead) != 0);
  CHECK((rights & kRightFdWrite) == 0);
  CHECK((rights & kRightPathFilestatGet) == 0);  // files never get PATH_* rights
  Errno write_error = guest.Write(read_only, "x");
  CHECK((write_error == Errno::kNotcapable || write_error == Errno::kBadf ||
         write_error == Errno::kPerm));
  CHECK(HostDir::Read(host.Mount("file")) == "data");

  // A directory cannot be opened for writing; without write rights it can.
  CHECK(guest.Open(kRoot, ".", kDirectory, kRightFdRead | kRightFdWrite) == Errno::kIsdir);
  CHECK(guest.OpenFd(kRoot, ".", kDirectory, kRightFdRead) > 3);
  CHECK(guest.OpenFd(kRoot, ".", kDirectory, 0, 0) > 3);

  // A new fd gets no more than its directory lets it inherit.
  uint32_t narrow = guest.OpenFd(kRoot, "dir", kDirectory, kRightPathOpen, kRightFdRead);
  CHECK(guest.RightsOf(narrow) == kRightPathOpen);
  uint32_t inner = guest.OpenFd(narrow, ".", kDirectory, kAllRights, kAllRights);
  CHECK(guest.RightsOf(inner) == 0);  // `narrow` passes on FD_READ only, which dirs drop
  // Without PATH_OPEN, nothing can be opened through it; without CREATE_DIRECTORY no mkdir.
  CHECK(guest.Open(inner, ".") == Errno::kNotcapable);
  CHECK(guest.Mkdir(narrow, "sub") == Errno::kNotcapable);
}

TEST_CASE("path functions need a directory fd that is open", "[wasi][path]") {
  HostDir host;
  HostDir::Write(host.Mount("file"), "data");
  Guest guest(MountOf(host));
  uint32_t file = guest.OpenFd(kRoot, "file", 0, 0, 0);
  CHECK(guest.Open(file, "foo", kCreat) == Errno::kNotdir);
  CHECK(guest.Mkdir(file, "foo") == Errno::kNotdir);
  CHECK(guest.Open(99, "file") == Errno::kBadf);
  CHECK(guest.Stat(99, "file") == Errno::kBadf);
  CHECK(guest.Open(1, "file") == Errno::kNotdir);  // stdout is no directory
}

TEST_CASE("hostile pointers give fault, never a host access out of bounds", "[wasi][path]") {
  HostDir host;
  HostDir::Write(host.Mount("file"), "data");
  Guest guest(MountOf(host));
  CHECK(guest.Call("path_open", {kRoot, 0, kOutOfBounds, 100, 0, 0, 0, 0, kResult}) ==
        Errno::kFault);
  uint64_t len = guest.Put(kPath1, "file");
  CHECK(guest.Call("path_open", {kRoot, 0, kPath1, len, 0, 0, 0, 0, kOutOfBounds}) ==
        Errno::kFault);
  CHECK(guest.Call("path_filestat_get", {kRoot, 0, kPath1, len, kOutOfBounds}) == Errno::kFault);
  CHECK(guest.Call("path_readlink", {kRoot, kPath1, len, kOutOfBounds, 100, kResult}) ==
        Errno::kFault);
  CHECK(guest.Call("path_create_directory", {kRoot, kPath1, 0xffffffff}) == Errno::kFault);
  CHECK(guest.Call("path_symlink", {kOutOfBounds, 10, kRoot, kPath1, len}) == Errno::kFault);
  CHECK(guest.Call("path_rename", {kRoot, kPath1, len, kRoot, kOutOfBounds, 10}) ==
        Errno::kFault);
}

// -- directories and unlinking ----------------------------------------------------------------

TEST_CASE("create and remove directories, unlink files, with the testsuite's errnos",
          "[wasi][path]") {
  HostDir host;
  Guest guest(MountOf(host));
  CHECK(guest.Mkdir(kRoot, "dir") == Errno::kSuccess);
  CHECK(std::filesystem::is_directory(host.Mount("dir")));
  CHECK(guest.Mkdir(kRoot, "dir") == Errno::kExist);
  CHECK(guest.Mkdir(kRoot, "dir/nested/") == Errno::kSuccess);
  CHECK(guest.Mkdir(kRoot, ".") == Errno::kExist);
  CHECK(guest.Mkdir(kRoot, "../up") == Errno::kPerm);

  CHECK(guest.Rmdir(kRoot, "dir") == Errno::kNotempty);
  CHECK(guest.Unlink(kRoot, "dir") == Errno::kIsdir);
  CHECK(guest.Unlink(kRoot, "dir/") == Errno::kIsdir);
  CHECK(guest.Rmdir(kRoot, "dir/nested/.") == Errno::kInval);
  CHECK(guest.Rmdir(kRoot, "dir/nested/") == Errno::kSuccess);
  CHECK(guest.Rmdir(kRoot, "dir") == Errno::kSuccess);
  CHECK_FALSE(HostDir::Exists(host.Mount("dir")));

  guest.OpenFd(kRoot, "file", kCreat);
  CHECK(guest.Rmdir(kRoot, "file") == Errno::kNotdir);
  CHECK(guest.Rmdir(kRoot, "file/") == Errno::kNotdir);
  CHECK(guest.Unlink(kRoot, "file/") == Errno::kNotdir);
  CHECK(guest.Unlink(kRoot, "file") == Errno::kSuccess);
  CHECK(guest.Unlink(kRoot, "file") == Errno::kNoent);
  CHECK_FALSE(HostDir::Exists(host.Mount("file")));
}

// -- symlinks -------------------------------------------------------------------------------

TEST_CASE("path_symlink and path_readlink", "[wasi][path]") {
  HostDir host;
  HostDir::Write(host.Mount("target"), "t");
  Guest guest(MountOf(host));
  CHECK(guest.Symlink("target", kRoot, "symlink") == Errno::kSuccess);
  CHECK(std::filesystem::read_symlink(host.Mount("symlink")) == "target");

  REQUIRE(guest.Put(kBuffer, std::string(10, '\0')) == 10);
  CHECK(guest.Readlink(kRoot, "symlink", 10) == Errno::kSuccess);
  CHECK(guest.U32(kResult) == 6);
  CHECK(guest.Bytes(kBuffer, 10) == std::string("target\0\0\0\0", 10));
  // A short buffer gets the start of the target (as wasmtime does).
  CHECK(guest.Readlink(kRoot, "symlink", 4) == Errno::kSuccess);
  CHECK(guest.U32(kResult) == 4);
  CHECK(guest.Bytes(kBuffer, 4) == "targ");
  CHECK(guest.Readlink(kRoot, "target", 10) == Errno::kInval);

  // Absolute targets cannot be created; existing names are not replaced.
  CHECK(guest.Symlink("/", kRoot, "root_link") == Errno::kPerm);
  CHECK(guest.Symlink("target", kRoot, "target") == Errno::kExist);
  // Escaping targets can be stored, but never followed out.
  CHECK(guest.Symlink("../outside/secret", kRoot, "out") == Errno::kSuccess);
  CHECK(guest.Open(kRoot, "out", 0, kNoWriteRights, kAllRights, 0, kFollow) == Errno::kPerm);
}

TEST_CASE("path_symlink with trailing slashes", "[wasi][path]") {
  HostDir host;
  Guest guest(MountOf(host));
  CHECK(guest.Symlink("source", kRoot, "target/") == Errno::kNoent);
  CHECK(guest.Symlink("source", kRoot, "target") == Errno::kSuccess);
  CHECK(guest.Unlink(kRoot, "target") == Errno::kSuccess);
  REQUIRE(guest.Mkdir(kRoot, "target") == Errno::kSuccess);
  CHECK(guest.Symlink("source", kRoot, "target/") == Errno::kExist);
  CHECK(guest.Symlink("source", kRoot, "target") == Errno::kExist);
  REQUIRE(guest.Rmdir(kRoot, "target") == Errno::kSuccess);
  guest.OpenFd(kRoot, "target", kCreat);
  CHECK(guest.Symlink("source", kRoot, "target/") == Errno::kNotdir);
  CHECK(guest.Symlink("source", kRoot, "target") == Errno::kExist);
}

TEST_CASE("opening symlinks: nofollow gives loop, follow reaches the target", "[wasi][path]") {
  HostDir host;
  Guest guest(MountOf(host));
  REQUIRE(guest.Mkdir(kRoot, "dir") == Errno::kSuccess);
  REQUIRE(guest.Symlink("dir", kRoot, "dirlink") == Errno::kSuccess);
  Errno as_dir = guest.Open(kRoot, "dirlink", kDirectory);
  CHECK((as_dir == Errno::kLoop || as_dir == Errno::kNotdir));
  CHECK(guest.Open(kRoot, "dirlink") == Errno::kLoop);
  CHECK(guest.OpenFd(kRoot, "dirlink", kDirectory, kNoWriteRights, kAllRights, 0, kFollow) > 3);
  // A trailing slash makes the link a directory lookup, which follows it.
  CHECK(guest.OpenFd(kRoot, "dirlink/", 0) > 3);

  guest.OpenFd(kRoot, "file", kCreat);
  REQUIRE(guest.Symlink("file", kRoot, "filelink") == Errno::kSuccess);
  CHECK(guest.Open(kRoot, "filelink") == Errno::kLoop);
  CHECK(guest.Open(kRoot, "filelink", kDirectory, kNoWriteRights, kAllRights, 0, kFollow) ==
        Errno::kNotdir);
  CHECK(guest.OpenFd(kRoot, "filelink", 0, kNoWriteRights, kAllRights, 0, kFollow) > 3);

  REQUIRE(guest.Symlink("missing", kRoot, "dangling") == Errno::kSuccess);
  CHECK(guest.Open(kRoot, "dangling") == Errno::kLoop);
  Errno dangling_dir = guest.Open(kRoot, "dangling", kDirectory);
  CHECK((dangling_dir == Errno::kLoop || dangling_dir == Errno::kNotdir));

  REQUIRE(guest.Symlink("self", kRoot, "self") == Errno::kSuccess);
  CHECK(guest.Open(kRoot, "self") == Errno::kLoop);
  CHECK(guest.Open(kRoot, "self", 0, kNoWriteRights, kAllRights, 0, kFollow) == Errno::kLoop);
  // unlink removes the link, never what it points at.
  CHECK(guest.Unlink(kRoot, "dirlink") == Errno::kSuccess);
  CHECK(std::filesystem::is_directory(host.Mount("dir")));
}

// -- filestat -------------------------------------------------------------------------------

TEST_CASE("path_filestat_get and path_filestat_set_times", "[wasi][path]") {
  HostDir host;
  HostDir::Write(host.Mount("file"), "12345");
  Guest guest(MountOf(host));
  REQUIRE(guest.Stat(kRoot, "file") == Errno::kSuccess);
  struct stat st;
  REQUIRE(stat(host.Mount("file").c_str(), &st) == 0);
  CHECK(guest.U64(kResult) == st.st_dev);
  CHECK(guest.U64(kResult + 8) == st.st_ino);
  CHECK(guest.StatFiletype() == static_cast<uint8_t>(Filetype::kRegularFile));
  CHECK(guest.U64(kResult + 24) == 1);
  CHECK(guest.StatSize() == 5);
  uint64_t mtim = guest.StatMtim();
  CHECK(mtim == static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);

  CHECK(guest.SetTimes(kRoot, "file", 0, mtim - 100, kFstMtim) == Errno::kSuccess);
  REQUIRE(guest.Stat(kRoot, "file") == Errno::kSuccess);
  CHECK(guest.StatMtim() == mtim - 100);
  CHECK(guest.SetTimes(kRoot, "file", 0, 0, kFstMtim | kFstMtimNow) == Errno::kInval);
  CHECK(guest.SetTimes(kRoot, "file", 0, 0, kFstAtim | kFstAtimNow) == Errno::kInval);
  CHECK(guest.SetTimes(kRoot, "file", 0, 0, 16) == Errno::kInval);
  REQUIRE(guest.Stat(kRoot, "file") == Errno::kSuccess);
  CHECK(guest.StatMtim() == mtim - 100);

  // A symlink is stat'ed (and touched) itself unless SYMLINK_FOLLOW is set.
  REQUIRE(guest.Symlink("file", kRoot, "link") == Errno::kSuccess);
  REQUIRE(guest.Stat(kRoot, "link") == Errno::kSuccess);
  CHECK(guest.StatFiletype() == static_cast<uint8_t>(Filetype::kSymbolicLink));
  uint64_t link_mtim = guest.StatMtim();
  CHECK(guest.SetTimes(kRoot, "link", 0, link_mtim - 1000, kFstMtim) == Errno::kSuccess);
  REQUIRE(guest.Stat(kRoot, "file") == Errno::kSuccess);
  CHECK(guest.StatMtim() == mtim - 100);
  REQUIRE(guest.Stat(kRoot, "link", kFollow) == Errno::kSuccess);
  CHECK(guest.StatFiletype() == static_cast<uint8_t>(Filetype::kRegularFile));
  CHECK(guest.SetTimes(kRoot, "link", 0, mtim, kFstMtim, kFollow) == Errno::kSuccess);
  REQUIRE(guest.Stat(kRoot, "file") == Errno::kSuccess);
  CHECK(guest.StatMtim() == mtim);

  REQUIRE(guest.Stat(kRoot, ".") == Errno::kSuccess);
  CHECK(guest.StatFiletype() == static_cast<uint8_t>(Filetype::kDirectory));
  CHECK(guest.Stat(kRoot, "file/") == Errno::kNotdir);
  CHECK(guest.Stat(kRoot, "missing") == Errno::kNoent);
}

// -- link and rename -------------------------------------------------------------------------

TEST_CASE("path_link", "[wasi][path]") {
  HostDir host;
  HostDir::Write(host.Mount("file"), "f");
  Guest guest(MountOf(host));
  REQUIRE(guest.Mkdir(kRoot, "subdir") == Errno::kSuccess);
  CHECK(guest.Link(kRoot, 0, "file", kRoot, "link") == Errno::kSuccess);
  CHECK(HostDir::Read(host.Mount("link")) == "f");
  uint32_t subdir = guest.OpenFd(kRoot, "subdir", kDirectory);
  CHECK(guest.Link(kRoot, 0, "file", subdir, "link") == Errno::kSuccess);
  CHECK(HostDir::Read(host.Mount("subdir/link")) == "f");
  CHECK(guest.Link(kRoot, 0, "file", kRoot, "link") == Errno::kExist);
  CHECK(guest.Link(kRoot, 0, "file", kRoot, "file") == Errno::kExist);
  CHECK(guest.Link(kRoot, 0, "file", kRoot, "subdir") == Errno::kExist);
  CHECK(guest.Link(kRoot, 0, "subdir", kRoot, "dirlink") == Errno::kPerm);
  CHECK(guest.Link(kRoot, 0, "file", kRoot, "new/") == Errno::kNoent);

  REQUIRE(guest.Symlink("target", kRoot, "dangling") == Errno::kSuccess);
  CHECK(guest.Link(kRoot, 0, "dangling", kRoot, "dangling2") == Errno::kSuccess);
  CHECK(std::filesystem::is_symlink(host.Mount("dangling2")));
  CHECK(guest.Link(kRoot, kFollow, "dangling", kRoot, "link3") == Errno::kNoent);
  CHECK(guest.Link(kRoot, 0, "file", kRoot, "dangling") == Errno::kExist);
}

TEST_CASE("path_rename", "[wasi][path]") {
  HostDir host;
  Guest guest(MountOf(host));
  REQUIRE(guest.Mkdir(kRoot, "source") == Errno::kSuccess);
  CHECK(guest.Rename(kRoot, "source", kRoot, "target") == Errno::kSuccess);
  CHECK(std::filesystem::is_directory(host.Mount("target")));
  CHECK(guest.Open(kRoot, "source", kDirectory) == Errno::kNoent);
  // Trailing slashes on directories are fine.
  CHECK(guest.Rename(kRoot, "target/", kRoot, "source") == Errno::kSuccess);
  CHECK(guest.Rename(kRoot, "source", kRoot, "target/") == Errno::kSuccess);
  CHECK(guest.Rename(kRoot, "target/", kRoot, "source/") == Errno::kSuccess);
  // Onto an empty directory: replaced. Onto a non-empty one: notempty.
  REQUIRE(guest.Mkdir(kRoot, "empty") == Errno::kSuccess);
  CHECK(guest.Rename(kRoot, "source", kRoot, "empty") == Errno::kSuccess);
  REQUIRE(guest.Mkdir(kRoot, "source") == Errno::kSuccess);
  guest.OpenFd(kRoot, "empty/file", kCreat);
  CHECK(guest.Rename(kRoot, "source", kRoot, "empty") == Errno::kNotempty);
  CHECK(guest.Rename(kRoot, "source", kRoot, "empty/file") == Errno::kNotdir);
  // Files.
  guest.OpenFd(kRoot, "a", kCreat);
  guest.OpenFd(kRoot, "b", kCreat);
  CHECK(guest.Rename(kRoot, "a", kRoot, "b") == Errno::kSuccess);
  CHECK_FALSE(HostDir::Exists(host.Mount("a")));
  CHECK(guest.Rename(kRoot, "b", kRoot, "source") == Errno::kIsdir);
  CHECK(guest.Rename(kRoot, "b/", kRoot, "c") == Errno::kNotdir);
  CHECK(guest.Rename(kRoot, "b", kRoot, "c/") == Errno::kNotdir);
  CHECK(guest.Rename(kRoot, "b", kRoot, "../c") == Errno::kPerm);
  CHECK(guest.Rename(kRoot, "missing", kRoot, "c") == Errno::kNoent);
}

TEST_CASE("a directory fd follows its directory through a rename", "[wasi][path]") {
  HostDir host;
  std::filesystem::create_directories(host.Mount("a"));
  HostDir::Write(host.Mount("a/file"), "inside a");
  Guest guest(MountOf(host));
  uint32_t dir = guest.OpenFd(kRoot, "a", kDirectory);
  REQUIRE(guest.Rename(kRoot, "a", kRoot, "b") == Errno::kSuccess);
  REQUIRE(guest.Mkdir(kRoot, "a") == Errno::kSuccess);  // a new, empty "a"
  uint32_t file = guest.OpenFd(dir, "file");
  CHECK(guest.ReadAll(file) == "inside a");
  REQUIRE(guest.Stat(dir, ".") == Errno::kSuccess);
  struct stat st;
  REQUIRE(stat(host.Mount("b").c_str(), &st) == 0);
  CHECK(guest.U64(kResult + 8) == st.st_ino);
  CHECK(guest.Mkdir(dir, "sub") == Errno::kSuccess);
  CHECK(std::filesystem::is_directory(host.Mount("b/sub")));
}

TEST_CASE("rename and link between two mounts give xdev", "[wasi][path]") {
  HostDir first;
  HostDir second;
  HostDir::Write(first.Mount("file"), "f");
  Guest guest(NewFSConfig().WithDirMount(first.Mount(""), "/a").WithDirMount(second.Mount(""), "/b"));
  CHECK(guest.Rename(3, "file", 4, "file") == Errno::kXdev);
  CHECK(guest.Link(3, 0, "file", 4, "file") == Errno::kXdev);
  CHECK(HostDir::Exists(first.Mount("file")));
  CHECK_FALSE(HostDir::Exists(second.Mount("file")));
}

// -- read-only mounts -------------------------------------------------------------------------

TEST_CASE("a read-only mount can be read but nothing in it changed", "[wasi][path]") {
  HostDir host;
  std::filesystem::create_directories(host.Mount("dir"));
  HostDir::Write(host.Mount("file"), "ro");
  REQUIRE(symlink("file", host.Mount("link").c_str()) == 0);
  Guest guest(NewFSConfig().WithReadOnlyDirMount(host.Mount(""), "/"));
  uint32_t fd = guest.OpenFd(kRoot, "file", 0, kRightFdRead);
  CHECK(guest.ReadAll(fd) == "ro");
  CHECK(guest.Stat(kRoot, "file") == Errno::kSuccess);
  CHECK(guest.Readlink(kRoot, "link", 10) == Errno::kSuccess);

  CHECK(guest.Open(kRoot, "file", 0, kRightFdRead | kRightFdWrite) == Errno::kRofs);
  CHECK(guest.Open(kRoot, "new", kCreat, kRightFdRead) == Errno::kRofs);
  CHECK(guest.Open(kRoot, "file", kTrunc, kRightFdRead) == Errno::kRofs);
  CHECK(guest.Mkdir(kRoot, "newdir") == Errno::kRofs);
  CHECK(guest.Rmdir(kRoot, "dir") == Errno::kRofs);
  CHECK(guest.Unlink(kRoot, "file") == Errno::kRofs);
  CHECK(guest.Symlink("file", kRoot, "link2") == Errno::kRofs);
  CHECK(guest.Link(kRoot, 0, "file", kRoot, "link3") == Errno::kRofs);
  CHECK(guest.Rename(kRoot, "file", kRoot, "moved") == Errno::kRofs);
  CHECK(guest.SetTimes(kRoot, "file", 0, 0, kFstMtimNow) == Errno::kRofs);
  CHECK(HostDir::Read(host.Mount("file")) == "ro");
  CHECK(std::filesystem::is_directory(host.Mount("dir")));
}

TEST_CASE("without a mount there is no file system at all", "[wasi][path]") {
  Guest guest(NewFSConfig());
  CHECK(guest.Open(kRoot, "file") == Errno::kBadf);
  CHECK(guest.Mkdir(kRoot, "dir") == Errno::kBadf);
}

}  // namespace
}  // namespace kiln::wasi
