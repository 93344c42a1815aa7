// Emission of x86_64 machine code through asmjit (emit.cc is the only file that includes
// asmjit): allocated machine functions, per-signature entry trampolines and host-call stubs,
// and the shared trap landing pad, into one position-independent CompiledCode blob with its
// trap table.
#ifndef KILN_BACKEND_X86_64_EMIT_H_
#define KILN_BACKEND_X86_64_EMIT_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backend/common/compiled_code.h"
#include "backend/common/isa.h"
#include "backend/common/machine_ir.h"
#include "compiler/wasm/module.h"

namespace kiln::backend::x86_64 {

// EmitFunctionCode assembles one register-allocated function (frame finalized) on its own;
// LinkModule places such functions (defined functions 0..n-1 of a module with
// `num_imported_functions` imports, each emptied once copied) and trampolines and stubs for
// `trampoline_types` into one blob and patches their direct calls. `cpu_features` is
// recorded in the result.
absl::StatusOr<EmittedFunction> EmitFunctionCode(const MachFunction& function);
absl::StatusOr<CompiledCode> LinkModule(absl::Span<EmittedFunction> functions,
                                        uint32_t num_imported_functions,
                                        absl::Span<const wasm::FuncType> trampoline_types,
                                        uint64_t cpu_features);

// EmitModule assembles `functions` (register-allocated, frames finalized) as defined
// functions 0..n-1 with EmitFunctionCode and links them with LinkModule.
absl::StatusOr<CompiledCode> EmitModule(const std::vector<MachFunction>& functions,
                                        uint32_t num_imported_functions,
                                        absl::Span<const wasm::FuncType> trampoline_types,
                                        uint64_t cpu_features);

// DisassembleForTest renders the code of one function as asmjit's logger text (one line per
// instruction), for encoder tests.
absl::StatusOr<std::string> EmitFunctionText(const MachFunction& function);

}  // namespace kiln::backend::x86_64

#endif  // KILN_BACKEND_X86_64_EMIT_H_
