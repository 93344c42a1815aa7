// PassContext: lazily computed CFG analyses and the change counters of a pipeline run.
#include "compiler/passes/pass_context.h"

#include "absl/strings/str_cat.h"

namespace kiln::passes {

PassContext::PassContext(const ssa::Function& fn) : fn_(fn) {}

PassContext::~PassContext() = default;

const ssa::Cfg& PassContext::Cfg() {
  if (cfg_ == nullptr) cfg_ = std::make_unique<ssa::Cfg>(ssa::Cfg::Compute(fn_));
  return *cfg_;
}

const analysis::DominatorTree& PassContext::Dominators() {
  if (dominators_ == nullptr) {
    dominators_ = std::make_unique<analysis::DominatorTree>(
        analysis::DominatorTree::Compute(fn_, Cfg()));
  }
  return *dominators_;
}

const analysis::LoopForest& PassContext::Loops() {
  if (loops_ == nullptr) {
    loops_ = std::make_unique<analysis::LoopForest>(
        analysis::LoopForest::Compute(fn_, Cfg(), Dominators()));
  }
  return *loops_;
}

void PassContext::InvalidateCfg() {
  loops_.reset();
  dominators_.reset();
  cfg_.reset();
}

void PassContext::Count(absl::string_view what, int64_t n) {
  counters_[absl::StrCat(pass_, ".", what)] += n;
  total_changes_ += n;
}

int64_t PassContext::Counter(absl::string_view name) const {
  auto it = counters_.find(name);
  return it == counters_.end() ? 0 : it->second;
}

int64_t PassContext::BeginPass(absl::string_view pass) {
  pass_ = std::string(pass);
  return total_changes_;
}

}  // namespace kiln::passes
