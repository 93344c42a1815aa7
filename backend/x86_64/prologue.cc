// Frame finalization after register allocation (prologue.h).
#include "backend/x86_64/prologue.h"

#include "backend/x86_64/inst.h"
#include "backend/x86_64/registers.h"

namespace kiln::backend::x86_64 {

std::vector<uint32_t> SavedRegisterOrder(RegMask mask) {
  std::vector<uint32_t> order;
  for (uint32_t r : {kRbx, kR12, kR13, kR15}) {
    if ((mask & MaskOf(RegClass::kInt, r)) != 0) order.push_back(r);
  }
  return order;
}

void FinalizeFrame(MachFunction& fn) {
  RegMask used = 0;
  for (const MachBlock& block : fn.blocks) {
    for (const MachInst& inst : block.insts) {
      ForEachRegOperand(inst, [&](Reg r, uint8_t role) {
        if (r.is_physical() && (role & kDef) != 0) used |= r.mask_bit();
      });
    }
  }
  RegMask saved = used & kCalleeSavedMask;
  fn.frame.set_saved_registers(saved);
  uint32_t saves = static_cast<uint32_t>(SavedRegisterOrder(saved).size());
  fn.frame.Finalize(saves * 8);
  auto& entry = fn.blocks[0].insts;
  entry.insert(entry.begin(), MakeInst(Op::kPrologue, 8, {}));
}

}  // namespace kiln::backend::x86_64
