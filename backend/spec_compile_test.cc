// Compiles every module of the 2.0 spec suite ($KILN_SPECTEST_DIR/core-2.0) that validates
// through the whole backend (frontend, passes, x86_64 lowering, the spill-all test allocator,
// emission) and places the code: no module may fail except with kUnimplemented for SIMD.
#include <chrono>
#include <iostream>

#include "absl/strings/match.h"
#include "backend/compile.h"
#include "backend/testing/spec_suite.h"
#include "backend/testing/spill_all_allocator.h"
#include "catch2/catch.hpp"
#include "compiler/vmctx/layout.h"
#include "runtime/code/code_memory.h"

namespace kiln::backend {
namespace {

TEST_CASE("every valid scalar module of the 2.0 spec suite compiles for x86_64",
          "[backend][x86_64][spectest]") {
  auto start = std::chrono::steady_clock::now();
  size_t compiled = 0, unimplemented = 0, code_bytes = 0;
  CompileOptions options;
  options.allocate = &testing::SpillAllAllocate;
  absl::Status walked = testing::ForEachValidSpecModule([&](const testing::ValidSpecModule& spec) {
    CAPTURE(spec.file, spec.line);
    vmctx::Layout layout = vmctx::Layout::Compute(spec.module);
    auto code = CompileModule(spec.module, layout, options);
    if (!code.ok() && code.status().code() == absl::StatusCode::kUnimplemented) {
      // Only the SIMD scripts may need what the backend does not have yet.
      bool simd_file = absl::StrContains(spec.file, "/simd_");
      if (!simd_file) FAIL(code.status().ToString());
      ++unimplemented;
      return;
    }
    if (!code.ok()) FAIL(code.status().ToString());
    code_bytes += code->code.size();
    auto placed = runtime::CodeMemory::Place(*std::move(code));
    REQUIRE(placed.ok());
    ++compiled;
  });
  if (!walked.ok()) FAIL(walked.ToString());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "compiled " << compiled << " modules (" << code_bytes << " bytes of code), "
            << unimplemented << " unimplemented (SIMD), in " << seconds << " s\n";
  CHECK(compiled > 1000);
}

}  // namespace
}  // namespace kiln::backend
