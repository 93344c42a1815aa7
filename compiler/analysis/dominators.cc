// Cooper-Harvey-Kennedy dominators: idoms are refined over reverse postorder with the
// two-finger intersection until nothing changes; then the tree is numbered in preorder so that
// "a dominates b" is an interval test.
#include "compiler/analysis/dominators.h"

#include <utility>

namespace kiln::analysis {

using ssa::Block;

DominatorTree DominatorTree::Compute(const ssa::Function& fn) {
  return Compute(fn, ssa::Cfg::Compute(fn));
}

DominatorTree DominatorTree::Compute(const ssa::Function& fn, const ssa::Cfg& cfg) {
  DominatorTree tree;
  const uint32_t n = fn.num_block_ids();
  tree.idom_.assign(n, nullptr);
  tree.children_.resize(n);
  tree.pre_.assign(n, -1);
  tree.last_.assign(n, -1);
  const std::vector<Block*>& rpo = cfg.rpo();
  if (rpo.empty()) return tree;

  // doms[i] is the rpo index of the current idom candidate of rpo[i]; -1 = not yet known.
  std::vector<int> doms(rpo.size(), -1);
  doms[0] = 0;
  auto intersect = [&](int a, int b) {
    while (a != b) {
      while (a > b) a = doms[a];
      while (b > a) b = doms[b];
    }
    return a;
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 1; i < rpo.size(); ++i) {
      int new_idom = -1;
      for (Block* pred : cfg.preds(rpo[i])) {
        int p = cfg.rpo_index(pred);
        if (p < 0 || doms[p] < 0) continue;  // unreachable or not processed yet
        new_idom = new_idom < 0 ? p : intersect(p, new_idom);
      }
      if (new_idom != doms[i]) {
        doms[i] = new_idom;
        changed = true;
      }
    }
  }
  for (size_t i = 1; i < rpo.size(); ++i) {
    Block* idom = rpo[doms[i]];
    tree.idom_[rpo[i]->id()] = idom;
    tree.children_[idom->id()].push_back(rpo[i]);
  }

  // Preorder numbering with an explicit stack (functions can nest deeply).
  std::vector<std::pair<Block*, size_t>> stack;
  stack.emplace_back(rpo[0], 0);
  tree.pre_[rpo[0]->id()] = 0;
  tree.preorder_.push_back(rpo[0]);
  while (!stack.empty()) {
    auto& [block, next] = stack.back();
    const std::vector<Block*>& kids = tree.children_[block->id()];
    if (next < kids.size()) {
      Block* child = kids[next++];
      tree.pre_[child->id()] = static_cast<int>(tree.preorder_.size());
      tree.preorder_.push_back(child);
      stack.emplace_back(child, 0);
      continue;
    }
    tree.last_[block->id()] = static_cast<int>(tree.preorder_.size()) - 1;
    stack.pop_back();
  }
  return tree;
}

bool DominatorTree::Dominates(const Block* a, const Block* b) const {
  int pa = pre_[a->id()];
  int pb = pre_[b->id()];
  if (pa < 0 || pb < 0) return false;
  return pa <= pb && pb <= last_[a->id()];
}

}  // namespace kiln::analysis
