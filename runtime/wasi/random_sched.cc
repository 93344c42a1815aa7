// random_get (from the ModuleConfig's random source, deterministic unless the embedder chose
// the host's) and sched_yield.
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "api/wasm.h"
#include "runtime/wasi/functions.h"

namespace kiln::wasi {
namespace {

Errno RandomGet(WasiCall& call) {
  uint32_t buf_ptr = api::DecodeU32(call.stack[0]);
  uint32_t buf_len = api::DecodeU32(call.stack[1]);
  std::optional<absl::Span<uint8_t>> buffer = call.memory.Read(buf_ptr, buf_len);
  if (!buffer.has_value()) return Errno::kFault;
  // A Reader may return fewer bytes than asked: keep reading until the buffer is full. The
  // source writes straight into guest memory; nothing here can grow it meanwhile.
  absl::Span<uint8_t> rest = *buffer;
  while (!rest.empty()) {
    absl::StatusOr<size_t> n = call.state.config().rand_source()->Read(rest);
    if (!n.ok() || *n == 0 || *n > rest.size()) return Errno::kIo;  // failed or ran dry
    rest.remove_prefix(*n);
  }
  return Errno::kSuccess;
}

Errno SchedYield(WasiCall& call) {
  call.state.config().osyield()();
  return Errno::kSuccess;
}

}  // namespace

std::vector<FunctionDef> RandomSchedFunctions() {
  constexpr api::ValueType kI32 = api::kValueTypeI32;
  return {
      {"sched_yield", {}, {}, SchedYield},
      {"random_get", {kI32, kI32}, {"buf", "buf_len"}, RandomGet},
  };
}

}  // namespace kiln::wasi
