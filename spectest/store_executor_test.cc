// End-to-end tests of the runner on kiln's runtime: small inline scripts compiled to native
// code, instantiated in a Store with the `spectest` host module, and judged. Every command
// below must pass (a skip would mean the backend or runtime left something unimplemented).
#include "spectest/store_executor.h"

#include <string>
#include <vector>

#include "backend/testing/spill_all_allocator.h"
#include "catch2/catch.hpp"
#include "spectest/runner.h"

namespace kiln::spectest {
namespace {

// RequireAllPass runs `source` on the runtime and requires every command to pass.
void RequireAllPass(absl::string_view source, size_t expected_commands) {
  backend::CompileOptions options;
  options.allocate = &backend::testing::SpillAllAllocate;
  FileReport report = RunScriptSource("e2e.wast", source, StoreExecutors(options));
  INFO(source);
  REQUIRE_FALSE(report.error.has_value());
  CHECK(report.commands.size() == expected_commands);
  for (const CommandReport& command : report.commands) {
    INFO(command.type << " at line " << command.line << ": " << command.detail);
    CHECK(command.result == Result::kPass);
  }
}

TEST_CASE("integer and float results are judged bit-exactly on native code", "[spectest][e2e]") {
  RequireAllPass(R"wast(
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
  (func (export "div") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))
  (func (export "pair") (result i64 f32) (i64.const -1) (f32.const 1.5)))
(assert_return (invoke "add" (i32.const 1) (i32.const -3)) (i32.const -2))
(assert_return (invoke "neg" (f64.const 0)) (f64.const -0))
(assert_return (invoke "div" (f32.const 0) (f32.const 0)) (f32.const nan:arithmetic))
(assert_return (invoke "pair") (i64.const -1) (f32.const 1.5))
)wast", 5);
}

TEST_CASE("traps and stack exhaustion are judged by their messages", "[spectest][e2e]") {
  RequireAllPass(R"wast(
(module
  (memory 1)
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "unreachable") unreachable)
  (func $deep (export "deep") (call $deep)))
(assert_trap (invoke "div" (i32.const 0)) "integer divide by zero")
(assert_return (invoke "div" (i32.const 1)) (i32.const 1))
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "unreachable") "unreachable")
(assert_exhaustion (invoke "deep") "call stack exhausted")
(assert_return (invoke "load" (i32.const 0)) (i32.const 0))
)wast", 7);
}

TEST_CASE("the spectest module, register and linking errors work", "[spectest][e2e]") {
  RequireAllPass(R"wast(
(module $M
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i32" (global $g i32))
  (global (export "g") (mut i32) (i32.const 5))
  (func (export "get") (result i32) (call $print (global.get $g)) (global.get $g)))
(assert_return (invoke "get") (i32.const 666))
(assert_return (get "g") (i32.const 5))
(register "M" $M)
(module (import "M" "get" (func (result i32)))
        (func (export "twice") (result i32) (i32.add (call 0) (call 0))))
(assert_return (invoke "twice") (i32.const 1332))
(assert_unlinkable (module (import "M" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "M" "get" (func (result i64)))) "incompatible import type")
(assert_trap (module (func $f unreachable) (start $f)) "unreachable")
(assert_trap (module (memory 1) (data (i32.const 65536) "x")) "out of bounds memory access")
)wast", 10);
}

TEST_CASE("externref arguments come back as the script's references", "[spectest][e2e]") {
  RequireAllPass(R"wast(
(module
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "is_null") (param externref) (result i32) (ref.is_null (local.get 0))))
(assert_return (invoke "id" (ref.extern 0)) (ref.extern 0))
(assert_return (invoke "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "is_null" (ref.extern 3)) (i32.const 0))
)wast", 4);
}

TEST_CASE("an action whose arguments do not fit the export fails with the reason",
          "[spectest][e2e]") {
  backend::CompileOptions options;
  options.allocate = &backend::testing::SpillAllAllocate;
  FileReport report = RunScriptSource("args.wast", R"wast(
(module (func (export "f") (param i32)))
(invoke "f" (i64.const 1))
(invoke "f")
(invoke "g")
)wast", StoreExecutors(options));
  REQUIRE(report.commands.size() == 4);
  CHECK(report.commands[0].result == Result::kPass);
  for (size_t i = 1; i < 4; ++i) CHECK(report.commands[i].result == Result::kFail);
  CHECK_THAT(report.commands[1].detail,
             Catch::Contains("f takes i32 as argument 0, the script passes i64"));
  CHECK_THAT(report.commands[2].detail, Catch::Contains("f takes 1 arguments"));
  CHECK_THAT(report.commands[3].detail, Catch::Contains("no function exported as g"));
}

}  // namespace
}  // namespace kiln::spectest
