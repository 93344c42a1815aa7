// LoopForest: the natural loops of an SSA function and how they nest. A back edge is an edge
// latch → header whose target dominates its source; the loop of a header is the header plus
// every block that reaches one of its latches without passing through the header. Back edges
// to the same header make one loop. Wasm's structured control flow only produces reducible
// graphs, so every cycle is a natural loop; a retreating edge whose target does not dominate
// its source (possible only in hand-written IR) starts no loop and is ignored.
//
// Loops are numbered outer before inner (by the reverse-postorder position of their headers),
// so iterating backwards visits inner loops first, the order LICM hoists in. Compute only:
// nothing here mutates the function, and the result is a snapshot of the CFG it was built from.
#ifndef KILN_COMPILER_ANALYSIS_LOOPS_H_
#define KILN_COMPILER_ANALYSIS_LOOPS_H_

#include <vector>

#include "absl/types/span.h"
#include "compiler/analysis/dominators.h"
#include "compiler/ssa/cfg.h"
#include "compiler/ssa/function.h"

namespace kiln::analysis {

// Loop is one natural loop.
struct Loop {
  // kNone marks "no loop" in parent and in LoopForest::InnermostLoop.
  static constexpr int kNone = -1;

  ssa::Block* header = nullptr;
  // blocks are the loop's blocks (nested loops' blocks included) in reverse postorder, so the
  // header comes first and every block comes after its dominators in the loop.
  std::vector<ssa::Block*> blocks;
  // latches are the sources of the back edges to the header, in reverse postorder.
  std::vector<ssa::Block*> latches;
  // parent is the index of the innermost enclosing loop, or kNone.
  int parent = kNone;
  // depth is 1 for an outermost loop, 2 for a loop inside it, and so on.
  int depth = 1;
};

// LoopForest is the set of natural loops of one function.
class LoopForest {
 public:
  // Compute finds the loops of `fn` from its CFG and dominator tree (which must describe the
  // function as it is now).
  static LoopForest Compute(const ssa::Function& fn, const ssa::Cfg& cfg,
                            const DominatorTree& dominators);

  // loops lists every loop, outer loops before the loops they contain.
  absl::Span<const Loop> loops() const { return loops_; }
  const Loop& loop(int index) const { return loops_[index]; }

  // InnermostLoop is the index of the innermost loop containing `block`, or Loop::kNone.
  int InnermostLoop(const ssa::Block* block) const { return innermost_[block->id()]; }

  // Depth is the number of loops containing `block` (0 outside every loop).
  int Depth(const ssa::Block* block) const;

  // Contains is true when `block` belongs to loop `index` (possibly through a nested loop).
  bool Contains(int index, const ssa::Block* block) const;

 private:
  std::vector<Loop> loops_;
  std::vector<int> innermost_;  // by block id
};

}  // namespace kiln::analysis

#endif  // KILN_COMPILER_ANALYSIS_LOOPS_H_
