// The spill-everything test allocator (spill_all_allocator.h).
#include "backend/testing/spill_all_allocator.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace kiln::backend::testing {

absl::Status SpillAllAllocate(MachFunction& fn, const RegAllocTarget& target) {
  const RegisterInfo& info = target.register_info();
  RegMask allocatable = 0;
  for (int c = 0; c < kNumRegClasses; ++c) {
    for (Reg r : info.allocatable[c]) allocatable |= r.mask_bit();
  }
  std::vector<int64_t> slot_of(fn.num_vregs, -1);
  auto slot = [&](Reg v) {
    if (slot_of[v.id()] < 0) slot_of[v.id()] = fn.frame.AddSpillSlot(v.reg_class());
    return static_cast<SlotId>(slot_of[v.id()]);
  };

  for (MachBlock& block : fn.blocks) {
    // live_across[i]: fixed registers holding a value from before instruction i to after it.
    size_t n = block.insts.size();
    std::vector<RegMask> busy(n, 0);
    RegMask live = 0;
    for (size_t i = n; i-- > 0;) {
      RegMask live_after = live;
      RegMask defs = 0, uses = 0;
      ForEachRegOperand(block.insts[i], [&](Reg r, uint8_t role) {
        if (!r.is_physical()) return;
        if (role & kDef) defs |= r.mask_bit();
        if (role & kUse) uses |= r.mask_bit();
      });
      live = (live & ~defs) | uses;
      busy[i] = (live & live_after) | defs | uses;
    }

    std::vector<MachInst> out;
    out.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
      MachInst inst = block.insts[i];
      absl::flat_hash_map<uint32_t, Reg> assigned;
      RegMask taken = busy[i];
      std::vector<std::pair<Reg, Reg>> reloads, spills;  // (vreg, phys)
      absl::Status status;
      auto assign = [&](Reg v, uint8_t role) -> Reg {
        if (!v.is_virtual()) return v;
        auto it = assigned.find(v.id());
        Reg phys;
        if (it != assigned.end()) {
          phys = it->second;
        } else {
          for (Reg candidate : info.allocatable[static_cast<int>(v.reg_class())]) {
            if ((taken & candidate.mask_bit()) == 0) {
              phys = candidate;
              break;
            }
          }
          if (!phys.valid()) {
            status = absl::ResourceExhaustedError(
                absl::StrCat("spill-all allocator: no free register in ", fn.name));
            return v;
          }
          taken |= phys.mask_bit();
          assigned[v.id()] = phys;
        }
        bool temp = (role & kEarlyClobber) != 0;
        if ((role & kUse) && !temp) reloads.push_back({v, phys});
        if ((role & kDef) && !temp) spills.push_back({v, phys});
        return phys;
      };
      RewriteRegs(inst, assign);
      if (!status.ok()) return status;
      // A register read by several operands is reloaded once.
      absl::flat_hash_map<uint32_t, bool> done;
      for (const auto& [v, phys] : reloads) {
        if (done[v.id()]) continue;
        done[v.id()] = true;
        out.push_back(target.MakeReload(phys, slot(v)));
      }
      out.push_back(std::move(inst));
      done.clear();
      for (const auto& [v, phys] : spills) {
        if (done[v.id()]) continue;
        done[v.id()] = true;
        out.push_back(target.MakeSpill(phys, slot(v)));
      }
    }
    block.insts = std::move(out);
  }
  (void)allocatable;
  return absl::OkStatus();
}

}  // namespace kiln::backend::testing
