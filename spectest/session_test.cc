// Tests of the judging rules (session.h) with a fake Executor whose behaviour the inline
// scripts select through export and import names, so every verdict is checked without a
// runtime: instantiation stages, skips that propagate to dependants, trap and link messages,
// actions on named and registered modules.
#include "spectest/session.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "catch2/catch.hpp"
#include "runtime/trap/trap_error.h"

namespace kiln::spectest {
namespace {

using wasm::ValType;

// FakeExecutor instantiates every module, except that a module
//   exporting "unimplemented"  fails to compile with kUnimplemented,
//   exporting "compiler_bug"   fails to compile with kInternal,
//   importing from "missing"   fails to link ("unknown import"),
//   importing from "future"    fails to instantiate with kUnimplemented,
//   having a start function    traps in it ("unreachable").
// Invoking an export returns by name: "answer" → i32 42, "nan" → f32 0x7fc00000,
// "div0" → the divide-by-zero trap, "deep" → call stack exhausted, "elem" → uninitialized
// element, "broken" → a non-trap error, "later" → kUnimplemented; anything else returns
// nothing.
class FakeExecutor : public Executor {
 public:
  Instantiation Instantiate(wasm::Module module) override {
    Instantiation result;
    for (const wasm::Export& e : module.exports) {
      if (e.name == "unimplemented") result.compiled = absl::UnimplementedError("simd.op");
      if (e.name == "compiler_bug") result.compiled = absl::InternalError("verifier failed");
    }
    if (!result.compiled.ok()) return result;
    for (const wasm::Import& import : module.imports) {
      if (import.module == "missing") {
        result.instantiated = absl::NotFoundError("unknown import: missing.f");
        return result;
      }
    }
    for (const wasm::Import& import : module.imports) {
      if (import.module == "future") {
        result.instantiated = absl::UnimplementedError("imported tables");
        return result;
      }
    }
    if (module.start) {
      result.instantiated = trap::TrapError(trap::TrapCode::kUnreachable, "at func 0");
      return result;
    }
    result.instance = next_id_++;
    return result;
  }

  absl::Status Register(absl::string_view name, InstanceId instance) override {
    registered[std::string(name)] = instance;
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<RuntimeValue>> Invoke(InstanceId instance, absl::string_view name,
                                                   absl::Span<const text::Value>) override {
    invoked.emplace_back(instance, std::string(name));
    if (name == "answer") return std::vector<RuntimeValue>{{ValType::kI32, 42}};
    if (name == "nan") return std::vector<RuntimeValue>{{ValType::kF32, 0x7fc00000}};
    if (name == "div0") return trap::TrapError(trap::TrapCode::kIntegerDivideByZero, "f\ng");
    if (name == "deep") return trap::TrapError(trap::TrapCode::kCallStackExhausted);
    if (name == "elem") return trap::TrapError(trap::TrapCode::kUninitializedElement);
    if (name == "broken") return absl::InternalError("no trampoline");
    if (name == "later") return absl::UnimplementedError("v128 host call");
    return std::vector<RuntimeValue>{};
  }

  absl::StatusOr<RuntimeValue> Get(InstanceId, absl::string_view name) override {
    if (name == "g") return RuntimeValue{ValType::kI64, 7};
    return absl::NotFoundError("no global");
  }

  std::map<std::string, InstanceId> registered;
  std::vector<std::pair<InstanceId, std::string>> invoked;

 private:
  InstanceId next_id_ = 1;
};

// Judged runs `source` through one session and returns every report.
std::vector<CommandReport> Judged(absl::string_view source, Executor* executor) {
  absl::StatusOr<text::Script> script = text::ParseScript(source);
  INFO(source);
  REQUIRE(script.ok());
  ScriptSession session(executor);
  std::vector<CommandReport> reports;
  for (const text::Command& command : script->commands) {
    reports.push_back(session.Judge(command));
  }
  return reports;
}

std::vector<Result> Verdicts(const std::vector<CommandReport>& reports) {
  std::vector<Result> results;
  for (const CommandReport& report : reports) {
    UNSCOPED_INFO(report.type << " at line " << report.line << ": " << ResultName(report.result)
                              << ": " << report.detail);
    results.push_back(report.result);
  }
  return results;
}

constexpr Result P = Result::kPass;
constexpr Result F = Result::kFail;
constexpr Result S = Result::kSkip;

TEST_CASE("without an executor, modules are judged by validation and execution skips",
          "[spectest][session]") {
  std::vector<CommandReport> reports = Judged(R"wast(
(module (func (export "answer") (result i32) (i32.const 42)))
(assert_return (invoke "answer") (i32.const 42))
(register "M")
(assert_unlinkable (module (import "missing" "f" (func))) "unknown import")
)wast", nullptr);
  CHECK(Verdicts(reports) == std::vector<Result>{P, S, S, S});
  CHECK(reports[1].detail == "needs execution, which kiln cannot do yet");
}

TEST_CASE("assert_return judges results; invoke and get pass unless they fail",
          "[spectest][session]") {
  FakeExecutor executor;
  std::vector<CommandReport> reports = Judged(R"wast(
(module (func (export "answer") (result i32) (i32.const 42))
        (func (export "nan") (result f32) (f32.const nan))
        (func (export "broken")))
(assert_return (invoke "answer") (i32.const 42))
(assert_return (invoke "answer") (i32.const 41))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_return (invoke "nan") (f32.const nan:0x200000))
(assert_return (get "g") (i64.const 7))
(invoke "answer")
(invoke "broken")
(get "nope")
)wast", &executor);
  CHECK(Verdicts(reports) == std::vector<Result>{P, P, F, P, F, P, P, F, F});
  CHECK(reports[2].detail == "invoke \"answer\": expected i32:0x00000029, got i32:0x0000002a");
  CHECK_THAT(reports[7].detail, Catch::Contains("no trampoline"));
}

TEST_CASE("actions reach named modules and register names the current or a named one",
          "[spectest][session]") {
  FakeExecutor executor;
  std::vector<CommandReport> reports = Judged(R"wast(
(module $A (func (export "answer") (result i32) (i32.const 42)))
(module $B (func (export "answer") (result i32) (i32.const 42)))
(invoke $A "answer")
(invoke "answer")
(register "a" $A)
(register "b")
(invoke $C "answer")
)wast", &executor);
  CHECK(Verdicts(reports) == std::vector<Result>{P, P, P, P, P, P, F});
  REQUIRE(executor.invoked.size() == 2);
  CHECK(executor.invoked[0].first == 1);
  CHECK(executor.invoked[1].first == 2);
  CHECK(executor.registered == std::map<std::string, InstanceId>{{"a", 1}, {"b", 2}});
  CHECK(reports[6].detail == "no module named $C");
}

TEST_CASE("assert_trap and assert_exhaustion need a trap with the expected message",
          "[spectest][session]") {
  FakeExecutor executor;
  std::vector<CommandReport> reports = Judged(R"wast(
(module (func (export "div0")) (func (export "deep")) (func (export "elem"))
        (func (export "answer") (result i32) (i32.const 42)) (func (export "broken")))
(assert_trap (invoke "div0") "integer divide by zero")
(assert_trap (invoke "div0") "integer divide")
(assert_trap (invoke "div0") "integer overflow")
(assert_trap (invoke "answer") "unreachable")
(assert_trap (invoke "broken") "unreachable")
(assert_trap (invoke "elem") "uninitialized element 2")
(assert_trap (invoke "elem") "uninitialized elementary")
(assert_exhaustion (invoke "deep") "call stack exhausted")
(assert_exhaustion (invoke "div0") "call stack exhausted")
)wast", &executor);
  CHECK(Verdicts(reports) == std::vector<Result>{P, P, P, F, F, F, P, F, P, F});
  CHECK(reports[3].detail ==
        "expected trap \"integer overflow\", got \"integer divide by zero\"");
  CHECK(reports[4].detail ==
        "expected trap \"unreachable\", but invoke \"answer\" returned i32:0x0000002a");
  CHECK_THAT(reports[5].detail, Catch::Contains("failed without a trap"));
}

TEST_CASE("assert_unlinkable needs a link error and assert_uninstantiable a trap",
          "[spectest][session]") {
  FakeExecutor executor;
  std::vector<CommandReport> reports = Judged(R"wast(
(assert_unlinkable (module (import "missing" "f" (func))) "unknown import")
(assert_unlinkable (module (import "missing" "f" (func))) "incompatible import type")
(assert_unlinkable (module) "unknown import")
(assert_unlinkable (module (func $f unreachable) (start $f)) "unknown import")
(assert_trap (module (func $f unreachable) (start $f)) "unreachable")
(assert_trap (module (import "missing" "f" (func))) "unreachable")
(assert_trap (module (func $f unreachable) (start $f)) "out of bounds memory access")
(assert_unlinkable (module (func (result i32) (i64.const 0))) "unknown import")
)wast", &executor);
  CHECK(Verdicts(reports) == std::vector<Result>{P, F, F, F, P, F, F, F});
  CHECK(reports[0].type == "assert_unlinkable");
  CHECK(reports[4].type == "assert_uninstantiable");
  CHECK(reports[2].detail == "expected link error \"unknown import\", but the module instantiated");
  CHECK(reports[3].detail == "expected link error \"unknown import\", but it trapped: unreachable");
  CHECK_THAT(reports[7].detail, Catch::StartsWith("validator rejected it"));
}

TEST_CASE("a module the backend cannot compile yet skips itself and everything depending on it",
          "[spectest][session]") {
  FakeExecutor executor;
  std::vector<CommandReport> reports = Judged(R"wast(
(module $M (func (export "unimplemented")) (func (export "answer") (result i32) (i32.const 1)))
(assert_return (invoke "answer") (i32.const 1))
(assert_trap (invoke $M "answer") "unreachable")
(register "m")
(module (import "m" "answer" (func (result i32))))
(assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
(module (func (export "answer") (result i32) (i32.const 1)))
(assert_return (invoke "answer") (i32.const 42))
(invoke $M "answer")
)wast", &executor);
  CHECK(Verdicts(reports) == std::vector<Result>{S, S, S, S, S, S, P, P, S});
  CHECK(reports[0].detail == "the backend cannot compile it yet: simd.op");
  CHECK(reports[1].detail ==
        "depends on the module at line 2, which was skipped: the backend cannot compile it yet: "
        "simd.op");
  CHECK_THAT(reports[4].detail,
             Catch::StartsWith("imports from \"m\", which depends on the module at line 2, "
                               "which was skipped"));
  CHECK(executor.registered.empty());
}

TEST_CASE("what the runtime reports as unimplemented is skipped, with the reason",
          "[spectest][session]") {
  FakeExecutor executor;
  std::vector<CommandReport> reports = Judged(R"wast(
(module (import "future" "t" (table 1 funcref)))
(invoke "f")
(assert_trap (module (import "future" "t" (table 1 funcref))) "unreachable")
(module (func (export "later")))
(assert_return (invoke "later"))
)wast", &executor);
  CHECK(Verdicts(reports) == std::vector<Result>{S, S, S, P, S});
  CHECK(reports[0].detail == "the runtime cannot instantiate it yet: imported tables");
  CHECK(reports[4].detail == "the runtime cannot run invoke \"later\" yet: v128 host call");
}

TEST_CASE("a module that fails fails its dependants too", "[spectest][session]") {
  FakeExecutor executor;
  std::vector<CommandReport> reports = Judged(R"wast(
(module (func (export "compiler_bug")))
(invoke "compiler_bug")
(register "x")
(module (import "x" "f" (func)))
(module (import "missing" "f" (func)))
(invoke "f")
(module (func (result i32) (i64.const 0)))
(invoke "f")
)wast", &executor);
  CHECK(Verdicts(reports) == std::vector<Result>{F, F, F, F, F, F, F, F});
  CHECK_THAT(reports[0].detail, Catch::StartsWith("compilation failed: INTERNAL: verifier failed"));
  CHECK_THAT(reports[4].detail, Catch::StartsWith("instantiation failed: NOT_FOUND"));
  CHECK_THAT(reports[7].detail, Catch::Contains("validator rejected it"));
}

TEST_CASE("modules using SIMD are skipped until the SIMD issue", "[spectest][session]") {
  FakeExecutor executor;
  std::vector<CommandReport> reports = Judged(R"wast(
(module (func (export "answer") (result i32) (v128.const i64x2 0 0) (i32x4.extract_lane 0)))
(assert_return (invoke "answer") (i32.const 0))
(module (global v128 (v128.const i64x2 0 0)))
(assert_unlinkable (module (import "missing" "f" (func (param v128)))) "unknown import")
)wast", &executor);
  CHECK(Verdicts(reports) == std::vector<Result>{S, S, S, S});
  CHECK(reports[0].detail == "needs SIMD, which the runner does not execute until the SIMD issue");
  CHECK(executor.invoked.empty());
}

}  // namespace
}  // namespace kiln::spectest
