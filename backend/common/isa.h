// Isa: the interface each instruction set implements (backend/x86_64, backend/aarch64), used by
// the driver (backend/compile.h). An Isa lowers one SSA function to machine IR on virtual
// registers, describes its register file and makes spill/reload/move instructions for the
// shared allocator (RegAllocTarget), and assembles allocated functions plus per-signature
// trampolines into one CompiledCode blob. Only the ISA's emit.cc sees asmjit.
#ifndef KILN_BACKEND_COMMON_ISA_H_
#define KILN_BACKEND_COMMON_ISA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backend/common/compiled_code.h"
#include "backend/common/machine_ir.h"
#include "backend/common/regalloc_target.h"
#include "compiler/ssa/function.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/module.h"

namespace kiln::backend {

// LowerContext is what lowering knows besides the SSA function.
struct LowerContext {
  const wasm::Module* module = nullptr;
  const vmctx::Layout* layout = nullptr;
  uint32_t func_index = 0;  // the module's function index of the function being lowered
};

// CallSite is a direct call in an emitted function: `offset` (from the function's start) is
// where its 32-bit PC-relative displacement goes, filled in when the module is linked, since
// only then is the callee's place known.
struct CallSite {
  uint32_t offset = 0;
  uint32_t func_index = 0;  // the module's function index of the callee
};

// EmittedFunction is one function's machine code on its own, as if it started at offset 0 of
// the blob (the linker places it at a 16-byte boundary, so its internal alignment holds).
// Apart from `call_sites`, the code does not depend on where it is placed.
struct EmittedFunction {
  std::vector<uint8_t> code;
  std::vector<TrapSite> trap_sites;  // code_offset from the function's start, unsorted
  std::vector<CallSite> call_sites;
};

// Isa is one target instruction set.
class Isa : public RegAllocTarget {
 public:
  // target names the instruction set; cpu_features are the CpuFeature bits this Isa object
  // generates code for (detected on the host, or given for cross-compilation).
  virtual TargetIsa target() const = 0;
  virtual uint64_t cpu_features() const = 0;

  // Lower selects instructions for `fn`: the result uses virtual registers and satisfies the
  // shapes machine_ir.h promises the allocator. Unsupported operations (SIMD for now) are
  // kUnimplemented naming the opcode.
  virtual absl::StatusOr<MachFunction> Lower(const ssa::Function& fn,
                                             const LowerContext& ctx) const = 0;

  // EmitFunction finalizes the frame of `fn` (register-allocated: physical registers only)
  // and assembles it. The driver calls it on its worker threads as soon as a function is
  // allocated, so that the machine IR can be released right away.
  virtual absl::StatusOr<EmittedFunction> EmitFunction(MachFunction& fn) const = 0;

  // Link lays out `functions` (defined functions 0..n-1, each emptied once copied), in
  // order, plus an entry trampoline and a host-call stub for each of `trampoline_types`,
  // into one blob, and patches the direct calls. The blob is the same as Emit's for the same
  // machine functions.
  virtual absl::StatusOr<CompiledCode> Link(absl::Span<EmittedFunction> functions,
                                            uint32_t num_imported_functions,
                                            absl::Span<const wasm::FuncType> trampoline_types)
      const = 0;

  // Emit finalizes frames and assembles `functions` (allocated: physical registers only), in order, as the module's
  // defined functions, plus an entry trampoline and a host-call stub for each of
  // `trampoline_types`, into one blob. functions[i] must be defined function i; direct calls
  // name module function indices, and `num_imported_functions` tells which are imports.
  // CompiledCode::cpu_features records the features the code uses (not all the host has).
  virtual absl::StatusOr<CompiledCode> Emit(std::vector<MachFunction>& functions,
                                            uint32_t num_imported_functions,
                                            absl::Span<const wasm::FuncType> trampoline_types)
      const = 0;

  // PrintInst renders one machine instruction for tests and `kiln compile --emit=mir`.
  virtual std::string PrintInst(const MachInst& inst) const = 0;
};

// PrintFunction renders a whole machine function with `isa`'s instruction printer.
std::string PrintFunction(const MachFunction& fn, const Isa& isa);

}  // namespace kiln::backend

#endif  // KILN_BACKEND_COMMON_ISA_H_
