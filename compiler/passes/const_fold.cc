// const_fold: constant folding, algebraic simplification and branches on constants.
//
// Folding: an instruction whose operands are all constants becomes a constant when
// EvalConstant (const_eval.h) allows it, i.e. never when the instruction would trap (division
// by zero, INT_MIN / -1, float→int out of range: it stays and traps at run time) and never
// when a float NaN goes in or comes out.
//
// Simplification, integers (constants moved to the right of commutative operations first):
//   x + 0, x - 0, x * 1, x | 0, x ^ 0, x & -1, x << 0 (count mod width), x / 1  →  x
//   x * 0, x & 0  →  0;   x | -1  →  -1;   x - x, x ^ x, x urem 1, x srem 1, x srem -1  →  0
//   x & x, x | x  →  x;   icmp of x with itself  →  1 for eq/sle/sge/ule/uge, else 0
//   icmp ult x, 0  →  0;   icmp uge x, 0  →  1
//   icmp ne c, 0  →  c  and  icmp eq c, 0  →  c's comparison inverted, when c is a comparison
//   (floats: only eq and ne invert, because of NaN)
//   select c, x, x  →  x;   select on a constant  →  the chosen operand
// Floats get only what holds bit for bit: fneg(fneg x) → x, fabs(fneg x) and fabs(fabs x) →
// fabs x. x + 0.0 is not x (-0.0 + 0.0 is +0.0), and x * 1.0 is not x either: Wasm requires a
// signalling NaN to come out quiet, so even that multiplication must run.
//
// Traps and branches: trapz on a non-zero constant and trapnz on zero never trap and go;
// brif on a constant, and brif whose two targets are the same call, become jump; br_table on
// a constant jumps to the entry it selects. The untaken blocks stay for unreachable_blocks.
// brif on `icmp ne x, 0` branches on x, and on `icmp eq x, 0` on x with swapped targets.
//
// Requires: nothing. Visits reachable blocks in reverse postorder so that operands are folded
// before their users, then unreachable ones. Invalidates: the CFG analyses (branches fold).
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "compiler/passes/const_eval.h"
#include "compiler/passes/passes.h"

namespace kiln::passes {
namespace {

using ssa::Block;
using ssa::BlockCall;
using ssa::Inst;
using ssa::IntCC;
using ssa::Opcode;
using ssa::Type;
using ssa::Value;

bool SameCall(const BlockCall& a, const BlockCall& b) {
  return a.block == b.block && a.args == b.args;
}

class Folder {
 public:
  Folder(ssa::Function& fn, PassContext& ctx)
      : fn_(fn), ctx_(ctx), replacement_(fn.num_value_ids()) {}

  void Run() {
    const ssa::Cfg& cfg = ctx_.Cfg();
    std::vector<Block*> order = cfg.rpo();
    for (Block* block : fn_.blocks()) {
      if (!cfg.IsReachable(block)) order.push_back(block);
    }
    for (Block* block : order) {
      for (Inst* inst : block->insts()) Visit(inst);
    }
    if (!substitution_.empty()) fn_.ReplaceUses(substitution_);
    for (Inst* inst : replaced_) fn_.RemoveInst(inst);
  }

 private:
  Value Resolve(Value v) const { return replacement_[v.id].valid() ? replacement_[v.id] : v; }

  std::optional<Constant> ConstantOf(Value v) const {
    const Inst* def = fn_.def(v).inst;
    if (def == nullptr) return std::nullopt;
    if (def->opcode() == Opcode::kIconst || def->opcode() == Opcode::kFconst) {
      return Constant{def->type(), def->imm};
    }
    return std::nullopt;
  }

  bool IsInt(Value v, uint64_t bits) const {
    std::optional<Constant> c = ConstantOf(v);
    return c && ssa::IsInt(c->type) && c->bits == Mask(c->type, bits);
  }

  void Visit(Inst* inst) {
    for (Value& arg : inst->args) arg = Resolve(arg);
    for (BlockCall& call : inst->targets) {
      for (Value& arg : call.args) arg = Resolve(arg);
    }
    switch (inst->opcode()) {
      case Opcode::kBrif:
      case Opcode::kBrTable:
        FoldBranch(inst);
        return;
      case Opcode::kTrapz:
      case Opcode::kTrapnz:
        FoldTrap(inst);
        return;
      default:
        break;
    }
    if (inst->results().size() != 1 || inst->args.empty()) return;
    if (!inst->info().pure() && !OnlyMayTrap(*inst)) return;
    if (FoldConstants(inst)) return;
    Simplify(inst);
  }

  // OnlyMayTrap: divisions and float→int conversions are not pure only because they may trap;
  // with constant operands EvalConstant decides whether they would.
  static bool OnlyMayTrap(const Inst& inst) {
    const uint16_t flags = inst.info().flags;
    return (flags & ~(ssa::kMayTrap | ssa::kCommutative)) == 0;
  }

  bool FoldConstants(Inst* inst) {
    absl::InlinedVector<Constant, 3> args;
    for (Value arg : inst->args) {
      std::optional<Constant> c = ConstantOf(arg);
      if (!c) return false;
      args.push_back(*c);
    }
    const Type result_type = fn_.value_type(inst->result());
    const uint32_t cond =
        inst->opcode() == Opcode::kIcmp || inst->opcode() == Opcode::kFcmp ? inst->index : 0;
    std::optional<Constant> folded =
        EvalConstant(inst->opcode(), inst->type(), cond, result_type, args);
    if (!folded) return false;
    MakeConstant(inst, folded->bits);
    ctx_.Count("folded");
    return true;
  }

  // MakeConstant rewrites `inst` in place into a constant of its result's type; the result
  // value keeps its id, so its uses need no rewriting.
  void MakeConstant(Inst* inst, uint64_t bits) {
    const Type type = fn_.value_type(inst->result());
    inst->set_opcode(ssa::IsInt(type) ? Opcode::kIconst : Opcode::kFconst, type);
    inst->args.clear();
    inst->targets.clear();
    inst->imm = ssa::IsInt(type) ? Mask(type, bits) : bits;
    inst->index = 0;
    inst->sig = 0;
    inst->lane = 0;
    inst->bytes = {};
  }

  // Replace makes every use of `inst`'s result use `value`; the instruction goes at the end.
  void Replace(Inst* inst, Value value) {
    replacement_[inst->result().id] = value;
    substitution_[inst->result()] = value;
    replaced_.push_back(inst);
    ctx_.Count("simplified");
  }

  void Simplified(Inst* inst, uint64_t constant) {
    MakeConstant(inst, constant);
    ctx_.Count("simplified");
  }

  void Simplify(Inst* inst) {
    const Opcode op = inst->opcode();
    if (op == Opcode::kSelect) return SimplifySelect(inst);
    if (op == Opcode::kFneg || op == Opcode::kFabs) return SimplifyFloatSign(inst);
    if (inst->args.size() != 2 || !ssa::IsInt(fn_.value_type(inst->args[0]))) return;

    if (inst->info().commutative() && ConstantOf(inst->args[0]) && !ConstantOf(inst->args[1])) {
      std::swap(inst->args[0], inst->args[1]);
    }
    const Value x = inst->args[0];
    const Value y = inst->args[1];
    const bool same = x == y;
    switch (op) {
      case Opcode::kIadd:
      case Opcode::kBor:
      case Opcode::kBxor:
        if (IsInt(y, 0)) return Replace(inst, x);
        if (op == Opcode::kBor && IsInt(y, ~uint64_t{0})) return Simplified(inst, ~uint64_t{0});
        if (op == Opcode::kBor && same) return Replace(inst, x);
        if (op == Opcode::kBxor && same) return Simplified(inst, 0);
        return;
      case Opcode::kIsub:
        if (IsInt(y, 0)) return Replace(inst, x);
        if (same) return Simplified(inst, 0);
        return;
      case Opcode::kImul:
        if (IsInt(y, 1)) return Replace(inst, x);
        if (IsInt(y, 0)) return Simplified(inst, 0);
        return;
      case Opcode::kBand:
        if (IsInt(y, ~uint64_t{0}) || same) return Replace(inst, x);
        if (IsInt(y, 0)) return Simplified(inst, 0);
        return;
      case Opcode::kIshl:
      case Opcode::kUshr:
      case Opcode::kSshr:
      case Opcode::kRotl:
      case Opcode::kRotr: {
        std::optional<Constant> count = ConstantOf(y);
        const uint64_t width = fn_.value_type(x) == Type::kI32 ? 32 : 64;
        if (count && count->bits % width == 0) return Replace(inst, x);
        return;
      }
      case Opcode::kSdiv:
      case Opcode::kUdiv:
        // Dividing by one cannot trap; dividing by -1 can (INT_MIN), so it stays.
        if (IsInt(y, 1)) return Replace(inst, x);
        return;
      case Opcode::kUrem:
        if (IsInt(y, 1)) return Simplified(inst, 0);
        return;
      case Opcode::kSrem:
        if (IsInt(y, 1) || IsInt(y, ~uint64_t{0})) return Simplified(inst, 0);
        return;
      case Opcode::kIcmp:
        if (!same) return SimplifyCompareWithZero(inst);
        switch (inst->int_cc()) {
          case IntCC::kEq:
          case IntCC::kSle:
          case IntCC::kSge:
          case IntCC::kUle:
          case IntCC::kUge:
            return Simplified(inst, 1);
          case IntCC::kNe:
          case IntCC::kSlt:
          case IntCC::kSgt:
          case IntCC::kUlt:
          case IntCC::kUgt:
            return Simplified(inst, 0);
        }
        return;
      default:
        return;
    }
  }

  // SimplifyCompareWithZero handles `icmp cc x, 0`: unsigned x < 0 is never true and x >= 0
  // always is; and when x is itself a comparison (0 or 1), x != 0 is x and x == 0 is the
  // inverted comparison (Wasm's eqz of a comparison). For floats only eq and ne invert
  // exactly: !(a < b) is not a >= b when a NaN is involved.
  void SimplifyCompareWithZero(Inst* inst) {
    if (!IsInt(inst->args[1], 0)) return;
    const IntCC cc = inst->int_cc();
    if (cc == IntCC::kUlt) return Simplified(inst, 0);
    if (cc == IntCC::kUge) return Simplified(inst, 1);
    if (cc != IntCC::kEq && cc != IntCC::kNe) return;
    const Inst* compare = fn_.def(inst->args[0]).inst;
    if (compare == nullptr) return;
    const bool is_icmp = compare->opcode() == Opcode::kIcmp;
    const bool is_fcmp = compare->opcode() == Opcode::kFcmp;
    if (!is_icmp && !is_fcmp) return;
    if (cc == IntCC::kNe) return Replace(inst, inst->args[0]);
    uint32_t inverted;
    if (is_icmp) {
      inverted = static_cast<uint32_t>(ssa::InvertIntCC(compare->int_cc()));
    } else if (compare->float_cc() == ssa::FloatCC::kEq) {
      inverted = static_cast<uint32_t>(ssa::FloatCC::kNe);
    } else if (compare->float_cc() == ssa::FloatCC::kNe) {
      inverted = static_cast<uint32_t>(ssa::FloatCC::kEq);
    } else {
      return;
    }
    inst->set_opcode(compare->opcode(), compare->type());
    inst->args = compare->args;
    inst->index = inverted;
    ctx_.Count("simplified");
  }

  void SimplifySelect(Inst* inst) {
    if (inst->args[1] == inst->args[2]) return Replace(inst, inst->args[1]);
    if (std::optional<Constant> cond = ConstantOf(inst->args[0])) {
      return Replace(inst, cond->bits != 0 ? inst->args[1] : inst->args[2]);
    }
  }

  // fneg and fabs only touch the sign bit, so these hold for every input, NaNs included.
  void SimplifyFloatSign(Inst* inst) {
    const Inst* inner = fn_.def(inst->args[0]).inst;
    if (inner == nullptr) return;
    if (inst->opcode() == Opcode::kFneg && inner->opcode() == Opcode::kFneg) {
      return Replace(inst, inner->args[0]);
    }
    if (inst->opcode() == Opcode::kFabs &&
        (inner->opcode() == Opcode::kFneg || inner->opcode() == Opcode::kFabs)) {
      inst->args[0] = inner->args[0];
      ctx_.Count("simplified");
    }
  }

  void FoldTrap(Inst* inst) {
    std::optional<Constant> cond = ConstantOf(inst->args[0]);
    if (!cond) return;
    const bool traps = inst->opcode() == Opcode::kTrapz ? cond->bits == 0 : cond->bits != 0;
    if (traps) return;  // a trap that always fires stays; the program asked for it
    fn_.RemoveInst(inst);
    ctx_.Count("removed_traps");
  }

  // BranchOnTest makes `brif (icmp ne x, 0)` branch on x, and `brif (icmp eq x, 0)` branch
  // on x with the targets swapped (x is i32, as brif's operand must be).
  void BranchOnTest(Inst* inst) {
    const Inst* test = fn_.def(inst->args[0]).inst;
    if (test == nullptr || test->opcode() != Opcode::kIcmp || test->type() != Type::kI32 ||
        !IsInt(test->args[1], 0)) {
      return;
    }
    if (test->int_cc() == IntCC::kEq) {
      std::swap(inst->targets[0], inst->targets[1]);
    } else if (test->int_cc() != IntCC::kNe) {
      return;
    }
    inst->args[0] = test->args[0];
    ctx_.Count("simplified");
  }

  void FoldBranch(Inst* inst) {
    if (inst->opcode() == Opcode::kBrif) BranchOnTest(inst);
    std::optional<Constant> cond = ConstantOf(inst->args[0]);
    size_t taken;
    if (inst->opcode() == Opcode::kBrif) {
      if (cond) {
        taken = cond->bits != 0 ? 0 : 1;
      } else if (SameCall(inst->targets[0], inst->targets[1])) {
        taken = 0;
      } else {
        return;
      }
    } else {
      if (!cond) return;
      // targets[0] is the default, targets[1 + i] table entry i.
      const uint64_t entries = inst->targets.size() - 1;
      taken = cond->bits < entries ? 1 + cond->bits : 0;
    }
    BlockCall target = std::move(inst->targets[taken]);
    inst->set_opcode(Opcode::kJump, Type::kNone);
    inst->args.clear();
    inst->targets.clear();
    inst->targets.push_back(std::move(target));
    ctx_.Count("folded_branches");
  }

  ssa::Function& fn_;
  PassContext& ctx_;
  std::vector<Value> replacement_;  // by value id; invalid when not replaced
  absl::flat_hash_map<Value, Value> substitution_;
  std::vector<Inst*> replaced_;
};

}  // namespace

void RunConstFold(ssa::Function& fn, PassContext& ctx) { Folder(fn, ctx).Run(); }

}  // namespace kiln::passes
