// The store through the api headers: host modules, linking by registered name, link errors,
// element and data segments with Wasm 2.0 trap semantics, the start function, and the bulk
// memory and table builtins.
#include <string>
#include <vector>

#include "api/function.h"
#include "api/global.h"
#include "api/memory.h"
#include "api/module.h"
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

TEST_CASE("host modules provide functions, globals, tables and memories", "[engine]") {
  Store store;
  std::vector<uint32_t> printed;
  std::string seen_in_memory;
  HostModule env("env");
  env.AddFunction("print", {api::kValueTypeI32}, {},
                  std::make_unique<api::HostFunc>(
                      [&](const Context&, absl::Span<uint64_t> stack) {
                        printed.push_back(DecodeU32(stack[0]));
                      }));
  env.AddFunction("read_caller", {api::kValueTypeI32}, {api::kValueTypeI32},
                  std::make_unique<api::HostModuleFunc>(
                      [&](const Context&, api::Module& caller, absl::Span<uint64_t> stack) {
                        uint32_t offset = DecodeU32(stack[0]);
                        std::optional<absl::Span<uint8_t>> bytes = caller.Memory()->Read(offset, 4);
                        seen_in_memory.assign(bytes->begin(), bytes->end());
                        stack[0] = EncodeU32(static_cast<uint32_t>(caller.Name().size()));
                      }));
  env.AddGlobal("base", api::kValueTypeI32, false, 1000);
  env.AddGlobal("mutable", api::kValueTypeI64, true, 5);
  env.AddTable("table", api::kValueTypeFuncRef, 2, 10);
  env.AddMemory("memory", 1, 2);
  REQUIRE(store.InstantiateHost(std::move(env)).ok());
  api::Module* host = store.Lookup("env");
  REQUIRE(host != nullptr);
  CHECK(host->ExportedFunction("print") == nullptr);
  CHECK(host->ExportedFunctionDefinitions().size() == 2);
  CHECK(std::holds_alternative<const api::HostFunction*>(
      host->ExportedFunctionDefinitions().at("print")->Host()));

  api::Module* m = InstantiateWat(store, R"((module
    (import "env" "print" (func $print (param i32)))
    (import "env" "read_caller" (func $read (param i32) (result i32)))
    (import "env" "base" (global $base i32))
    (import "env" "mutable" (global $mut (mut i64)))
    (import "env" "table" (table 2 funcref))
    (import "env" "memory" (memory 1))
    (type $v_i (func (param i32)))
    (elem (i32.const 1) $print)
    (data (i32.const 8) "wasm")
    (func (export "run") (result i32)
      (call $print (i32.add (global.get $base) (i32.const 1)))
      (call_indirect (type $v_i) (i32.const 2) (i32.const 1))
      (global.set $mut (i64.const 9))
      (call $read (i32.const 8)))))", "caller");
  CHECK(CallU32(m, "run", {}) == 6);
  CHECK(printed == std::vector<uint32_t>{1001, 2});
  CHECK(seen_in_memory == "wasm");
  CHECK(host->ExportedGlobal("mutable")->Get() == 9);
  CHECK(host->ExportedMemory("memory")->ReadByte(8) == std::optional<uint8_t>('w'));
}

TEST_CASE("instances link to registered instances' exports", "[engine]") {
  Store store;
  api::Module* a = InstantiateWat(store, R"((module
    (memory (export "mem") 1)
    (global (export "g") (mut i32) (i32.const 1))
    (table (export "tab") 2 funcref)
    (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (elem (i32.const 0) $double)))", "a");
  REQUIRE(store.Register("A", a).ok());
  api::Module* b = InstantiateWat(store, R"((module
    (import "A" "double" (func $double (param i32) (result i32)))
    (import "A" "mem" (memory 1))
    (import "A" "g" (global $g (mut i32)))
    (import "A" "tab" (table 2 funcref))
    (type $i_i (func (param i32) (result i32)))
    (func (export "run") (param i32) (result i32)
      (i32.store (i32.const 0) (call $double (local.get 0)))
      (global.set $g (i32.const 55))
      (call_indirect (type $i_i) (i32.load (i32.const 0)) (i32.const 0)))
    (export "double_again" (func $double))))", "b");
  CHECK(CallU32(b, "run", {EncodeU32(5)}) == 20);
  CHECK(a->ExportedMemory("mem")->ReadUint32Le(0) == std::optional<uint32_t>(10));
  CHECK(a->ExportedGlobal("g")->Get() == 55);
  CHECK(CallU32(b, "double_again", {EncodeU32(21)}) == 42);
}

TEST_CASE("link errors name the import", "[engine]") {
  Store store;
  HostModule env("env");
  env.AddGlobal("g", api::kValueTypeI32, false, 0);
  env.AddMemory("memory", 1, 2);
  env.AddFunction("f", {api::kValueTypeI32}, {},
                  std::make_unique<api::HostFunc>([](const Context&, absl::Span<uint64_t>) {}));
  REQUIRE(store.InstantiateHost(std::move(env)).ok());
  auto instantiate = [&](absl::string_view wat) {
    return store.Instantiate(Context(), CompileWat(wat), "x").status();
  };
  CHECK_THAT(instantiate(R"((module (import "env" "nope" (func))))"),
             StatusIs(absl::StatusCode::kNotFound, "unknown import"));
  CHECK_THAT(instantiate(R"((module (import "nowhere" "f" (func))))"),
             StatusIs(absl::StatusCode::kNotFound, "unknown import"));
  CHECK_THAT(instantiate(R"((module (import "env" "f" (func (param i64)))))"),
             StatusIs(absl::StatusCode::kInvalidArgument, "incompatible import type"));
  CHECK_THAT(instantiate(R"((module (import "env" "g" (global (mut i32)))))"),
             StatusIs(absl::StatusCode::kInvalidArgument, "incompatible import type"));
  CHECK_THAT(instantiate(R"((module (import "env" "g" (func))))"),
             StatusIs(absl::StatusCode::kInvalidArgument, "incompatible import type"));
  CHECK_THAT(instantiate(R"((module (import "env" "memory" (memory 2))))"),
             StatusIs(absl::StatusCode::kInvalidArgument, "incompatible import type"));
  CHECK_THAT(instantiate(R"((module (import "env" "memory" (memory 1 1))))"),
             StatusIs(absl::StatusCode::kInvalidArgument, "incompatible import type"));
  CHECK(instantiate(R"((module (import "env" "memory" (memory 1 3))))").ok());
}

TEST_CASE("segment traps keep earlier writes and the start function runs", "[engine]") {
  Store store;
  api::Module* shared = InstantiateWat(store, R"((module
    (memory (export "mem") 1)
    (table (export "tab") 3 funcref)
    (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))))",
                                    "shared");
  REQUIRE(store.Register("shared", shared).ok());
  absl::Status status = store.Instantiate(Context(), CompileWat(R"((module
    (import "shared" "mem" (memory 1))
    (import "shared" "tab" (table 3 funcref))
    (func $seven (result i32) (i32.const 7))
    (elem (i32.const 2) $seven)
    (elem (i32.const 3) $seven)
    (data (i32.const 0) "never")))"), "bad").status();
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "out of bounds table access"));
  // The first segment was applied; the failed instance's function stays callable.
  CHECK(CallU32(shared, "call", {EncodeU32(2)}) == 7);
  CHECK(shared->ExportedMemory("mem")->ReadByte(0) == std::optional<uint8_t>(0));

  status = store.Instantiate(Context(), CompileWat(R"((module
    (import "shared" "mem" (memory 1))
    (data (i32.const 0) "kept")
    (data (i32.const 65535) "no")))"), "bad2").status();
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "out of bounds memory access"));
  CHECK(shared->ExportedMemory("mem")->ReadByte(0) == std::optional<uint8_t>('k'));

  status = store.Instantiate(Context(), CompileWat(R"((module
    (import "shared" "mem" (memory 1))
    (func $start (i32.store8 (i32.const 1) (i32.const 0x41)) unreachable)
    (start $start)))"), "bad3").status();
  CHECK(trap::TrapCodeOf(status) == trap::TrapCode::kUnreachable);
  CHECK(shared->ExportedMemory("mem")->ReadByte(1) == std::optional<uint8_t>('A'));

  api::Module* ok = InstantiateWat(store, R"((module
    (global $g (export "g") (mut i32) (i32.const 0))
    (func $start (global.set $g (i32.const 9)))
    (start $start)))");
  CHECK(ok->ExportedGlobal("g")->Get() == 9);
}

TEST_CASE("bulk memory and table builtins trap out of bounds", "[engine]") {
  Store store;
  api::Module* m = InstantiateWat(store, R"((module
    (memory (export "mem") 1)
    (table $t 2 funcref)
    (data $d "abcdef")
    (elem $e func $f $f)
    (func $f (result i32) (i32.const 3))
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
    (func (export "init") (param i32 i32 i32) (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
    (func (export "drop") (data.drop $d))
    (func (export "table_init") (param i32 i32 i32) (table.init $t $e (local.get 0) (local.get 1) (local.get 2)))
    (func (export "table_grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
    (func (export "table_size") (result i32) (table.size $t))
    (func (export "call") (param i32) (result i32) (call_indirect $t (result i32) (local.get 0)))))");
  api::Memory* memory = m->ExportedMemory("mem");
  REQUIRE(CallStatus(m, "init", {EncodeU32(10), EncodeU32(1), EncodeU32(3)}).ok());
  CHECK(memory->ReadByte(10) == std::optional<uint8_t>('b'));
  CHECK_THAT(CallStatus(m, "init", {EncodeU32(10), EncodeU32(4), EncodeU32(3)}),
             StatusIs(absl::StatusCode::kAborted, "out of bounds memory access"));
  REQUIRE(CallStatus(m, "fill", {EncodeU32(20), EncodeU32(0x58), EncodeU32(4)}).ok());
  CHECK(memory->ReadUint32Le(20) == std::optional<uint32_t>(0x58585858));
  CHECK_THAT(CallStatus(m, "fill", {EncodeU32(65530), EncodeU32(1), EncodeU32(7)}),
             StatusIs(absl::StatusCode::kAborted, "out of bounds memory access"));
  CHECK(memory->ReadByte(65530) == std::optional<uint8_t>(0));  // nothing written
  REQUIRE(CallStatus(m, "copy", {EncodeU32(21), EncodeU32(10), EncodeU32(2)}).ok());
  CHECK(memory->ReadByte(22) == std::optional<uint8_t>('c'));
  CHECK_THAT(CallStatus(m, "copy", {EncodeU32(0), EncodeU32(65535), EncodeU32(2)}),
             StatusIs(absl::StatusCode::kAborted, "out of bounds memory access"));
  REQUIRE(CallStatus(m, "drop", {}).ok());
  CHECK_THAT(CallStatus(m, "init", {EncodeU32(0), EncodeU32(0), EncodeU32(1)}),
             StatusIs(absl::StatusCode::kAborted, "out of bounds memory access"));
  CHECK(CallStatus(m, "init", {EncodeU32(0), EncodeU32(0), EncodeU32(0)}).ok());

  CHECK(trap::TrapCodeOf(CallStatus(m, "call", {EncodeU32(0)})) ==
        trap::TrapCode::kUninitializedElement);
  REQUIRE(CallStatus(m, "table_init", {EncodeU32(0), EncodeU32(0), EncodeU32(2)}).ok());
  CHECK(CallU32(m, "call", {EncodeU32(1)}) == 3);
  CHECK_THAT(CallStatus(m, "table_init", {EncodeU32(1), EncodeU32(0), EncodeU32(2)}),
             StatusIs(absl::StatusCode::kAborted, "out of bounds table access"));
  CHECK(CallU32(m, "table_grow", {EncodeU32(3)}) == 2);
  CHECK(CallU32(m, "table_size", {}) == 5);
  CHECK(trap::TrapCodeOf(CallStatus(m, "call", {EncodeU32(5)})) ==
        trap::TrapCode::kUndefinedElement);
  CHECK(CallU32(m, "table_grow", {EncodeU32(0xffffffff)}) == 0xffffffff);
}

}  // namespace
}  // namespace kiln::runtime
