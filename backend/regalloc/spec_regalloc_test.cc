// Integration: lower every function of every valid scalar module of the 2.0 spec suite with
// the host ISA (x86_64), allocate it with backend/regalloc and prove the result with the
// symbolic checker. Needs KILN_SPECTEST_DIR (e.g. /work/shared/spectest).
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "backend/compile.h"
#include "backend/regalloc/checker.h"
#include "backend/regalloc/regalloc.h"
#include "catch2/catch.hpp"
#include "compiler/frontend/frontend.h"
#include "compiler/passes/pipeline.h"
#include "backend/testing/spec_suite.h"
#include "compiler/vmctx/layout.h"

namespace kiln::backend::regalloc {
namespace {

TEST_CASE("every lowered spec function allocates and passes the checker",
          "[regalloc][spectest]") {
  absl::StatusOr<const Isa*> isa = HostIsa();
  REQUIRE(isa.ok());
  size_t functions = 0;
  size_t instructions = 0;
  AllocationStats total;
  absl::Status walked = testing::ForEachValidSpecModule([&](const testing::ValidSpecModule& spec) {
    if (absl::StrContains(spec.file, "/simd_")) return;
    CAPTURE(spec.file, spec.line);
    vmctx::Layout layout = vmctx::Layout::Compute(spec.module);
    for (uint32_t i = 0; i < spec.module.functions.size(); ++i) {
      CAPTURE(i);
      auto fn = frontend::TranslateFunction(spec.module, i, layout);
      REQUIRE(fn.ok());
      REQUIRE(passes::RunPipeline(*fn, passes::PipelineOptions()).ok());
      LowerContext ctx;
      ctx.module = &spec.module;
      ctx.layout = &layout;
      ctx.func_index = spec.module.num_imported_functions + i;
      auto lowered = (*isa)->Lower(*fn, ctx);
      if (!lowered.ok() && lowered.status().code() == absl::StatusCode::kUnimplemented) continue;
      REQUIRE(lowered.ok());
      MachFunction allocated = *lowered;
      AllocateOptions options;
      options.keep_identity_moves = true;
      auto stats = AllocateRegisters(allocated, **isa, options);
      CAPTURE(stats.status().ToString());
      REQUIRE(stats.ok());
      absl::Status check = CheckAllocation(*lowered, allocated, (*isa)->register_info());
      CAPTURE(check.ToString());
      REQUIRE(check.ok());
      ++functions;
      for (const MachBlock& block : lowered->blocks) instructions += block.insts.size();
      total.spill_stores += stats->spill_stores;
      total.reloads += stats->reloads;
      total.moves += stats->moves;
      total.elided_stores += stats->elided_stores;
      total.cycles_broken += stats->cycles_broken;
    }
  });
  if (!walked.ok()) FAIL(walked.ToString());
  std::cout << "checked " << functions << " functions (" << instructions
            << " machine instructions): " << total.spill_stores << " spill stores, "
            << total.reloads << " reloads, " << total.moves << " moves, " << total.elided_stores
            << " elided stores, " << total.cycles_broken << " cycles\n";
  CHECK(functions > 4000);
}

}  // namespace
}  // namespace kiln::backend::regalloc
