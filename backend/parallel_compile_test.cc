// CompileModule's result does not depend on CompileOptions::threads: the code bytes, function
// offsets, trap sites, trampolines and landing pad are identical for 1, 2 and 4 threads, on
// every SIMD-free valid module of the 2.0 spec suite and on a generated module of thousands of
// functions; with failing functions, the error is always that of the lowest index.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "backend/compile.h"
#include "backend/regalloc/regalloc.h"
#include "backend/testing/spec_suite.h"
#include "catch2/catch.hpp"
#include "compiler/text/wat_parser.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "testing/status_matchers.h"

namespace kiln::backend {
namespace {

using ::kiln::testing::StatusIs;

// Difference names the first field where `a` and `b` differ, or is empty when they are equal.
std::string Difference(const CompiledCode& a, const CompiledCode& b) {
  if (a.code != b.code) return "code bytes";
  if (a.functions.size() != b.functions.size()) return "function count";
  for (size_t i = 0; i < a.functions.size(); ++i) {
    if (a.functions[i].offset != b.functions[i].offset ||
        a.functions[i].size != b.functions[i].size) {
      return absl::StrCat("function ", i);
    }
  }
  if (a.trap_sites.size() != b.trap_sites.size()) return "trap site count";
  for (size_t i = 0; i < a.trap_sites.size(); ++i) {
    if (a.trap_sites[i].code_offset != b.trap_sites[i].code_offset ||
        a.trap_sites[i].code != b.trap_sites[i].code) {
      return absl::StrCat("trap site ", i);
    }
  }
  if (a.entry_trampolines.size() != b.entry_trampolines.size()) return "trampoline count";
  for (size_t i = 0; i < a.entry_trampolines.size(); ++i) {
    if (!(a.entry_trampolines[i].type == b.entry_trampolines[i].type) ||
        a.entry_trampolines[i].offset != b.entry_trampolines[i].offset) {
      return absl::StrCat("entry trampoline ", i);
    }
  }
  if (a.host_call_stubs.size() != b.host_call_stubs.size()) return "host stub count";
  for (size_t i = 0; i < a.host_call_stubs.size(); ++i) {
    if (!(a.host_call_stubs[i].type == b.host_call_stubs[i].type) ||
        a.host_call_stubs[i].offset != b.host_call_stubs[i].offset) {
      return absl::StrCat("host call stub ", i);
    }
  }
  if (a.landing_pad_offset != b.landing_pad_offset) return "landing pad";
  if (a.cpu_features != b.cpu_features || a.isa != b.isa) return "isa";
  return "";
}

// CompileWith compiles `module` with `threads` (and interrupt checks, so the polls are covered).
absl::StatusOr<CompiledCode> CompileWith(const wasm::Module& module, int threads,
                                         AllocateFn allocate = nullptr) {
  CompileOptions options;
  options.threads = threads;
  options.interrupt_checks = true;
  options.allocate = allocate;
  return CompileModule(module, vmctx::Layout::Compute(module), options);
}

wasm::Module FromWat(const std::string& wat) {
  auto bytes = text::ParseWat(wat);
  INFO(bytes.status());
  REQUIRE(bytes.ok());
  auto module = wasm::Decode(*bytes);
  REQUIRE(module.ok());
  REQUIRE(wasm::Validate(*module).ok());
  return *std::move(module);
}

// GeneratedModule has `n` functions of varied shape and size: loops over memory, float
// arithmetic, direct and indirect calls, selects and branches.
wasm::Module GeneratedModule(int n) {
  std::string wat = absl::StrCat("(module (memory 1) (type $t (func (param i32) (result i32)))\n",
                                 "(table ", n, " funcref)\n");
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&wat, "(func $f", i, " (param i32) (result i32) (local i32 i64 f64)\n");
    int loops = i % 4;
    for (int l = 0; l < loops; ++l) {
      absl::StrAppend(&wat, "  (local.set 1 (i32.const 0))\n",
                      "  (block $done", l, " (loop $next", l, "\n",
                      "    (br_if $done", l, " (i32.ge_u (local.get 1) (local.get 0)))\n",
                      "    (local.set 2 (i64.add (local.get 2) (i64.load offset=", 8 * l,
                      " (i32.and (local.get 1) (i32.const 0xfff0)))))\n",
                      "    (local.set 3 (f64.add (local.get 3) (f64.convert_i32_u (local.get 1))))\n",
                      "    (local.set 1 (i32.add (local.get 1) (i32.const ", l + 1, ")))\n",
                      "    (br $next", l, ")))\n");
    }
    std::string tail = i == 0 ? "(i32.const 7)"
                       : i % 3 == 0
                           ? absl::StrCat("(call_indirect (type $t) (local.get 0) (i32.const ",
                                          i - 1, "))")
                           : absl::StrCat("(call $f", i - 1, " (i32.shr_u (local.get 0) (i32.const 1)))");
    absl::StrAppend(&wat, "  (select (i32.add (i32.wrap_i64 (local.get 2)) ", tail, ")\n",
                    "          (i32.trunc_sat_f64_s (local.get 3))\n",
                    "          (i32.and (local.get 0) (i32.const ", i % 5 + 1, "))))\n");
  }
  absl::StrAppend(&wat, "(elem (i32.const 0) func");
  for (int i = 0; i < n; ++i) absl::StrAppend(&wat, " $f", i);
  absl::StrAppend(&wat, "))\n");
  return FromWat(wat);
}

TEST_CASE("parallel compiles of a generated module of thousands of functions are identical",
          "[backend][parallel]") {
  wasm::Module module = GeneratedModule(3000);
  auto one = CompileWith(module, 1);
  REQUIRE(one.ok());
  CHECK(one->functions.size() == 3000);
  for (int threads : {2, 4, 0}) {
    INFO("threads " << threads);
    auto many = CompileWith(module, threads);
    REQUIRE(many.ok());
    CHECK(Difference(*one, *many).empty());
  }
}

TEST_CASE("parallel compiles of every SIMD-free spec module are identical", "[backend][parallel]") {
  size_t compared = 0;
  absl::Status walked = testing::ForEachValidSpecModule([&](const testing::ValidSpecModule& spec) {
    if (absl::StrContains(spec.file, "/simd_")) return;
    auto one = CompileWith(spec.module, 1);
    if (!one.ok() && one.status().code() == absl::StatusCode::kUnimplemented) return;
    CAPTURE(spec.file, spec.line);
    REQUIRE(one.ok());
    for (int threads : {2, 4}) {
      auto many = CompileWith(spec.module, threads);
      REQUIRE(many.ok());
      std::string difference = Difference(*one, *many);
      INFO("threads " << threads);
      CHECK(difference == "");
    }
    ++compared;
  });
  if (!walked.ok()) FAIL(walked.ToString());
  CHECK(compared > 1000);
}

// FailOddFunctionsFromFive fails allocation for functions 5, 7, 9, ...
absl::Status FailOddFunctionsFromFive(MachFunction& fn, const RegAllocTarget& target) {
  if (fn.func_index >= 5 && fn.func_index % 2 == 1) {
    return absl::InternalError(absl::StrCat("refused function ", fn.func_index));
  }
  return regalloc::Allocate(fn, target);
}

TEST_CASE("a parallel compile reports the error of the lowest failing function",
          "[backend][parallel]") {
  wasm::Module module = GeneratedModule(400);
  for (int threads : {1, 2, 4}) {
    INFO("threads " << threads);
    for (int attempt = 0; attempt < 5; ++attempt) {
      CHECK_THAT(CompileWith(module, threads, &FailOddFunctionsFromFive).status(),
                 StatusIs(absl::StatusCode::kInternal, "refused function 5 (function f5)"));
    }
  }
}

TEST_CASE("a negative thread count is rejected", "[backend][parallel]") {
  wasm::Module module = GeneratedModule(2);
  CHECK_THAT(CompileWith(module, -1).status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "threads"));
}

}  // namespace
}  // namespace kiln::backend
