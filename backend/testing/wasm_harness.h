// A minimal instance for backend execution tests: compiles a .wat module with CompileModule,
// places the code with runtime/code's CodeMemory (so traps work through the runtime's signal
// handlers), fills a VM context (stack limit, memory 0 with a guard-page reservation, function
// records and type ids; no tables, globals or imports) and calls exports through the entry
// trampolines.
#ifndef KILN_BACKEND_TESTING_WASM_HARNESS_H_
#define KILN_BACKEND_TESTING_WASM_HARNESS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "backend/compile.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/module.h"
#include "runtime/code/code_memory.h"
#include "runtime/trap/trap_codes.h"

namespace kiln::backend::testing {

// CallResult is the outcome of one call: results (one uint64 slot each) or a trap.
struct CallResult {
  std::vector<uint64_t> results;
  std::optional<trap::TrapCode> trap;
};

// WasmHarness is one instance of one module.
class WasmHarness {
 public:
  // Create compiles `wat` (with the spill-everything allocator unless `allocate` is given).
  static absl::StatusOr<std::unique_ptr<WasmHarness>> Create(absl::string_view wat,
                                                             AllocateFn allocate = nullptr);
  ~WasmHarness();

  // Call invokes the exported function `name` with `args` (one uint64 slot per value).
  absl::StatusOr<CallResult> Call(absl::string_view name, std::vector<uint64_t> args);

  // memory is memory 0's base (nullptr without a memory).
  uint8_t* memory() const { return memory_; }
  const CompiledCode& compiled() const { return code_->compiled(); }

 private:
  WasmHarness() = default;

  wasm::Module module_;
  vmctx::Layout layout_;
  std::unique_ptr<runtime::CodeMemory> code_;
  uint8_t* vmctx_ = nullptr;
  uint8_t* memory_ = nullptr;
  size_t reservation_ = 0;
};

}  // namespace kiln::backend::testing

#endif  // KILN_BACKEND_TESTING_WASM_HARNESS_H_
