// Natural loops: find back edges with the dominator tree, collect each loop's body by walking
// predecessors backwards from its latches, then nest loops by visiting them outer first.
#include "compiler/analysis/loops.h"

#include <algorithm>

namespace kiln::analysis {

using ssa::Block;

LoopForest LoopForest::Compute(const ssa::Function& fn, const ssa::Cfg& cfg,
                               const DominatorTree& dominators) {
  LoopForest forest;
  forest.innermost_.assign(fn.num_block_ids(), Loop::kNone);
  std::vector<int> seen_by(fn.num_block_ids(), -1);  // the loop whose body walk saw a block

  // A header dominates every block of its loop, so headers in reverse postorder number outer
  // loops before the loops nested in them.
  for (Block* header : cfg.rpo()) {
    Loop loop;
    loop.header = header;
    for (Block* pred : cfg.preds(header)) {
      if (cfg.IsReachable(pred) && dominators.Dominates(header, pred)) {
        loop.latches.push_back(pred);
      }
    }
    if (loop.latches.empty()) continue;

    const int index = static_cast<int>(forest.loops_.size());
    std::vector<Block*> worklist;
    seen_by[header->id()] = index;
    loop.blocks.push_back(header);
    for (Block* latch : loop.latches) {
      if (seen_by[latch->id()] != index) {
        seen_by[latch->id()] = index;
        loop.blocks.push_back(latch);
        worklist.push_back(latch);
      }
    }
    while (!worklist.empty()) {
      Block* block = worklist.back();
      worklist.pop_back();
      for (Block* pred : cfg.preds(block)) {
        if (!cfg.IsReachable(pred) || seen_by[pred->id()] == index) continue;
        seen_by[pred->id()] = index;
        loop.blocks.push_back(pred);
        worklist.push_back(pred);
      }
    }
    auto by_rpo = [&](const Block* a, const Block* b) {
      return cfg.rpo_index(a) < cfg.rpo_index(b);
    };
    std::sort(loop.blocks.begin(), loop.blocks.end(), by_rpo);
    std::sort(loop.latches.begin(), loop.latches.end(), by_rpo);
    forest.loops_.push_back(std::move(loop));
  }

  // Outer loops come first, so when a loop is reached the innermost loop recorded for its
  // header is its parent, and its own blocks then overwrite the outer loop's entries.
  for (size_t i = 0; i < forest.loops_.size(); ++i) {
    Loop& loop = forest.loops_[i];
    loop.parent = forest.innermost_[loop.header->id()];
    loop.depth = loop.parent == Loop::kNone ? 1 : forest.loops_[loop.parent].depth + 1;
    for (Block* block : loop.blocks) forest.innermost_[block->id()] = static_cast<int>(i);
  }
  return forest;
}

int LoopForest::Depth(const Block* block) const {
  const int index = innermost_[block->id()];
  return index == Loop::kNone ? 0 : loops_[index].depth;
}

bool LoopForest::Contains(int index, const Block* block) const {
  for (int i = innermost_[block->id()]; i != Loop::kNone; i = loops_[i].parent) {
    if (i == index) return true;
  }
  return false;
}

}  // namespace kiln::analysis
