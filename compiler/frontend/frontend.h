// The Wasm → SSA frontend's entry points. One call translates one defined function of a
// validated module into an ssa::Function: parameter 0 is the VM context (type ref, laid out
// by compiler/vmctx), then the Wasm parameters; the results are the Wasm results.
//
// What the translation produces, in the IR's terms:
// - structured control flow becomes blocks with block parameters; locals are in SSA form
//   (Braun et al.), with trivial parameters already removed;
// - everything instance-specific (memory bases and sizes, globals, tables, function records,
//   signature ids) is an explicit load from the VM context;
// - traps that hardware does not raise for us (call_indirect checks, table bounds,
//   unreachable) are explicit trap instructions with their trap code;
// - operations too large to inline (memory.grow, bulk memory, table.grow/fill/copy/init,
//   data.drop, elem.drop) are calls to runtime builtins.
// The module must have passed wasm::Validate: the frontend relies on its typing and reports a
// broken invariant as kInternal rather than re-validating.
#ifndef KILN_COMPILER_FRONTEND_FRONTEND_H_
#define KILN_COMPILER_FRONTEND_FRONTEND_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/ssa/function.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/module.h"

namespace kiln::frontend {

// TranslateOptions are choices that change the code, not its meaning for programs that run
// to completion.
struct TranslateOptions {
  // interrupt_checks polls the VM context's interrupt flag at the top of every loop (each
  // back edge passes there) and on entry to every function that makes calls, and traps with
  // `interrupted` when it is set: the hook for cancelling long-running calls (wazero's
  // WithCloseOnContextDone). Together the two bound the work between polls: code that runs
  // long must either loop or call, and recursion passes an entry poll on every level. A
  // function that neither loops nor calls runs a bounded number of instructions, so it skips
  // the entry poll. Off by default: each poll costs a load and a branch.
  bool interrupt_checks = false;
};

// TranslateFunction translates defined function `defined_func_index` (0 is the first function
// of the code section, i.e. function index num_imported_functions) of a validated module.
absl::StatusOr<ssa::Function> TranslateFunction(const wasm::Module& module,
                                                uint32_t defined_func_index,
                                                const vmctx::Layout& layout,
                                                const TranslateOptions& options = {});

// FunctionName is the SSA name of defined function `defined_func_index`: the name section's
// name when there is one, otherwise "f<function index>".
std::string FunctionName(const wasm::Module& module, uint32_t defined_func_index);

// TranslateModule translates every defined function, in order, with the module's layout.
absl::StatusOr<std::vector<ssa::Function>> TranslateModule(
    const wasm::Module& module, const TranslateOptions& options = {});

}  // namespace kiln::frontend

#endif  // KILN_COMPILER_FRONTEND_FRONTEND_H_
