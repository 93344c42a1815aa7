// Cfg::Compute: edges from the terminators of the layout, then an iterative depth-first
// search from the entry for the reverse postorder.
#include "compiler/ssa/cfg.h"

#include <algorithm>
#include <utility>

namespace kiln::ssa {

Cfg Cfg::Compute(const Function& fn) {
  Cfg cfg;
  const uint32_t n = fn.num_block_ids();
  cfg.preds_.resize(n);
  cfg.succs_.resize(n);
  cfg.rpo_index_.assign(n, -1);
  for (Block* block : fn.blocks()) {
    std::vector<Block*>& succs = cfg.succs_[block->id()];
    for (Block* succ : Successors(*block)) {
      if (succ == nullptr || !succ->in_layout()) continue;
      if (std::find(succs.begin(), succs.end(), succ) != succs.end()) continue;
      succs.push_back(succ);
      cfg.preds_[succ->id()].push_back(block);
    }
  }
  Block* entry = fn.entry();
  if (entry == nullptr) return cfg;

  // Iterative DFS: each stack entry is a block and the index of its next successor to visit.
  std::vector<bool> visited(n, false);
  std::vector<std::pair<Block*, size_t>> stack;
  std::vector<Block*> postorder;
  stack.emplace_back(entry, 0);
  visited[entry->id()] = true;
  while (!stack.empty()) {
    auto& [block, next] = stack.back();
    const std::vector<Block*>& succs = cfg.succs_[block->id()];
    if (next < succs.size()) {
      Block* succ = succs[next++];
      if (!visited[succ->id()]) {
        visited[succ->id()] = true;
        stack.emplace_back(succ, 0);
      }
      continue;
    }
    postorder.push_back(block);
    stack.pop_back();
  }
  cfg.rpo_.assign(postorder.rbegin(), postorder.rend());
  for (size_t i = 0; i < cfg.rpo_.size(); ++i) {
    cfg.rpo_index_[cfg.rpo_[i]->id()] = static_cast<int>(i);
  }
  return cfg;
}

}  // namespace kiln::ssa
