// Symbolic execution of an allocated function against its original. See checker.h.
#include "backend/regalloc/checker.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/base/status_macros.h"

namespace kiln::backend::regalloc {

namespace {

using Contents = std::set<uint32_t>;
using State = std::vector<Contents>;  // indexed by location key

constexpr uint32_t kNumRegKeys = kNumRegClasses * kMaxRegsPerClass;

uint32_t RegKey(Reg r) { return static_cast<uint32_t>(r.reg_class()) * kMaxRegsPerClass + r.id(); }
uint32_t SlotKey(int64_t slot) { return kNumRegKeys + static_cast<uint32_t>(slot); }

class Checker {
 public:
  Checker(const MachFunction& original, const MachFunction& allocated, const RegisterInfo& info)
      : original_(original), allocated_(allocated), info_(info) {
    for (int c = 0; c < kNumRegClasses; ++c) {
      for (Reg r : info.allocatable[c]) allocatable_ |= r.mask_bit();
    }
  }

  absl::Status Run() {
    if (original_.blocks.size() != allocated_.blocks.size()) {
      return absl::InternalError("checker: block count changed");
    }
    const size_t n = allocated_.blocks.size();
    std::vector<std::optional<State>> out(n);
    std::vector<std::optional<State>> in(n);
    in[0] = State(NumKeys());
    // States only shrink from their first computation on, so iterate to the fixpoint without
    // checking, then check once with the final states.
    for (bool changed = true; changed;) {
      changed = false;
      for (uint32_t b = 0; b < n; ++b) {
        std::optional<State> entry = Entry(b, out);
        if (!entry) continue;
        in[b] = entry;
        State state = *entry;
        KILN_RETURN_IF_ERROR(RunBlock(b, state, /*check=*/false));
        if (!out[b] || *out[b] != state) {
          out[b] = std::move(state);
          changed = true;
        }
      }
    }
    for (uint32_t b = 0; b < n; ++b) {
      if (!in[b]) continue;
      State state = *in[b];
      KILN_RETURN_IF_ERROR(RunBlock(b, state, /*check=*/true));
    }
    return absl::OkStatus();
  }

 private:
  size_t NumKeys() const { return kNumRegKeys + allocated_.frame.num_slots(); }

  uint32_t NameOf(Reg original_reg) const {
    return original_reg.is_virtual() ? original_reg.id() : original_.num_vregs + RegKey(original_reg);
  }
  std::string Describe(uint32_t name) const {
    if (name < original_.num_vregs) return absl::StrCat("v", name);
    uint32_t key = name - original_.num_vregs;
    return absl::StrCat(key / kMaxRegsPerClass == 0 ? "r" : "f", key % kMaxRegsPerClass);
  }
  std::string DescribeSet(const Contents& c) const {
    std::vector<std::string> names;
    for (uint32_t x : c) names.push_back(Describe(x));
    return absl::StrCat("{", absl::StrJoin(names, ", "), "}");
  }

  std::optional<State> Entry(uint32_t b, const std::vector<std::optional<State>>& out) const {
    if (b == 0) return State(NumKeys());
    std::optional<State> state;
    for (uint32_t p : allocated_.blocks[b].preds) {
      if (!out[p]) continue;
      if (!state) {
        state = *out[p];
        continue;
      }
      for (size_t k = 0; k < state->size(); ++k) {
        Contents meet;
        std::set_intersection((*state)[k].begin(), (*state)[k].end(), (*out[p])[k].begin(),
                              (*out[p])[k].end(), std::inserter(meet, meet.begin()));
        (*state)[k] = std::move(meet);
      }
    }
    return state;
  }

  static void Kill(State& state, uint32_t name) {
    for (Contents& c : state) c.erase(name);
  }

  absl::Status RunInserted(const MachInst& inst, State& state, const std::string& where) const {
    const Operand* reg_op = nullptr;
    const Operand* reg_op2 = nullptr;
    const Operand* slot_op = nullptr;
    for (const Operand& op : inst.operands) {
      if (op.is_reg()) {
        (reg_op ? reg_op2 : reg_op) = &op;
      } else if (op.kind == OperandKind::kSlot) {
        slot_op = &op;
      }
    }
    auto check_reg = [&](const Operand* op) -> absl::Status {
      if (!op->reg.is_physical() || (op->reg.mask_bit() & allocatable_) == 0) {
        return absl::InternalError(absl::StrCat("checker: ", where,
                                                ": inserted code touches a register outside "
                                                "the allocatable set"));
      }
      return absl::OkStatus();
    };
    if (inst.is_move() && reg_op && reg_op2 && reg_op->writes() && reg_op2->reads()) {
      KILN_RETURN_IF_ERROR(check_reg(reg_op));
      KILN_RETURN_IF_ERROR(check_reg(reg_op2));
      state[RegKey(reg_op->reg)] = state[RegKey(reg_op2->reg)];
      return absl::OkStatus();
    }
    if (reg_op && !reg_op2 && slot_op) {
      KILN_RETURN_IF_ERROR(check_reg(reg_op));
      if (static_cast<size_t>(slot_op->imm) >= allocated_.frame.num_slots()) {
        return absl::InternalError(absl::StrCat("checker: ", where, ": unknown slot"));
      }
      if (reg_op->reads()) {
        state[SlotKey(slot_op->imm)] = state[RegKey(reg_op->reg)];
      } else {
        state[RegKey(reg_op->reg)] = state[SlotKey(slot_op->imm)];
      }
      return absl::OkStatus();
    }
    return absl::InternalError(absl::StrCat("checker: ", where, ": unrecognized inserted code"));
  }

  absl::Status RunOriginal(const MachInst& orig, const MachInst& inst, State& state, bool check,
                           const std::string& where) const {
    if (orig.opcode != inst.opcode || orig.operands.size() != inst.operands.size() ||
        orig.flags != inst.flags) {
      return absl::InternalError(absl::StrCat("checker: ", where, ": instruction changed"));
    }
    // Pair up register accesses: (original register, allocated register, role).
    struct Access {
      Reg orig;
      Reg alloc;
      uint8_t role;
    };
    std::vector<Access> accesses;
    for (size_t i = 0; i < orig.operands.size(); ++i) {
      const Operand& o = orig.operands[i];
      const Operand& a = inst.operands[i];
      if (o.kind != a.kind) {
        return absl::InternalError(absl::StrCat("checker: ", where, ": operand kind changed"));
      }
      if (o.kind == OperandKind::kReg) {
        accesses.push_back({o.reg, a.reg, o.role});
      } else if (o.kind == OperandKind::kMem) {
        if (o.base.valid()) accesses.push_back({o.base, a.base, kUse});
        if (o.index.valid()) accesses.push_back({o.index, a.index, kUse});
      } else if (o.imm != a.imm || o.disp != a.disp) {
        return absl::InternalError(absl::StrCat("checker: ", where, ": operand changed"));
      }
    }
    for (const Access& x : accesses) {
      if (!x.alloc.is_physical() || x.alloc.reg_class() != x.orig.reg_class()) {
        return absl::InternalError(
            absl::StrCat("checker: ", where, ": ", Describe(NameOf(x.orig)),
                         " was not given a physical register of its class"));
      }
      if (x.orig.is_physical() && x.alloc != x.orig) {
        return absl::InternalError(absl::StrCat("checker: ", where, ": a fixed register changed"));
      }
      if (x.orig.is_virtual() && (x.alloc.mask_bit() & allocatable_) == 0) {
        return absl::InternalError(absl::StrCat("checker: ", where, ": ", Describe(NameOf(x.orig)),
                                                " got a register outside the allocatable set"));
      }
    }
    if (check) {
      for (const Access& x : accesses) {
        if ((x.role & kUse) == 0) continue;
        // Registers outside the allocatable set (stack and frame pointers, a pinned context
        // register, emitter scratch) belong to the ISA; the allocator never touches them.
        if (x.orig.is_physical() && (x.orig.mask_bit() & allocatable_) == 0) continue;
        const Contents& held = state[RegKey(x.alloc)];
        uint32_t name = NameOf(x.orig);
        if (held.count(name) == 0) {
          return absl::InternalError(absl::StrCat("checker: ", where, ": reads ", Describe(name),
                                                  " from register ", x.alloc.id(), " which holds ",
                                                  DescribeSet(held)));
        }
      }
      for (const Access& d : accesses) {
        if ((d.role & kEarlyClobber) == 0) continue;
        for (const Access& u : accesses) {
          if ((u.role & kUse) != 0 && u.alloc == d.alloc) {
            return absl::InternalError(absl::StrCat("checker: ", where,
                                                    ": early-clobber def shares a register with "
                                                    "a use"));
          }
        }
      }
    }
    if (orig.is_call()) {
      for (uint32_t key = 0; key < kNumRegKeys; ++key) {
        if ((orig.clobbers >> key) & 1) state[key].clear();
      }
    }
    if (orig.is_move() && accesses.size() == 2 && (accesses[0].role & kDef) &&
        (accesses[1].role & kUse)) {
      Contents copied = state[RegKey(accesses[1].alloc)];
      uint32_t name = NameOf(accesses[0].orig);
      Kill(state, name);
      copied.insert(name);
      state[RegKey(accesses[0].alloc)] = std::move(copied);
      return absl::OkStatus();
    }
    for (const Access& d : accesses) {
      if ((d.role & kDef) == 0) continue;
      uint32_t name = NameOf(d.orig);
      Kill(state, name);
      state[RegKey(d.alloc)] = Contents{name};
    }
    return absl::OkStatus();
  }

  absl::Status RunBlock(uint32_t b, State& state, bool check) const {
    const std::vector<MachInst>& orig = original_.blocks[b].insts;
    const std::vector<MachInst>& insts = allocated_.blocks[b].insts;
    size_t j = 0;
    for (size_t k = 0; k < insts.size(); ++k) {
      std::string where = absl::StrCat("block ", b, " inst ", k);
      if ((insts[k].flags & kAllocatorInserted) != 0) {
        KILN_RETURN_IF_ERROR(RunInserted(insts[k], state, where));
        continue;
      }
      if (j >= orig.size()) {
        return absl::InternalError(absl::StrCat("checker: ", where, ": extra instruction"));
      }
      KILN_RETURN_IF_ERROR(RunOriginal(orig[j], insts[k], state, check, where));
      ++j;
    }
    if (j != orig.size()) {
      return absl::InternalError(absl::StrCat("checker: block ", b, ": instructions missing"));
    }
    return absl::OkStatus();
  }

  const MachFunction& original_;
  const MachFunction& allocated_;
  const RegisterInfo& info_;
  RegMask allocatable_ = 0;
};

}  // namespace

absl::Status CheckAllocation(const MachFunction& original, const MachFunction& allocated,
                             const RegisterInfo& info) {
  return Checker(original, allocated, info).Run();
}

}  // namespace kiln::backend::regalloc
