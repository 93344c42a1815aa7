// dce: remove instructions and block parameters whose values nothing needs.
//
// Liveness starts from the instructions that must run for their effect: terminators, stores,
// calls and everything that may trap (a trapping division whose quotient is unused must
// still trap). A live instruction makes its operands live; a live block parameter makes the
// matching argument of every branch to its block live; a branch's own condition or index is
// live with the branch. Everything else goes: side-effect-free instructions (pure ones, and
// memory reads that cannot trap such as vm_load) and the parameters of non-entry blocks that
// are dead together with the arguments passed to them. So a loop counter that is only
// incremented and passed around the loop disappears, which removing unused values one at a
// time would not achieve.
//
// Dead block parameters are removed here, not in copy_prop: copy_prop removes parameters
// that are redundant (one value on every edge) but possibly used; dce removes parameters
// that are unused whatever they receive.
//
// Requires: nothing (unreachable blocks are treated like the others). Invalidates: nothing
// of the CFG: branches keep their targets, only their argument lists shrink.
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "compiler/passes/passes.h"

namespace kiln::passes {
namespace {

using ssa::Block;
using ssa::BlockCall;
using ssa::Inst;
using ssa::Value;

class Liveness {
 public:
  explicit Liveness(ssa::Function& fn)
      : fn_(fn),
        live_value_(fn.num_value_ids(), false),
        incoming_(fn.num_block_ids()) {
    for (Block* block : fn.blocks()) {
      if (Inst* term = block->terminator()) {
        for (BlockCall& call : term->targets) incoming_[call.block->id()].push_back(&call);
      }
    }
  }

  void Run() {
    for (Block* block : fn_.blocks()) {
      for (Inst* inst : block->insts()) {
        if (inst->info().has_side_effects()) MarkInst(inst);
      }
    }
    while (!worklist_.empty()) {
      const Value value = worklist_.back();
      worklist_.pop_back();
      const ssa::ValueDef def = fn_.def(value);
      if (def.inst != nullptr) {
        MarkInst(def.inst);
      } else {
        for (BlockCall* call : incoming_[def.block->id()]) MarkValue(call->args[def.index]);
      }
    }
  }

  bool IsLive(const Inst* inst) const { return live_inst_.count(inst) != 0; }
  bool IsLive(Value value) const { return live_value_[value.id]; }
  const std::vector<BlockCall*>& incoming(const Block* block) const {
    return incoming_[block->id()];
  }

 private:
  void MarkValue(Value value) {
    if (live_value_[value.id]) return;
    live_value_[value.id] = true;
    worklist_.push_back(value);
  }

  void MarkInst(Inst* inst) {
    if (!live_inst_.insert(inst).second) return;
    for (Value result : inst->results()) live_value_[result.id] = true;
    // Branch arguments are not marked here: they live only with their parameter.
    for (Value arg : inst->args) MarkValue(arg);
  }

  ssa::Function& fn_;
  std::vector<bool> live_value_;
  absl::flat_hash_set<const Inst*> live_inst_;
  std::vector<std::vector<BlockCall*>> incoming_;
  std::vector<Value> worklist_;
};

}  // namespace

void RunDce(ssa::Function& fn, PassContext& ctx) {
  Liveness liveness(fn);
  liveness.Run();

  int64_t removed_insts = 0;
  int64_t removed_params = 0;
  for (Block* block : fn.blocks()) {
    // Backwards, so that an instruction goes after the dead instructions that use it.
    for (Inst* inst = block->last(); inst != nullptr;) {
      Inst* prev = inst->prev();
      if (!liveness.IsLive(inst)) {
        fn.RemoveInst(inst);
        ++removed_insts;
      }
      inst = prev;
    }
    if (block == fn.entry()) continue;  // the entry's parameters are the function's
    for (size_t i = block->params().size(); i-- > 0;) {
      if (liveness.IsLive(block->params()[i])) continue;
      for (BlockCall* call : liveness.incoming(block)) call->args.erase(call->args.begin() + i);
      fn.RemoveBlockParam(block, i);
      ++removed_params;
    }
  }
  ctx.Count("removed_insts", removed_insts);
  ctx.Count("removed_params", removed_params);
}

}  // namespace kiln::passes
