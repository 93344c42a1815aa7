// Braun et al.'s readVariable over sealed and unsealed blocks; see local_ssa.h.
#include "compiler/frontend/local_ssa.h"

#include "compiler/base/check.h"

namespace kiln::frontend {

LocalSsa::LocalSsa(Host& host, uint32_t num_locals, uint32_t entry_block)
    : host_(host), num_locals_(num_locals), entry_block_(entry_block) {
  AddBlock(entry_block);
  Seal(entry_block);
}

void LocalSsa::AddBlock(uint32_t block) {
  auto [it, inserted] = blocks_.try_emplace(block);
  KILN_CHECK(inserted);
  block_order_.push_back(block);
}

LocalSsa::BlockState& LocalSsa::State(uint32_t block) {
  auto it = blocks_.find(block);
  KILN_CHECK(it != blocks_.end());
  return it->second;
}

const LocalSsa::BlockState& LocalSsa::State(uint32_t block) const {
  auto it = blocks_.find(block);
  KILN_CHECK(it != blocks_.end());
  return it->second;
}

void LocalSsa::AddPred(uint32_t block, Pred pred) {
  BlockState& state = State(block);
  KILN_CHECK(!state.sealed);
  state.preds.push_back(pred);
}

void LocalSsa::Seal(uint32_t block) { State(block).sealed = true; }

bool LocalSsa::IsSealed(uint32_t block) const { return State(block).sealed; }

void LocalSsa::Write(uint32_t local, uint32_t block, uint32_t value) {
  KILN_DCHECK(local < num_locals_);
  current_def_[Key(local, block)] = value;
}

uint32_t LocalSsa::Read(uint32_t local, uint32_t block) {
  KILN_DCHECK(local < num_locals_);
  auto it = current_def_.find(Key(local, block));
  if (it != current_def_.end()) return it->second;
  return ReadRecursive(local, block);
}

uint32_t LocalSsa::ReadRecursive(uint32_t local, uint32_t block) {
  // Walk up chains of single-predecessor sealed blocks without recursion (bodies can nest
  // thousands of blocks deep), then decide at the first block that is not such a link.
  std::vector<uint32_t> chain;
  uint32_t value = 0;
  while (true) {
    BlockState& state = State(block);
    if (block == entry_block_) {
      value = host_.InitialValue(local);
      break;
    }
    if (state.sealed && state.preds.size() == 1) {
      chain.push_back(block);
      block = state.preds[0].block;
      auto it = current_def_.find(Key(local, block));
      if (it != current_def_.end()) {
        value = it->second;
        break;
      }
      continue;
    }
    // A merge point, or a block whose predecessors are not all known yet: a parameter. Its
    // arguments are filled in once the whole body is translated.
    KILN_CHECK(!state.sealed || !state.preds.empty());
    value = host_.NewLocalParam(block, local);
    state.local_params.push_back({local, value});
    break;
  }
  current_def_[Key(local, block)] = value;
  for (uint32_t link : chain) current_def_[Key(local, link)] = value;
  return value;
}

const std::vector<LocalSsa::Pred>& LocalSsa::Preds(uint32_t block) const {
  return State(block).preds;
}

const std::vector<LocalSsa::LocalParam>& LocalSsa::LocalParams(uint32_t block) const {
  return State(block).local_params;
}

uint32_t LocalSsa::ArgumentFor(const Pred& pred, const LocalParam& param) {
  return Read(param.local, pred.block);
}

}  // namespace kiln::frontend
