// What the ISA-neutral register allocator (backend/regalloc) needs from an ISA, as in wazevo's
// regalloc/api.go: the register file (which physical registers it may assign, in preference
// order, and which survive calls) and three instruction makers for the code it inserts. The
// function itself is a MachFunction (machine_ir.h): blocks in order with successors,
// predecessors and loop depth; per instruction its register operands with roles
// (ForEachRegOperand), moves (kIsMove) and call clobbers (kIsCall + clobbers).
//
// The contract of an allocator run (regalloc::Allocate):
// - afterwards every register operand of every instruction is physical, and each vreg's
//   value is where its uses read it (in a register assigned to it, or reloaded from a spill
//   slot into one just before the use);
// - it never assigns a register outside RegisterInfo::allocatable, and never keeps a value in
//   a register that an instruction clobbers (kIsCall) or fixes (a physical operand) while the
//   value is live across that point;
// - spill slots come from MachFunction::frame.AddSpillSlot; inserted code comes from the
//   RegAllocTarget makers below (they do not touch condition flags);
// - it may drop moves whose source and destination end in the same register;
// - physical registers outside RegisterInfo::allocatable (x86_64: rsp, rbp, r11, r14, xmm15)
//   may appear as operands (frame and vmctx addressing, emitter scratch); the allocator
//   leaves them alone and never needs to preserve anything in them.
#ifndef KILN_BACKEND_COMMON_REGALLOC_TARGET_H_
#define KILN_BACKEND_COMMON_REGALLOC_TARGET_H_

#include <string>
#include <vector>

#include "backend/common/frame_layout.h"
#include "backend/common/machine_ir.h"
#include "backend/common/reg.h"

namespace kiln::backend {

// RegisterInfo describes an ISA's register file to the allocator.
struct RegisterInfo {
  // allocatable lists, per class, the physical registers the allocator may assign, in
  // preference order (caller-saved first: they cost nothing in the prologue).
  std::vector<Reg> allocatable[kNumRegClasses];
  // callee_saved is the set of registers a function must preserve; values live across calls
  // should prefer them (caller-saved registers are in every call's clobbers).
  RegMask callee_saved = 0;
  // names[class][number] is the register's assembly name, for printing.
  std::vector<std::string> names[kNumRegClasses];
};

// RegAllocTarget makes the instructions the allocator inserts.
class RegAllocTarget {
 public:
  virtual ~RegAllocTarget() = default;

  virtual const RegisterInfo& register_info() const = 0;
  // MakeMove copies `src` to `dst` (same class, both physical after allocation).
  virtual MachInst MakeMove(Reg dst, Reg src) const = 0;
  // MakeSpill stores the whole register `src` (all 128 bits of a float/vector register) into
  // frame slot `slot`.
  virtual MachInst MakeSpill(Reg src, SlotId slot) const = 0;
  // MakeReload loads frame slot `slot` into `dst`.
  virtual MachInst MakeReload(Reg dst, SlotId slot) const = 0;
};

}  // namespace kiln::backend

#endif  // KILN_BACKEND_COMMON_REGALLOC_TARGET_H_
