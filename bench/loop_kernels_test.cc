// The loop kernels compute what they say (so the benchmark times real work), with and without
// interrupt polls: each result is checked against the same computation written in C++.
#include "bench/loop_kernels.h"

#include <cstdint>
#include <memory>
#include <vector>

#include "api/function.h"
#include "api/module.h"
#include "backend/compile.h"
#include "catch2/catch.hpp"
#include "compiler/wasm/decoder.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/store.h"
#include "testing/status_matchers.h"

namespace kiln::bench {
namespace {

using ::kiln::testing::IsOk;

uint32_t Count(uint32_t n) {
  uint32_t s = 0;
  for (uint32_t i = 0; i < n; ++i) s += i ^ (s >> 3);
  return s;
}

uint32_t Reduce(uint32_t n, uint32_t reps) {
  uint32_t acc = 0;
  for (uint32_t r = 0; r < reps; ++r) {
    for (uint32_t i = 0; i < n; ++i) acc += i * 7;
  }
  return acc;
}

// MatmulFirst is C[0][0] of A*B with A[i] = i & 7 and B[i] = i % 5 (row-major n x n).
int32_t MatmulFirst(uint32_t n) {
  double sum = 0;
  for (uint32_t k = 0; k < n; ++k) sum += static_cast<double>(k & 7) * ((k * n) % 5);
  return static_cast<int32_t>(sum);
}

uint32_t Primes(uint32_t n) {
  std::vector<bool> prime(n, true);
  uint32_t count = 0;
  for (uint32_t i = 2; i < n; ++i) {
    if (!prime[i]) continue;
    ++count;
    for (uint64_t j = uint64_t{i} * i; j < n; j += i) prime[j] = false;
  }
  return count;
}

uint64_t CollatzSteps(uint32_t n) {
  uint64_t steps = 0;
  for (uint32_t i = 1; i <= n; ++i) {
    for (uint64_t x = i; x > 1; x = (x & 1) ? 3 * x + 1 : x >> 1) ++steps;
  }
  return steps;
}

uint64_t Call(api::Module* mod, const char* name, std::vector<uint64_t> params) {
  api::Function* fn = mod->ExportedFunction(name);
  REQUIRE(fn != nullptr);
  absl::StatusOr<std::vector<uint64_t>> results = fn->Call(Context(), params);
  REQUIRE_THAT(results.status(), IsOk());
  REQUIRE(results->size() == 1);
  return (*results)[0];
}

TEST_CASE("the loop kernels compute their results with and without interrupt polls",
          "[bench]") {
  bool interrupt_checks = GENERATE(false, true);
  CAPTURE(interrupt_checks);
  absl::StatusOr<std::vector<uint8_t>> wasm = LoopKernelsWasm();
  REQUIRE_THAT(wasm.status(), IsOk());
  absl::StatusOr<wasm::Module> module = wasm::Decode(*wasm);
  REQUIRE_THAT(module.status(), IsOk());
  backend::CompileOptions options;
  options.interrupt_checks = interrupt_checks;
  auto compiled = runtime::CompileModule(*std::move(module), options);
  REQUIRE_THAT(compiled.status(), IsOk());
  runtime::Store store;
  absl::StatusOr<api::Module*> mod = store.Instantiate(Context(), *compiled, "");
  REQUIRE_THAT(mod.status(), IsOk());

  CHECK(static_cast<uint32_t>(Call(*mod, "count", {100000})) == Count(100000));
  CHECK(static_cast<uint32_t>(Call(*mod, "reduce", {1000, 3})) == Reduce(1000, 3));
  CHECK(static_cast<int32_t>(Call(*mod, "matmul", {8, 2})) == MatmulFirst(8));
  CHECK(static_cast<uint32_t>(Call(*mod, "sieve", {100000, 2})) == 9592);
  CHECK(Primes(100000) == 9592);
  CHECK(Call(*mod, "collatz", {1000}) == CollatzSteps(1000));
  CHECK(Call(*mod, "fib", {20}) == 6765);
}

TEST_CASE("every kernel the benchmark runs is exported", "[bench]") {
  absl::StatusOr<std::vector<uint8_t>> wasm = LoopKernelsWasm();
  REQUIRE_THAT(wasm.status(), IsOk());
  absl::StatusOr<wasm::Module> module = wasm::Decode(*wasm);
  REQUIRE_THAT(module.status(), IsOk());
  auto compiled = runtime::CompileModule(*std::move(module));
  REQUIRE_THAT(compiled.status(), IsOk());
  runtime::Store store;
  absl::StatusOr<api::Module*> mod = store.Instantiate(Context(), *compiled, "");
  REQUIRE_THAT(mod.status(), IsOk());
  for (const LoopKernel& kernel : LoopKernelList()) {
    CAPTURE(kernel.name);
    CHECK((*mod)->ExportedFunction(kernel.name) != nullptr);
  }
  CHECK((*mod)->ExportedFunction("spin") != nullptr);
}

}  // namespace
}  // namespace kiln::bench
