// Tests of the pass manager: the declared order satisfies its constraints, options select,
// print and verify as documented, and statistics describe what ran. What each pass does is
// tested by the filetests under compiler/filetests/<pass>/.
#include "compiler/passes/pipeline.h"

#include <string>
#include <utility>
#include <vector>

#include "catch2/catch.hpp"
#include "compiler/ssa/parser.h"
#include "compiler/ssa/printer.h"
#include "testing/status_matchers.h"

namespace kiln::passes {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;

// A function every pass has something to do in: a constant branch, an unreachable block, a
// redundant parameter, an invariant expression in a loop, a duplicate and a dead value.
constexpr char kBusyFunction[] = R"(function %busy(i32, i32) -> i32 {
block0(v0: i32, v1: i32):
    v2 = iconst.i32 1
    brif v2, block1(v0), block4
block1(v3: i32):
    v4 = iadd.i32 v0, v1
    v5 = iadd.i32 v0, v1
    v6 = imul.i32 v4, v5
    v7 = iadd.i32 v3, v6
    v8 = imul.i32 v1, v1
    brif v7, block1(v7), block2(v3)
block2(v9: i32):
    return v9
block4:
    jump block2(v1)
}
)";

ssa::Function Parse(absl::string_view text) {
  absl::StatusOr<ssa::Function> fn = ssa::ParseFunction(text);
  INFO(fn.status().ToString());
  REQUIRE(fn.ok());
  return std::move(*fn);
}

std::vector<std::string> PassNames(const PipelineStats& stats) {
  std::vector<std::string> names;
  for (const PassStats& pass : stats.passes) names.push_back(pass.name);
  return names;
}

TEST_CASE("the pipeline satisfies every ordering constraint", "[passes][pipeline]") {
  CHECK_THAT(CheckOrder(Pipeline(), OrderingConstraints()), IsOk());
  for (const OrderingConstraint& rule : OrderingConstraints()) {
    CAPTURE(rule.before, rule.after);
    CHECK(FindPass(rule.before) != nullptr);
    CHECK(FindPass(rule.after) != nullptr);
    CHECK_FALSE(rule.because.empty());
  }
}

TEST_CASE("CheckOrder reports a broken rule with its reason", "[passes][pipeline]") {
  const PassInfo gvn = *FindPass("gvn");
  const PassInfo dce = *FindPass("dce");
  const PassInfo reversed[] = {dce, gvn};
  const OrderingConstraint rule[] = {{"gvn", "dce", "gvn leaves dead code"}};
  CHECK_THAT(CheckOrder(reversed, rule),
             StatusIs(absl::StatusCode::kInternal,
                      "gvn must run before dce, because gvn leaves dead code"));
  const OrderingConstraint unknown[] = {{"gvn", "nope", "x"}};
  CHECK_THAT(CheckOrder(reversed, unknown),
             StatusIs(absl::StatusCode::kInternal, "unknown pass: gvn before nope"));
  const PassInfo twice[] = {gvn, gvn};
  CHECK_THAT(CheckOrder(twice, {}), StatusIs(absl::StatusCode::kInternal, "appears twice"));
}

TEST_CASE("every pass has a summary and one name", "[passes][pipeline]") {
  for (const PassInfo& pass : Pipeline()) {
    CAPTURE(pass.name);
    CHECK_FALSE(pass.summary.empty());
    CHECK(FindPass(pass.name) == &pass);
  }
  CHECK(FindPass("no_such_pass") == nullptr);
}

TEST_CASE("the full pipeline optimizes and keeps the function valid", "[passes][pipeline]") {
  ssa::Function fn = Parse(kBusyFunction);
  PipelineStats stats;
  PipelineOptions options;
  options.verify_each = true;
  options.stats = &stats;
  REQUIRE_THAT(RunPipeline(fn, options), IsOk());
  std::vector<std::string> all;
  for (const PassInfo& pass : Pipeline()) all.emplace_back(pass.name);
  CHECK(PassNames(stats) == all);
  CHECK(stats.instructions_before == 10);
  CHECK(stats.passes.back().instructions_after < stats.instructions_before);
  for (const PassStats& pass : stats.passes) {
    CAPTURE(pass.name);
    CHECK(pass.changes > 0);  // kBusyFunction gives each pass work
  }
}

TEST_CASE("options select passes, but required passes always run", "[passes][pipeline]") {
  ssa::Function fn = Parse(kBusyFunction);
  PipelineStats stats;
  PipelineOptions options;
  options.stats = &stats;

  SECTION("passes names the optional passes to run") {
    options.passes = {"dce", "gvn"};
    REQUIRE_THAT(RunPipeline(fn, options), IsOk());
    CHECK(PassNames(stats) == std::vector<std::string>{"unreachable_blocks", "gvn", "dce"});
  }
  SECTION("disable skips optional passes") {
    options.disable = {"licm", "const_fold"};
    REQUIRE_THAT(RunPipeline(fn, options), IsOk());
    CHECK(PassNames(stats) ==
          std::vector<std::string>{"unreachable_blocks", "copy_prop", "gvn", "dce"});
  }
  SECTION("unknown and required names are rejected before anything runs") {
    options.passes = {"gnv"};
    CHECK_THAT(RunPipeline(fn, options),
               StatusIs(absl::StatusCode::kInvalidArgument, "unknown pass in passes: gnv"));
    options.passes.clear();
    options.disable = {"unreachable_blocks"};
    CHECK_THAT(RunPipeline(fn, options),
               StatusIs(absl::StatusCode::kInvalidArgument, "unreachable_blocks is required"));
    CHECK(stats.passes.empty());
  }
}

TEST_CASE("print_after hands the function text to the sink", "[passes][pipeline]") {
  ssa::Function fn = Parse(kBusyFunction);
  std::vector<std::pair<std::string, std::string>> printed;
  PipelineOptions options;
  options.print = [&](absl::string_view pass, absl::string_view text) {
    printed.emplace_back(std::string(pass), std::string(text));
  };

  SECTION("after a named pass") {
    options.print_after = {"gvn"};
    REQUIRE_THAT(RunPipeline(fn, options), IsOk());
    REQUIRE(printed.size() == 1);
    CHECK(printed[0].first == "gvn");
    CHECK_THAT(printed[0].second, Catch::StartsWith("function %busy(i32, i32) -> i32 {"));
  }
  SECTION("after all passes") {
    options.print_after = {"all"};
    REQUIRE_THAT(RunPipeline(fn, options), IsOk());
    CHECK(printed.size() == Pipeline().size());
    CHECK(printed.back().second == ssa::Print(fn));
  }
  SECTION("a name that is not a pass, or no sink, is an error") {
    options.print_after = {"gvm"};
    CHECK_THAT(RunPipeline(fn, options),
               StatusIs(absl::StatusCode::kInvalidArgument, "unknown pass in print_after: gvm"));
    options.print_after = {"gvn"};
    options.print = nullptr;
    CHECK_THAT(RunPipeline(fn, options),
               StatusIs(absl::StatusCode::kFailedPrecondition, "needs a print sink"));
  }
}

TEST_CASE("verify_each rejects invalid input as an internal error", "[passes][pipeline]") {
  // v1 is used before it is defined.
  ssa::Function fn = Parse(R"(function %bad(i32) -> i32 {
block0(v0: i32):
    v2 = iadd.i32 v0, v1
    v1 = iconst.i32 1
    return v2
}
)");
  PipelineOptions options;
  options.verify_each = true;
  CHECK_THAT(RunPipeline(fn, options),
             StatusIs(absl::StatusCode::kInternal, "verifier failed on the pipeline's input"));
  CHECK_THAT(RunPass("gvn", fn), StatusIs(absl::StatusCode::kInternal, "verifier failed"));
}

TEST_CASE("RunPasses runs the named passes in the given order", "[passes][pipeline]") {
  ssa::Function fn = Parse(kBusyFunction);
  PipelineStats stats;
  PipelineOptions options;
  options.stats = &stats;
  const std::vector<std::string> names = {"dce", "gvn", "dce"};
  REQUIRE_THAT(RunPasses(names, fn, options), IsOk());
  CHECK(PassNames(stats) == names);
  CHECK_THAT(RunPass("nope", fn), StatusIs(absl::StatusCode::kInvalidArgument, "unknown pass"));
}

}  // namespace
}  // namespace kiln::passes
