// The pass manager: the declared optimization pipeline over one SSA function, the verifier
// after each pass, printing after a named pass, and per-pass statistics.
//
// The pipeline (pipeline.cc holds it as data, with the reasons for its order):
//
//   SSA from compiler/frontend
//     │ const_fold          fold constants, simplify algebra, brif on a constant → jump
//     │ unreachable_blocks  drop blocks that no path from the entry reaches      (required)
//     │ copy_prop           replace block parameters that always receive one value
//     │ licm                hoist loop-invariant pure instructions to a preheader
//     │ gvn                 replace a pure instruction by an equal dominating one
//     │ dce                 drop unused side-effect-free instructions and block parameters
//     ▼
//   SSA for the backend
//
// With verify_each (the default in debug builds and what tests use), the verifier of
// compiler/ssa runs on the input and after every pass, and a pass that breaks the IR is
// reported by name as kInternal: it is a compiler bug, not an input error.
#ifndef KILN_COMPILER_PASSES_PIPELINE_H_
#define KILN_COMPILER_PASSES_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "compiler/passes/pass_context.h"
#include "compiler/ssa/function.h"

namespace kiln::passes {

// PassFn is the entry point of a pass: `void RunGvn(ssa::Function& fn, PassContext& ctx)`.
// Passes do not fail: the input is verified SSA, and a pass that cannot transform something
// leaves it alone.
using PassFn = void (*)(ssa::Function& fn, PassContext& ctx);

// Required says whether a pass runs even when the options leave it out: the backend relies on
// what required passes establish.
enum class Required { kNo, kYes };

// CfgEffect declares what a pass may do to the control-flow graph. After a kChanges pass the
// manager drops cached CFG analyses (dominators, loops); with verify_each it also checks that
// a kPreserves pass kept every block and edge.
enum class CfgEffect { kPreserves, kChanges };

// PassInfo is one row of the pass table.
struct PassInfo {
  absl::string_view name;  // the one name of the pass: gvn / gvn.cc / RunGvn / filetests/gvn/
  PassFn run;
  Required required;
  CfgEffect cfg;
  absl::string_view summary;  // one line, for `kiln compile --help` and docs
};

// OrderingConstraint is a Go-style "before runs before after, because ..." rule that the
// pipeline must satisfy; pipeline_test checks every one.
struct OrderingConstraint {
  absl::string_view before;
  absl::string_view after;
  absl::string_view because;
};

// Pipeline returns the passes in the order RunPipeline runs them.
absl::Span<const PassInfo> Pipeline();

// OrderingConstraints returns the rules the order of Pipeline() must satisfy.
absl::Span<const OrderingConstraint> OrderingConstraints();

// CheckOrder verifies `passes` against `constraints`: both names of each constraint exist and
// `before` comes first. It returns kInternal naming the broken rule and its reason.
absl::Status CheckOrder(absl::Span<const PassInfo> passes,
                        absl::Span<const OrderingConstraint> constraints);

// FindPass returns the pipeline's pass of that name, or nullptr.
const PassInfo* FindPass(absl::string_view name);

// PassStats is what one pass did to one function.
struct PassStats {
  std::string name;
  absl::Duration time;
  int64_t instructions_after = 0;  // instructions in the function after the pass
  int64_t changes = 0;             // the sum of the pass's counters (see PassContext::Count)
};

// PipelineStats collects PassStats, one entry per pass run, in order.
struct PipelineStats {
  int64_t instructions_before = 0;
  std::vector<PassStats> passes;
};

// PrintSink receives the function text after a pass that print_after names.
using PrintSink = std::function<void(absl::string_view pass, absl::string_view function_text)>;

// VerifyEachByDefault is true in debug builds (no NDEBUG) and false in optimized ones.
#ifdef NDEBUG
inline constexpr bool kVerifyEachByDefault = false;
#else
inline constexpr bool kVerifyEachByDefault = true;
#endif

// PipelineOptions select passes, verification, printing and statistics.
struct PipelineOptions {
  // verify_each runs the verifier before the first pass and after every pass.
  bool verify_each = kVerifyEachByDefault;
  // passes, when not empty, names the optional passes to run (required ones always run); the
  // order is still the pipeline's. Unknown names are kInvalidArgument.
  std::vector<std::string> passes;
  // disable names optional passes to skip; unknown or required names are kInvalidArgument.
  std::vector<std::string> disable;
  // print_after names passes after which the function is printed to `print`; "all" prints
  // after every pass. A name that is not a pass is kInvalidArgument, and printing without a
  // sink is kFailedPrecondition.
  std::vector<std::string> print_after;
  PrintSink print;
  // stats, when not null, receives per-pass times, sizes and change counts (appended).
  PipelineStats* stats = nullptr;
};

// RunPipeline runs the pipeline over `fn` as `options` say. Errors: kInvalidArgument or
// kFailedPrecondition for bad options (before anything runs), kInternal when verify_each finds
// invalid input or a pass leaves invalid IR or changes the CFG it declared preserved (the
// message names the pass and carries the verifier's text).
absl::Status RunPipeline(ssa::Function& fn, const PipelineOptions& options);

// RunPasses runs exactly the named passes in the given order (required passes are not added),
// with the verifier after each when options.verify_each; print_after, print and stats apply as
// in RunPipeline, while options.passes and options.disable are ignored. Filetests use this.
absl::Status RunPasses(absl::Span<const std::string> names, ssa::Function& fn,
                       const PipelineOptions& options);

// RunPass runs one pass with the verifier before and after it.
absl::Status RunPass(absl::string_view name, ssa::Function& fn);

}  // namespace kiln::passes

#endif  // KILN_COMPILER_PASSES_PIPELINE_H_
