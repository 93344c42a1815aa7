// An independent checker for register allocation results, in the style of regalloc2's
// checker: it runs the allocated function symbolically, tracking for every physical register
// and frame slot the set of values it is known to hold on every path ("holds v" means "holds
// v's current value"), and proves that each instruction reads, in the register the allocator
// gave an operand, the value the original instruction named. It knows nothing about the
// allocator's internals, only the machine-IR contract, so it works for any ISA and any
// allocator; tests run it over random programs.
//
// The model: a def of vreg v (or of a physical register, whose value is named after it) makes
// the written location hold exactly v and makes every other location stop holding v; a call
// empties its clobbered registers; an original kIsMove copies the source's set and adds the
// destination's name; inserted moves, spills (a register use plus a kSlot operand) and
// reloads (a register def plus a kSlot operand) copy sets. At control-flow joins the sets are
// intersected. Unreachable blocks are not checked.
#ifndef KILN_BACKEND_REGALLOC_CHECKER_H_
#define KILN_BACKEND_REGALLOC_CHECKER_H_

#include "absl/status/status.h"
#include "backend/common/machine_ir.h"
#include "backend/common/regalloc_target.h"

namespace kiln::backend::regalloc {

// CheckAllocation verifies that `allocated` is a correct allocation of `original` for a
// register file `info`. `allocated` must keep every original instruction in order (allocate
// with AllocateOptions::keep_identity_moves) and mark inserted ones kAllocatorInserted.
// Returns kInternal describing the first violation (block, instruction, vreg, what the
// register held instead).
absl::Status CheckAllocation(const MachFunction& original, const MachFunction& allocated,
                             const RegisterInfo& info);

}  // namespace kiln::backend::regalloc

#endif  // KILN_BACKEND_REGALLOC_CHECKER_H_
