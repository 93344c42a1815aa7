// The verifier: structure first (terminators, targets, the entry block), then each
// instruction against its table row, then dominance of every use over the reachable blocks.
// It stops at the first problem; messages name the block and the instruction's first result
// (or its position) so that a failing pass can be found in the printed function.
#include "compiler/ssa/verifier.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/analysis/dominators.h"
#include "compiler/base/status_macros.h"
#include "compiler/ssa/cfg.h"
#include "compiler/ssa/printer.h"

namespace kiln::ssa {
namespace {

std::string TypeList(absl::Span<const Type> types) {
  return absl::StrJoin(types, ", ",
                       [](std::string* out, Type type) { absl::StrAppend(out, TypeName(type)); });
}

class Verifier {
 public:
  explicit Verifier(const Function& fn) : fn_(fn) {}

  absl::Status Run() {
    if (fn_.blocks().empty()) return Fail("function has no blocks", "");
    for (const Block* block : fn_.blocks()) {
      int index = 0;
      for (const Inst* inst = block->first(); inst != nullptr; inst = inst->next()) {
        position_[inst] = index++;
      }
    }
    KILN_RETURN_IF_ERROR(CheckEntry());
    for (const Block* block : fn_.blocks()) KILN_RETURN_IF_ERROR(CheckBlock(*block));
    cfg_ = Cfg::Compute(fn_);
    if (!cfg_.preds(fn_.entry()).empty()) {
      return Fail("entry block has predecessors", BlockLoc(*fn_.entry()));
    }
    doms_ = analysis::DominatorTree::Compute(fn_, cfg_);
    for (const Block* block : fn_.blocks()) {
      if (!doms_.IsReachable(block)) continue;
      for (const Inst* inst = block->first(); inst != nullptr; inst = inst->next()) {
        KILN_RETURN_IF_ERROR(CheckDominance(*inst));
      }
    }
    return absl::OkStatus();
  }

 private:
  // -- Messages -------------------------------------------------------------------------------

  static absl::Status Fail(absl::string_view what, absl::string_view where) {
    if (where.empty()) return absl::InternalError(absl::StrCat("verifier: ", what));
    return absl::InternalError(absl::StrCat("verifier: ", what, " (", where, ")"));
  }

  static std::string BlockLoc(const Block& block) { return absl::StrCat("block", block.id()); }

  std::string InstLoc(const Inst& inst) const {
    std::string block = inst.block() ? BlockLoc(*inst.block()) : "detached";
    if (!inst.results().empty()) return absl::StrCat(block, ", v", inst.result().id);
    auto it = position_.find(&inst);
    return absl::StrCat(block, ", inst ", it == position_.end() ? -1 : it->second);
  }

  absl::Status FailAt(const Inst& inst, absl::string_view what) const {
    return Fail(absl::StrCat(what, " in `", PrintInst(fn_, inst), "`"), InstLoc(inst));
  }

  // -- Structure ----------------------------------------------------------------------------

  absl::Status CheckEntry() {
    const Block& entry = *fn_.entry();
    std::vector<Type> types;
    for (Value param : entry.params()) types.push_back(fn_.value_type(param));
    if (types != fn_.signature().params) {
      return Fail(
          absl::StrCat("entry block parameters (", TypeList(types),
                       ") do not match the signature (", TypeList(fn_.signature().params), ")"),
          BlockLoc(entry));
    }
    return absl::OkStatus();
  }

  absl::Status CheckBlock(const Block& block) {
    if (block.empty()) return Fail("block has no terminator", BlockLoc(block));
    for (size_t i = 0; i < block.params().size(); ++i) {
      Value param = block.params()[i];
      ValueDef def = fn_.def(param);
      if (!fn_.IsDefined(param) || def.inst != nullptr || def.block != &block || def.index != i) {
        return Fail(absl::StrCat("parameter v", param.id, " is not recorded as defined here"),
                    BlockLoc(block));
      }
    }
    for (const Inst* inst = block.first(); inst != nullptr; inst = inst->next()) {
      if (inst->block() != &block) {
        return Fail("instruction list is inconsistent", BlockLoc(block));
      }
      if (inst->is_terminator() && inst != block.last()) {
        return FailAt(*inst, "terminator before the end of the block");
      }
      KILN_RETURN_IF_ERROR(CheckInst(*inst));
    }
    if (!block.last()->is_terminator()) {
      return Fail("block does not end in a terminator", BlockLoc(block));
    }
    return absl::OkStatus();
  }

  // -- Instructions -------------------------------------------------------------------------

  absl::Status CheckInst(const Inst& inst) {
    const OpInfo& info = inst.info();
    if (!AcceptsCtrl(info.ctrl, inst.type())) {
      if (info.ctrl == CtrlClass::kNone) return FailAt(inst, "opcode takes no controlling type");
      return FailAt(inst,
                    absl::StrCat("controlling type ", TypeName(inst.type()), " is not allowed"));
    }
    KILN_RETURN_IF_ERROR(CheckImmediates(inst));
    KILN_RETURN_IF_ERROR(CheckOperands(inst));
    KILN_RETURN_IF_ERROR(CheckResults(inst));
    return CheckTargets(inst);
  }

  absl::Status CheckImmediates(const Inst& inst) {
    const OpInfo& info = inst.info();
    switch (info.format) {
      case Format::kIntConst:
        if (inst.type() == Type::kI32 && (inst.imm >> 32) != 0) {
          return FailAt(inst, "i32 constant has bits above bit 31");
        }
        break;
      case Format::kFloatConst:
        if (inst.type() == Type::kF32 && (inst.imm >> 32) != 0) {
          return FailAt(inst, "f32 constant has bits above bit 31");
        }
        break;
      case Format::kShuffle:
        for (uint8_t lane : inst.bytes) {
          if (lane >= 32) return FailAt(inst, "shuffle lane index out of range");
        }
        break;
      case Format::kLane:
      case Format::kMemoryLane:
        if (inst.lane >= NumLanes(inst.opcode())) return FailAt(inst, "lane index out of range");
        break;
      case Format::kIntCompare:
        if (inst.index >= static_cast<uint32_t>(kNumIntCC)) return FailAt(inst, "bad condition");
        break;
      case Format::kFloatCompare:
        if (inst.index >= static_cast<uint32_t>(kNumFloatCC)) return FailAt(inst, "bad condition");
        break;
      case Format::kCall:
      case Format::kCallIndirect:
        if (inst.sig >= fn_.signatures().size()) {
          return FailAt(inst, absl::StrCat("unknown signature sig", inst.sig));
        }
        break;
      case Format::kCallBuiltin:
        if (inst.index >= static_cast<uint32_t>(kNumBuiltins)) return FailAt(inst, "bad builtin");
        break;
      case Format::kTrap:
        if (inst.index >= static_cast<uint32_t>(trap::kNumTrapCodes)) {
          return FailAt(inst, "bad trap code");
        }
        break;
      case Format::kVmField:
        if ((inst.imm >> 32) != 0) return FailAt(inst, "VM field offset does not fit 32 bits");
        break;
      case Format::kPlain:
      case Format::kV128Const:
      case Format::kMemory:
      case Format::kJump:
      case Format::kBranch:
      case Format::kBranchTable:
        break;
    }
    return absl::OkStatus();
  }

  // VariadicTypes is what a "*" operand tail or "*" results stand for.
  std::vector<Type> VariadicTypes(const Inst& inst, bool results) const {
    std::vector<Type> types;
    switch (inst.info().format) {
      case Format::kCall:
      case Format::kCallIndirect: {
        const Signature& sig = fn_.signatures()[inst.sig];
        return results ? sig.results : sig.params;
      }
      case Format::kCallBuiltin: {
        const BuiltinInfo& builtin = Info(inst.builtin());
        for (char letter : results ? builtin.results : builtin.params) {
          types.push_back(LetterType(letter, Type::kNone));
        }
        return types;
      }
      default:  // return
        return fn_.signature().results;
    }
  }

  absl::Status CheckOperand(const Inst& inst, size_t i, Type expected_or_none, char letter) {
    Value arg = inst.args[i];
    if (!fn_.IsDefined(arg)) {
      return FailAt(inst, absl::StrCat("operand ", i, " is undefined value v",
                                       arg.valid() ? absl::StrCat(arg.id) : "?"));
    }
    Type actual = fn_.value_type(arg);
    bool ok = expected_or_none != Type::kNone ? actual == expected_or_none
                                              : LetterAccepts(letter, inst.type(), actual);
    if (!ok) {
      std::string expected =
          expected_or_none != Type::kNone ? std::string(TypeName(expected_or_none))
          : letter == 'I'                 ? "an integer type"
          : letter == 'F'                 ? "a float type"
                                          : std::string(TypeName(LetterType(letter, inst.type())));
      return FailAt(inst, absl::StrCat("operand ", i, " (v", arg.id, ") has type ",
                                       TypeName(actual), ", expected ", expected));
    }
    return absl::OkStatus();
  }

  absl::Status CheckOperands(const Inst& inst) {
    const OpInfo& info = inst.info();
    const size_t fixed = info.num_fixed_operands();
    std::vector<Type> tail;
    size_t expected_count = fixed;
    if (info.variadic_operands()) {
      tail = VariadicTypes(inst, /*results=*/false);
      expected_count += tail.size();
    }
    if (inst.args.size() != expected_count) {
      return FailAt(inst,
                    absl::StrCat("expected ", expected_count, " operands, got ", inst.args.size()));
    }
    for (size_t i = 0; i < fixed; ++i) {
      KILN_RETURN_IF_ERROR(CheckOperand(inst, i, Type::kNone, info.operands[i]));
    }
    for (size_t i = 0; i < tail.size(); ++i) {
      KILN_RETURN_IF_ERROR(CheckOperand(inst, fixed + i, tail[i], '*'));
    }
    return absl::OkStatus();
  }

  absl::Status CheckResults(const Inst& inst) {
    const OpInfo& info = inst.info();
    std::vector<Type> expected;
    if (info.variadic_results()) {
      expected = VariadicTypes(inst, /*results=*/true);
    } else {
      for (char letter : info.results) expected.push_back(LetterType(letter, inst.type()));
    }
    std::vector<Type> actual;
    for (size_t i = 0; i < inst.results().size(); ++i) {
      Value result = inst.results()[i];
      ValueDef def = fn_.def(result);
      if (!fn_.IsDefined(result) || def.inst != &inst || def.index != i) {
        return FailAt(inst,
                      absl::StrCat("result v", result.id, " is not recorded as defined here"));
      }
      actual.push_back(fn_.value_type(result));
    }
    if (actual != expected) {
      return FailAt(inst, absl::StrCat("results have types (", TypeList(actual), "), expected (",
                                       TypeList(expected), ")"));
    }
    return absl::OkStatus();
  }

  absl::Status CheckTargets(const Inst& inst) {
    const Format format = inst.info().format;
    size_t expected = format == Format::kJump ? 1 : format == Format::kBranch ? 2 : 0;
    if (format == Format::kBranchTable) {
      if (inst.targets.empty()) return FailAt(inst, "br_table has no default target");
    } else if (inst.targets.size() != expected) {
      return FailAt(
          inst, absl::StrCat("expected ", expected, " branch targets, got ", inst.targets.size()));
    }
    for (const BlockCall& call : inst.targets) {
      if (call.block == nullptr || !call.block->in_layout() ||
          fn_.block(call.block->id()) != call.block) {
        return FailAt(inst, "branch to a block that is not in the function");
      }
      if (call.block == fn_.entry()) return FailAt(inst, "branch to the entry block");
      absl::Span<const Value> params = call.block->params();
      if (call.args.size() != params.size()) {
        return FailAt(inst, absl::StrCat("block", call.block->id(), " takes ", params.size(),
                                         " arguments, got ", call.args.size()));
      }
      for (size_t i = 0; i < params.size(); ++i) {
        Value arg = call.args[i];
        if (!fn_.IsDefined(arg)) {
          return FailAt(inst, absl::StrCat("argument ", i, " to block", call.block->id(),
                                           " is undefined value v",
                                           arg.valid() ? absl::StrCat(arg.id) : "?"));
        }
        if (fn_.value_type(arg) != fn_.value_type(params[i])) {
          return FailAt(inst, absl::StrCat("argument ", i, " to block", call.block->id(), " (v",
                                           arg.id, ") has type ", TypeName(fn_.value_type(arg)),
                                           ", expected ", TypeName(fn_.value_type(params[i]))));
        }
      }
    }
    return absl::OkStatus();
  }

  // -- Dominance ------------------------------------------------------------------------------

  // DefDominates: the definition of `v` is available right before `use` executes.
  bool DefDominates(Value v, const Inst& use) const {
    ValueDef def = fn_.def(v);
    const Block* use_block = use.block();
    if (def.inst == nullptr) {
      return def.block == use_block ||
             (def.block->in_layout() && doms_.Dominates(def.block, use_block));
    }
    const Block* def_block = def.inst->block();
    if (def_block == nullptr || !def_block->in_layout()) return false;
    if (def_block == use_block) return position_.at(def.inst) < position_.at(&use);
    return doms_.Dominates(def_block, use_block);
  }

  absl::Status CheckDominance(const Inst& inst) {
    for (Value arg : inst.args) {
      if (!DefDominates(arg, inst)) {
        return FailAt(inst, absl::StrCat("v", arg.id, " does not dominate this use"));
      }
    }
    for (const BlockCall& call : inst.targets) {
      for (Value arg : call.args) {
        if (!DefDominates(arg, inst)) {
          return FailAt(inst, absl::StrCat("v", arg.id, " does not dominate this use"));
        }
      }
    }
    return absl::OkStatus();
  }

  const Function& fn_;
  absl::flat_hash_map<const Inst*, int> position_;
  Cfg cfg_;
  analysis::DominatorTree doms_;
};

}  // namespace

absl::Status Verify(const Function& fn) { return Verifier(fn).Run(); }

}  // namespace kiln::ssa
