// Evaluating constant expressions (global initializers, segment offsets, element items) at
// instantiation. Wasm 2.0 allows one constant instruction (t.const, v128.const, ref.null,
// ref.func, global.get of an imported global) followed by `end`; the validator has checked
// that, so anything else here is a kiln bug reported as kInternal.
#ifndef KILN_RUNTIME_INSTANCE_CONST_EXPR_H_
#define KILN_RUNTIME_INSTANCE_CONST_EXPR_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "compiler/wasm/module.h"

namespace kiln::runtime {

// Value is a Wasm value as stored in memory: the low 8 bytes hold every scalar and reference
// (i32/f32 zero-extended), v128 uses both halves.
struct alignas(16) Value {
  uint64_t low = 0;
  uint64_t high = 0;
};

// ConstExprEnv answers the two instructions that depend on the instance.
struct ConstExprEnv {
  absl::FunctionRef<Value(uint32_t global_index)> global;
  absl::FunctionRef<uintptr_t(uint32_t function_index)> func_ref;
};

// EvalConstExpr evaluates `expr` of `module`.
absl::StatusOr<Value> EvalConstExpr(const wasm::Module& module, const wasm::ConstExpr& expr,
                                    const ConstExprEnv& env);

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_CONST_EXPR_H_
