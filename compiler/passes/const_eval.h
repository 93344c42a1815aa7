// EvalConstant: what one SSA instruction computes when all its operands are constants, with
// Wasm's semantics, or nothing when folding it would change what the program observes. This
// is the arithmetic behind const_fold, kept apart so that it can be tested value by value.
//
// What is never folded:
//   - an operation that would trap: division or remainder by zero, sdiv of INT_MIN by -1, a
//     float→int conversion of NaN or of a value out of range. The instruction stays and traps
//     at run time, as the program demands;
//   - a float operation with a NaN operand or a NaN result (fadd, fmul, sqrt, fpromote, ...).
//     Wasm lets hardware choose among several NaNs (any arithmetic NaN, with either sign),
//     and x86_64 and AArch64 choose differently; the host compiler would pick a third way.
//     Leaving these to run time keeps kiln's result the one the target produces.
// What is always folded, NaN or not: fneg, fabs and fcopysign, which Wasm defines as bit
// operations, bitcast, and comparisons, whose results are integers.
//
// Float arithmetic otherwise uses the host's IEEE single and double operations in the default
// rounding mode (round to nearest even), which is what Wasm specifies; fmin/fmax follow Wasm
// (-0 is less than +0) rather than C's fmin/fmax.
#ifndef KILN_COMPILER_PASSES_CONST_EVAL_H_
#define KILN_COMPILER_PASSES_CONST_EVAL_H_

#include <cstdint>
#include <optional>

#include "absl/types/span.h"
#include "compiler/ssa/opcode.h"
#include "compiler/ssa/types.h"

namespace kiln::passes {

// Constant is a scalar constant: `bits` holds an integer zero-extended from its type's width,
// or the IEEE bits of a float.
struct Constant {
  ssa::Type type = ssa::Type::kNone;
  uint64_t bits = 0;

  friend bool operator==(const Constant& a, const Constant& b) {
    return a.type == b.type && a.bits == b.bits;
  }
};

// EvalConstant evaluates `opcode` with controlling type `ctrl`, condition code `cond` (the
// Inst::index of icmp/fcmp, else 0) and constant operands `args`, giving a constant of type
// `result_type`. std::nullopt when the opcode is not a scalar computation (memory, calls,
// SIMD, select, terminators, ...) or when folding is not allowed (see above).
std::optional<Constant> EvalConstant(ssa::Opcode opcode, ssa::Type ctrl, uint32_t cond,
                                     ssa::Type result_type, absl::Span<const Constant> args);

// Mask returns `bits` truncated to the width of integer type `type` (i32: low 32 bits).
uint64_t Mask(ssa::Type type, uint64_t bits);

}  // namespace kiln::passes

#endif  // KILN_COMPILER_PASSES_CONST_EVAL_H_
