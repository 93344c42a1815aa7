// Cfg: the control-flow graph of a function, computed from its terminators: predecessors,
// successors (deduplicated) and a reverse postorder of the blocks reachable from the entry.
// It is a snapshot: recompute it after a pass changes branches or blocks.
#ifndef KILN_COMPILER_SSA_CFG_H_
#define KILN_COMPILER_SSA_CFG_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "compiler/ssa/function.h"

namespace kiln::ssa {

// Cfg is indexed by block id. Blocks outside the layout have no edges.
class Cfg {
 public:
  // Compute builds the graph of `fn`'s layout.
  static Cfg Compute(const Function& fn);

  // preds / succs list each neighbour once, in first-seen order (layout order for preds).
  absl::Span<Block* const> preds(const Block* block) const { return preds_[block->id()]; }
  absl::Span<Block* const> succs(const Block* block) const { return succs_[block->id()]; }
  // rpo is a reverse postorder of the blocks reachable from the entry (entry first).
  const std::vector<Block*>& rpo() const { return rpo_; }
  // rpo_index is the position of `block` in rpo(), or -1 when it is unreachable.
  int rpo_index(const Block* block) const { return rpo_index_[block->id()]; }
  bool IsReachable(const Block* block) const { return rpo_index(block) >= 0; }

 private:
  std::vector<std::vector<Block*>> preds_;
  std::vector<std::vector<Block*>> succs_;
  std::vector<Block*> rpo_;
  std::vector<int> rpo_index_;
};

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_CFG_H_
