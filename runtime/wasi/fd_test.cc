// Tests of the fd_* functions through a Runtime: a guest module re-exports each imported
// function, the test writes iovecs and buffers into its memory, calls, and checks the errno,
// the results in memory and the host files. Files are opened by the test on the host and put
// into the instance's fd table directly, so these tests do not depend on path_open.
#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "api/kiln.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/testing/wat_binaries.h"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/fd_table.h"
#include "runtime/wasi/testing/test_support.h"
#include "runtime/wasi/wasi.h"
#include "runtime/wasi/wasi_state.h"
#include "testing/status_matchers.h"

namespace kiln::wasi {
namespace {

using test_support::ForwardingGuestWat;
using test_support::ReadHostFile;
using test_support::TempDir;
using testing::IsOk;

constexpr uint64_t kRightFdRead = uint64_t{1} << 1;
constexpr uint64_t kRightFdWrite = uint64_t{1} << 6;
constexpr uint64_t kRightFdSeek = uint64_t{1} << 2;
constexpr uint64_t kRightFdReaddir = uint64_t{1} << 14;

constexpr uint32_t kWhenceSet = 0;
constexpr uint32_t kWhenceCur = 1;
constexpr uint32_t kWhenceEnd = 2;

// FdFunctionNames lists every fd_* function; the guest re-exports each.
const std::vector<std::string>& FdFunctionNames() {
  static const auto* names = new std::vector<std::string>{
      "fd_advise",           "fd_allocate",          "fd_close",
      "fd_datasync",         "fd_fdstat_get",        "fd_fdstat_set_flags",
      "fd_fdstat_set_rights", "fd_filestat_get",     "fd_filestat_set_size",
      "fd_filestat_set_times", "fd_pread",           "fd_prestat_get",
      "fd_prestat_dir_name", "fd_pwrite",            "fd_read",
      "fd_readdir",          "fd_renumber",          "fd_seek",
      "fd_sync",             "fd_tell",              "fd_write"};
  return *names;
}

// Guest is one instance of the guest module with WASI.
class Guest {
 public:
  explicit Guest(ModuleConfig config, int pages = 1) : runtime_(NewRuntime(ctx_)) {
    REQUIRE_THAT(InstantiateSnapshotPreview1(ctx_, *runtime_).status(), IsOk());
    absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
        runtime_->CompileModule(ctx_, embedding::testing::WatToWasm(ForwardingGuestWat(FdFunctionNames(), pages)));
    REQUIRE_THAT(compiled.status(), IsOk());
    absl::StatusOr<api::Module*> module =
        runtime_->InstantiateModule(ctx_, *compiled, config.WithStartFunctions({}));
    REQUIRE_THAT(module.status(), IsOk());
    module_ = *module;
    state_ = StateOf(*module_);
    REQUIRE(state_ != nullptr);
  }

  // Call calls the wrapper of `name` and returns its errno.
  Errno Call(absl::string_view name, std::vector<uint64_t> params) {
    api::Function* function = module_->ExportedFunction(name);
    REQUIRE(function != nullptr);
    absl::StatusOr<std::vector<uint64_t>> results = function->Call(ctx_, params);
    REQUIRE_THAT(results.status(), IsOk());
    REQUIRE(results->size() == 1);
    return static_cast<Errno>(static_cast<uint32_t>((*results)[0]));
  }

  api::Memory& memory() { return *module_->Memory(); }

  void PutBytes(uint32_t at, absl::string_view bytes) {
    REQUIRE(memory().WriteString(at, bytes));
  }
  std::string GetBytes(uint32_t at, uint32_t size) {
    std::optional<absl::Span<uint8_t>> span = memory().Read(at, size);
    REQUIRE(span.has_value());
    return std::string(span->begin(), span->end());
  }
  // PutIovecs writes an iovec array at `at`: (buf, len) pairs.
  void PutIovecs(uint32_t at, std::vector<std::pair<uint32_t, uint32_t>> iovecs) {
    for (const auto& [buf, len] : iovecs) {
      REQUIRE(memory().WriteUint32Le(at, buf));
      REQUIRE(memory().WriteUint32Le(at + 4, len));
      at += 8;
    }
  }
  uint32_t U32(uint32_t at) { return memory().ReadUint32Le(at).value(); }
  uint64_t U64(uint32_t at) { return memory().ReadUint64Le(at).value(); }

  // AddHostFd puts the host descriptor `host_fd` in the fd table (which then owns it).
  uint32_t AddHostFd(int host_fd, Filetype filetype, uint64_t rights) {
    auto entry = std::make_unique<FileEntry>();
    entry->filetype = filetype;
    entry->host_fd = host_fd;
    entry->rights_base = rights;
    absl::MutexLock lock(&state_->mu());
    uint32_t fd = 0;
    REQUIRE(state_->fds().Insert(std::move(entry), &fd) == Errno::kSuccess);
    return fd;
  }

  // AddHostFile opens `path` on the host with `flags` and puts it in the fd table.
  uint32_t AddHostFile(const std::string& path, int flags, uint64_t rights,
                       std::shared_ptr<Mount> mount = nullptr) {
    int host_fd = open(path.c_str(), flags | O_CLOEXEC, 0644);
    REQUIRE(host_fd >= 0);
    struct stat st {};
    REQUIRE(fstat(host_fd, &st) == 0);
    auto entry = std::make_unique<FileEntry>();
    entry->filetype = S_ISDIR(st.st_mode) ? Filetype::kDirectory : Filetype::kRegularFile;
    entry->host_fd = host_fd;
    entry->rights_base = rights;
    entry->rights_inheriting = 0;
    entry->fdflags = (flags & O_APPEND) != 0 ? 1 : 0;
    entry->mount = std::move(mount);
    entry->path_in_mount = "x";
    absl::MutexLock lock(&state_->mu());
    uint32_t fd = 0;
    REQUIRE(state_->fds().Insert(std::move(entry), &fd) == Errno::kSuccess);
    return fd;
  }

 private:
  Context ctx_;
  std::unique_ptr<Runtime> runtime_;
  api::Module* module_ = nullptr;
  std::shared_ptr<WasiState> state_;
};

constexpr uint64_t kReadWrite = kRightFdRead | kRightFdWrite | kRightFdSeek;

// -- stdio ---------------------------------------------------------------------------------

TEST_CASE("fd_write gathers iovecs into the stdout and stderr writers", "[wasi][fd]") {
  auto out = std::make_shared<StringWriter>();
  auto err = std::make_shared<StringWriter>();
  Guest guest(NewModuleConfig().WithStdout(out).WithStderr(err));
  guest.PutBytes(100, "hello, ");
  guest.PutBytes(200, "world\n");
  guest.PutIovecs(0, {{100, 7}, {300, 0}, {200, 6}});
  CHECK(guest.Call("fd_write", {1, 0, 3, 50}) == Errno::kSuccess);
  CHECK(guest.U32(50) == 13);
  CHECK(out->Contents() == "hello, world\n");
  CHECK(guest.Call("fd_write", {2, 0, 1, 50}) == Errno::kSuccess);
  CHECK(guest.U32(50) == 7);
  CHECK(err->Contents() == "hello, ");
  // No buffers at all: nothing written, success.
  CHECK(guest.Call("fd_write", {1, 0, 0, 50}) == Errno::kSuccess);
  CHECK(guest.U32(50) == 0);
}

TEST_CASE("fd_read reads the stdin reader until its end", "[wasi][fd]") {
  Guest guest(NewModuleConfig().WithStdin(NewStringReader("abcdef")));
  guest.PutIovecs(0, {{100, 4}, {200, 10}});
  CHECK(guest.Call("fd_read", {0, 0, 2, 50}) == Errno::kSuccess);
  uint32_t first = guest.U32(50);
  CHECK(first >= 1);
  CHECK(first <= 4);
  std::string read = guest.GetBytes(100, first);
  while (read.size() < 6) {
    guest.PutIovecs(0, {{100, 4}});
    REQUIRE(guest.Call("fd_read", {0, 0, 1, 50}) == Errno::kSuccess);
    REQUIRE(guest.U32(50) > 0);
    read += guest.GetBytes(100, guest.U32(50));
  }
  CHECK(read == "abcdef");
  CHECK(guest.Call("fd_read", {0, 0, 1, 50}) == Errno::kSuccess);
  CHECK(guest.U32(50) == 0);  // end of input
}

TEST_CASE("stdio has no position: seek, tell, pread and pwrite give spipe", "[wasi][fd]") {
  Guest guest(NewModuleConfig());
  guest.PutIovecs(0, {{100, 4}});
  CHECK(guest.Call("fd_seek", {1, 0, kWhenceCur, 50}) == Errno::kSpipe);
  CHECK(guest.Call("fd_tell", {0, 50}) == Errno::kSpipe);
  CHECK(guest.Call("fd_pread", {0, 0, 1, 0, 50}) == Errno::kSpipe);
  CHECK(guest.Call("fd_pwrite", {1, 0, 1, 0, 50}) == Errno::kSpipe);
}

TEST_CASE("fd_fdstat_get lays out the stdio entries' fdstat", "[wasi][fd]") {
  Guest guest(NewModuleConfig());
  guest.PutBytes(0, std::string(24, '\xff'));
  REQUIRE(guest.Call("fd_fdstat_get", {1, 0}) == Errno::kSuccess);
  CHECK(guest.GetBytes(0, 1)[0] == static_cast<char>(Filetype::kUnknown));
  CHECK(guest.GetBytes(2, 2) == std::string(2, '\0'));
  CHECK((guest.U64(8) & kRightFdWrite) != 0);
  CHECK((guest.U64(8) & kRightFdRead) == 0);
}

TEST_CASE("stdio rights: reading stdout or writing stdin is not capable", "[wasi][fd]") {
  Guest guest(NewModuleConfig());
  guest.PutIovecs(0, {{100, 4}});
  CHECK(guest.Call("fd_read", {1, 0, 1, 50}) == Errno::kNotcapable);
  CHECK(guest.Call("fd_write", {0, 0, 1, 50}) == Errno::kNotcapable);
}

// -- bad descriptors and hostile pointers -------------------------------------------------

TEST_CASE("every fd function reports badf for a descriptor that is not open", "[wasi][fd]") {
  Guest guest(NewModuleConfig());
  const uint64_t bad = 77;
  CHECK(guest.Call("fd_advise", {bad, 0, 0, 0}) == Errno::kBadf);
  CHECK(guest.Call("fd_allocate", {bad, 0, 1}) == Errno::kBadf);
  CHECK(guest.Call("fd_close", {bad}) == Errno::kBadf);
  CHECK(guest.Call("fd_datasync", {bad}) == Errno::kBadf);
  CHECK(guest.Call("fd_fdstat_get", {bad, 0}) == Errno::kBadf);
  CHECK(guest.Call("fd_fdstat_set_flags", {bad, 0}) == Errno::kBadf);
  CHECK(guest.Call("fd_fdstat_set_rights", {bad, 0, 0}) == Errno::kBadf);
  CHECK(guest.Call("fd_filestat_get", {bad, 0}) == Errno::kBadf);
  CHECK(guest.Call("fd_filestat_set_size", {bad, 0}) == Errno::kBadf);
  CHECK(guest.Call("fd_filestat_set_times", {bad, 0, 0, 0}) == Errno::kBadf);
  CHECK(guest.Call("fd_pread", {bad, 0, 0, 0, 50}) == Errno::kBadf);
  CHECK(guest.Call("fd_prestat_get", {bad, 0}) == Errno::kBadf);
  CHECK(guest.Call("fd_prestat_dir_name", {bad, 0, 10}) == Errno::kBadf);
  CHECK(guest.Call("fd_pwrite", {bad, 0, 0, 0, 50}) == Errno::kBadf);
  CHECK(guest.Call("fd_read", {bad, 0, 0, 50}) == Errno::kBadf);
  CHECK(guest.Call("fd_readdir", {bad, 0, 10, 0, 50}) == Errno::kBadf);
  CHECK(guest.Call("fd_renumber", {bad, 1}) == Errno::kBadf);
  CHECK(guest.Call("fd_renumber", {1, bad}) == Errno::kBadf);
  CHECK(guest.Call("fd_seek", {bad, 0, 0, 50}) == Errno::kBadf);
  CHECK(guest.Call("fd_sync", {bad}) == Errno::kBadf);
  CHECK(guest.Call("fd_tell", {bad, 50}) == Errno::kBadf);
  CHECK(guest.Call("fd_write", {bad, 0, 0, 50}) == Errno::kBadf);
  // stdio is not a preopen.
  CHECK(guest.Call("fd_prestat_get", {1, 0}) == Errno::kBadf);
}

TEST_CASE("hostile pointers and lengths give fault, an overflowing total gives inval",
          "[wasi][fd]") {
  auto out = std::make_shared<StringWriter>();
  Guest guest(NewModuleConfig().WithStdout(out), /*pages=*/10);
  const uint32_t memory_size = 10 * 65536;
  // The iovec array itself outside memory, or wrapping around.
  CHECK(guest.Call("fd_write", {1, memory_size - 4, 1, 50}) == Errno::kFault);
  CHECK(guest.Call("fd_write", {1, 0, 0x80000000u, 50}) == Errno::kFault);
  // A buffer outside memory.
  guest.PutIovecs(0, {{memory_size - 2, 4}});
  CHECK(guest.Call("fd_write", {1, 0, 1, 50}) == Errno::kFault);
  guest.PutIovecs(0, {{0xfffffff0u, 0x20}});
  CHECK(guest.Call("fd_write", {1, 0, 1, 50}) == Errno::kFault);
  // The result pointer outside memory: nothing is written.
  guest.PutIovecs(0, {{100, 3}});
  CHECK(guest.Call("fd_write", {1, 0, 1, memory_size - 2}) == Errno::kFault);
  CHECK(out->Contents().empty());
  CHECK(guest.Call("fd_fdstat_get", {1, memory_size - 8}) == Errno::kFault);
  CHECK(guest.Call("fd_filestat_get", {1, memory_size - 8}) == Errno::kFault);
  CHECK(guest.Call("fd_seek", {1, 0, 0, memory_size - 1}) == Errno::kFault);
  // 65537 buffers of 64 KiB each (the same one, all in range) add up to more than 4 GiB.
  const uint32_t count = 65537;
  for (uint32_t i = 0; i < count; ++i) {
    REQUIRE(guest.memory().WriteUint32Le(65536 + i * 8, 0));
    REQUIRE(guest.memory().WriteUint32Le(65536 + i * 8 + 4, 65536));
  }
  CHECK(guest.Call("fd_write", {1, 65536, count, 50}) == Errno::kInval);
  CHECK(out->Contents().empty());
}

// -- files ---------------------------------------------------------------------------------

TEST_CASE("a file is written, sought, told and read at its position", "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig());
  uint32_t fd = guest.AddHostFile(dir.File("f"), O_RDWR | O_CREAT, kReadWrite);
  CHECK(fd == 3);
  CHECK(guest.Call("fd_tell", {fd, 50}) == Errno::kSuccess);
  CHECK(guest.U64(50) == 0);
  guest.PutBytes(100, "0123456789");
  guest.PutIovecs(0, {{100, 6}, {106, 4}});
  REQUIRE(guest.Call("fd_write", {fd, 0, 2, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 10);
  CHECK(ReadHostFile(dir.File("f")) == "0123456789");
  CHECK(guest.Call("fd_tell", {fd, 50}) == Errno::kSuccess);
  CHECK(guest.U64(50) == 10);

  CHECK(guest.Call("fd_seek", {fd, static_cast<uint64_t>(-4), kWhenceCur, 50}) ==
        Errno::kSuccess);
  CHECK(guest.U64(50) == 6);
  guest.PutIovecs(0, {{200, 3}, {210, 10}});
  REQUIRE(guest.Call("fd_read", {fd, 0, 2, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 4);
  CHECK(guest.GetBytes(200, 3) == "678");
  CHECK(guest.GetBytes(210, 1) == "9");

  CHECK(guest.Call("fd_seek", {fd, static_cast<uint64_t>(-3), kWhenceEnd, 50}) ==
        Errno::kSuccess);
  CHECK(guest.U64(50) == 7);
  CHECK(guest.Call("fd_seek", {fd, 2, kWhenceSet, 50}) == Errno::kSuccess);
  CHECK(guest.U64(50) == 2);
  // Past the end is fine; before the start and unknown whence are not.
  CHECK(guest.Call("fd_seek", {fd, 1000, kWhenceCur, 50}) == Errno::kSuccess);
  CHECK(guest.U64(50) == 1002);
  CHECK(guest.Call("fd_seek", {fd, static_cast<uint64_t>(-2000), kWhenceCur, 50}) ==
        Errno::kInval);
  CHECK(guest.Call("fd_seek", {fd, 0, 3, 50}) == Errno::kInval);
  CHECK(guest.Call("fd_tell", {fd, 50}) == Errno::kSuccess);
  CHECK(guest.U64(50) == 1002);
  // At the end, a read gives zero bytes.
  CHECK(guest.Call("fd_seek", {fd, 0, kWhenceEnd, 50}) == Errno::kSuccess);
  CHECK(guest.Call("fd_read", {fd, 0, 2, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 0);
}

TEST_CASE("fd_pread and fd_pwrite use their offset and leave the position alone",
          "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig());
  uint32_t fd = guest.AddHostFile(dir.File("f"), O_RDWR | O_CREAT, kReadWrite);
  guest.PutBytes(100, "abcdefgh");
  guest.PutIovecs(0, {{100, 8}});
  REQUIRE(guest.Call("fd_pwrite", {fd, 0, 1, 4, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 8);
  CHECK(ReadHostFile(dir.File("f")) == std::string("\0\0\0\0abcdefgh", 12));
  CHECK(guest.Call("fd_tell", {fd, 50}) == Errno::kSuccess);
  CHECK(guest.U64(50) == 0);
  guest.PutIovecs(0, {{200, 2}, {300, 2}});
  REQUIRE(guest.Call("fd_pread", {fd, 0, 2, 6, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 4);
  CHECK(guest.GetBytes(200, 2) == "cd");
  CHECK(guest.GetBytes(300, 2) == "ef");
  CHECK(guest.Call("fd_tell", {fd, 50}) == Errno::kSuccess);
  CHECK(guest.U64(50) == 0);
  // Beyond the end: nothing to read. An offset the host cannot represent: inval.
  REQUIRE(guest.Call("fd_pread", {fd, 0, 2, 100, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 0);
  CHECK(guest.Call("fd_pread", {fd, 0, 2, uint64_t{1} << 63, 60}) == Errno::kInval);
  CHECK(guest.Call("fd_pwrite", {fd, 0, 2, ~uint64_t{0}, 60}) == Errno::kInval);
}

TEST_CASE("fd_filestat_get reports the host file; set_size, allocate and set_times change it",
          "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig());
  uint32_t fd = guest.AddHostFile(dir.File("f"), O_RDWR | O_CREAT, kReadWrite);
  struct stat st {};
  REQUIRE(stat(dir.File("f").c_str(), &st) == 0);

  guest.PutBytes(0, std::string(64, '\xff'));
  REQUIRE(guest.Call("fd_filestat_get", {fd, 0}) == Errno::kSuccess);
  CHECK(guest.U64(0) == static_cast<uint64_t>(st.st_dev));
  CHECK(guest.U64(8) == static_cast<uint64_t>(st.st_ino));
  CHECK(guest.GetBytes(16, 1)[0] == static_cast<char>(Filetype::kRegularFile));
  CHECK(guest.U64(24) == 1);  // nlink
  CHECK(guest.U64(32) == 0);  // size
  CHECK(guest.U64(48) == static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000u +
                             static_cast<uint64_t>(st.st_mtim.tv_nsec));

  CHECK(guest.Call("fd_filestat_set_size", {fd, 100}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_filestat_get", {fd, 0}) == Errno::kSuccess);
  CHECK(guest.U64(32) == 100);
  // fd_allocate grows a file when offset + len passes its end, never shrinks it.
  CHECK(guest.Call("fd_allocate", {fd, 10, 10}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_filestat_get", {fd, 0}) == Errno::kSuccess);
  CHECK(guest.U64(32) == 100);
  CHECK(guest.Call("fd_allocate", {fd, 90, 20}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_filestat_get", {fd, 0}) == Errno::kSuccess);
  CHECK(guest.U64(32) == 110);
  CHECK(guest.Call("fd_allocate", {fd, 0, 0}) == Errno::kInval);

  // Set mtime to a given time and atime to now.
  const uint64_t mtim = uint64_t{1234567890} * 1000000000u + 42;
  CHECK(guest.Call("fd_filestat_set_times", {fd, 0, mtim, 4 /*MTIM*/ | 2 /*ATIM_NOW*/}) ==
        Errno::kSuccess);
  REQUIRE(guest.Call("fd_filestat_get", {fd, 0}) == Errno::kSuccess);
  CHECK(guest.U64(48) == mtim);
  CHECK(guest.U64(40) > mtim);
  // A time both given and "now", or unknown flags: inval.
  CHECK(guest.Call("fd_filestat_set_times", {fd, 0, 0, 1 | 2}) == Errno::kInval);
  CHECK(guest.Call("fd_filestat_set_times", {fd, 0, 0, 4 | 8}) == Errno::kInval);
  CHECK(guest.Call("fd_filestat_set_times", {fd, 0, 0, 16}) == Errno::kInval);

  CHECK(guest.Call("fd_sync", {fd}) == Errno::kSuccess);
  CHECK(guest.Call("fd_datasync", {fd}) == Errno::kSuccess);
  CHECK(guest.Call("fd_advise", {fd, 10, 50, 0}) == Errno::kSuccess);
  CHECK(guest.Call("fd_advise", {fd, 0, 0, 5}) == Errno::kSuccess);
  CHECK(guest.Call("fd_advise", {fd, 0, 0, 6}) == Errno::kInval);
}

TEST_CASE("a file opened for reading only cannot be written or truncated", "[wasi][fd]") {
  TempDir dir;
  REQUIRE(close(open(dir.File("f").c_str(), O_CREAT | O_WRONLY, 0644)) == 0);
  Guest guest(NewModuleConfig());
  uint32_t fd = guest.AddHostFile(dir.File("f"), O_RDONLY, kRightFdRead);
  guest.PutIovecs(0, {{100, 4}});
  CHECK(guest.Call("fd_write", {fd, 0, 1, 60}) == Errno::kNotcapable);
  CHECK(guest.Call("fd_pwrite", {fd, 0, 1, 0, 60}) == Errno::kNotcapable);
  // As ftruncate on a read-only descriptor (what the WASI testsuite expects).
  CHECK(guest.Call("fd_filestat_set_size", {fd, 100}) == Errno::kInval);
  // Times follow the file's permissions, not the open mode.
  CHECK(guest.Call("fd_filestat_set_times", {fd, 0, 0, 2 | 8}) == Errno::kSuccess);
  CHECK(ReadHostFile(dir.File("f")).empty());
}

TEST_CASE("fd_fdstat_set_rights only drops rights, and dropped data rights are enforced",
          "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig());
  uint32_t fd = guest.AddHostFile(dir.File("f"), O_RDWR | O_CREAT, kReadWrite);
  REQUIRE(guest.Call("fd_fdstat_get", {fd, 0}) == Errno::kSuccess);
  CHECK(guest.GetBytes(0, 1)[0] == static_cast<char>(Filetype::kRegularFile));
  CHECK(guest.U64(8) == kReadWrite);
  CHECK(guest.Call("fd_fdstat_set_rights", {fd, kRightFdSeek, 0}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_fdstat_get", {fd, 0}) == Errno::kSuccess);
  CHECK(guest.U64(8) == kRightFdSeek);
  guest.PutIovecs(0, {{100, 4}});
  CHECK(guest.Call("fd_read", {fd, 0, 1, 60}) == Errno::kNotcapable);
  CHECK(guest.Call("fd_write", {fd, 0, 1, 60}) == Errno::kNotcapable);
  CHECK(guest.Call("fd_fdstat_set_rights", {fd, kReadWrite, 0}) == Errno::kNotcapable);
  CHECK(guest.Call("fd_fdstat_set_rights", {fd, kRightFdSeek, 1}) == Errno::kNotcapable);
  CHECK(guest.Call("fd_seek", {fd, 0, kWhenceSet, 60}) == Errno::kSuccess);
}

TEST_CASE("fd_fdstat_set_flags turns append mode on and off", "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig());
  uint32_t fd = guest.AddHostFile(dir.File("f"), O_RDWR | O_CREAT | O_APPEND, kReadWrite);
  guest.PutBytes(100, "aaaa");
  guest.PutBytes(200, "bb");
  guest.PutIovecs(0, {{100, 4}});
  guest.PutIovecs(8, {{200, 2}});
  REQUIRE(guest.Call("fd_write", {fd, 0, 1, 60}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_seek", {fd, 0, kWhenceSet, 60}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_write", {fd, 8, 1, 60}) == Errno::kSuccess);
  CHECK(ReadHostFile(dir.File("f")) == "aaaabb");
  CHECK(guest.Call("fd_tell", {fd, 60}) == Errno::kSuccess);
  CHECK(guest.U64(60) == 6);
  REQUIRE(guest.Call("fd_fdstat_get", {fd, 300}) == Errno::kSuccess);
  CHECK(guest.GetBytes(302, 1)[0] == 1);

  CHECK(guest.Call("fd_fdstat_set_flags", {fd, 0}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_fdstat_get", {fd, 300}) == Errno::kSuccess);
  CHECK(guest.GetBytes(302, 1)[0] == 0);
  REQUIRE(guest.Call("fd_seek", {fd, 0, kWhenceSet, 60}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_write", {fd, 8, 1, 60}) == Errno::kSuccess);
  CHECK(ReadHostFile(dir.File("f")) == "bbaabb");
  // Syncing flags cannot be changed on an open descriptor; unknown bits are invalid.
  CHECK(guest.Call("fd_fdstat_set_flags", {fd, 2}) == Errno::kInval);
  CHECK(guest.Call("fd_fdstat_set_flags", {fd, 32}) == Errno::kInval);
  CHECK(guest.Call("fd_fdstat_set_flags", {fd, 4 /*NONBLOCK*/}) == Errno::kSuccess);
  CHECK((fcntl(3 + 0, F_GETFD) >= 0));  // the host table is intact
}

TEST_CASE("fd_pwrite on an append-mode file appends and keeps the position", "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig());
  uint32_t fd = guest.AddHostFile(dir.File("f"), O_WRONLY | O_CREAT | O_APPEND, kReadWrite);
  guest.PutBytes(100, "xyzw");
  guest.PutIovecs(0, {{100, 2}});
  REQUIRE(guest.Call("fd_write", {fd, 0, 1, 60}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_seek", {fd, 0, kWhenceSet, 60}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_write", {fd, 0, 1, 60}) == Errno::kSuccess);
  REQUIRE(guest.Call("fd_tell", {fd, 60}) == Errno::kSuccess);
  CHECK(guest.U64(60) == 4);
  guest.PutIovecs(0, {{100, 3}});
  REQUIRE(guest.Call("fd_pwrite", {fd, 0, 1, 0, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 3);
  REQUIRE(guest.Call("fd_tell", {fd, 60}) == Errno::kSuccess);
  CHECK(guest.U64(60) == 4);
  // Linux writes at the end in append mode (POSIX would write at 0): either is allowed.
  std::string contents = ReadHostFile(dir.File("f"));
  CHECK((contents == "xyxyxyz" || contents == "xyzy"));
}

TEST_CASE("fd_close and fd_renumber manage the table", "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig());
  uint32_t a = guest.AddHostFile(dir.File("a"), O_RDWR | O_CREAT, kReadWrite);
  uint32_t b = guest.AddHostFile(dir.File("b"), O_RDWR | O_CREAT, kRightFdRead);
  REQUIRE(a == 3);
  REQUIRE(b == 4);
  CHECK(guest.Call("fd_renumber", {a, a}) == Errno::kSuccess);
  CHECK(guest.Call("fd_renumber", {a, b}) == Errno::kSuccess);
  CHECK(guest.Call("fd_fdstat_get", {a, 0}) == Errno::kBadf);
  REQUIRE(guest.Call("fd_fdstat_get", {b, 0}) == Errno::kSuccess);
  CHECK(guest.U64(8) == kReadWrite);  // a's entry now lives at b
  guest.PutBytes(100, "via b");
  guest.PutIovecs(0, {{100, 5}});
  REQUIRE(guest.Call("fd_write", {b, 0, 1, 60}) == Errno::kSuccess);
  CHECK(ReadHostFile(dir.File("a")) == "via b");
  CHECK(guest.Call("fd_close", {b}) == Errno::kSuccess);
  CHECK(guest.Call("fd_close", {b}) == Errno::kBadf);
  // stdio can be closed and renumbered too.
  CHECK(guest.Call("fd_close", {2}) == Errno::kSuccess);
  CHECK(guest.Call("fd_write", {2, 0, 1, 60}) == Errno::kBadf);
}

TEST_CASE("a socket has no position, and writing to a closed peer gives pipe, not SIGPIPE",
          "[wasi][fd]") {
  Guest guest(NewModuleConfig());
  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  uint32_t fd = guest.AddHostFd(pair[0], Filetype::kSocketStream, kReadWrite);
  guest.PutBytes(100, "ping");
  guest.PutIovecs(0, {{100, 4}});
  REQUIRE(guest.Call("fd_write", {fd, 0, 1, 60}) == Errno::kSuccess);
  char received[4];
  REQUIRE(read(pair[1], received, 4) == 4);
  CHECK(std::string(received, 4) == "ping");
  REQUIRE(write(pair[1], "pong", 4) == 4);
  guest.PutIovecs(0, {{200, 8}});
  REQUIRE(guest.Call("fd_read", {fd, 0, 1, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 4);
  CHECK(guest.GetBytes(200, 4) == "pong");
  CHECK(guest.Call("fd_seek", {fd, 0, kWhenceCur, 60}) == Errno::kSpipe);
  CHECK(guest.Call("fd_pread", {fd, 0, 1, 0, 60}) == Errno::kSpipe);
  REQUIRE(guest.Call("fd_filestat_get", {fd, 300}) == Errno::kSuccess);
  CHECK(guest.GetBytes(316, 1)[0] == static_cast<char>(Filetype::kSocketStream));
  close(pair[1]);
  guest.PutIovecs(0, {{100, 4}});
  CHECK(guest.Call("fd_write", {fd, 0, 1, 60}) == Errno::kPipe);
}

// -- directories and preopens -------------------------------------------------------------

// ReadDirents parses fd_readdir output: (d_next, d_ino, name, type) per complete entry.
struct Dirent {
  uint64_t next;
  uint64_t ino;
  std::string name;
  uint8_t type;
};
std::vector<Dirent> ParseDirents(const std::string& bytes) {
  std::vector<Dirent> entries;
  size_t at = 0;
  auto u64 = [&](size_t p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(bytes[p + i]);
    return v;
  };
  while (at + 24 <= bytes.size()) {
    uint32_t namlen = static_cast<uint32_t>(u64(at + 16) & 0xffffffffu);
    if (at + 24 + namlen > bytes.size()) break;
    entries.push_back({u64(at), u64(at + 8), bytes.substr(at + 24, namlen),
                       static_cast<uint8_t>(bytes[at + 20])});
    at += 24 + namlen;
  }
  return entries;
}

TEST_CASE("a preopened directory answers fd_prestat_get and fd_prestat_dir_name",
          "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig().WithFSConfig(NewFSConfig().WithDirMount(dir.path(), "/data")));
  guest.PutBytes(0, std::string(8, '\xff'));
  REQUIRE(guest.Call("fd_prestat_get", {3, 0}) == Errno::kSuccess);
  CHECK(guest.GetBytes(0, 1)[0] == 0);
  CHECK(guest.U32(4) == 5);
  CHECK(guest.Call("fd_prestat_dir_name", {3, 100, 4}) == Errno::kNametoolong);
  guest.PutBytes(100, "########");
  CHECK(guest.Call("fd_prestat_dir_name", {3, 100, 8}) == Errno::kSuccess);
  CHECK(guest.GetBytes(100, 8) == "/data###");
  CHECK(guest.Call("fd_prestat_dir_name", {3, 0xfffffffeu, 8}) == Errno::kFault);
  CHECK(guest.Call("fd_prestat_get", {4, 0}) == Errno::kBadf);
  // Closing a preopen is allowed; it is gone afterwards.
  CHECK(guest.Call("fd_close", {3}) == Errno::kSuccess);
  CHECK(guest.Call("fd_prestat_get", {3, 0}) == Errno::kBadf);
}

TEST_CASE("a directory cannot be read, written or sought like a file", "[wasi][fd]") {
  TempDir dir;
  Guest guest(NewModuleConfig().WithFSConfig(NewFSConfig().WithDirMount(dir.path(), "/")));
  guest.PutIovecs(0, {{100, 4}});
  Errno read = guest.Call("fd_read", {3, 0, 1, 60});
  CHECK((read == Errno::kIsdir || read == Errno::kNotcapable));
  Errno write = guest.Call("fd_write", {3, 0, 1, 60});
  CHECK((write == Errno::kIsdir || write == Errno::kNotcapable));
  CHECK(guest.Call("fd_seek", {3, 0, kWhenceCur, 60}) == Errno::kBadf);
  CHECK(guest.Call("fd_tell", {3, 60}) == Errno::kBadf);
  CHECK(guest.Call("fd_allocate", {3, 0, 1}) == Errno::kBadf);
  CHECK(guest.Call("fd_filestat_set_size", {3, 0}) == Errno::kIsdir);
  REQUIRE(guest.Call("fd_fdstat_get", {3, 0}) == Errno::kSuccess);
  CHECK(guest.GetBytes(0, 1)[0] == static_cast<char>(Filetype::kDirectory));
  CHECK((guest.U64(8) & kRightFdSeek) == 0);
  REQUIRE(guest.Call("fd_filestat_get", {3, 0}) == Errno::kSuccess);
  CHECK(guest.GetBytes(16, 1)[0] == static_cast<char>(Filetype::kDirectory));
  // Times of the directory itself can be set; it can be synced.
  const uint64_t mtim = uint64_t{1500000000} * 1000000000u;
  CHECK(guest.Call("fd_filestat_set_times", {3, 0, mtim, 4}) == Errno::kSuccess);
  struct stat st {};
  REQUIRE(stat(dir.path().c_str(), &st) == 0);
  CHECK(st.st_mtim.tv_sec == 1500000000);
  CHECK(guest.Call("fd_sync", {3}) == Errno::kSuccess);
}

TEST_CASE("fd_readdir lists . and .. and the entries, resuming at cookies", "[wasi][fd]") {
  TempDir dir;
  REQUIRE(close(open(dir.File("file").c_str(), O_CREAT | O_WRONLY, 0644)) == 0);
  REQUIRE(mkdir(dir.File("sub").c_str(), 0755) == 0);
  Guest guest(NewModuleConfig().WithFSConfig(NewFSConfig().WithDirMount(dir.path(), "/")));
  struct stat dir_stat {};
  struct stat file_stat {};
  REQUIRE(stat(dir.path().c_str(), &dir_stat) == 0);
  REQUIRE(stat(dir.File("file").c_str(), &file_stat) == 0);

  REQUIRE(guest.Call("fd_readdir", {3, 1000, 4096, 0, 60}) == Errno::kSuccess);
  uint32_t used = guest.U32(60);
  CHECK(used < 4096);
  std::vector<Dirent> entries = ParseDirents(guest.GetBytes(1000, used));
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].name == ".");
  CHECK(entries[0].ino == static_cast<uint64_t>(dir_stat.st_ino));
  CHECK(entries[0].type == static_cast<uint8_t>(Filetype::kDirectory));
  CHECK(entries[1].name == "..");
  CHECK(entries[1].type == static_cast<uint8_t>(Filetype::kDirectory));
  std::set<std::string> names;
  for (size_t i = 0; i < entries.size(); ++i) {
    CHECK(entries[i].next == i + 1);
    names.insert(entries[i].name);
    if (entries[i].name == "file") {
      CHECK(entries[i].ino == static_cast<uint64_t>(file_stat.st_ino));
      CHECK(entries[i].type == static_cast<uint8_t>(Filetype::kRegularFile));
    }
    if (entries[i].name == "sub") {
      CHECK(entries[i].type == static_cast<uint8_t>(Filetype::kDirectory));
    }
  }
  CHECK(names == std::set<std::string>{".", "..", "file", "sub"});

  // Resume after the third entry: only the last one is left.
  REQUIRE(guest.Call("fd_readdir", {3, 1000, 4096, 3, 60}) == Errno::kSuccess);
  std::vector<Dirent> rest = ParseDirents(guest.GetBytes(1000, guest.U32(60)));
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].name == entries[3].name);
  // Past the end: nothing.
  REQUIRE(guest.Call("fd_readdir", {3, 1000, 4096, 9, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 0);

  // A buffer too small for everything is filled completely, the last entry cut short.
  guest.PutBytes(2000, std::string(40, '\x55'));
  REQUIRE(guest.Call("fd_readdir", {3, 2000, 30, 0, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 30);
  std::string bytes = guest.GetBytes(2000, 30);
  CHECK(ParseDirents(bytes).size() == 1);
  CHECK(bytes.substr(24, 1) == ".");
  CHECK(bytes.substr(25, 5) == std::string("\x02\0\0\0\0", 5));  // the next header, truncated
  CHECK(guest.GetBytes(2030, 1) == "\x55");                       // nothing past buf_len

  // Out-of-range buffer, a file, and missing rights.
  CHECK(guest.Call("fd_readdir", {3, 0xffffff00u, 4096, 0, 60}) == Errno::kFault);
  uint32_t file_fd = guest.AddHostFile(dir.File("file"), O_RDONLY, kRightFdRead | kRightFdReaddir);
  CHECK(guest.Call("fd_readdir", {file_fd, 1000, 4096, 0, 60}) == Errno::kNotdir);
  REQUIRE(guest.Call("fd_fdstat_set_rights", {3, 0, 0}) == Errno::kSuccess);
  CHECK(guest.Call("fd_readdir", {3, 1000, 4096, 0, 60}) == Errno::kNotcapable);
}

TEST_CASE("fd_readdir pages through a large directory with small buffers", "[wasi][fd]") {
  TempDir dir;
  for (int i = 0; i < 300; ++i) {
    REQUIRE(close(open(dir.File(absl::StrCat("file.", i)).c_str(), O_CREAT | O_WRONLY, 0644)) ==
            0);
  }
  Guest guest(NewModuleConfig().WithFSConfig(NewFSConfig().WithDirMount(dir.path(), "/")));
  std::set<std::string> names;
  size_t total = 0;
  uint64_t cookie = 0;
  for (int round = 0; round < 1000; ++round) {
    REQUIRE(guest.Call("fd_readdir", {3, 1000, 256, cookie, 60}) == Errno::kSuccess);
    uint32_t used = guest.U32(60);
    std::vector<Dirent> entries = ParseDirents(guest.GetBytes(1000, used));
    total += entries.size();
    for (const Dirent& entry : entries) names.insert(entry.name);
    if (used < 256) break;
    REQUIRE(!entries.empty());
    cookie = entries.back().next;
  }
  CHECK(total == 302);
  CHECK(names.size() == 302);
}

// -- read-only mounts ----------------------------------------------------------------------

TEST_CASE("nothing on a read-only mount changes through an fd", "[wasi][fd]") {
  TempDir dir;
  REQUIRE(close(open(dir.File("f").c_str(), O_CREAT | O_WRONLY, 0644)) == 0);
  Guest guest(
      NewModuleConfig().WithFSConfig(NewFSConfig().WithReadOnlyDirMount(dir.path(), "/ro")));
  int root_fd = open(dir.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  REQUIRE(root_fd >= 0);
  auto mount = std::make_shared<Mount>(root_fd, "/ro", /*read_only=*/true);
  // Even an entry that somehow holds write rights and a writable host descriptor.
  uint32_t fd = guest.AddHostFile(dir.File("f"), O_RDWR, kReadWrite, mount);
  guest.PutBytes(100, "data");
  guest.PutIovecs(0, {{100, 4}});
  CHECK(guest.Call("fd_write", {fd, 0, 1, 60}) == Errno::kRofs);
  CHECK(guest.Call("fd_pwrite", {fd, 0, 1, 0, 60}) == Errno::kRofs);
  CHECK(guest.Call("fd_filestat_set_size", {fd, 10}) == Errno::kRofs);
  CHECK(guest.Call("fd_filestat_set_times", {fd, 0, 0, 2 | 8}) == Errno::kRofs);
  CHECK(guest.Call("fd_allocate", {fd, 0, 10}) == Errno::kRofs);
  CHECK(ReadHostFile(dir.File("f")).empty());
  // The preopen itself.
  CHECK(guest.Call("fd_filestat_set_times", {3, 0, 0, 2 | 8}) == Errno::kRofs);
  // Reading still works.
  CHECK(guest.Call("fd_read", {fd, 0, 1, 60}) == Errno::kSuccess);
  CHECK(guest.U32(60) == 0);
}

}  // namespace
}  // namespace kiln::wasi
