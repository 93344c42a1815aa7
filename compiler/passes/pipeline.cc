// The pass table, the reasons for its order, and the pass manager that runs it.
//
//   SSA from compiler/frontend (verified when verify_each)
//     │ const_fold          constants folded, algebra simplified, brif on a constant → jump
//     │ unreachable_blocks  every block reachable from the entry                  (required)
//     │ copy_prop           no block parameter that always receives the same value
//     │ licm                loop-invariant pure instructions in loop preheaders
//     │ gvn                 no pure instruction equal to a dominating one
//     │ dce                 no unused side-effect-free instruction or block parameter
//     ▼
//   SSA for the backend (verified after every pass when verify_each)
//
// Each pass runs once. The frontend already removes trivial block parameters as it builds SSA
// (Braun et al.), so the order is chosen for what each pass leaves behind: folding makes blocks
// unreachable, removing them makes parameters redundant, replacing those makes expressions
// equal, and everything the earlier passes stop using is left for dce at the end.
#include "compiler/passes/pipeline.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "compiler/base/status_macros.h"
#include "compiler/passes/passes.h"
#include "compiler/ssa/printer.h"
#include "compiler/ssa/verifier.h"

namespace kiln::passes {
namespace {

// -- The pipeline as data ---------------------------------------------------------------------

constexpr PassInfo kPipeline[] = {
    {"const_fold", RunConstFold, Required::kNo, CfgEffect::kChanges,
     "fold constants, simplify algebra, turn brif on a constant into jump"},
    {"unreachable_blocks", RunUnreachableBlocks, Required::kYes, CfgEffect::kChanges,
     "remove blocks that no path from the entry reaches"},
    {"copy_prop", RunCopyProp, Required::kNo, CfgEffect::kPreserves,
     "replace block parameters that always receive the same value"},
    {"licm", RunLicm, Required::kNo, CfgEffect::kChanges,
     "hoist loop-invariant pure instructions into loop preheaders"},
    {"gvn", RunGvn, Required::kNo, CfgEffect::kPreserves,
     "replace pure instructions by an equal dominating instruction"},
    {"dce", RunDce, Required::kNo, CfgEffect::kPreserves,
     "remove unused side-effect-free instructions and block parameters"},
};

constexpr OrderingConstraint kOrdering[] = {
    {"const_fold", "unreachable_blocks",
     "folding brif on a constant into jump leaves the untaken successor unreachable"},
    {"unreachable_blocks", "copy_prop",
     "a parameter also fed by an unreachable predecessor looks like it receives two values"},
    {"unreachable_blocks", "licm",
     "loops are found from the dominator tree, which only covers reachable blocks"},
    {"unreachable_blocks", "gvn",
     "gvn walks the dominator tree, which only covers reachable blocks"},
    {"copy_prop", "gvn",
     "expressions over a replaced parameter and over its one value only match afterwards"},
    {"copy_prop", "licm",
     "a parameter of the loop header that always receives one outside value hides invariance"},
    {"licm", "gvn",
     "hoisted copies of one expression, and the same expression before the loop, then merge"},
    {"const_fold", "dce", "folding leaves the operands of folded instructions unused"},
    {"copy_prop", "dce", "replaced parameters are left unused for dce to remove"},
    {"gvn", "dce", "replaced instructions are left unused for dce to remove"},
    {"licm", "dce", "dce after licm keeps preheaders free of hoisted but unused instructions"},
};

// -- Running passes ---------------------------------------------------------------------------

int64_t CountInstructions(const ssa::Function& fn) { return static_cast<int64_t>(fn.NumInsts()); }

// CfgFingerprint lists each block with its successors, to check a pass that declares
// CfgEffect::kPreserves.
std::string CfgFingerprint(const ssa::Function& fn) {
  std::string out;
  for (const ssa::Block* block : fn.blocks()) {
    absl::StrAppend(&out, block->id(), ":");
    for (const ssa::Block* succ : ssa::Successors(*block)) absl::StrAppend(&out, succ->id(), ",");
    out += ";";
  }
  return out;
}

absl::Status VerifyAfter(const ssa::Function& fn, absl::string_view what) {
  absl::Status status = ssa::Verify(fn);
  if (status.ok()) return status;
  return absl::InternalError(absl::StrCat("verifier failed ", what, ": ", status.message()));
}

bool Contains(const std::vector<std::string>& names, absl::string_view name) {
  for (const std::string& n : names) {
    if (n == name) return true;
  }
  return false;
}

absl::Status CheckPassNames(const std::vector<std::string>& names, absl::string_view option,
                            bool allow_all) {
  for (const std::string& name : names) {
    if (allow_all && name == "all") continue;
    if (FindPass(name) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown pass in ", option, ": ", name));
    }
  }
  return absl::OkStatus();
}

// RunSelected runs `passes` in order with what `options` asks for around each.
absl::Status RunSelected(const std::vector<const PassInfo*>& passes, ssa::Function& fn,
                         const PipelineOptions& options) {
  KILN_RETURN_IF_ERROR(CheckPassNames(options.print_after, "print_after", /*allow_all=*/true));
  if (!options.print_after.empty() && !options.print) {
    return absl::FailedPreconditionError("print_after needs a print sink");
  }
  if (options.verify_each) KILN_RETURN_IF_ERROR(VerifyAfter(fn, "on the pipeline's input"));
  if (options.stats != nullptr) options.stats->instructions_before = CountInstructions(fn);

  PassContext ctx(fn);
  for (const PassInfo* pass : passes) {
    const int64_t changes_before = ctx.BeginPass(pass->name);
    std::string cfg_before;
    if (options.verify_each && pass->cfg == CfgEffect::kPreserves) cfg_before = CfgFingerprint(fn);
    const absl::Time start = absl::Now();
    pass->run(fn, ctx);
    const absl::Duration time = absl::Now() - start;
    if (pass->cfg == CfgEffect::kChanges) ctx.InvalidateCfg();

    if (options.verify_each) {
      KILN_RETURN_IF_ERROR(VerifyAfter(fn, absl::StrCat("after pass ", pass->name)));
      if (pass->cfg == CfgEffect::kPreserves && CfgFingerprint(fn) != cfg_before) {
        return absl::InternalError(
            absl::StrCat("pass ", pass->name, " changed the CFG it declares preserved"));
      }
    }
    if (Contains(options.print_after, pass->name) || Contains(options.print_after, "all")) {
      options.print(pass->name, ssa::Print(fn));
    }
    if (options.stats != nullptr) {
      options.stats->passes.push_back(PassStats{std::string(pass->name), time,
                                                CountInstructions(fn),
                                                ctx.total_changes() - changes_before});
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Span<const PassInfo> Pipeline() { return kPipeline; }

absl::Span<const OrderingConstraint> OrderingConstraints() { return kOrdering; }

absl::Status CheckOrder(absl::Span<const PassInfo> passes,
                        absl::Span<const OrderingConstraint> constraints) {
  auto position = [&](absl::string_view name) -> int {
    for (size_t i = 0; i < passes.size(); ++i) {
      if (passes[i].name == name) return static_cast<int>(i);
    }
    return -1;
  };
  absl::flat_hash_set<absl::string_view> seen;
  for (const PassInfo& pass : passes) {
    if (!seen.insert(pass.name).second) {
      return absl::InternalError(absl::StrCat("pass ", pass.name, " appears twice"));
    }
  }
  for (const OrderingConstraint& rule : constraints) {
    const int before = position(rule.before);
    const int after = position(rule.after);
    if (before < 0 || after < 0) {
      return absl::InternalError(absl::StrCat("ordering rule names an unknown pass: ",
                                              rule.before, " before ", rule.after));
    }
    if (before >= after) {
      return absl::InternalError(absl::StrCat(rule.before, " must run before ", rule.after,
                                              ", because ", rule.because));
    }
  }
  return absl::OkStatus();
}

const PassInfo* FindPass(absl::string_view name) {
  for (const PassInfo& pass : kPipeline) {
    if (pass.name == name) return &pass;
  }
  return nullptr;
}

absl::Status RunPipeline(ssa::Function& fn, const PipelineOptions& options) {
  KILN_RETURN_IF_ERROR(CheckPassNames(options.passes, "passes", /*allow_all=*/false));
  KILN_RETURN_IF_ERROR(CheckPassNames(options.disable, "disable", /*allow_all=*/false));
  for (const std::string& name : options.disable) {
    if (FindPass(name)->required == Required::kYes) {
      return absl::InvalidArgumentError(absl::StrCat("pass ", name, " is required"));
    }
  }
  std::vector<const PassInfo*> selected;
  for (const PassInfo& pass : kPipeline) {
    const bool wanted = pass.required == Required::kYes ||
                        ((options.passes.empty() || Contains(options.passes, pass.name)) &&
                         !Contains(options.disable, pass.name));
    if (wanted) selected.push_back(&pass);
  }
  return RunSelected(selected, fn, options);
}

absl::Status RunPasses(absl::Span<const std::string> names, ssa::Function& fn,
                       const PipelineOptions& options) {
  std::vector<const PassInfo*> selected;
  for (const std::string& name : names) {
    const PassInfo* pass = FindPass(name);
    if (pass == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown pass: ", name));
    selected.push_back(pass);
  }
  return RunSelected(selected, fn, options);
}

absl::Status RunPass(absl::string_view name, ssa::Function& fn) {
  PipelineOptions options;
  options.verify_each = true;
  const std::string names[] = {std::string(name)};
  return RunPasses(names, fn, options);
}

}  // namespace kiln::passes
