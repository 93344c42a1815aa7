// Verify: checks the invariants every pass may rely on and must preserve. A failure is a
// compiler bug, reported as kInternal "verifier: <what> (block3, v7)" (or "(block3, inst 2)").
//
// Checked:
//   - structure: at least one block; each block in the layout ends in exactly one terminator
//     and has none elsewhere; branch targets are blocks of the layout;
//   - the entry block has no predecessors and its parameters match the signature;
//   - every instruction's controlling type fits its opcode's class, its operand count and
//     types fit the table's operands column, its results fit the results column (calls: the
//     signature or builtin), its immediates are in range (trap codes, condition codes,
//     builtins, signature indices, lanes);
//   - every block call passes as many arguments as the target has parameters, of their types;
//     `return` returns the signature's results;
//   - every operand is defined, and its definition dominates the use (a block parameter
//     dominates its whole block; a result dominates later instructions of its block and the
//     blocks its block dominates; a block-call argument is used at the end of its block).
// Unreachable blocks are allowed (the frontend leaves code after `br` in them, and
// unreachable-block removal deletes them); they are checked for everything but dominance,
// since nothing dominates them.
#ifndef KILN_COMPILER_SSA_VERIFIER_H_
#define KILN_COMPILER_SSA_VERIFIER_H_

#include "absl/status/status.h"
#include "compiler/ssa/function.h"

namespace kiln::ssa {

// Verify returns OK when `fn` is well formed, else the first problem found.
absl::Status Verify(const Function& fn);

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_VERIFIER_H_
