// The reference interpreter for the integer subset of the SSA IR: one value slot per value id,
// block parameters bound in parallel from the branch's arguments, a fuel counter so that
// random loops end.
#include "compiler/passes/scalar_interpreter.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/passes/const_eval.h"
#include "compiler/ssa/printer.h"

namespace kiln::passes {
namespace {

using ssa::Inst;
using ssa::Opcode;
using ssa::Type;
using ssa::Value;

class Machine {
 public:
  Machine(const ssa::Function& fn, int64_t fuel)
      : fn_(fn), fuel_(fuel), slots_(fn.num_value_ids(), 0) {}

  RunResult Run(absl::Span<const uint64_t> args) {
    const ssa::Block* block = fn_.entry();
    if (block == nullptr || args.size() != block->params().size()) {
      return Unsupported("wrong number of arguments");
    }
    for (size_t i = 0; i < args.size(); ++i) slots_[block->params()[i].id] = args[i];
    while (true) {
      const ssa::BlockCall* next = nullptr;
      for (const Inst* inst : block->insts()) {
        if (--fuel_ < 0) return RunResult{RunResult::Kind::kOutOfFuel, {}, {}, {}};
        if (inst->is_terminator()) {
          std::optional<RunResult> done = Terminate(*inst, next);
          if (done) return *done;
          break;
        }
        std::optional<RunResult> stop = Execute(*inst);
        if (stop) return *stop;
      }
      if (next == nullptr) return Unsupported("block without terminator");
      // Parallel assignment: read every argument before writing any parameter.
      std::vector<uint64_t> incoming;
      for (Value arg : next->args) incoming.push_back(slots_[arg.id]);
      for (size_t i = 0; i < incoming.size(); ++i) {
        slots_[next->block->params()[i].id] = incoming[i];
      }
      block = next->block;
    }
  }

 private:
  RunResult Unsupported(std::string detail) {
    return RunResult{RunResult::Kind::kUnsupported, {}, {}, std::move(detail)};
  }
  static RunResult Trapped(trap::TrapCode code) {
    return RunResult{RunResult::Kind::kTrapped, {}, code, {}};
  }

  Constant Get(Value v) const { return Constant{fn_.value_type(v), slots_[v.id]}; }

  std::optional<RunResult> Execute(const Inst& inst) {
    switch (inst.opcode()) {
      case Opcode::kIconst:
        slots_[inst.result().id] = inst.imm;
        return std::nullopt;
      case Opcode::kSelect:
        slots_[inst.result().id] =
            slots_[inst.args[0].id] != 0 ? slots_[inst.args[1].id] : slots_[inst.args[2].id];
        return std::nullopt;
      case Opcode::kTrapz:
        if (slots_[inst.args[0].id] == 0) return Trapped(inst.trap_code());
        return std::nullopt;
      case Opcode::kTrapnz:
        if (slots_[inst.args[0].id] != 0) return Trapped(inst.trap_code());
        return std::nullopt;
      default:
        break;
    }
    if (inst.results().size() != 1) return Unsupported(ssa::PrintInst(fn_, inst));
    const Type result_type = fn_.value_type(inst.result());
    if (!ssa::IsInt(result_type)) return Unsupported(ssa::PrintInst(fn_, inst));
    absl::InlinedVector<Constant, 3> operands;
    for (Value arg : inst.args) {
      if (!ssa::IsInt(fn_.value_type(arg))) return Unsupported(ssa::PrintInst(fn_, inst));
      operands.push_back(Get(arg));
    }
    const uint32_t cond = inst.opcode() == Opcode::kIcmp ? inst.index : 0;
    std::optional<Constant> value =
        EvalConstant(inst.opcode(), inst.type(), cond, result_type, operands);
    if (value) {
      slots_[inst.result().id] = value->bits;
      return std::nullopt;
    }
    // EvalConstant declines exactly the divisions that trap.
    switch (inst.opcode()) {
      case Opcode::kSdiv:
      case Opcode::kUdiv:
      case Opcode::kSrem:
      case Opcode::kUrem:
        return Trapped(operands[1].bits == 0 ? trap::TrapCode::kIntegerDivideByZero
                                             : trap::TrapCode::kIntegerOverflow);
      default:
        return Unsupported(ssa::PrintInst(fn_, inst));
    }
  }

  // Terminate ends a block: a result when the function ends, else sets `next`.
  std::optional<RunResult> Terminate(const Inst& inst, const ssa::BlockCall*& next) {
    switch (inst.opcode()) {
      case Opcode::kJump:
        next = &inst.targets[0];
        return std::nullopt;
      case Opcode::kBrif:
        next = &inst.targets[slots_[inst.args[0].id] != 0 ? 0 : 1];
        return std::nullopt;
      case Opcode::kBrTable: {
        const uint64_t index = slots_[inst.args[0].id];
        next = &inst.targets[index < inst.targets.size() - 1 ? 1 + index : 0];
        return std::nullopt;
      }
      case Opcode::kReturn: {
        RunResult result{RunResult::Kind::kReturned, {}, {}, {}};
        for (Value arg : inst.args) result.values.push_back(slots_[arg.id]);
        return result;
      }
      case Opcode::kTrap:
        return Trapped(inst.trap_code());
      default:
        return Unsupported(ssa::PrintInst(fn_, inst));
    }
  }

  const ssa::Function& fn_;
  int64_t fuel_;
  std::vector<uint64_t> slots_;
};

}  // namespace

std::string ToString(const RunResult& result) {
  switch (result.kind) {
    case RunResult::Kind::kReturned:
      return absl::StrCat("returned ", absl::StrJoin(result.values, ", "));
    case RunResult::Kind::kTrapped:
      return absl::StrCat("trapped ", std::string(trap::TrapCodeToken(result.trap)));
    case RunResult::Kind::kOutOfFuel:
      return "out of fuel";
    case RunResult::Kind::kUnsupported:
      return absl::StrCat("unsupported: ", result.detail);
  }
  return "?";
}

RunResult Interpret(const ssa::Function& fn, absl::Span<const uint64_t> args, int64_t fuel) {
  return Machine(fn, fuel).Run(args);
}

}  // namespace kiln::passes
