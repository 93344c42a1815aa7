// The large-module generator: its output decodes and validates, reaches the requested code
// size with the promised mix of functions, is the same for the same options, compiles, and
// `run` returns the same checksum on fresh instances whether the module was optimized or not.
#include "bench/large_module.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "api/function.h"
#include "api/module.h"
#include "catch2/catch.hpp"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/store.h"
#include "testing/status_matchers.h"

namespace kiln::bench {
namespace {

using ::kiln::testing::IsOk;

TEST_CASE(
    "the default large module decodes, validates and has 5 MB of code in thousands of "
    "functions",
    "[bench]") {
  LargeModule generated = GenerateLargeModule();
  CAPTURE(generated.code_section_bytes, generated.function_count, generated.large_count);
  CHECK(generated.code_section_bytes >= 5'000'000);
  CHECK(generated.function_count >= 2000);
  CHECK(generated.leaf_count >= 500);
  CHECK(generated.worker_count >= 1000);
  CHECK(generated.large_count >= 5);
  CHECK(generated.largest_function_bytes >= 40'000);
  CHECK(generated.largest_function_bytes <= 52'000);
  CHECK(generated.run_calls >= 1000);

  absl::StatusOr<wasm::Module> module = wasm::Decode(generated.bytes);
  REQUIRE_THAT(module.status(), IsOk());
  CHECK_THAT(wasm::Validate(*module), IsOk());
  CHECK(module->functions.size() == generated.function_count);
  size_t largest = 0;
  for (const wasm::Code& code : module->codes) largest = std::max<size_t>(largest, code.whole.size);
  CHECK(largest >= generated.largest_function_bytes);
}

TEST_CASE("the large module is the same for the same options and differs with the seed",
          "[bench]") {
  LargeModuleOptions options;
  options.min_code_bytes = 200'000;
  LargeModule a = GenerateLargeModule(options);
  LargeModule b = GenerateLargeModule(options);
  CHECK(a.bytes == b.bytes);
  options.seed += 1;
  LargeModule c = GenerateLargeModule(options);
  CHECK(a.bytes != c.bytes);
  CHECK(c.code_section_bytes >= 200'000);
}

// RunChecksum compiles `generated` and returns `run`'s result on a fresh instance.
uint64_t RunChecksum(const LargeModule& generated, bool optimize, runtime::Store& store) {
  absl::StatusOr<wasm::Module> module = wasm::Decode(generated.bytes);
  REQUIRE_THAT(module.status(), IsOk());
  backend::CompileOptions options;
  options.optimize = optimize;
  auto compiled = runtime::CompileModule(*std::move(module), options);
  REQUIRE_THAT(compiled.status(), IsOk());
  absl::StatusOr<api::Module*> instance = store.Instantiate(Context(), *compiled, "");
  REQUIRE_THAT(instance.status(), IsOk());
  api::Function* run = (*instance)->ExportedFunction("run");
  REQUIRE(run != nullptr);
  absl::StatusOr<std::vector<uint64_t>> result = run->Call(Context(), {});
  REQUIRE_THAT(result.status(), IsOk());
  REQUIRE(result->size() == 1);
  return (*result)[0];
}

TEST_CASE("a smaller large module compiles and run's checksum does not depend on optimization",
          "[bench]") {
  LargeModuleOptions options;
  options.min_code_bytes = 300'000;
  options.run_budget = 2'000'000;
  LargeModule generated = GenerateLargeModule(options);
  CHECK(generated.large_count >= 1);
  runtime::Store store;
  uint64_t optimized = RunChecksum(generated, true, store);
  uint64_t again = RunChecksum(generated, true, store);
  uint64_t unoptimized = RunChecksum(generated, false, store);
  CHECK(optimized == again);
  CHECK(optimized == unoptimized);
  CHECK(optimized != 0);
}

}  // namespace
}  // namespace kiln::bench
