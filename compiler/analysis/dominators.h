// DominatorTree: immediate dominators of the reachable blocks of an SSA function, computed with
// Cooper, Harvey and Kennedy's "A Simple, Fast Dominance Algorithm" (iterating over reverse
// postorder until the idoms settle), plus dominator-tree children and a preorder numbering so
// that Dominates(a, b) is O(1). Unreachable blocks are not in the tree: nothing dominates them
// and they dominate nothing. A snapshot: recompute after the CFG changes.
#ifndef KILN_COMPILER_ANALYSIS_DOMINATORS_H_
#define KILN_COMPILER_ANALYSIS_DOMINATORS_H_

#include <vector>

#include "absl/types/span.h"
#include "compiler/ssa/cfg.h"
#include "compiler/ssa/function.h"

namespace kiln::analysis {

// DominatorTree is indexed by block id.
class DominatorTree {
 public:
  // Compute builds the tree from a CFG of `fn` (Cfg::Compute(fn) when none is given).
  static DominatorTree Compute(const ssa::Function& fn, const ssa::Cfg& cfg);
  static DominatorTree Compute(const ssa::Function& fn);

  // idom is the immediate dominator of `block`; nullptr for the entry and unreachable blocks.
  ssa::Block* idom(const ssa::Block* block) const { return idom_[block->id()]; }
  // children are the blocks `block` immediately dominates, in reverse postorder.
  absl::Span<ssa::Block* const> children(const ssa::Block* block) const {
    return children_[block->id()];
  }
  bool IsReachable(const ssa::Block* block) const { return pre_[block->id()] >= 0; }
  // Dominates is true when every path from the entry to `b` passes through `a` (a block
  // dominates itself). False when either block is unreachable.
  bool Dominates(const ssa::Block* a, const ssa::Block* b) const;
  bool StrictlyDominates(const ssa::Block* a, const ssa::Block* b) const {
    return a != b && Dominates(a, b);
  }
  // preorder lists the reachable blocks in a dominator-tree preorder (entry first), the order
  // in which scoped passes such as GVN walk.
  const std::vector<ssa::Block*>& preorder() const { return preorder_; }

 private:
  std::vector<ssa::Block*> idom_;
  std::vector<std::vector<ssa::Block*>> children_;
  std::vector<int> pre_;   // preorder number, -1 when unreachable
  std::vector<int> last_;  // largest preorder number in the subtree
  std::vector<ssa::Block*> preorder_;
};

}  // namespace kiln::analysis

#endif  // KILN_COMPILER_ANALYSIS_DOMINATORS_H_
