// Interpret: a small reference interpreter for the integer subset of the SSA IR, for tests
// that run a function before and after the passes and compare what it returns or how it
// traps. It covers constants, integer arithmetic (including the trapping divisions),
// comparisons, select, integer conversions, explicit traps and all terminators; anything else
// (floats, memory, calls, SIMD) makes the run kUnsupported. Arithmetic comes from
// EvalConstant, so the interpreter checks what passes do with instructions, not const_eval's
// arithmetic (const_eval_test does that).
#ifndef KILN_COMPILER_PASSES_SCALAR_INTERPRETER_H_
#define KILN_COMPILER_PASSES_SCALAR_INTERPRETER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "compiler/ssa/function.h"
#include "runtime/trap/trap_codes.h"

namespace kiln::passes {

// RunResult is how one run ended.
struct RunResult {
  enum class Kind { kReturned, kTrapped, kOutOfFuel, kUnsupported };
  Kind kind = Kind::kUnsupported;
  std::vector<uint64_t> values;     // kReturned: the results, zero-extended
  trap::TrapCode trap = trap::TrapCode::kUnreachable;  // kTrapped
  std::string detail;               // kUnsupported: the instruction

  friend bool operator==(const RunResult& a, const RunResult& b) {
    return a.kind == b.kind && a.values == b.values &&
           (a.kind != Kind::kTrapped || a.trap == b.trap);
  }
};

// ToString renders a result for test messages: "returned 1, 2", "trapped integer_overflow".
std::string ToString(const RunResult& result);

// Interpret runs `fn` on `args` (the entry block's parameters, zero-extended bits) for at
// most `fuel` instructions.
RunResult Interpret(const ssa::Function& fn, absl::Span<const uint64_t> args, int64_t fuel);

}  // namespace kiln::passes

#endif  // KILN_COMPILER_PASSES_SCALAR_INTERPRETER_H_
