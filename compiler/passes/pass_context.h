// PassContext: what a pass gets besides the function. It caches the CFG analyses a pass asks
// for (dominators, loops) so that consecutive passes that keep the CFG share them, and counts
// what each pass changed for statistics and tests. There is no global state: the pass manager
// makes one PassContext per function.
#ifndef KILN_COMPILER_PASSES_PASS_CONTEXT_H_
#define KILN_COMPILER_PASSES_PASS_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "compiler/analysis/dominators.h"
#include "compiler/analysis/loops.h"
#include "compiler/ssa/cfg.h"
#include "compiler/ssa/function.h"

namespace kiln::passes {

// PassContext belongs to one run of the pipeline over one function.
class PassContext {
 public:
  explicit PassContext(const ssa::Function& fn);
  ~PassContext();
  PassContext(const PassContext&) = delete;
  PassContext& operator=(const PassContext&) = delete;

  // Cfg returns predecessors, successors and the reverse postorder of the function as it is
  // now, computing them on first use. A pass that changes the CFG and then needs a CFG
  // analysis again calls InvalidateCfg first.
  const ssa::Cfg& Cfg();

  // Dominators returns the dominator tree, computed from Cfg() on first use.
  const analysis::DominatorTree& Dominators();

  // Loops returns the loop forest, computed from Dominators() on first use.
  const analysis::LoopForest& Loops();

  // InvalidateCfg drops the cached CFG analyses. The pass manager calls it after every pass
  // that declares CfgEffect::kChanges.
  void InvalidateCfg();

  // Count adds `n` to the counter "<running pass>.<what>" (Count("replaced") in gvn counts
  // "gvn.replaced"): the changes PipelineStats reports per pass, and what tests check to see
  // that a pass did (or did not) act.
  void Count(absl::string_view what, int64_t n = 1);

  // Counter returns a counter's value ("gvn.replaced"), 0 when never counted.
  int64_t Counter(absl::string_view name) const;

  // BeginPass names the running pass (the counter prefix) and returns the changes counted so
  // far, so that the manager can report each pass's own changes.
  int64_t BeginPass(absl::string_view pass);

  // counters maps "<pass>.<what>" to its count.
  const absl::flat_hash_map<std::string, int64_t>& counters() const { return counters_; }

  // total_changes is the sum of all counters.
  int64_t total_changes() const { return total_changes_; }

 private:
  const ssa::Function& fn_;
  std::unique_ptr<ssa::Cfg> cfg_;
  std::unique_ptr<analysis::DominatorTree> dominators_;
  std::unique_ptr<analysis::LoopForest> loops_;
  std::string pass_;
  absl::flat_hash_map<std::string, int64_t> counters_;
  int64_t total_changes_ = 0;
};

}  // namespace kiln::passes

#endif  // KILN_COMPILER_PASSES_PASS_CONTEXT_H_
