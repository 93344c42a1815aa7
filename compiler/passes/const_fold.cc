// const_fold: (first cut) turn brif on a constant into jump. Full folding follows.
#include "compiler/passes/passes.h"

namespace kiln::passes {

void RunConstFold(ssa::Function& fn, PassContext& ctx) {
  for (ssa::Block* block : fn.blocks()) {
    ssa::Inst* term = block->terminator();
    if (term == nullptr || term->opcode() != ssa::Opcode::kBrif) continue;
    const ssa::ValueDef def = fn.def(term->args[0]);
    if (def.inst == nullptr || def.inst->opcode() != ssa::Opcode::kIconst) continue;
    ssa::BlockCall taken = term->targets[def.inst->imm != 0 ? 0 : 1];
    term->set_opcode(ssa::Opcode::kJump, ssa::Type::kNone);
    term->args.clear();
    term->targets.clear();
    term->targets.push_back(std::move(taken));
    ctx.Count("folded_branches");
  }
}

}  // namespace kiln::passes
