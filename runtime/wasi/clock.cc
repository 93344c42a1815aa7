// clock_res_get and clock_time_get, reading the ModuleConfig's clocks (fake and deterministic
// unless the embedder chose the host's).
#include <cstdint>
#include <vector>

#include "api/wasm.h"
#include "runtime/wasi/functions.h"

namespace kiln::wasi {
namespace {

// WASI `clockid` values.
constexpr uint32_t kClockRealtime = 0;
constexpr uint32_t kClockMonotonic = 1;
constexpr uint32_t kClockProcessCputime = 2;
constexpr uint32_t kClockThreadCputime = 3;

constexpr uint64_t kNanosPerSecond = 1'000'000'000;

uint64_t WalltimeNanos(const ModuleConfig& config) {
  WallTimestamp now = config.walltime()();
  if (now.seconds < 0) return 0;  // WASI timestamps cannot be before the epoch
  return static_cast<uint64_t>(now.seconds) * kNanosPerSecond + static_cast<uint64_t>(now.nanos);
}

uint64_t NanotimeNanos(const ModuleConfig& config) {
  int64_t now = config.nanotime()();
  return now < 0 ? 0 : static_cast<uint64_t>(now);
}

// The CPU-time clocks: wasmtime rejects them (`badf`), which makes wasi-libc's clock() fail.
// kiln answers with the monotonic clock instead (a single-threaded guest that never sleeps
// uses about as much CPU time as time passes), so programs that time themselves with
// clock() work, and stay deterministic under the fake clocks.
Errno ClockResGet(WasiCall& call) {
  uint32_t id = api::DecodeU32(call.stack[0]);
  uint32_t resolution_ptr = api::DecodeU32(call.stack[1]);
  const ModuleConfig& config = call.state.config();
  uint64_t resolution;
  switch (id) {
    case kClockRealtime:
      resolution = config.walltime_resolution();
      break;
    case kClockMonotonic:
    case kClockProcessCputime:
    case kClockThreadCputime:
      resolution = config.nanotime_resolution();
      break;
    default:
      return Errno::kInval;
  }
  if (!call.memory.WriteUint64Le(resolution_ptr, resolution)) return Errno::kFault;
  return Errno::kSuccess;
}

Errno ClockTimeGet(WasiCall& call) {
  uint32_t id = api::DecodeU32(call.stack[0]);
  // stack[1] is the precision the guest would accept: kiln's clocks are read exactly.
  uint32_t time_ptr = api::DecodeU32(call.stack[2]);
  const ModuleConfig& config = call.state.config();
  uint64_t now;
  switch (id) {
    case kClockRealtime:
      now = WalltimeNanos(config);
      break;
    case kClockMonotonic:
    case kClockProcessCputime:
    case kClockThreadCputime:
      now = NanotimeNanos(config);
      break;
    default:
      return Errno::kInval;
  }
  if (!call.memory.WriteUint64Le(time_ptr, now)) return Errno::kFault;
  return Errno::kSuccess;
}

}  // namespace

std::vector<FunctionDef> ClockFunctions() {
  constexpr api::ValueType kI32 = api::kValueTypeI32;
  constexpr api::ValueType kI64 = api::kValueTypeI64;
  return {
      {"clock_res_get", {kI32, kI32}, {"id", "result.resolution"}, ClockResGet},
      {"clock_time_get", {kI32, kI64, kI32}, {"id", "precision", "result.timestamp"}, ClockTimeGet},
  };
}

}  // namespace kiln::wasi
