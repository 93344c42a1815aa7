// The store and its instances through the public api headers: calling exports, traps with
// their spec messages, memories, globals, host modules, linking errors, segments and the
// start function. Modules are written as .wat, compiled by the real backend.
#include "runtime/engine/store.h"

#include <string>
#include <vector>

#include "api/function.h"
#include "api/global.h"
#include "api/memory.h"
#include "api/module.h"
#include "api/wasm.h"
#include "backend/testing/spill_all_allocator.h"
#include "catch2/catch.hpp"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/trap/trap_error.h"
#include "testing/status_matchers.h"

namespace kiln::runtime {
namespace {

using api::DecodeU32;
using api::EncodeI32;
using api::EncodeU32;
using testing::StatusIs;

std::shared_ptr<const CompiledModule> Compile(absl::string_view wat) {
  text::WatOptions wat_options;
  wat_options.emit_name_section = true;
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(wat, wat_options);
  INFO(bytes.status());
  REQUIRE(bytes.ok());
  absl::StatusOr<wasm::Module> module = wasm::Decode(*bytes);
  REQUIRE(module.ok());
  REQUIRE(wasm::Validate(*module).ok());
  // Until backend/regalloc is the default allocator, compile with the backend's test one.
  backend::CompileOptions options;
  options.allocate = &backend::testing::SpillAllAllocate;
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      CompileModule(*std::move(module), options);
  INFO(compiled.status());
  REQUIRE(compiled.ok());
  return *compiled;
}

api::Module* Instantiate(Store& store, absl::string_view wat, absl::string_view name = "m") {
  absl::StatusOr<api::Module*> instance = store.Instantiate(Context(), Compile(wat), name);
  INFO(instance.status());
  REQUIRE(instance.ok());
  return *instance;
}

uint32_t CallU32(api::Module* module, absl::string_view name, std::vector<uint64_t> params) {
  api::Function* function = module->ExportedFunction(name);
  REQUIRE(function != nullptr);
  absl::StatusOr<std::vector<uint64_t>> results = function->Call(Context(), params);
  INFO(results.status());
  REQUIRE(results.ok());
  REQUIRE(results->size() == 1);
  return DecodeU32((*results)[0]);
}

absl::Status CallStatus(api::Module* module, absl::string_view name,
                        std::vector<uint64_t> params) {
  api::Function* function = module->ExportedFunction(name);
  REQUIRE(function != nullptr);
  return function->Call(Context(), params).status();
}

TEST_CASE("exported functions are called with Call and CallWithStack", "[engine]") {
  Store store;
  api::Module* m = Instantiate(store, R"((module
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
  api::Module* m = Instantiate(store, R"((module $mod
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
  api::Module* m = Instantiate(store, R"((module $t
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

TEST_CASE("memories are shared with the embedder and grow without moving", "[engine]") {
  Store store;
  api::Module* m = Instantiate(store, R"((module
    (memory (export "mem") 1 3)
    (data (i32.const 16) "kiln")
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))))");
  api::Memory* memory = m->ExportedMemory("mem");
  REQUIRE(memory != nullptr);
  CHECK(m->Memory() == memory);
  CHECK(memory->Definition().Min() == 1);
  CHECK(memory->Definition().Max() == std::optional<uint32_t>(3));
  CHECK(m->ExportedMemoryDefinitions().at("mem") == &memory->Definition());
  std::optional<absl::Span<uint8_t>> view = memory->Read(16, 4);
  REQUIRE(view.has_value());
  CHECK(std::string(view->begin(), view->end()) == "kiln");
  REQUIRE(memory->WriteUint32Le(100, 0xdeadbeef));
  CHECK(CallU32(m, "load", {EncodeU32(100)}) == 0xdeadbeef);
  REQUIRE(CallStatus(m, "store", {EncodeU32(200), EncodeU32(77)}).ok());
  CHECK(memory->ReadUint32Le(200) == std::optional<uint32_t>(77));
  CHECK(CallU32(m, "grow", {EncodeU32(1)}) == 1);
  CHECK(memory->Size() == 2 * 65536);
  CHECK(memory->Grow(1) == std::optional<uint32_t>(2));
  CHECK(CallU32(m, "size", {}) == 3);
  CHECK(CallU32(m, "grow", {EncodeU32(1)}) == 0xffffffff);
  REQUIRE(CallStatus(m, "store", {EncodeU32(3 * 65536 - 4), EncodeU32(5)}).ok());
  CHECK(memory->ReadUint32Le(3 * 65536 - 4) == std::optional<uint32_t>(5));
}

TEST_CASE("globals are read and written through Global and MutableGlobal", "[engine]") {
  Store store;
  api::Module* m = Instantiate(store, R"((module
    (global (export "const") i32 (i32.const 42))
    (global $counter (export "counter") (mut i64) (i64.const 7))
    (global (export "pi") f64 (f64.const 3.5))
    (func (export "bump") (result i64)
      (global.set $counter (i64.add (global.get $counter) (i64.const 1)))
      (global.get $counter))))");
  api::Global* constant = m->ExportedGlobal("const");
  REQUIRE(constant != nullptr);
  CHECK(dynamic_cast<api::MutableGlobal*>(constant) == nullptr);
  CHECK(constant->Type() == api::kValueTypeI32);
  CHECK(constant->Get() == 42);
  CHECK(constant->String() == "global(i32) = 42");
  CHECK(api::DecodeF64(m->ExportedGlobal("pi")->Get()) == 3.5);
  auto* counter = dynamic_cast<api::MutableGlobal*>(m->ExportedGlobal("counter"));
  REQUIRE(counter != nullptr);
  CHECK(counter->Get() == 7);
  absl::StatusOr<std::vector<uint64_t>> bumped = m->ExportedFunction("bump")->Call(Context(), {});
  REQUIRE(bumped.ok());
  CHECK((*bumped)[0] == 8);
  CHECK(counter->Get() == 8);
  counter->Set(100);
  CHECK(m->ExportedFunction("bump")->Call(Context(), {}).value()[0] == 101);
  CHECK(m->ExportedGlobal("bump") == nullptr);
}

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

  api::Module* m = Instantiate(store, R"((module
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
  api::Module* a = Instantiate(store, R"((module
    (memory (export "mem") 1)
    (global (export "g") (mut i32) (i32.const 1))
    (table (export "tab") 2 funcref)
    (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (elem (i32.const 0) $double)))", "a");
  REQUIRE(store.Register("A", a).ok());
  api::Module* b = Instantiate(store, R"((module
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
    return store.Instantiate(Context(), Compile(wat), "x").status();
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
  api::Module* shared = Instantiate(store, R"((module
    (memory (export "mem") 1)
    (table (export "tab") 3 funcref)
    (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0)))))",
                                    "shared");
  REQUIRE(store.Register("shared", shared).ok());
  absl::Status status = store.Instantiate(Context(), Compile(R"((module
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

  status = store.Instantiate(Context(), Compile(R"((module
    (import "shared" "mem" (memory 1))
    (data (i32.const 0) "kept")
    (data (i32.const 65535) "no")))"), "bad2").status();
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "out of bounds memory access"));
  CHECK(shared->ExportedMemory("mem")->ReadByte(0) == std::optional<uint8_t>('k'));

  status = store.Instantiate(Context(), Compile(R"((module
    (import "shared" "mem" (memory 1))
    (func $start (i32.store8 (i32.const 1) (i32.const 0x41)) unreachable)
    (start $start)))"), "bad3").status();
  CHECK(trap::TrapCodeOf(status) == trap::TrapCode::kUnreachable);
  CHECK(shared->ExportedMemory("mem")->ReadByte(1) == std::optional<uint8_t>('A'));

  api::Module* ok = Instantiate(store, R"((module
    (global $g (export "g") (mut i32) (i32.const 0))
    (func $start (global.set $g (i32.const 9)))
    (start $start)))");
  CHECK(ok->ExportedGlobal("g")->Get() == 9);
}

TEST_CASE("bulk memory and table builtins trap out of bounds", "[engine]") {
  Store store;
  api::Module* m = Instantiate(store, R"((module
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

TEST_CASE("a closed module's exports cannot be called", "[engine]") {
  Store store;
  api::Module* m = Instantiate(store, R"((module (func (export "f"))))");
  api::Function* f = m->ExportedFunction("f");
  REQUIRE(f != nullptr);
  REQUIRE(m->Close(Context()).ok());
  CHECK(m->IsClosed());
  CHECK_THAT(f->Call(Context(), {}).status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "closed"));
}

}  // namespace
}  // namespace kiln::runtime
