// The register allocator shared by every ISA: rewrites a MachFunction on virtual registers to
// physical registers, spill slots and inserted moves, per the contract in
// backend/common/regalloc_target.h and the shape guarantees in backend/common/machine_ir.h.
//
// How an ISA backend calls it (after Isa::Lower, before Isa::Emit):
//
//   KILN_ASSIGN_OR_RETURN(MachFunction mf, isa.Lower(ssa_fn, ctx));
//   KILN_ASSIGN_OR_RETURN(regalloc::AllocationStats stats,
//                         regalloc::AllocateRegisters(mf, isa));   // isa is a RegAllocTarget
//   // mf now has physical registers only, inserted code marked kAllocatorInserted, and its
//   // spill slots in mf.frame. stats.used_callee_saved is the set of callee-saved registers
//   // the allocator wrote (UsedCalleeSaved(mf, info) recomputes it from the code, including
//   // fixed operands the lowering wrote itself); the prologue saves those.
//
// `regalloc::Allocate` has the backend::AllocateFn signature (CompileOptions::allocate).
// To debug a lowering or the allocator, allocate a copy with keep_identity_moves and run
// CheckAllocation (checker.h) on (original, allocated): it proves every read gets its value.
//
// What the input must satisfy is machine_ir.h's "shape guarantees": no critical edge that needs
// moves, physical-register operands block-local, terminators reading no vregs except a jump
// table's index, every vreg written before it is read on every path. Physical registers outside
// RegisterInfo::allocatable are never assigned, moved or preserved.
//
// Pipeline: liveness and live intervals (live_intervals.h) → linear scan with splitting
// (linear_scan.h) → resolution: moves between the pieces of a split vreg inside blocks and on
// CFG edges (sequentialized as parallel moves, parallel_move.h), with spill stores dropped where
// the slot already holds the current value on every path (a forward must-dataflow), so a value
// spilled before a loop is not stored again on the loop's back edge → operand rewriting.
// Errors are kInternal: they mean the lowering broke the machine-IR contract (a vreg read before
// any write, a critical edge that needs moves, an instruction needing more registers than exist).
#ifndef KILN_BACKEND_REGALLOC_REGALLOC_H_
#define KILN_BACKEND_REGALLOC_REGALLOC_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "backend/common/machine_ir.h"
#include "backend/common/reg.h"
#include "backend/common/regalloc_target.h"

namespace kiln::backend::regalloc {

// AllocateOptions tune one allocation run.
struct AllocateOptions {
  // keep_identity_moves keeps kIsMove instructions whose source and destination end in the
  // same register (they are dropped by default); the checker pairs instructions one to one.
  bool keep_identity_moves = false;
};

// AllocationStats describes what one run did.
struct AllocationStats {
  // used_callee_saved is the set of callee-saved registers the allocated code writes through
  // allocator decisions (vreg assignments and cycle-breaking scratch registers).
  RegMask used_callee_saved = 0;
  uint32_t spill_slots = 0;      // slots added to fn.frame (one per spilled vreg, plus scratch)
  uint32_t spill_stores = 0;     // inserted register → slot stores
  uint32_t reloads = 0;          // inserted slot → register loads
  uint32_t moves = 0;            // inserted register → register moves
  uint32_t elided_stores = 0;    // stores left out because the slot was already current
  uint32_t removed_moves = 0;    // kIsMove instructions dropped as dst == src
  uint32_t cycles_broken = 0;    // register cycles in parallel moves (e.g. swaps on edges)
  uint32_t cycles_via_slot = 0;  // ... of which had no free register and went through a slot
};

// AllocateRegisters allocates `fn` in place for `target`.
absl::StatusOr<AllocationStats> AllocateRegisters(MachFunction& fn, const RegAllocTarget& target,
                                                  const AllocateOptions& options = {});

// Allocate is AllocateRegisters with default options, as a backend::AllocateFn.
absl::Status Allocate(MachFunction& fn, const RegAllocTarget& target);

// UsedCalleeSaved lists the registers of `info.callee_saved` that some instruction of an
// allocated function writes (register defs and call clobbers do not count as "saved by us"
// for calls: only kReg defs).
RegMask UsedCalleeSaved(const MachFunction& fn, const RegisterInfo& info);

}  // namespace kiln::backend::regalloc

#endif  // KILN_BACKEND_REGALLOC_REGALLOC_H_
