// copy_prop: replace block parameters that always receive the same value.
//
// A parameter is redundant when every branch to its block passes either one value x or the
// parameter itself (a loop that hands the parameter back unchanged). Then x is available at
// the end of every predecessor, so it dominates the block, and every use of the parameter can
// use x instead; the parameter and the matching argument of every branch go away. Replacing
// one parameter can make others redundant (a chain of joins that all pass x along), so the
// pass repeats until nothing changes. The SSA IR has no copy instruction, so block parameters
// are the only copies there are.
//
// Parameters of unreachable blocks are left alone (they have no incoming values to agree),
// and so are the entry block's, which are the function's parameters. Unused parameters that
// receive different values are dce's job.
//
// Requires: nothing. Invalidates: nothing of the CFG: branches keep their targets.
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "compiler/passes/passes.h"

namespace kiln::passes {
namespace {

using ssa::Block;
using ssa::BlockCall;
using ssa::Value;

// Resolve follows the substitution to the value that replaces `v` in the end.
Value Resolve(const absl::flat_hash_map<Value, Value>& substitution, Value v) {
  for (auto it = substitution.find(v); it != substitution.end(); it = substitution.find(v)) {
    v = it->second;
  }
  return v;
}

}  // namespace

void RunCopyProp(ssa::Function& fn, PassContext& ctx) {
  std::vector<std::vector<BlockCall*>> incoming(fn.num_block_ids());
  for (Block* block : fn.blocks()) {
    if (ssa::Inst* term = block->terminator()) {
      for (BlockCall& call : term->targets) incoming[call.block->id()].push_back(&call);
    }
  }

  absl::flat_hash_map<Value, Value> substitution;
  bool changed = true;
  while (changed) {
    changed = false;
    for (Block* block : fn.blocks()) {
      const std::vector<BlockCall*>& calls = incoming[block->id()];
      if (block == fn.entry() || calls.empty()) continue;
      for (size_t i = block->params().size(); i-- > 0;) {
        const Value param = block->params()[i];
        Value only;  // the one value other than `param` itself, once seen
        bool redundant = true;
        for (const BlockCall* call : calls) {
          const Value arg = Resolve(substitution, call->args[i]);
          if (arg == param || arg == only) continue;
          if (only.valid()) {
            redundant = false;
            break;
          }
          only = arg;
        }
        // `only` stays invalid when the block is only entered from itself: then it is
        // unreachable, and a parameter with no value to take is left alone.
        if (!redundant || !only.valid()) continue;
        substitution[param] = only;
        for (BlockCall* call : calls) call->args.erase(call->args.begin() + i);
        fn.RemoveBlockParam(block, i);
        ctx.Count("removed_params");
        changed = true;
      }
    }
  }
  if (!substitution.empty()) fn.ReplaceUses(substitution);
}

}  // namespace kiln::passes
