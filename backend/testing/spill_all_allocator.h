// SpillAllAllocate: a deliberately trivial register allocator for backend tests, used until
// (and to cross-check) backend/regalloc. Every virtual register lives in its own frame slot;
// around each instruction its virtual operands are reloaded into free allocatable registers
// and written back afterwards. Free means: not an operand of the instruction and not a fixed
// physical register live across it (machine_ir.h's block-local fixed ranges). Slow code, but
// correct by construction, so execution tests isolate lowering and emission bugs.
#ifndef KILN_BACKEND_TESTING_SPILL_ALL_ALLOCATOR_H_
#define KILN_BACKEND_TESTING_SPILL_ALL_ALLOCATOR_H_

#include "absl/status/status.h"
#include "backend/common/machine_ir.h"
#include "backend/common/regalloc_target.h"

namespace kiln::backend::testing {

// SpillAllAllocate rewrites `fn` to physical registers (an AllocateFn).
absl::Status SpillAllAllocate(MachFunction& fn, const RegAllocTarget& target);

}  // namespace kiln::backend::testing

#endif  // KILN_BACKEND_TESTING_SPILL_ALL_ALLOCATOR_H_
