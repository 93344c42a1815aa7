// api::Function and api::FunctionDefinition of instances: Call and CallWithStack, argument
// checks, definitions of exports, and traps with their spec message, backtrace and trap code.
#include <string>
#include <thread>
#include <vector>

#include "api/function.h"
#include "api/global.h"
#include "api/memory.h"
#include "api/module.h"
#include "api/sys.h"
#include "api/wasm.h"
#include "catch2/catch.hpp"
#include "runtime/engine/store.h"
#include "runtime/engine/testing/wat_instances.h"
#include "runtime/trap/trap_error.h"
#include "testing/status_matchers.h"

namespace kiln::runtime {
namespace {

using api::DecodeU32;
using api::EncodeI32;
using api::EncodeU32;
using ::kiln::testing::StatusIs;
using testing::CallStatus;
using testing::CallU32;
using testing::CompileWat;
using testing::InstantiateWat;

TEST_CASE("exported functions are called with Call and CallWithStack", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module
    (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "swap") (param i64 f64) (result f64 i64) (local.get 1) (local.get 0))))");
  CHECK(CallU32(m, "add", {EncodeU32(2), EncodeU32(40)}) == 42);
  api::Function* add = m->ExportedFunction("add");
  std::vector<uint64_t> stack(2);
  for (uint32_t i = 0; i < 100; ++i) {
    stack[0] = EncodeU32(i);
    stack[1] = EncodeU32(1);
    REQUIRE(add->CallWithStack(Context(), absl::MakeSpan(stack)).ok());
    CHECK(DecodeU32(stack[0]) == i + 1);
  }
  absl::StatusOr<std::vector<uint64_t>> swapped =
      m->ExportedFunction("swap")->Call(Context(), {7, api::EncodeF64(2.5)});
  REQUIRE(swapped.ok());
  CHECK(*swapped == std::vector<uint64_t>{api::EncodeF64(2.5), 7});
  CHECK_THAT(add->Call(Context(), {1}).status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "expected 2 params"));
  CHECK_THAT(add->CallWithStack(Context(), absl::MakeSpan(stack).subspan(0, 1)),
             StatusIs(absl::StatusCode::kInvalidArgument, "slots"));
  CHECK(m->ExportedFunction("missing") == nullptr);
  CHECK(m->Name() == "m");
  CHECK(m->String() == "Module[m]");
}

TEST_CASE("function definitions describe exports", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module $mod
    (func $sum (export "sum") (export "plus") (param $a i32) (param $b i64) (result i64)
      (i64.add (i64.extend_i32_u (local.get 0)) (local.get 1)))))");
  const api::FunctionDefinition& def = m->ExportedFunction("sum")->Definition();
  CHECK(def.Name() == "sum");
  CHECK(def.DebugName() == "mod.sum");
  CHECK(def.Index() == 0);
  CHECK(std::vector<api::ValueType>(def.ParamTypes().begin(), def.ParamTypes().end()) ==
        std::vector<api::ValueType>{api::kValueTypeI32, api::kValueTypeI64});
  CHECK(def.ResultTypes().size() == 1);
  CHECK(def.ExportNames().size() == 2);
  CHECK(std::holds_alternative<std::monostate>(def.Host()));
  auto definitions = m->ExportedFunctionDefinitions();
  CHECK(definitions.size() == 2);
  CHECK(definitions["plus"] == &def);
}

TEST_CASE("traps come back with the spec message, a backtrace and the trap code", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module $t
    (memory 1)
    (func $div (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func $load (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func $inner unreachable)
    (func $outer (export "unreachable") call $inner)
    (func $deep (export "deep") (param i32) (result i32)
      (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))))");
  absl::Status status = CallStatus(m, "div", {EncodeI32(1), EncodeI32(0)});
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "integer divide by zero"));
  CHECK(std::string(status.message()).rfind("integer divide by zero\n  at t.div+0x", 0) == 0);
  CHECK(trap::TrapCodeOf(status) == trap::TrapCode::kIntegerDivideByZero);
  CHECK(trap::TrapCodeOf(CallStatus(m, "div", {EncodeI32(INT32_MIN), EncodeI32(-1)})) ==
        trap::TrapCode::kIntegerOverflow);
  CHECK(trap::TrapCodeOf(CallStatus(m, "load", {EncodeU32(65533)})) ==
        trap::TrapCode::kOutOfBoundsMemoryAccess);
  status = CallStatus(m, "unreachable", {});
  CHECK(trap::TrapCodeOf(status) == trap::TrapCode::kUnreachable);
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "at t.inner+0x"));
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "at t.outer+0x"));
  status = CallStatus(m, "deep", {EncodeU32(0)});
  CHECK_THAT(status, StatusIs(absl::StatusCode::kResourceExhausted, "call stack exhausted"));
  // The thread and the instance survive every trap.
  CHECK(CallU32(m, "div", {EncodeI32(84), EncodeI32(2)}) == 42);
}

TEST_CASE("a closed module's exports return its exit error", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module (func (export "f"))))");
  api::Function* f = m->ExportedFunction("f");
  REQUIRE(f != nullptr);
  REQUIRE(m->CloseWithExitCode(Context(), 3).ok());
  CHECK(m->IsClosed());
  absl::Status status = f->Call(Context(), {}).status();
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "module closed with exit_code(3)"));
  CHECK(sys::ExitCodeOf(status) == 3u);
  // The first exit code stays.
  REQUIRE(m->CloseWithExitCode(Context(), 4).ok());
  CHECK(sys::ExitCodeOf(f->Call(Context(), {}).status()) == 3u);
}

TEST_CASE("a store's functions can be called from another thread, one at a time", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module
    (func $deep (export "deep") (param i32) (result i32)
      (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
    (func (export "id") (param i32) (result i32) (local.get 0))))");
  absl::Status on_thread;
  uint32_t id_on_thread = 0;
  // The stack limit follows the calling thread: exhaustion is detected on both stacks.
  std::thread thread([&] {
    on_thread = CallStatus(m, "deep", {EncodeU32(0)});
    id_on_thread = CallU32(m, "id", {EncodeU32(5)});
  });
  thread.join();
  CHECK(trap::TrapCodeOf(on_thread) == trap::TrapCode::kCallStackExhausted);
  CHECK(id_on_thread == 5);
  CHECK(trap::TrapCodeOf(CallStatus(m, "deep", {EncodeU32(0)})) ==
        trap::TrapCode::kCallStackExhausted);
  CHECK(CallU32(m, "id", {EncodeU32(6)}) == 6);
}

TEST_CASE("a call with a done context does not start", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module (func (export "f"))))");
  api::Function* f = m->ExportedFunction("f");
  REQUIRE(f != nullptr);
  Context cancelled;
  cancelled.Cancel();
  CHECK_THAT(f->Call(cancelled, {}).status(), StatusIs(absl::StatusCode::kCancelled, ""));
  Context expired = Context().WithDeadline(absl::InfinitePast());
  CHECK_THAT(f->Call(expired, {}).status(), StatusIs(absl::StatusCode::kDeadlineExceeded, ""));
  CHECK(f->Call(Context().WithTimeout(absl::Hours(1)), {}).ok());
}

}  // namespace
}  // namespace kiln::runtime
