// The backend driver: what the runtime calls to turn a validated module into native code.
// CompileModule translates each defined function with compiler/frontend, runs the pass
// pipeline, lowers it with the host Isa, allocates registers (backend/regalloc) and assembles
// it — on CompileOptions::threads threads, each taking the next function index — then links
// the functions' code in function order on the calling thread, with one entry trampoline and
// host-call stub per function type, into a CompiledCode (backend/common/compiled_code.h).
// Only machine code outlives a function's compilation: its SSA and machine IR are freed as
// soon as it is assembled, which bounds the memory of large modules. Functions are compiled
// independently and linked in order, so the result does not depend on the thread count;
// with several failing functions, the error is the lowest index's.
#ifndef KILN_BACKEND_COMPILE_H_
#define KILN_BACKEND_COMPILE_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "backend/common/compiled_code.h"
#include "backend/common/isa.h"
#include "backend/common/machine_ir.h"
#include "backend/common/regalloc_target.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/module.h"

namespace kiln::backend {

// AllocateFn is a register allocator: it rewrites `fn` to physical registers per
// regalloc_target.h.
using AllocateFn = absl::Status (*)(MachFunction& fn, const RegAllocTarget& target);

// CompileOptions select optimization, checking and the allocator.
struct CompileOptions {
  // optimize runs the pass pipeline (compiler/passes); without it only required passes run.
  bool optimize = true;
  // verify_each runs the SSA verifier after every pass (compiler/passes/pipeline.h).
  bool verify_each = false;
  // allocate overrides the register allocator (tests); nullptr means backend/regalloc's.
  AllocateFn allocate = nullptr;
  // interrupt_checks makes every function poll the vmctx interrupt flag on entry and at every
  // loop header, trapping with `interrupted` when it is set (RuntimeConfig
  // WithCloseOnContextDone). Part of the cache key: it changes the code.
  bool interrupt_checks = false;
  // threads is how many threads translate, optimise, lower and allocate functions in
  // parallel (0: one per hardware thread). The emitted code is byte-for-byte the same for
  // any value.
  int threads = 1;
};

// HostIsa returns the Isa for the machine kiln runs on, with its detected CPU features. It is
// kFailedPrecondition when the host lacks the baseline (x86_64: SSE4.1) or has no backend.
absl::StatusOr<const Isa*> HostIsa();

// CompileModule compiles every defined function of a validated `module` whose VM context has
// `layout`. Errors: kUnimplemented for operations the backend does not support yet (SIMD),
// kInternal for compiler bugs (the verifier or the assembler failed).
absl::StatusOr<CompiledCode> CompileModule(const wasm::Module& module,
                                           const vmctx::Layout& layout,
                                           const CompileOptions& options);

// CompileTrampolines emits only entry trampolines and host-call stubs for `types` (host
// modules have no Wasm code but need stubs of their functions' types).
absl::StatusOr<CompiledCode> CompileTrampolines(absl::Span<const wasm::FuncType> types);

}  // namespace kiln::backend

#endif  // KILN_BACKEND_COMPILE_H_
