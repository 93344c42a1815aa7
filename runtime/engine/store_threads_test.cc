// A Store used from several threads at once: instantiating one compiled module on each thread
// (all importing one shared instance) while calls run, and a stack overflow on one thread
// while another thread keeps calling. Catch2's assertions are not thread-safe, so the threads
// record what they saw and the test checks it after joining them.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "api/function.h"
#include "api/module.h"
#include "catch2/catch.hpp"
#include "runtime/engine/store.h"
#include "runtime/engine/testing/wat_instances.h"
#include "testing/status_matchers.h"

namespace kiln::runtime {
namespace {

using ::kiln::testing::StatusIs;
using testing::CompileWat;
using testing::InstantiateWat;

constexpr absl::string_view kLibrary = R"((module
  (func (export "square") (param i32) (result i32)
    local.get 0
    local.get 0
    i32.mul)))";

// sum_squares(n) is the sum of i*i for i < n through the imported square; deep recurses
// without end.
constexpr absl::string_view kUser = R"((module
  (import "lib" "square" (func $square (param i32) (result i32)))
  (func (export "sum_squares") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (call $square (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func $deep (export "deep") (param i32) (result i32)
    (call $deep (i32.add (local.get 0) (i32.const 1))))))";

uint32_t SumSquares(uint32_t n) {
  uint32_t acc = 0;
  for (uint32_t i = 0; i < n; ++i) acc += i * i;
  return acc;
}

// CallSumSquares returns the result of sum_squares(n), or an error status.
absl::StatusOr<uint32_t> CallSumSquares(api::Module* module, uint32_t n) {
  api::Function* fn = module->ExportedFunction("sum_squares");
  if (fn == nullptr) return absl::NotFoundError("no sum_squares");
  absl::StatusOr<std::vector<uint64_t>> results = fn->Call(Context(), {n});
  if (!results.ok()) return results.status();
  return static_cast<uint32_t>((*results)[0]);
}

TEST_CASE("threads instantiate one compiled module in one store and call concurrently",
          "[engine][threads]") {
  Store store;
  api::Module* library = InstantiateWat(store, kLibrary, "lib");
  REQUIRE(store.Register("lib", library).ok());
  std::shared_ptr<const CompiledModule> compiled = CompileWat(kUser);

  constexpr int kThreads = 4;
  constexpr int kInstancesPerThread = 5;
  constexpr int kCallsPerInstance = 50;
  std::atomic<int> ready{0};
  std::vector<int> wrong(kThreads, 0);
  std::vector<absl::Status> errors(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < kThreads) {
      }
      for (int i = 0; i < kInstancesPerThread; ++i) {
        std::string name = "user" + std::to_string(t) + "_" + std::to_string(i);
        absl::StatusOr<api::Module*> instance = store.Instantiate(Context(), compiled, name);
        if (!instance.ok()) {
          errors[t] = instance.status();
          return;
        }
        if (absl::Status registered = store.Register(name, *instance); !registered.ok()) {
          errors[t] = registered;
          return;
        }
        for (int c = 0; c < kCallsPerInstance; ++c) {
          uint32_t n = static_cast<uint32_t>(100 + 7 * t + c);
          absl::StatusOr<uint32_t> sum = CallSumSquares(*instance, n);
          if (!sum.ok()) {
            errors[t] = sum.status();
            return;
          }
          if (*sum != SumSquares(n)) ++wrong[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    INFO("thread " << t);
    CHECK_THAT(errors[t], StatusIs(absl::StatusCode::kOk));
    CHECK(wrong[t] == 0);
    for (int i = 0; i < kInstancesPerThread; ++i) {
      CHECK(store.Lookup("user" + std::to_string(t) + "_" + std::to_string(i)) != nullptr);
    }
  }
}

TEST_CASE("a stack overflow on one thread leaves another thread's calls running",
          "[engine][threads]") {
  Store store;
  api::Module* library = InstantiateWat(store, kLibrary, "lib");
  REQUIRE(store.Register("lib", library).ok());
  // One instance, called from both threads.
  api::Module* user = InstantiateWat(store, kUser, "user");

  std::atomic<bool> overflowing_done{false};
  std::vector<absl::Status> overflows;
  int calls = 0;
  int wrong = 0;
  absl::Status call_error;
  std::thread overflowing([&] {
    for (int i = 0; i < 30; ++i) {
      overflows.push_back(user->ExportedFunction("deep")->Call(Context(), {0}).status());
    }
    overflowing_done.store(true);
  });
  std::thread calling([&] {
    // Keep calling at least until the other thread is through all its overflows.
    while (!overflowing_done.load() || calls < 100) {
      absl::StatusOr<uint32_t> sum = CallSumSquares(user, 1000);
      if (!sum.ok()) {
        call_error = sum.status();
        return;
      }
      if (*sum != SumSquares(1000)) ++wrong;
      ++calls;
    }
  });
  overflowing.join();
  calling.join();
  REQUIRE(overflows.size() == 30);
  for (const absl::Status& status : overflows) {
    CHECK_THAT(status, StatusIs(absl::StatusCode::kResourceExhausted, "call stack exhausted"));
  }
  CHECK_THAT(call_error, StatusIs(absl::StatusCode::kOk));
  CHECK(wrong == 0);
  CHECK(calls >= 100);
}

}  // namespace
}  // namespace kiln::runtime
