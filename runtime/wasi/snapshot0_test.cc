// Tests of `wasi_unstable` (snapshot 0): its function list, and each function whose ABI
// differs from preview 1 (fd_seek's whence numbering, the 56-byte filestat of fd_filestat_get
// and path_filestat_get, poll_oneoff's 56-byte subscription), driven from Wasm the way a
// snapshot 0 program calls them. The functions it shares with preview 1 are preview 1's own,
// tested in their files; here only that they are there and share the caller's fd table.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "api/kiln.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/testing/wat_binaries.h"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/testing/test_support.h"
#include "runtime/wasi/wasi.h"
#include "testing/status_matchers.h"

namespace kiln::wasi {
namespace {

using embedding::testing::WatToWasm;
using test_support::TempDir;
using testing::IsOk;


// The guest: thin exports over its wasi_unstable imports (a host function sees the memory
// of the Wasm module that calls it), plus preview 1's path_open and fd_filestat_get to show
// that both modules act on one fd table. Memory: paths at 0..127, results from 256.
constexpr absl::string_view kGuest = R"((module
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_tell" (func $fd_tell (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get"
    (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open1 (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get"
    (func $fd_filestat_get1 (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "file.txt")
  (data (i32.const 16) "sub")
  (data (i32.const 32) "link")
  (data (i32.const 48) "missing")
  (func (export "path_open") (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)
    (call $path_open (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
                     (local.get 5) (local.get 6) (local.get 7) (local.get 8)))
  (func (export "path_open1") (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)
    (call $path_open1 (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4)
                      (local.get 5) (local.get 6) (local.get 7) (local.get 8)))
  (func (export "fd_seek") (param i32 i64 i32 i32) (result i32)
    (call $fd_seek (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "fd_tell") (param i32 i32) (result i32)
    (call $fd_tell (local.get 0) (local.get 1)))
  (func (export "fd_filestat_get") (param i32 i32) (result i32)
    (call $fd_filestat_get (local.get 0) (local.get 1)))
  (func (export "fd_filestat_get1") (param i32 i32) (result i32)
    (call $fd_filestat_get1 (local.get 0) (local.get 1)))
  (func (export "path_filestat_get") (param i32 i32 i32 i32 i32) (result i32)
    (call $path_filestat_get (local.get 0) (local.get 1) (local.get 2) (local.get 3)
                             (local.get 4)))
  (func (export "poll_oneoff") (param i32 i32 i32 i32) (result i32)
    (call $poll_oneoff (local.get 0) (local.get 1) (local.get 2) (local.get 3))))
)";

constexpr uint32_t kPreopenFd = 3;
constexpr uint32_t kFilePath = 0, kFilePathLen = 8;
constexpr uint32_t kSubPath = 16, kSubPathLen = 3;
constexpr uint32_t kLinkPath = 32, kLinkPathLen = 4;
constexpr uint32_t kMissingPath = 48, kMissingPathLen = 7;
constexpr uint32_t kOut = 256;
constexpr uint32_t kOutOfRange = 65536 - 4;  // the last page's last 4 bytes: too short

// Rights a guest asks for when opening the test file: fd_read, fd_seek, fd_tell,
// fd_filestat_get, poll_fd_readwrite.
constexpr int64_t kFileRights = (1 << 1) | (1 << 2) | (1 << 5) | (1 << 21) | (1 << 27);

// Snapshot 0's numbering, as a program compiled against it passes it.
constexpr uint32_t kWhenceCur = 0, kWhenceEnd = 1, kWhenceSet = 2;

// Fixture: a runtime with both WASI modules, a mounted directory holding file.txt
// ("0123456789"), a hard link to it, directory sub/ and symlink link -> file.txt, and the
// guest instantiated with it mounted at "/" (fd 3).
class Guest {
 public:
  Guest() {
    const std::string dir = tmp_.path();
    std::ofstream(dir + "/file.txt") << "0123456789";
    REQUIRE(::link((dir + "/file.txt").c_str(), (dir + "/hardlink").c_str()) == 0);
    REQUIRE(::mkdir((dir + "/sub").c_str(), 0755) == 0);
    REQUIRE(::symlink("file.txt", (dir + "/link").c_str()) == 0);

    runtime_ = NewRuntime(ctx_);
    absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
        runtime_->CompileModule(ctx_, WatToWasm(kGuest));
    REQUIRE_THAT(compiled.status(), IsOk());
    // What kiln run does: both modules, because the guest imports from both.
    REQUIRE_THAT(InstantiateImportedWasi(ctx_, *runtime_, **compiled), IsOk());
    REQUIRE(runtime_->Module(kUnstableModuleName) != nullptr);
    REQUIRE(runtime_->Module(kSnapshotPreview1ModuleName) != nullptr);
    absl::StatusOr<api::Module*> module = runtime_->InstantiateModule(
        ctx_, *compiled,
        NewModuleConfig().WithSysWalltime().WithSysNanotime().WithSysNanosleep().WithFSConfig(
            NewFSConfig().WithDirMount(dir, "/")));
    REQUIRE_THAT(module.status(), IsOk());
    module_ = *module;
  }

  const std::string& dir() const { return tmp_.path(); }
  api::Memory& memory() { return *module_->Memory(); }

  // Call calls the export `name` and returns its errno.
  Errno Call(absl::string_view name, std::vector<uint64_t> params) {
    api::Function* function = module_->ExportedFunction(name);
    REQUIRE(function != nullptr);
    absl::StatusOr<std::vector<uint64_t>> results = function->Call(ctx_, params);
    REQUIRE_THAT(results.status(), IsOk());
    REQUIRE(results->size() == 1);
    return static_cast<Errno>(api::DecodeU32((*results)[0]));
  }

  // OpenFile opens file.txt through `path_open_export` and returns its fd.
  uint32_t OpenFile(absl::string_view path_open_export = "path_open") {
    REQUIRE(Call(path_open_export, {kPreopenFd, 0, kFilePath, kFilePathLen, 0,
                                    api::EncodeI64(kFileRights), api::EncodeI64(0), 0, kOut}) ==
            Errno::kSuccess);
    return *memory().ReadUint32Le(kOut);
  }

  uint64_t Tell(uint32_t fd) {
    REQUIRE(Call("fd_tell", {fd, kOut + 8}) == Errno::kSuccess);
    return *memory().ReadUint64Le(kOut + 8);
  }

 private:
  TempDir tmp_;
  Context ctx_;
  std::unique_ptr<Runtime> runtime_;
  api::Module* module_ = nullptr;
};

// -- the module ------------------------------------------------------------------------------

TEST_CASE("wasi_unstable has preview 1's functions but sock_accept, with the same signatures",
          "[wasi][snapshot0]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  HostModuleBuilder preview1 = NewSnapshotPreview1Builder(*runtime);
  HostModuleBuilder unstable = NewUnstableBuilder(*runtime);
  CHECK(unstable.module_name() == "wasi_unstable");
  REQUIRE(preview1.functions().size() == 46);
  REQUIRE(unstable.functions().size() == 45);
  std::set<std::string> names;
  size_t u = 0;
  for (const HostFunctionSpec& p : preview1.functions()) {
    if (p.export_name == "sock_accept") continue;
    const HostFunctionSpec& s = unstable.functions()[u++];
    INFO(p.export_name);
    CHECK(s.export_name == p.export_name);  // in the witx's order too
    CHECK(s.params == p.params);
    CHECK(s.results == p.results);
    CHECK(s.param_names == p.param_names);
    names.insert(s.export_name);
  }
  CHECK(names.count("sock_accept") == 0);
  CHECK(names.count("fd_seek") == 1);
  CHECK(names.count("poll_oneoff") == 1);
  REQUIRE_THAT(InstantiateUnstable(ctx, *runtime).status(), IsOk());
  CHECK(runtime->Module("wasi_unstable") != nullptr);
}

TEST_CASE("InstantiateImportedWasi instantiates wasi_unstable only for a module importing it",
          "[wasi][snapshot0]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> preview1_only =
      runtime->CompileModule(ctx, WatToWasm(R"((module
        (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))))"));
  REQUIRE_THAT(preview1_only.status(), IsOk());
  REQUIRE_THAT(InstantiateImportedWasi(ctx, *runtime, **preview1_only), IsOk());
  CHECK(runtime->Module("wasi_unstable") == nullptr);

  absl::StatusOr<std::shared_ptr<const CompiledModule>> unstable =
      runtime->CompileModule(ctx, WatToWasm(R"((module
        (import "wasi_unstable" "sched_yield" (func (result i32)))))"));
  REQUIRE_THAT(unstable.status(), IsOk());
  REQUIRE_THAT(InstantiateImportedWasi(ctx, *runtime, **unstable), IsOk());
  CHECK(runtime->Module("wasi_unstable") != nullptr);
  // A second time is a no-op, not a duplicate-name error.
  CHECK_THAT(InstantiateImportedWasi(ctx, *runtime, **unstable), IsOk());
}

// -- fd_seek ---------------------------------------------------------------------------------

TEST_CASE("wasi_unstable fd_seek numbers whence CUR=0, END=1, SET=2", "[wasi][snapshot0]") {
  Guest guest;
  const uint32_t fd = guest.OpenFile();
  api::Memory& memory = guest.memory();

  CHECK(guest.Call("fd_seek", {fd, api::EncodeI64(3), kWhenceSet, kOut + 16}) == Errno::kSuccess);
  CHECK(memory.ReadUint64Le(kOut + 16) == 3u);
  // Preview 1 would read 0 as SET: here it is CUR, so the offset moves from 3.
  CHECK(guest.Call("fd_seek", {fd, api::EncodeI64(2), kWhenceCur, kOut + 16}) == Errno::kSuccess);
  CHECK(memory.ReadUint64Le(kOut + 16) == 5u);
  // ... and 1 is END (preview 1: CUR).
  CHECK(guest.Call("fd_seek", {fd, api::EncodeI64(-1), kWhenceEnd, kOut + 16}) == Errno::kSuccess);
  CHECK(memory.ReadUint64Le(kOut + 16) == 9u);
  CHECK(guest.Tell(fd) == 9u);
  CHECK(guest.Call("fd_seek", {fd, api::EncodeI64(0), kWhenceCur, kOut + 16}) == Errno::kSuccess);
  CHECK(memory.ReadUint64Le(kOut + 16) == 9u);

  // No whence 3; a negative result; a bad fd; a result pointer out of range, which leaves the
  // offset where it was.
  CHECK(guest.Call("fd_seek", {fd, api::EncodeI64(0), 3, kOut + 16}) == Errno::kInval);
  CHECK(guest.Call("fd_seek", {fd, api::EncodeI64(-100), kWhenceSet, kOut + 16}) == Errno::kInval);
  CHECK(guest.Call("fd_seek", {99, api::EncodeI64(0), kWhenceSet, kOut + 16}) == Errno::kBadf);
  CHECK(guest.Call("fd_seek", {fd, api::EncodeI64(1), kWhenceSet, kOutOfRange}) == Errno::kFault);
  CHECK(guest.Tell(fd) == 9u);
}

// -- filestat --------------------------------------------------------------------------------

// Filestat0 is a 56-byte snapshot 0 filestat read back from guest memory.
struct Filestat0 {
  uint64_t dev, ino;
  uint8_t filetype;
  uint32_t nlink;
  uint64_t size, atim, mtim, ctim;
  bool padding_zero;  // bytes 17-19
};

Filestat0 ReadFilestat0(api::Memory& memory, uint32_t ptr) {
  Filestat0 stat;
  stat.dev = *memory.ReadUint64Le(ptr);
  stat.ino = *memory.ReadUint64Le(ptr + 8);
  stat.filetype = *memory.ReadByte(ptr + 16);
  stat.padding_zero = *memory.ReadByte(ptr + 17) == 0 && *memory.ReadByte(ptr + 18) == 0 &&
                      *memory.ReadByte(ptr + 19) == 0;
  stat.nlink = *memory.ReadUint32Le(ptr + 20);
  stat.size = *memory.ReadUint64Le(ptr + 24);
  stat.atim = *memory.ReadUint64Le(ptr + 32);
  stat.mtim = *memory.ReadUint64Le(ptr + 40);
  stat.ctim = *memory.ReadUint64Le(ptr + 48);
  return stat;
}

uint64_t Nanos(const struct timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

// Fill puts `byte` in [ptr, ptr + size), so a test sees what a call wrote and what it left.
void Fill(api::Memory& memory, uint32_t ptr, uint32_t size, uint8_t byte) {
  std::vector<uint8_t> bytes(size, byte);
  REQUIRE(memory.Write(ptr, bytes));
}

constexpr uint8_t kRegularFile = 4, kDirectory = 3, kSymbolicLink = 7;

TEST_CASE("wasi_unstable fd_filestat_get writes the 56-byte filestat with a u32 nlink",
          "[wasi][snapshot0]") {
  Guest guest;
  const uint32_t fd = guest.OpenFile();
  api::Memory& memory = guest.memory();
  struct stat host;
  REQUIRE(::stat((guest.dir() + "/file.txt").c_str(), &host) == 0);

  Fill(memory, kOut, 64, 0xaa);
  REQUIRE(guest.Call("fd_filestat_get", {fd, kOut}) == Errno::kSuccess);
  const Filestat0 stat = ReadFilestat0(memory, kOut);
  CHECK(stat.dev == host.st_dev);
  CHECK(stat.ino == host.st_ino);
  CHECK(stat.filetype == kRegularFile);
  CHECK(stat.padding_zero);
  CHECK(stat.nlink == 2u);  // file.txt and hardlink
  CHECK(stat.size == 10u);
  CHECK(stat.atim == Nanos(host.st_atim));
  CHECK(stat.mtim == Nanos(host.st_mtim));
  CHECK(stat.ctim == Nanos(host.st_ctim));
  // 56 bytes, not preview 1's 64.
  for (uint32_t i = 56; i < 64; ++i) CHECK(memory.ReadByte(kOut + i) == 0xaa);

  // Preview 1's fd_filestat_get on the same fd (one table): 64 bytes, nlink a u64 @24.
  Fill(memory, kOut + 128, 72, 0xaa);
  REQUIRE(guest.Call("fd_filestat_get1", {fd, kOut + 128}) == Errno::kSuccess);
  CHECK(memory.ReadUint64Le(kOut + 128 + 24) == 2u);
  CHECK(memory.ReadUint64Le(kOut + 128 + 32) == 10u);
  CHECK(memory.ReadByte(kOut + 128 + 64) == 0xaa);

  CHECK(guest.Call("fd_filestat_get", {99, kOut}) == Errno::kBadf);
  CHECK(guest.Call("fd_filestat_get", {fd, 65536 - 55}) == Errno::kFault);
  CHECK(guest.Call("fd_filestat_get", {fd, 65536 - 56}) == Errno::kSuccess);  // just fits
}

TEST_CASE("a file opened through preview 1 is stat'ed through wasi_unstable", "[wasi][snapshot0]") {
  Guest guest;
  const uint32_t fd = guest.OpenFile("path_open1");
  REQUIRE(guest.Call("fd_filestat_get", {fd, kOut}) == Errno::kSuccess);
  CHECK(ReadFilestat0(guest.memory(), kOut).size == 10u);
}

TEST_CASE("wasi_unstable path_filestat_get writes the 56-byte filestat, following links on request",
          "[wasi][snapshot0]") {
  Guest guest;
  api::Memory& memory = guest.memory();
  constexpr uint32_t kFollow = 1;
  struct stat host;
  REQUIRE(::stat((guest.dir() + "/file.txt").c_str(), &host) == 0);

  Fill(memory, kOut, 64, 0xaa);
  REQUIRE(guest.Call("path_filestat_get", {kPreopenFd, 0, kFilePath, kFilePathLen, kOut}) ==
          Errno::kSuccess);
  Filestat0 stat = ReadFilestat0(memory, kOut);
  CHECK(stat.ino == host.st_ino);
  CHECK(stat.filetype == kRegularFile);
  CHECK(stat.padding_zero);
  CHECK(stat.nlink == 2u);
  CHECK(stat.size == 10u);
  CHECK(stat.mtim == Nanos(host.st_mtim));
  CHECK(memory.ReadByte(kOut + 56) == 0xaa);

  REQUIRE(guest.Call("path_filestat_get", {kPreopenFd, 0, kSubPath, kSubPathLen, kOut}) ==
          Errno::kSuccess);
  CHECK(ReadFilestat0(memory, kOut).filetype == kDirectory);

  REQUIRE(guest.Call("path_filestat_get", {kPreopenFd, 0, kLinkPath, kLinkPathLen, kOut}) ==
          Errno::kSuccess);
  stat = ReadFilestat0(memory, kOut);
  CHECK(stat.filetype == kSymbolicLink);
  CHECK(stat.size == 8u);  // "file.txt"
  REQUIRE(guest.Call("path_filestat_get", {kPreopenFd, kFollow, kLinkPath, kLinkPathLen, kOut}) ==
          Errno::kSuccess);
  stat = ReadFilestat0(memory, kOut);
  CHECK(stat.filetype == kRegularFile);
  CHECK(stat.ino == host.st_ino);

  CHECK(guest.Call("path_filestat_get", {kPreopenFd, 0, kMissingPath, kMissingPathLen, kOut}) ==
        Errno::kNoent);
  CHECK(guest.Call("path_filestat_get", {99, 0, kFilePath, kFilePathLen, kOut}) == Errno::kBadf);
  CHECK(guest.Call("path_filestat_get", {kPreopenFd, 0, kOutOfRange, 8, kOut}) == Errno::kFault);
  CHECK(guest.Call("path_filestat_get", {kPreopenFd, 0, kFilePath, kFilePathLen, 65536 - 55}) ==
        Errno::kFault);
}

// -- poll_oneoff -----------------------------------------------------------------------------

constexpr uint32_t kSubscriptions = 1024;
constexpr uint32_t kEvents = 2048;
constexpr uint32_t kNevents = 4000;

// Subscriptions as a snapshot 0 program lays them out (56 bytes each).
void PutClockSubscription(api::Memory& memory, uint32_t index, uint64_t userdata,
                          uint64_t identifier, uint32_t clock_id, uint64_t timeout,
                          uint16_t flags) {
  const uint32_t at = kSubscriptions + index * 56;
  Fill(memory, at, 56, 0);
  REQUIRE(memory.WriteUint64Le(at, userdata));
  REQUIRE(memory.WriteByte(at + 8, 0));  // eventtype clock
  REQUIRE(memory.WriteUint64Le(at + 16, identifier));
  REQUIRE(memory.WriteUint32Le(at + 24, clock_id));
  REQUIRE(memory.WriteUint64Le(at + 32, timeout));
  REQUIRE(memory.WriteUint64Le(at + 40, 0));  // precision
  REQUIRE(memory.WriteUint16Le(at + 48, flags));
}

void PutFdSubscription(api::Memory& memory, uint32_t index, uint64_t userdata, uint8_t type,
                       uint32_t fd) {
  const uint32_t at = kSubscriptions + index * 56;
  Fill(memory, at, 56, 0);
  REQUIRE(memory.WriteUint64Le(at, userdata));
  REQUIRE(memory.WriteByte(at + 8, type));
  REQUIRE(memory.WriteUint32Le(at + 16, fd));
}

struct Event0 {
  uint64_t userdata;
  uint16_t error;
  uint8_t type;
};

Event0 ReadEvent(api::Memory& memory, uint32_t index) {
  const uint32_t at = kEvents + index * 32;
  return {*memory.ReadUint64Le(at), *memory.ReadUint16Le(at + 8), *memory.ReadByte(at + 10)};
}

constexpr uint32_t kRealtime = 0, kMonotonic = 1;
constexpr uint16_t kAbstime = 1;
constexpr uint8_t kEventClock = 0, kEventFdRead = 1;

TEST_CASE("wasi_unstable poll_oneoff reads the clock subscription after its identifier",
          "[wasi][snapshot0]") {
  Guest guest;
  api::Memory& memory = guest.memory();
  // The identifier is all ones: read where preview 1 keeps the clock id, it would be an
  // unknown clock.
  PutClockSubscription(memory, 0, 0x1122334455667788, ~uint64_t{0}, kMonotonic,
                       20 * 1000 * 1000 /* 20 ms */, 0);
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(guest.Call("poll_oneoff", {kSubscriptions, kEvents, 1, kNevents}) == Errno::kSuccess);
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= std::chrono::milliseconds(20));
  CHECK(waited < std::chrono::seconds(5));
  REQUIRE(memory.ReadUint32Le(kNevents) == 1u);
  Event0 event = ReadEvent(memory, 0);
  CHECK(event.userdata == 0x1122334455667788u);
  CHECK(event.error == 0);
  CHECK(event.type == kEventClock);

  // An absolute time in the past (flags @48): no wait.
  PutClockSubscription(memory, 0, 7, 0, kRealtime, 1, kAbstime);
  const auto start_abs = std::chrono::steady_clock::now();
  REQUIRE(guest.Call("poll_oneoff", {kSubscriptions, kEvents, 1, kNevents}) == Errno::kSuccess);
  CHECK(std::chrono::steady_clock::now() - start_abs < std::chrono::seconds(1));
  REQUIRE(memory.ReadUint32Le(kNevents) == 1u);
  CHECK(ReadEvent(memory, 0).userdata == 7u);
  CHECK(ReadEvent(memory, 0).error == 0);
}

TEST_CASE("wasi_unstable poll_oneoff reads fd subscriptions and writes preview 1's events",
          "[wasi][snapshot0]") {
  Guest guest;
  api::Memory& memory = guest.memory();
  const uint32_t fd = guest.OpenFile();
  // A regular file is always ready; the clock (10 s) is not reached.
  PutClockSubscription(memory, 0, 1, 0, kMonotonic, 10ull * 1000 * 1000 * 1000, 0);
  PutFdSubscription(memory, 1, 2, kEventFdRead, fd);
  Fill(memory, kEvents, 64, 0xaa);
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(guest.Call("poll_oneoff", {kSubscriptions, kEvents, 2, kNevents}) == Errno::kSuccess);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  REQUIRE(memory.ReadUint32Le(kNevents) == 1u);
  const Event0 event = ReadEvent(memory, 0);
  CHECK(event.userdata == 2u);
  CHECK(event.error == 0);
  CHECK(event.type == kEventFdRead);
  CHECK(memory.ReadByte(kEvents + 32) == 0xaa);  // one event, 32 bytes

  // A bad fd is reported in its event, not as the call's errno.
  PutFdSubscription(memory, 0, 3, kEventFdRead, 99);
  REQUIRE(guest.Call("poll_oneoff", {kSubscriptions, kEvents, 1, kNevents}) == Errno::kSuccess);
  REQUIRE(memory.ReadUint32Le(kNevents) == 1u);
  CHECK(ReadEvent(memory, 0).userdata == 3u);
  CHECK(ReadEvent(memory, 0).error == static_cast<uint16_t>(Errno::kBadf));
}

TEST_CASE("wasi_unstable poll_oneoff rejects no subscriptions and pointers out of range",
          "[wasi][snapshot0]") {
  Guest guest;
  api::Memory& memory = guest.memory();
  PutClockSubscription(memory, 0, 1, 0, kMonotonic, 0, 0);
  CHECK(guest.Call("poll_oneoff", {kSubscriptions, kEvents, 0, kNevents}) == Errno::kInval);
  // 56 bytes per subscription: the last one starting 55 bytes before the end is cut off.
  CHECK(guest.Call("poll_oneoff", {65536 - 55, kEvents, 1, kNevents}) == Errno::kFault);
  CHECK(guest.Call("poll_oneoff", {kSubscriptions, 65536 - 31, 1, kNevents}) == Errno::kFault);
  CHECK(guest.Call("poll_oneoff", {kSubscriptions, kEvents, 1, kOutOfRange + 1}) == Errno::kFault);
  // A count so large its size wraps 32 bits.
  CHECK(guest.Call("poll_oneoff", {kSubscriptions, kEvents, 0x80000000u, kNevents}) ==
        Errno::kFault);
  CHECK(guest.Call("poll_oneoff", {kSubscriptions, kEvents, 1, kNevents}) == Errno::kSuccess);
}

}  // namespace
}  // namespace kiln::wasi
