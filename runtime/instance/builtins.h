// The runtime side of `call_builtin` (compiler/ssa/builtins.def): one C function per row with
// the SysV C ABI, the caller's vmctx first, reached by compiled code through the table that
// vmctx::kBuiltinsOffset points to. Builtins run on the Wasm thread inside a call, so a builtin
// that must trap ("out of bounds memory access", "out of bounds table access") does not
// return: trap::RaiseTrap unwinds to the entry trampoline's landing pad.
#ifndef KILN_RUNTIME_INSTANCE_BUILTINS_H_
#define KILN_RUNTIME_INSTANCE_BUILTINS_H_

namespace kiln::runtime {

// BuiltinTable is the array of builtin entry points indexed by ssa::Builtin, shared by every
// instance.
const void* const* BuiltinTable();

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_BUILTINS_H_
