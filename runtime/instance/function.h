// WasmFunction is api::Function for a function an instance exports: a call goes through the
// entry trampoline of the function's type (from the instance's own code blob) straight into
// the callee's code, with no allocation in CallWithStack. Traps come back as trap statuses
// with a backtrace; a call interrupted because its module was closed (by CloseWithExitCode,
// or by its Context with the store's close-on-context-done option) returns sys::ExitError,
// and so does any call on a closed module. It also tracks the Context of the running call, so host functions called
// from Wasm receive the caller's Context.
#ifndef KILN_RUNTIME_INSTANCE_FUNCTION_H_
#define KILN_RUNTIME_INSTANCE_FUNCTION_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "api/context.h"
#include "api/function.h"
#include "runtime/trap/entry.h"

namespace kiln::runtime {

class Instance;
struct FuncRefRecord;

// WasmFunction is the api::Function of one exported function of one instance.
class WasmFunction final : public api::Function {
 public:
  // WasmFunction calls `record` (code and vmctx) of type with `param_slots`/`result_slots`
  // through `trampoline`, whose blob has `landing_pad`. `owner` is the exporting instance.
  WasmFunction(Instance* owner, const FuncRefRecord* record,
               const api::FunctionDefinition* definition, trap::TrampolineFn trampoline,
               uintptr_t landing_pad, uint32_t param_slots, uint32_t result_slots);

  const api::FunctionDefinition& Definition() const override { return *definition_; }
  absl::StatusOr<std::vector<uint64_t>> Call(const Context& ctx,
                                             absl::Span<const uint64_t> params) override;
  absl::Status CallWithStack(const Context& ctx, absl::Span<uint64_t> stack) override;

 private:
  // EnterInterruptible enters Wasm with the store's close-on-context-done behaviour: if `ctx`
  // is done before the call returns, the instance is closed with the matching exit code and
  // interrupted, together with the instances the call can reach through imports.
  std::optional<trap::TrapCode> EnterInterruptible(const Context& ctx,
                                                   absl::Span<uint64_t> stack,
                                                   trap::EntryFrame* frame);

  Instance* owner_;
  const FuncRefRecord* record_;
  const api::FunctionDefinition* definition_;
  trap::TrampolineFn trampoline_;
  uintptr_t landing_pad_;
  uint32_t param_slots_;
  uint32_t result_slots_;
};

// ContextExitCode is the exit code a done `ctx` closes a module with: sys's
// kExitCodeContextCanceled or kExitCodeDeadlineExceeded.
uint32_t ContextExitCode(const Context& ctx);

// CurrentCallContext is the Context of the innermost call into Wasm on this thread (a
// background context outside any call).
const Context& CurrentCallContext();

// CallHostFunction is the HostFunctionFn of every HostFuncRecord (instance.h): it calls the
// embedder's function with the current call context and, for a HostModuleFunction, the
// module that imported it. If that module is closed when the function returns, the Wasm
// call ends there (as `interrupted`, which the entry turns into the module's ExitError).
void CallHostFunction(void* record, uint64_t* stack);

// SlotCount is the number of uint64_t slots `types` take (two per v128).
template <typename Types>
uint32_t SlotCount(const Types& types) {
  uint32_t slots = 0;
  for (auto type : types) slots += static_cast<uint8_t>(type) == 0x7b ? 2 : 1;
  return slots;
}

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_FUNCTION_H_
