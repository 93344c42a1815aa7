// Thread safety of the Runtime as api/runtime.h documents it: several threads compile,
// instantiate and call at once, with correct results, and a trap on one thread ends only that
// thread's call.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/kiln.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/testing/wat_binaries.h"
#include "testing/status_matchers.h"

namespace kiln {
namespace {

using embedding::testing::WatToWasm;
using testing::IsOk;

// Each thread compiles its own variant (a different constant) so compiles really overlap.
std::string Variant(int k) {
  return absl::StrCat(R"((module
    (import "host" "scale" (func $scale (param i32) (result i32)))
    (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc i32)
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $acc (i32.add (local.get $acc) (i32.add (local.get $i) (i32.const )", k,
                      R"())))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
      (call $scale (local.get $acc)))
    (func (export "divide") (param i32 i32) (result i32)
      (i32.div_u (local.get 0) (local.get 1)))
    (func $deep (export "deep") (param i32) (result i32)
      (i32.add (i32.const 1) (call $deep (local.get 0))))))");
}

// Expected is what Variant(k)'s sum(n) returns, with the host doubling.
uint32_t Expected(int k, uint32_t n) { return 2 * (n * (n - 1) / 2 + n * static_cast<uint32_t>(k)); }

TEST_CASE("threads compile, instantiate and call at once; traps stay on their thread",
          "[embedding][threads]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCompileThreads(1));
  std::atomic<int> host_calls{0};
  REQUIRE_THAT(runtime->NewHostModuleBuilder("host")
                   .NewFunctionBuilder()
                   .WithFunc([&host_calls](uint32_t x) {
                     host_calls.fetch_add(1, std::memory_order_relaxed);
                     return 2 * x;
                   })
                   .Export("scale")
                   .Instantiate(ctx)
                   .status(),
               IsOk());

  constexpr int kThreads = 4;
  constexpr int kRounds = 20;
  std::vector<std::string> failures(kThreads);
  std::vector<int> traps(kThreads, 0);
  // Catch2 assertions are not thread-safe: encode on this thread, only record on the others.
  std::vector<std::vector<uint8_t>> binaries;
  for (int t = 0; t < kThreads; ++t) binaries.push_back(WatToWasm(Variant(t)));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto fail = [&](std::string why) { failures[t] = std::move(why); };
      const std::vector<uint8_t>& binary = binaries[t];
      absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
          runtime->CompileModule(ctx, binary);
      if (!compiled.ok()) return fail(compiled.status().ToString());
      std::string name = absl::StrCat("worker", t);
      absl::StatusOr<api::Module*> module =
          runtime->InstantiateModule(ctx, *compiled, NewModuleConfig().WithName(name));
      if (!module.ok()) return fail(module.status().ToString());
      if (runtime->Module(name) != *module) return fail("Module(name) does not find it");
      api::Function* sum = (*module)->ExportedFunction("sum");
      api::Function* divide = (*module)->ExportedFunction("divide");
      api::Function* deep = (*module)->ExportedFunction("deep");
      for (int round = 0; round < kRounds; ++round) {
        uint32_t n = 1000 + 37 * static_cast<uint32_t>(round);
        absl::StatusOr<std::vector<uint64_t>> result = sum->Call(ctx, {n});
        if (!result.ok()) return fail(result.status().ToString());
        if (api::DecodeU32((*result)[0]) != Expected(t, n)) {
          return fail(absl::StrCat("sum(", n, ") = ", (*result)[0]));
        }
        // Odd threads trap on every round, in two ways, while the others keep computing.
        if (t % 2 == 1) {
          absl::Status zero = divide->Call(ctx, {1, 0}).status();
          absl::Status overflow = deep->Call(ctx, {0}).status();
          if (absl::StrContains(zero.message(), "integer divide by zero") &&
              absl::StrContains(overflow.message(), "call stack exhausted")) {
            ++traps[t];
          } else {
            return fail(absl::StrCat("unexpected: ", zero.ToString(), " / ", overflow.ToString()));
          }
        }
      }
      // Each instance also compiles and runs a second module after the traps.
      absl::StatusOr<api::Module*> anonymous =
          runtime->InstantiateWithConfig(ctx, binary, NewModuleConfig().WithName(""));
      if (!anonymous.ok()) return fail(anonymous.status().ToString());
      absl::StatusOr<std::vector<uint64_t>> after =
          (*anonymous)->ExportedFunction("sum")->Call(ctx, {10});
      if (!after.ok() || api::DecodeU32((*after)[0]) != Expected(t, 10)) {
        return fail("second instance gives a wrong result");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(failures[t].empty());
    CAPTURE(failures[t]);
    CHECK(traps[t] == (t % 2 == 1 ? kRounds : 0));
  }
  CHECK(host_calls.load() == kThreads * (kRounds + 1));
  CHECK_THAT(runtime->Close(ctx), IsOk());
}

}  // namespace
}  // namespace kiln
