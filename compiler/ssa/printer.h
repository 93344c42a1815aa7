// Print: the text form of SSA functions, the inverse of parser.h. The syntax is Cranelift's
// flavour of SSA with block parameters:
//
//   function %add(ref, i32, i32) -> i32 {
//       sig0 = (ref, i32) -> i32
//   block0(v0: ref, v1: i32, v2: i32):
//       v3 = iadd.i32 v1, v2
//       v4 = load.i32 mem0 v3+16
//       v5 = call fn2 sig0(v0, v4)
//       trapz v5, integer_divide_by_zero
//       return v5
//   }
//
// Values and blocks print with their ids; the signature table (sigN lines) follows the
// header; blocks print in layout order with four-space indented instructions. Each opcode's
// Format (opcode.h) fixes the layout of its immediates and targets.
#ifndef KILN_COMPILER_SSA_PRINTER_H_
#define KILN_COMPILER_SSA_PRINTER_H_

#include <string>

#include "absl/types/span.h"
#include "compiler/ssa/function.h"

namespace kiln::ssa {

// Print returns the text of `fn`, ending in "}\n".
std::string Print(const Function& fn);

// PrintFunctions prints several functions separated by blank lines.
std::string PrintFunctions(absl::Span<const Function> fns);

// PrintInst returns one instruction's line without indentation or newline
// ("v3 = iadd.i32 v1, v2"), for diagnostics.
std::string PrintInst(const Function& fn, const Inst& inst);

// PrintSignature returns "(ref, i32) -> i32" (or "(ref)" without results).
std::string PrintSignature(const Signature& signature);

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_PRINTER_H_
