// unreachable_blocks: remove the blocks that no path from the entry reaches.
//
// The frontend leaves code after `br`, `return` and `unreachable` in blocks without
// predecessors, and const_fold leaves the untaken side of a folded brif behind. Such blocks
// cost compile time in every later pass and in the backend, and the dominator-based passes
// (gvn, licm) and the verifier's dominance check cannot reason about them.
//
// Requires: nothing. Invalidates: the CFG analyses (blocks leave the layout). The values
// defined in removed blocks are used only in removed blocks, since a reachable use must be
// dominated by its definition.
#include <vector>

#include "compiler/passes/passes.h"

namespace kiln::passes {

void RunUnreachableBlocks(ssa::Function& fn, PassContext& ctx) {
  const ssa::Cfg& cfg = ctx.Cfg();
  if (cfg.rpo().size() == fn.blocks().size()) return;
  // One SetLayout instead of a RemoveBlock per block keeps this linear in the block count.
  std::vector<ssa::Block*> reachable;
  reachable.reserve(cfg.rpo().size());
  for (ssa::Block* block : fn.blocks()) {
    if (cfg.IsReachable(block)) reachable.push_back(block);
  }
  ctx.Count("removed_blocks", static_cast<int64_t>(fn.blocks().size() - reachable.size()));
  fn.SetLayout(std::move(reachable));
}

}  // namespace kiln::passes
