// Tests of the preview 1 module and its non-fd functions, called from Wasm through a Runtime:
// args and environment layouts, clocks, random_get, proc_exit and proc_raise, sched_yield,
// poll_oneoff and the sock_* functions, including hostile pointers.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/kiln.h"
#include "api/sys.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/testing/wat_binaries.h"
#include "runtime/wasi/errno.h"
#include "runtime/wasi/functions.h"
#include "runtime/wasi/wasi.h"
#include "testing/status_matchers.h"

namespace kiln::wasi {
namespace {

using embedding::testing::WatToWasm;
using testing::IsOk;

constexpr uint32_t kSuccess = ErrnoCode(Errno::kSuccess);
constexpr uint32_t kFault = ErrnoCode(Errno::kFault);
constexpr uint32_t kInval = ErrnoCode(Errno::kInval);
constexpr uint32_t kBadf = ErrnoCode(Errno::kBadf);
constexpr uint32_t kNotsock = ErrnoCode(Errno::kNotsock);
constexpr uint32_t kNosys = ErrnoCode(Errno::kNosys);

// An address past the end of the probe's one-page memory.
constexpr uint32_t kOutOfRange = 65536 - 2;

// ProbeWat is a module that imports every preview 1 function and exports, for each,
// "call_<name>" forwarding its params (so a test can call it with chosen pointers), and its
// one page of memory.
std::string ProbeWat() {
  std::string imports, wrappers;
  for (const FunctionDef& def : SnapshotPreview1Functions()) {
    std::vector<std::string> types, gets;
    for (size_t i = 0; i < def.params.size(); ++i) {
      types.push_back(def.params[i] == api::kValueTypeI64 ? "i64" : "i32");
      gets.push_back(absl::StrCat("(local.get ", i, ")"));
    }
    std::string signature = absl::StrCat("(param ", absl::StrJoin(types, " "), ")",
                                         def.returns_errno ? " (result i32)" : "");
    if (types.empty()) signature = def.returns_errno ? "(result i32)" : "";
    absl::StrAppend(&imports, "(import \"wasi_snapshot_preview1\" \"", def.name, "\" (func $",
                    def.name, " ", signature, "))\n");
    absl::StrAppend(&wrappers, "(func (export \"call_", def.name, "\") ", signature, " (call $",
                    def.name, " ", absl::StrJoin(gets, " "), "))\n");
  }
  return absl::StrCat("(module\n", imports, "(memory (export \"memory\") 1)\n", wrappers, ")");
}

// Guest is a probe instantiated with a config, next to wasi_snapshot_preview1.
class Guest {
 public:
  explicit Guest(ModuleConfig config) : runtime_(NewRuntime(ctx_)) {
    REQUIRE_THAT(InstantiateSnapshotPreview1(ctx_, *runtime_).status(), IsOk());
    absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
        runtime_->CompileModule(ctx_, WatToWasm(ProbeWat()));
    REQUIRE_THAT(compiled.status(), IsOk());
    absl::StatusOr<api::Module*> module =
        runtime_->InstantiateModule(ctx_, *compiled, config.WithStartFunctions({}));
    REQUIRE_THAT(module.status(), IsOk());
    module_ = *module;
  }

  // Call calls `name`'s wrapper and returns the errno it returned.
  uint32_t Call(absl::string_view name, std::vector<uint64_t> params) {
    api::Function* fn = module_->ExportedFunction(absl::StrCat("call_", name));
    REQUIRE(fn != nullptr);
    absl::StatusOr<std::vector<uint64_t>> results = fn->Call(ctx_, params);
    REQUIRE_THAT(results.status(), IsOk());
    REQUIRE(results->size() == 1);
    return api::DecodeU32((*results)[0]);
  }

  // CallStatus calls a wrapper that may not return (proc_exit).
  absl::Status CallStatus(absl::string_view name, std::vector<uint64_t> params) {
    api::Function* fn = module_->ExportedFunction(absl::StrCat("call_", name));
    REQUIRE(fn != nullptr);
    return fn->Call(ctx_, params).status();
  }

  api::Memory& memory() { return *module_->Memory(); }
  api::Module& module() { return *module_; }

  uint32_t U32(uint32_t offset) { return memory().ReadUint32Le(offset).value(); }
  uint64_t U64(uint32_t offset) { return memory().ReadUint64Le(offset).value(); }
  std::string Bytes(uint32_t offset, uint32_t size) {
    absl::Span<uint8_t> bytes = memory().Read(offset, size).value();
    return std::string(bytes.begin(), bytes.end());
  }

 private:
  Context ctx_;
  std::unique_ptr<Runtime> runtime_;
  api::Module* module_ = nullptr;
};

uint64_t I32(uint32_t v) { return api::EncodeU32(v); }
uint64_t I64(uint64_t v) { return v; }

// -- The module ------------------------------------------------------------------------------

TEST_CASE("preview 1 has all 46 functions, in the witx's order", "[wasi][module]") {
  std::vector<FunctionDef> defs = SnapshotPreview1Functions();
  REQUIRE(defs.size() == 46);
  std::set<std::string> names;
  for (const FunctionDef& def : defs) {
    names.insert(def.name);
    CAPTURE(def.name);
    CHECK(def.param_names.size() == def.params.size());
    CHECK(def.fn != nullptr);
    CHECK(def.returns_errno == (def.name != "proc_exit"));
  }
  CHECK(names.size() == 46);
  CHECK(defs.front().name == "args_get");
  CHECK(defs[5].name == "clock_time_get");
  CHECK(defs[6].name == "fd_advise");
  CHECK(defs[37].name == "poll_oneoff");
  CHECK(defs[40].name == "sched_yield");
  CHECK(defs[41].name == "random_get");
  CHECK(defs.back().name == "sock_shutdown");
}

TEST_CASE("InstantiateImportedWasi instantiates only the WASI modules a module imports",
          "[wasi][module]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> plain =
      runtime->CompileModule(ctx, WatToWasm("(module (memory 1))"));
  REQUIRE_THAT(plain.status(), IsOk());
  REQUIRE_THAT(InstantiateImportedWasi(ctx, *runtime, **plain), IsOk());
  CHECK(runtime->Module(kSnapshotPreview1ModuleName) == nullptr);

  absl::StatusOr<std::shared_ptr<const CompiledModule>> command =
      runtime->CompileModule(ctx, WatToWasm(R"((module
        (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
        (memory 1)))"));
  REQUIRE_THAT(command.status(), IsOk());
  REQUIRE_THAT(InstantiateImportedWasi(ctx, *runtime, **command), IsOk());
  CHECK(runtime->Module(kSnapshotPreview1ModuleName) != nullptr);
  CHECK(runtime->Module(kUnstableModuleName) == nullptr);
  // Already there: nothing to do, and no name clash.
  CHECK_THAT(InstantiateImportedWasi(ctx, *runtime, **command), IsOk());

  absl::StatusOr<std::shared_ptr<const CompiledModule>> old_command =
      runtime->CompileModule(ctx, WatToWasm(R"((module
        (import "wasi_unstable" "sched_yield" (func (result i32)))
        (memory 1)))"));
  REQUIRE_THAT(old_command.status(), IsOk());
  REQUIRE_THAT(InstantiateImportedWasi(ctx, *runtime, **old_command), IsOk());
  CHECK(runtime->Module(kUnstableModuleName) != nullptr);
  CHECK_THAT(runtime->InstantiateModule(ctx, *old_command, NewModuleConfig()).status(), IsOk());
}

TEST_CASE("a caller without memory can still call functions that need none",
          "[wasi][module]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  REQUIRE_THAT(InstantiateSnapshotPreview1(ctx, *runtime).status(), IsOk());
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, WatToWasm(R"((module
        (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
        (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
        (func (export "yield") (result i32) (call $yield))
        (func (export "sizes") (result i32) (call $sizes (i32.const 0) (i32.const 4)))))"));
  REQUIRE_THAT(compiled.status(), IsOk());
  absl::StatusOr<api::Module*> module = runtime->InstantiateModule(ctx, *compiled, NewModuleConfig());
  REQUIRE_THAT(module.status(), IsOk());
  absl::StatusOr<std::vector<uint64_t>> yielded = (*module)->ExportedFunction("yield")->Call(ctx, {});
  REQUIRE_THAT(yielded.status(), IsOk());
  CHECK((*yielded)[0] == kSuccess);
  absl::StatusOr<std::vector<uint64_t>> sizes = (*module)->ExportedFunction("sizes")->Call(ctx, {});
  REQUIRE_THAT(sizes.status(), IsOk());
  CHECK((*sizes)[0] == kFault);
}

// -- args and environ ------------------------------------------------------------------------

TEST_CASE("args are NUL-terminated strings with a pointer array", "[wasi][args]") {
  Guest guest(NewModuleConfig().WithArgs({"prog", "", "two words"}));
  REQUIRE(guest.Call("args_sizes_get", {I32(100), I32(104)}) == kSuccess);
  CHECK(guest.U32(100) == 3u);
  CHECK(guest.U32(104) == 5u + 1u + 10u);

  REQUIRE(guest.Call("args_get", {I32(200), I32(300)}) == kSuccess);
  CHECK(guest.U32(200) == 300u);
  CHECK(guest.U32(204) == 305u);
  CHECK(guest.U32(208) == 306u);
  CHECK(guest.Bytes(300, 16) == std::string("prog\0\0two words\0", 16));
}

TEST_CASE("no args and no environment are zero sizes", "[wasi][args][environ]") {
  Guest guest(NewModuleConfig());
  guest.memory().WriteUint64Le(100, ~uint64_t{0});
  REQUIRE(guest.Call("args_sizes_get", {I32(100), I32(104)}) == kSuccess);
  CHECK(guest.U64(100) == 0u);
  guest.memory().WriteUint64Le(100, ~uint64_t{0});
  REQUIRE(guest.Call("environ_sizes_get", {I32(100), I32(104)}) == kSuccess);
  CHECK(guest.U64(100) == 0u);
  CHECK(guest.Call("args_get", {I32(200), I32(300)}) == kSuccess);
}

TEST_CASE("the environment is KEY=VALUE strings in order of first addition",
          "[wasi][environ]") {
  Guest guest(NewModuleConfig().WithEnv("B", "2").WithEnv("A", "new\nline").WithEnv("B", "3"));
  REQUIRE(guest.Call("environ_sizes_get", {I32(100), I32(104)}) == kSuccess);
  CHECK(guest.U32(100) == 2u);
  CHECK(guest.U32(104) == 4u + 11u);
  REQUIRE(guest.Call("environ_get", {I32(200), I32(300)}) == kSuccess);
  CHECK(guest.U32(200) == 300u);
  CHECK(guest.U32(204) == 304u);
  CHECK(guest.Bytes(300, 15) == std::string("B=3\0A=new\nline\0", 15));
}

TEST_CASE("args and environ with hostile pointers fault and write nothing",
          "[wasi][args][environ]") {
  Guest guest(NewModuleConfig().WithArgs({"prog", "arg"}).WithEnv("K", "V"));
  CHECK(guest.Call("args_sizes_get", {I32(kOutOfRange), I32(104)}) == kFault);
  CHECK(guest.Call("args_sizes_get", {I32(100), I32(0xffffffff)}) == kFault);
  CHECK(guest.U32(100) == 0u);  // the first pointer was good, but nothing was written
  CHECK(guest.Call("args_get", {I32(kOutOfRange), I32(300)}) == kFault);
  CHECK(guest.Call("args_get", {I32(200), I32(65536 - 8)}) == kFault);  // "prog\0arg\0" is 9
  CHECK(guest.U32(200) == 0u);
  CHECK(guest.Call("environ_get", {I32(200), I32(0xfffffff0)}) == kFault);
  CHECK(guest.Call("environ_sizes_get", {I32(0xffffffff), I32(0)}) == kFault);
}

// -- Clocks ----------------------------------------------------------------------------------

TEST_CASE("the default clocks are fake and deterministic", "[wasi][clock]") {
  Guest guest(NewModuleConfig());
  REQUIRE(guest.Call("clock_time_get", {I32(0), I64(1), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == uint64_t{kFakeWalltimeEpochSeconds} * 1'000'000'000);
  REQUIRE(guest.Call("clock_time_get", {I32(0), I64(1), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == uint64_t{kFakeWalltimeEpochSeconds} * 1'000'000'000 + 1'000'000);
  REQUIRE(guest.Call("clock_time_get", {I32(1), I64(0), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == 0u);
  REQUIRE(guest.Call("clock_time_get", {I32(1), I64(0), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == 1'000'000u);
  REQUIRE(guest.Call("clock_res_get", {I32(0), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == kDefaultClockResolution);
  REQUIRE(guest.Call("clock_res_get", {I32(1), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == kDefaultClockResolution);
}

TEST_CASE("clocks read the config's functions and resolutions", "[wasi][clock]") {
  Guest guest(NewModuleConfig()
                  .WithWalltime([] { return WallTimestamp{5, 7}; }, 3)
                  .WithNanotime([] { return int64_t{42}; }, 9));
  REQUIRE(guest.Call("clock_time_get", {I32(0), I64(0), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == 5'000'000'007u);
  REQUIRE(guest.Call("clock_time_get", {I32(1), I64(0), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == 42u);
  REQUIRE(guest.Call("clock_res_get", {I32(0), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == 3u);
  REQUIRE(guest.Call("clock_res_get", {I32(1), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == 9u);
  // The CPU-time clocks follow the monotonic one.
  REQUIRE(guest.Call("clock_time_get", {I32(2), I64(0), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == 42u);
  REQUIRE(guest.Call("clock_res_get", {I32(3), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) == 9u);
}

TEST_CASE("an unknown clock is inval and a bad pointer faults", "[wasi][clock]") {
  Guest guest(NewModuleConfig());
  CHECK(guest.Call("clock_time_get", {I32(4), I64(0), I32(100)}) == kInval);
  CHECK(guest.Call("clock_res_get", {I32(99), I32(100)}) == kInval);
  CHECK(guest.Call("clock_time_get", {I32(1), I64(0), I32(kOutOfRange)}) == kFault);
  CHECK(guest.Call("clock_res_get", {I32(0), I32(0xffffffff)}) == kFault);
}

TEST_CASE("the host clocks are real", "[wasi][clock]") {
  Guest guest(NewModuleConfig().WithSysWalltime().WithSysNanotime());
  REQUIRE(guest.Call("clock_time_get", {I32(0), I64(0), I32(100)}) == kSuccess);
  // After 2020-01-01 and before 2100.
  CHECK(guest.U64(100) > uint64_t{1577836800} * 1'000'000'000);
  CHECK(guest.U64(100) < uint64_t{4102444800} * 1'000'000'000);
  REQUIRE(guest.Call("clock_time_get", {I32(1), I64(0), I32(100)}) == kSuccess);
  uint64_t first = guest.U64(100);
  REQUIRE(guest.Call("clock_time_get", {I32(1), I64(0), I32(100)}) == kSuccess);
  CHECK(guest.U64(100) >= first);
}

// -- random_get and sched_yield --------------------------------------------------------------

TEST_CASE("random_get reads the config's source, deterministic by default", "[wasi][random]") {
  std::string expected(64, '\0');
  absl::StatusOr<size_t> n = NewDeterministicRandSource(kDefaultRandSeed)
                                 ->Read(absl::MakeSpan(reinterpret_cast<uint8_t*>(&expected[0]), 64));
  REQUIRE_THAT(n.status(), IsOk());
  REQUIRE(*n == 64u);
  Guest first(NewModuleConfig());
  Guest second(NewModuleConfig());
  REQUIRE(first.Call("random_get", {I32(1000), I32(64)}) == kSuccess);
  REQUIRE(second.Call("random_get", {I32(1000), I32(64)}) == kSuccess);
  CHECK(first.Bytes(1000, 64) == expected);
  CHECK(second.Bytes(1000, 64) == expected);
  CHECK(first.Bytes(1064, 8) == std::string(8, '\0'));  // nothing past the buffer
}

TEST_CASE("random_get fills big buffers from a source that returns little at a time",
          "[wasi][random]") {
  // A source of 'r' bytes, three at a time.
  class TrickleSource final : public Reader {
   public:
    absl::StatusOr<size_t> Read(absl::Span<uint8_t> buffer) override {
      size_t n = std::min<size_t>(3, buffer.size());
      std::memset(buffer.data(), 'r', n);
      return n;
    }
  };
  Guest guest(NewModuleConfig().WithRandSource(std::make_shared<TrickleSource>()));
  REQUIRE(guest.Call("random_get", {I32(100), I32(1000)}) == kSuccess);
  CHECK(guest.Bytes(100, 1000) == std::string(1000, 'r'));
  CHECK(guest.Call("random_get", {I32(100), I32(0)}) == kSuccess);
  CHECK(guest.Call("random_get", {I32(0xffffffff), I32(0)}) == kFault);
}

TEST_CASE("random_get faults on a bad buffer and fails on a source that runs dry",
          "[wasi][random]") {
  Guest guest(NewModuleConfig());
  CHECK(guest.Call("random_get", {I32(65000), I32(1000)}) == kFault);
  CHECK(guest.Call("random_get", {I32(0), I32(0xffffffff)}) == kFault);
  Guest dry(NewModuleConfig().WithRandSource(NewStringReader("abc")));
  CHECK(dry.Call("random_get", {I32(100), I32(8)}) == ErrnoCode(Errno::kIo));
}

TEST_CASE("sched_yield calls the config's osyield", "[wasi][sched]") {
  auto yields = std::make_shared<int>(0);
  Guest guest(NewModuleConfig().WithOsyield([yields] { ++*yields; }));
  CHECK(guest.Call("sched_yield", {}) == kSuccess);
  CHECK(guest.Call("sched_yield", {}) == kSuccess);
  CHECK(*yields == 2);
}

// -- proc_exit and proc_raise ----------------------------------------------------------------

TEST_CASE("proc_exit ends the call with its exit code and closes the instance",
          "[wasi][proc]") {
  auto code = GENERATE(as<uint32_t>{}, 0u, 1u, 3u, 125u);
  Guest guest(NewModuleConfig());
  absl::Status status = guest.CallStatus("proc_exit", {I32(code)});
  CHECK(sys::ExitCodeOf(status) == std::optional<uint32_t>(code));
  CHECK(guest.module().IsClosed());
}

TEST_CASE("proc_exit(-1) is exit code 255, not a cancelled context", "[wasi][proc]") {
  Guest guest(NewModuleConfig());
  absl::Status status = guest.CallStatus("proc_exit", {I32(0xffffffff)});
  CHECK(sys::ExitCodeOf(status) == std::optional<uint32_t>(255));
}

TEST_CASE("a command's _start exiting with proc_exit fails instantiation with its code",
          "[wasi][proc]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  REQUIRE_THAT(InstantiateSnapshotPreview1(ctx, *runtime).status(), IsOk());
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, WatToWasm(R"((module
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
        (memory (export "memory") 1)
        (func (export "_start")
          ;; exit with argc, and never reach the unreachable
          (drop (call $sizes (i32.const 0) (i32.const 4)))
          (call $exit (i32.load (i32.const 0)))
          unreachable)))"));
  REQUIRE_THAT(compiled.status(), IsOk());
  absl::StatusOr<api::Module*> failed = runtime->InstantiateModule(
      ctx, *compiled, NewModuleConfig().WithName("").WithArgs({"a", "b", "c", "d", "e", "f", "g"}));
  CHECK(sys::ExitCodeOf(failed.status()) == std::optional<uint32_t>(7));
  absl::StatusOr<api::Module*> succeeded =
      runtime->InstantiateModule(ctx, *compiled, NewModuleConfig().WithName(""));
  CHECK_THAT(succeeded.status(), IsOk());  // argc 0: exit code 0 is success
}

TEST_CASE("proc_raise is not supported", "[wasi][proc]") {
  Guest guest(NewModuleConfig());
  CHECK(guest.Call("proc_raise", {I32(6)}) == kNosys);
  CHECK_FALSE(guest.module().IsClosed());
}

// -- poll_oneoff -----------------------------------------------------------------------------

// Subscriptions and events as preview 1 lays them out.
void WriteClockSubscription(api::Memory& memory, uint32_t at, uint64_t userdata, uint32_t clock,
                            uint64_t timeout, uint16_t flags) {
  uint8_t zeros[48] = {};
  memory.Write(at, zeros);
  memory.WriteUint64Le(at, userdata);
  memory.WriteByte(at + 8, 0);
  memory.WriteUint32Le(at + 16, clock);
  memory.WriteUint64Le(at + 24, timeout);
  memory.WriteUint64Le(at + 32, 0);
  memory.WriteUint16Le(at + 40, flags);
}

void WriteFdSubscription(api::Memory& memory, uint32_t at, uint64_t userdata, uint8_t tag,
                         uint32_t fd) {
  uint8_t zeros[48] = {};
  memory.Write(at, zeros);
  memory.WriteUint64Le(at, userdata);
  memory.WriteByte(at + 8, tag);
  memory.WriteUint32Le(at + 16, fd);
}

struct EventRecord {
  uint64_t userdata;
  uint16_t error;
  uint8_t type;
  uint64_t nbytes;
  uint16_t flags;
};

EventRecord ReadEvent(Guest& guest, uint32_t at) {
  return EventRecord{guest.U64(at), guest.memory().ReadUint16Le(at + 8).value(),
                     guest.memory().ReadByte(at + 10).value(), guest.U64(at + 16),
                     guest.memory().ReadUint16Le(at + 24).value()};
}

constexpr uint32_t kIn = 1024;
constexpr uint32_t kOut = 4096;
constexpr uint32_t kNevents = 8192;

// RecordingSleep remembers every Nanosleep request.
struct RecordingSleep {
  std::shared_ptr<std::vector<int64_t>> requests = std::make_shared<std::vector<int64_t>>();
  Nanosleep Fn() const {
    auto list = requests;
    return [list](int64_t nanos) { list->push_back(nanos); };
  }
};

TEST_CASE("a relative clock subscription sleeps through the config's nanosleep",
          "[wasi][poll]") {
  RecordingSleep sleep;
  Guest guest(NewModuleConfig().WithNanosleep(sleep.Fn()));
  WriteClockSubscription(guest.memory(), kIn, 0xfeedface12345678, 1, 20'000'000, 0);
  REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kNevents)}) == kSuccess);
  CHECK(*sleep.requests == std::vector<int64_t>{20'000'000});
  REQUIRE(guest.U32(kNevents) == 1u);
  EventRecord event = ReadEvent(guest, kOut);
  CHECK(event.userdata == 0xfeedface12345678);
  CHECK(event.error == kSuccess);
  CHECK(event.type == 0);
}

TEST_CASE("several clocks: the earliest fires after sleeping that long", "[wasi][poll]") {
  RecordingSleep sleep;
  Guest guest(NewModuleConfig().WithNanosleep(sleep.Fn()));
  WriteClockSubscription(guest.memory(), kIn, 1, 1, 50'000'000, 0);
  WriteClockSubscription(guest.memory(), kIn + 48, 2, 0, 5'000'000, 0);
  WriteClockSubscription(guest.memory(), kIn + 96, 3, 1, 5'000'000, 0);
  REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(3), I32(kNevents)}) == kSuccess);
  CHECK(*sleep.requests == std::vector<int64_t>{5'000'000});
  REQUIRE(guest.U32(kNevents) == 2u);
  CHECK(ReadEvent(guest, kOut).userdata == 2u);
  CHECK(ReadEvent(guest, kOut + 32).userdata == 3u);
}

TEST_CASE("an absolute clock subscription sleeps until its time", "[wasi][poll]") {
  RecordingSleep sleep;
  Guest guest(NewModuleConfig()
                  .WithNanosleep(sleep.Fn())
                  .WithNanotime([] { return int64_t{1'000'000'000}; }, 1)
                  .WithWalltime([] { return WallTimestamp{100, 0}; }, 1));
  WriteClockSubscription(guest.memory(), kIn, 7, 1, 1'300'000'000, 1);
  REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kNevents)}) == kSuccess);
  WriteClockSubscription(guest.memory(), kIn, 8, 0, 100'000'000'500, 1);
  REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kNevents)}) == kSuccess);
  // A time already past fires at once, without sleeping.
  WriteClockSubscription(guest.memory(), kIn, 9, 1, 10, 1);
  REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kNevents)}) == kSuccess);
  CHECK(*sleep.requests == std::vector<int64_t>{300'000'000, 500});
  CHECK(guest.U32(kNevents) == 1u);
  CHECK(ReadEvent(guest, kOut).userdata == 9u);
}

TEST_CASE("the host nanosleep really sleeps", "[wasi][poll]") {
  Guest guest(NewModuleConfig().WithSysNanosleep().WithSysNanotime());
  WriteClockSubscription(guest.memory(), kIn, 1, 1, 20'000'000, 0);
  int64_t before = SysNanotime()();
  REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kNevents)}) == kSuccess);
  CHECK(SysNanotime()() - before >= 20'000'000);
}

TEST_CASE("poll_oneoff rejects no subscriptions, unknown tags and CPU-time clocks",
          "[wasi][poll]") {
  RecordingSleep sleep;
  Guest guest(NewModuleConfig().WithNanosleep(sleep.Fn()));
  CHECK(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(0), I32(kNevents)}) == kInval);
  WriteFdSubscription(guest.memory(), kIn, 1, 3, 0);
  CHECK(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kNevents)}) == kInval);
  WriteClockSubscription(guest.memory(), kIn, 1, 2, 1000, 0);
  CHECK(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kNevents)}) == kInval);
  CHECK(sleep.requests->empty());
}

TEST_CASE("poll_oneoff faults on bad pointers before waiting", "[wasi][poll]") {
  RecordingSleep sleep;
  Guest guest(NewModuleConfig().WithNanosleep(sleep.Fn()));
  WriteClockSubscription(guest.memory(), kIn, 1, 1, 1000, 0);
  CHECK(guest.Call("poll_oneoff", {I32(65536 - 40), I32(kOut), I32(1), I32(kNevents)}) == kFault);
  CHECK(guest.Call("poll_oneoff", {I32(kIn), I32(65536 - 16), I32(1), I32(kNevents)}) == kFault);
  CHECK(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kOutOfRange)}) == kFault);
  CHECK(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(0x10000000), I32(kNevents)}) ==
        kFault);
  CHECK(sleep.requests->empty());
}

TEST_CASE("fd subscriptions: streams are ready, closed fds report badf, clocks do not fire",
          "[wasi][poll]") {
  RecordingSleep sleep;
  Guest guest(NewModuleConfig().WithNanosleep(sleep.Fn()));
  WriteFdSubscription(guest.memory(), kIn, 10, 1, 0);        // stdin: an empty string reader
  WriteFdSubscription(guest.memory(), kIn + 48, 11, 2, 1);   // stdout: discarded
  WriteFdSubscription(guest.memory(), kIn + 96, 12, 1, 77);  // not open
  WriteClockSubscription(guest.memory(), kIn + 144, 13, 1, 1'000'000'000, 0);
  REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(4), I32(kNevents)}) == kSuccess);
  CHECK(sleep.requests->empty());
  REQUIRE(guest.U32(kNevents) == 3u);
  EventRecord in = ReadEvent(guest, kOut);
  EventRecord out = ReadEvent(guest, kOut + 32);
  EventRecord bad = ReadEvent(guest, kOut + 64);
  CHECK(in.userdata == 10u);
  CHECK(in.type == 1);
  CHECK(in.error == kSuccess);
  CHECK(out.userdata == 11u);
  CHECK(out.type == 2);
  CHECK(out.error == kSuccess);
  CHECK(bad.userdata == 12u);
  CHECK(bad.error == kBadf);
}

TEST_CASE("stdin that is a host pipe is waited on with poll(2)", "[wasi][poll]") {
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  RecordingSleep sleep;
  Guest guest(NewModuleConfig().WithStdin(NewFdReader(pipe_fds[0])).WithNanosleep(sleep.Fn()));
  WriteClockSubscription(guest.memory(), kIn, 1, 1, 10'000'000, 0);
  WriteFdSubscription(guest.memory(), kIn + 48, 2, 1, 0);

  SECTION("nothing to read: the clock fires after poll's timeout") {
    int64_t before = SysNanotime()();
    REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(2), I32(kNevents)}) == kSuccess);
    CHECK(SysNanotime()() - before >= 10'000'000);
    REQUIRE(guest.U32(kNevents) == 1u);
    CHECK(ReadEvent(guest, kOut).userdata == 1u);
    CHECK(sleep.requests->empty());  // poll(2) waited, not nanosleep
  }
  SECTION("bytes waiting: stdin is ready with their count") {
    REQUIRE(write(pipe_fds[1], "hello", 5) == 5);
    REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(2), I32(kNevents)}) == kSuccess);
    REQUIRE(guest.U32(kNevents) == 1u);
    EventRecord event = ReadEvent(guest, kOut);
    CHECK(event.userdata == 2u);
    CHECK(event.type == 1);
    CHECK(event.nbytes == 5u);
    CHECK(event.flags == 0);
  }
  SECTION("the writer closed: ready, with hangup") {
    close(pipe_fds[1]);
    pipe_fds[1] = -1;
    REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(2), I32(kNevents)}) == kSuccess);
    REQUIRE(guest.U32(kNevents) == 1u);
    EventRecord event = ReadEvent(guest, kOut);
    CHECK(event.userdata == 2u);
    CHECK(event.flags == 1);
  }
  close(pipe_fds[0]);
  if (pipe_fds[1] >= 0) close(pipe_fds[1]);
}

TEST_CASE("the typed PollOneoff returns events in subscription order", "[wasi][poll]") {
  RecordingSleep sleep;
  Guest guest(NewModuleConfig().WithNanosleep(sleep.Fn()));
  std::shared_ptr<WasiState> state = StateOf(guest.module());
  REQUIRE(state != nullptr);
  std::vector<uint64_t> stack(1);
  Context ctx;
  WasiCall call{ctx, guest.module(), guest.memory(), *state, absl::MakeSpan(stack)};
  Subscription clock;
  clock.userdata = 1;
  clock.tag = 0;
  clock.clock_id = 1;
  clock.timeout = 0;
  Subscription out;
  out.userdata = 2;
  out.tag = 2;
  out.fd = 2;
  std::vector<Event> events;
  REQUIRE(PollOneoff(call, {clock, out}, &events) == Errno::kSuccess);
  REQUIRE(events.size() == 2u);
  CHECK(events[0].userdata == 1u);
  CHECK(events[0].type == 0);
  CHECK(events[1].userdata == 2u);
  CHECK(events[1].type == 2);
  CHECK(PollOneoff(call, {}, &events) == Errno::kInval);
}

// -- Sockets ---------------------------------------------------------------------------------

TEST_CASE("sock_* on a closed fd is badf, on a non-socket notsock", "[wasi][sock]") {
  Guest guest(NewModuleConfig());
  CHECK(guest.Call("sock_shutdown", {I32(3), I32(1)}) == kBadf);
  CHECK(guest.Call("sock_shutdown", {I32(1), I32(1)}) == kNotsock);
  CHECK(guest.Call("sock_accept", {I32(3), I32(0), I32(100)}) == kBadf);
  CHECK(guest.Call("sock_accept", {I32(0), I32(0), I32(100)}) == kNotsock);
  CHECK(guest.Call("sock_recv", {I32(9), I32(100), I32(0), I32(0), I32(200), I32(204)}) == kBadf);
  CHECK(guest.Call("sock_send", {I32(2), I32(100), I32(0), I32(0), I32(200)}) == kNotsock);
}

TEST_CASE("a preopened socket sends, receives and shuts down", "[wasi][sock]") {
  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  Guest guest(NewModuleConfig().WithPreopenedSocket(pair[0]));
  constexpr uint32_t kSocketFd = 3;

  // send "ping" from two iovecs
  guest.memory().WriteString(500, "piXng");
  guest.memory().WriteUint32Le(100, 500);
  guest.memory().WriteUint32Le(104, 2);
  guest.memory().WriteUint32Le(108, 503);
  guest.memory().WriteUint32Le(112, 2);
  REQUIRE(guest.Call("sock_send", {I32(kSocketFd), I32(100), I32(2), I32(0), I32(200)}) ==
          kSuccess);
  CHECK(guest.U32(200) == 4u);
  char received[8] = {};
  REQUIRE(read(pair[1], received, sizeof(received)) == 4);
  CHECK(std::string(received, 4) == "ping");

  // receive "pong!" into a 3-byte and a 10-byte buffer, peeking first
  REQUIRE(write(pair[1], "pong!", 5) == 5);
  guest.memory().WriteUint32Le(100, 600);
  guest.memory().WriteUint32Le(104, 3);
  guest.memory().WriteUint32Le(108, 700);
  guest.memory().WriteUint32Le(112, 10);
  REQUIRE(guest.Call("sock_recv", {I32(kSocketFd), I32(100), I32(2), I32(1), I32(200), I32(204)}) ==
          kSuccess);
  CHECK(guest.U32(200) == 5u);
  REQUIRE(guest.Call("sock_recv", {I32(kSocketFd), I32(100), I32(2), I32(0), I32(200), I32(204)}) ==
          kSuccess);
  CHECK(guest.U32(200) == 5u);
  CHECK(guest.memory().ReadUint16Le(204).value() == 0);
  CHECK(guest.Bytes(600, 3) == "pon");
  CHECK(guest.Bytes(700, 2) == "g!");

  CHECK(guest.Call("sock_recv", {I32(kSocketFd), I32(100), I32(2), I32(4), I32(200), I32(204)}) ==
        kInval);  // no such riflag
  CHECK(guest.Call("sock_shutdown", {I32(kSocketFd), I32(0)}) == kInval);
  CHECK(guest.Call("sock_shutdown", {I32(kSocketFd), I32(4)}) == kInval);
  REQUIRE(guest.Call("sock_shutdown", {I32(kSocketFd), I32(2)}) == kSuccess);
  CHECK(read(pair[1], received, sizeof(received)) == 0);  // the peer sees the end

  close(pair[0]);
  close(pair[1]);
}

TEST_CASE("sock_recv and sock_send fault on hostile iovecs", "[wasi][sock]") {
  int pair[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
  Guest guest(NewModuleConfig().WithPreopenedSocket(pair[0]));
  guest.memory().WriteUint32Le(100, 65530);  // buffer runs off the end
  guest.memory().WriteUint32Le(104, 100);
  CHECK(guest.Call("sock_send", {I32(3), I32(100), I32(1), I32(0), I32(200)}) == kFault);
  CHECK(guest.Call("sock_recv", {I32(3), I32(100), I32(1), I32(0), I32(200), I32(204)}) == kFault);
  CHECK(guest.Call("sock_send", {I32(3), I32(65532), I32(1), I32(0), I32(200)}) == kFault);
  CHECK(guest.Call("sock_send", {I32(3), I32(0xfffffff8), I32(2), I32(0), I32(200)}) == kFault);
  guest.memory().WriteUint32Le(104, 1);
  CHECK(guest.Call("sock_send", {I32(3), I32(100), I32(1), I32(0), I32(kOutOfRange)}) == kFault);
  close(pair[0]);
  close(pair[1]);
}

TEST_CASE("sock_accept takes a connection from a preopened listening socket", "[wasi][sock]") {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  REQUIRE(listen(listener, 4) == 0);
  socklen_t length = sizeof(address);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);

  Guest guest(NewModuleConfig().WithPreopenedSocket(listener));
  int client = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);

  CHECK(guest.Call("sock_accept", {I32(3), I32(1), I32(100)}) == kInval);  // no such flag
  CHECK(guest.Call("sock_accept", {I32(3), I32(0), I32(kOutOfRange)}) == kFault);
  REQUIRE(guest.Call("sock_accept", {I32(3), I32(4), I32(100)}) == kSuccess);
  uint32_t connection = guest.U32(100);
  CHECK(connection == 4u);

  // The accepted connection is nonblocking, as asked: nothing to read is `again`.
  guest.memory().WriteUint32Le(200, 600);
  guest.memory().WriteUint32Le(204, 16);
  CHECK(guest.Call("sock_recv", {I32(connection), I32(200), I32(1), I32(0), I32(300), I32(304)}) ==
        ErrnoCode(Errno::kAgain));
  REQUIRE(write(client, "hi", 2) == 2);
  WriteFdSubscription(guest.memory(), kIn, 5, 1, connection);
  REQUIRE(guest.Call("poll_oneoff", {I32(kIn), I32(kOut), I32(1), I32(kNevents)}) == kSuccess);
  CHECK(ReadEvent(guest, kOut).nbytes == 2u);
  REQUIRE(guest.Call("sock_recv", {I32(connection), I32(200), I32(1), I32(0), I32(300), I32(304)}) ==
          kSuccess);
  CHECK(guest.U32(300) == 2u);
  CHECK(guest.Bytes(600, 2) == "hi");
  close(client);
  close(listener);
}

}  // namespace
}  // namespace kiln::wasi
