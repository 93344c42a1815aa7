// Tests of the Runtime: compiling, instantiating, naming, start functions, host modules from
// the builder, custom sections, core features, the memory limit and closing.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "api/kiln.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/instance_config.h"
#include "runtime/embedding/testing/wat_binaries.h"
#include "runtime/engine/testing/wat_instances.h"
#include "testing/status_matchers.h"

namespace kiln {
namespace {

using embedding::testing::AppendCustomSection;
using embedding::testing::WatToWasm;
using runtime::testing::CallU32;
using testing::IsOk;
using testing::StatusIs;

constexpr absl::string_view kAdd = R"((module $math
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))
  (memory (export "mem") 1 2)))";

TEST_CASE("a runtime compiles, instantiates and calls a module, then closes it",
          "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  std::vector<uint8_t> binary = WatToWasm(kAdd);

  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, binary);
  REQUIRE_THAT(compiled.status(), IsOk());
  CHECK((*compiled)->Name() == "math");
  std::map<std::string, const api::FunctionDefinition*> exports =
      (*compiled)->ExportedFunctions();
  REQUIRE(exports.count("add") == 1);
  CHECK(exports["add"]->Name() == "add");
  CHECK(exports["add"]->ParamTypes().size() == 2);
  CHECK((*compiled)->ImportedFunctions().empty());
  REQUIRE((*compiled)->ExportedMemories().count("mem") == 1);
  CHECK((*compiled)->ExportedMemories()["mem"]->Max() == 2u);

  absl::StatusOr<api::Module*> module =
      runtime->InstantiateModule(ctx, *compiled, NewModuleConfig());
  REQUIRE_THAT(module.status(), IsOk());
  CHECK((*module)->Name() == "math");
  CHECK(CallU32(*module, "add", {api::EncodeI32(40), api::EncodeI32(2)}) == 42);
  CHECK(runtime->Module("math") == *module);

  REQUIRE_THAT(runtime->Close(ctx), IsOk());
  CHECK((*module)->IsClosed());
  CHECK(runtime->Module("math") == nullptr);
  CHECK_THAT(runtime->CompileModule(ctx, binary).status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "runtime is closed"));
  CHECK_THAT(runtime->InstantiateModule(ctx, *compiled, NewModuleConfig()).status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "runtime is closed"));
  CHECK_THAT(runtime->Close(ctx), IsOk());  // idempotent
}

TEST_CASE("a malformed or invalid binary fails to compile with the decoder's message",
          "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  std::vector<uint8_t> garbage = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  CHECK_THAT(runtime->CompileModule(ctx, garbage).status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "unknown binary version"));
  CHECK_THAT(runtime->CompileModule(ctx, WatToWasm(R"((module (func (result i32) (i64.const 1))))"))
                 .status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "type mismatch"));
}

TEST_CASE("instances are named by config, by the name section or not at all",
          "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, WatToWasm(kAdd));
  REQUIRE(compiled.ok());

  absl::StatusOr<api::Module*> named =
      runtime->InstantiateModule(ctx, *compiled, NewModuleConfig().WithName("first"));
  REQUIRE_THAT(named.status(), IsOk());
  CHECK((*named)->Name() == "first");
  CHECK(runtime->Module("first") == *named);
  CHECK(runtime->Module("math") == nullptr);

  SECTION("a live name cannot be taken twice, a closed one can") {
    CHECK_THAT(
        runtime->InstantiateModule(ctx, *compiled, NewModuleConfig().WithName("first")).status(),
        StatusIs(absl::StatusCode::kAlreadyExists, "module[first] has already been instantiated"));
    REQUIRE_THAT((*named)->Close(ctx), IsOk());
    CHECK(runtime->Module("first") == nullptr);
    absl::StatusOr<api::Module*> again =
        runtime->InstantiateModule(ctx, *compiled, NewModuleConfig().WithName("first"));
    REQUIRE_THAT(again.status(), IsOk());
    CHECK(runtime->Module("first") == *again);
    CHECK(CallU32(*again, "add", {1, 2}) == 3);
  }

  SECTION("anonymous instances never conflict and are not findable") {
    for (int i = 0; i < 3; ++i) {
      absl::StatusOr<api::Module*> anonymous =
          runtime->InstantiateModule(ctx, *compiled, NewModuleConfig().WithName(""));
      REQUIRE_THAT(anonymous.status(), IsOk());
      CHECK((*anonymous)->Name().empty());
      CHECK(CallU32(*anonymous, "add", {static_cast<uint64_t>(i), 1}) == uint32_t(i + 1));
    }
    CHECK(runtime->Module("") == nullptr);
  }

  SECTION("the name section's name is the default") {
    absl::StatusOr<api::Module*> by_section =
        runtime->InstantiateModule(ctx, *compiled, NewModuleConfig());
    REQUIRE_THAT(by_section.status(), IsOk());
    CHECK(runtime->Module("math") == *by_section);
  }
}

TEST_CASE("modules import each other's exports by instance name", "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  REQUIRE_THAT(runtime->InstantiateWithConfig(ctx, WatToWasm(kAdd),
                                              NewModuleConfig().WithName("lib"))
                   .status(),
               IsOk());
  absl::StatusOr<api::Module*> user = runtime->Instantiate(ctx, WatToWasm(R"((module
    (import "lib" "add" (func $add (param i32 i32) (result i32)))
    (func (export "twice") (param i32) (result i32)
      (call $add (local.get 0) (local.get 0)))))"));
  REQUIRE_THAT(user.status(), IsOk());
  CHECK(CallU32(*user, "twice", {21}) == 42);

  CHECK_THAT(runtime->Instantiate(ctx, WatToWasm(R"((module
                 (import "nowhere" "f" (func))))"))
                 .status(),
             StatusIs(absl::StatusCode::kNotFound, "unknown import"));
}

constexpr absl::string_view kStarts = R"((module
  (global $trace (mut i32) (i32.const 0))
  (func $push (param i32)
    (global.set $trace (i32.add (i32.mul (global.get $trace) (i32.const 10)) (local.get 0))))
  (func (export "_start") (call $push (i32.const 1)))
  (func (export "init") (call $push (i32.const 2)))
  (func (export "go") (call $push (i32.const 3)))
  (func (export "fail") unreachable)
  (func (export "trace") (result i32) (global.get $trace))))";

TEST_CASE("start functions run in order after instantiation", "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, WatToWasm(kStarts));
  REQUIRE(compiled.ok());
  auto instantiate = [&](ModuleConfig config) {
    return runtime->InstantiateModule(ctx, *compiled, config.WithName(""));
  };

  absl::StatusOr<api::Module*> by_default = instantiate(NewModuleConfig());
  REQUIRE_THAT(by_default.status(), IsOk());
  CHECK(CallU32(*by_default, "trace", {}) == 1);

  absl::StatusOr<api::Module*> chosen =
      instantiate(NewModuleConfig().WithStartFunctions({"go", "missing", "init", "go"}));
  REQUIRE_THAT(chosen.status(), IsOk());
  CHECK(CallU32(*chosen, "trace", {}) == 323);

  absl::StatusOr<api::Module*> none = instantiate(NewModuleConfig().WithStartFunctions({}));
  REQUIRE_THAT(none.status(), IsOk());
  CHECK(CallU32(*none, "trace", {}) == 0);

  absl::StatusOr<api::Module*> failing =
      runtime->InstantiateModule(ctx, *compiled,
                                 NewModuleConfig().WithName("f").WithStartFunctions({"fail"}));
  CHECK_THAT(failing.status(), StatusIs(absl::StatusCode::kAborted, "unreachable"));
  // The failed instance is closed, so its name is free again.
  CHECK(runtime->Module("f") == nullptr);
  CHECK_THAT(runtime
                 ->InstantiateModule(ctx, *compiled,
                                     NewModuleConfig().WithName("f").WithStartFunctions({}))
                 .status(),
             IsOk());
}

TEST_CASE("ModuleConfig env must be well-formed", "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, WatToWasm(kAdd));
  REQUIRE(compiled.ok());
  CHECK_THAT(runtime->InstantiateModule(ctx, *compiled, NewModuleConfig().WithEnv("A=B", "c"))
                 .status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "environ key"));
  CHECK_THAT(
      runtime
          ->InstantiateModule(ctx, *compiled,
                              NewModuleConfig().WithEnv("A", std::string("x\0y", 3)))
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument, "must not contain NUL"));
}

TEST_CASE("host modules from the builder: typed and raw functions, with names",
          "[embedding][runtime][host]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  std::atomic<int> logged{0};
  absl::StatusOr<api::Module*> env =
      runtime->NewHostModuleBuilder("env")
          .NewFunctionBuilder()
          .WithFunc([](uint32_t a, uint32_t b) { return a * b; })
          .WithParameterNames({"a", "b"})
          .WithResultNames({"product"})
          .Export("mul")
          .NewFunctionBuilder()
          .WithFunc([](int64_t x) { return std::make_tuple(x >> 32, x & 0xffffffff); })
          .WithName("split64")
          .Export("split")
          .NewFunctionBuilder()
          .WithHostFunction(std::make_shared<api::HostFunc>(
                                [](const Context&, absl::Span<uint64_t> stack) {
                                  stack[0] = api::EncodeI32(api::DecodeI32(stack[0]) - 1);
                                }),
                            {api::kValueTypeI32}, {api::kValueTypeI32})
          .Export("dec")
          .NewFunctionBuilder()
          .WithHostModuleFunction(
              std::make_shared<api::HostModuleFunc>(
                  [&logged](const Context&, api::Module& caller, absl::Span<uint64_t> stack) {
                    std::optional<uint32_t> word =
                        caller.Memory()->ReadUint32Le(api::DecodeU32(stack[0]));
                    logged += static_cast<int>(word.value_or(0));
                  }),
              {api::kValueTypeI32}, {})
          .Export("log")
          .Instantiate(ctx);
  REQUIRE_THAT(env.status(), IsOk());
  CHECK(runtime->Module("env") == *env);

  std::map<std::string, const api::FunctionDefinition*> defs =
      (*env)->ExportedFunctionDefinitions();
  REQUIRE(defs.count("mul") == 1);
  CHECK(defs["mul"]->ParamNames().size() == 2);
  CHECK(defs["mul"]->ParamNames()[1] == "b");
  CHECK(defs["mul"]->ResultNames()[0] == "product");
  // An instance's definitions carry the builder's own name (WithName) beside the export name.
  REQUIRE(defs.count("split") == 1);
  CHECK(defs["split"]->Name() == "split64");
  CHECK(defs["split"]->ExportNames()[0] == "split");
  CHECK(defs["mul"]->Name() == "mul");

  absl::StatusOr<api::Module*> user = runtime->Instantiate(ctx, WatToWasm(R"((module
    (import "env" "mul" (func $mul (param i32 i32) (result i32)))
    (import "env" "split" (func $split (param i64) (result i64 i64)))
    (import "env" "dec" (func $dec (param i32) (result i32)))
    (import "env" "log" (func $log (param i32)))
    (memory 1) (data (i32.const 8) "\07\00\00\00")
    (func (export "run") (result i32) (local $high i64) (local $low i64)
      (call $log (i32.const 8))
      (call $split (i64.const 0x0000000500000006))
      (local.set $low) (local.set $high)
      (call $mul (i32.wrap_i64 (local.get $high))                ;; 5
                 (call $dec (i32.wrap_i64 (local.get $low)))))))"));  // 6 - 1
  REQUIRE_THAT(user.status(), IsOk());
  CHECK(CallU32(*user, "run", {}) == 25);
  CHECK(logged == 7);
}

TEST_CASE("a compiled host module describes its functions and instantiates many times",
          "[embedding][runtime][host]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  HostModuleBuilder builder = runtime->NewHostModuleBuilder("env");
  builder.NewFunctionBuilder()
      .WithFunc([](const Context&, double x) { return x * 2; })
      .WithName("double_it")
      .WithParameterNames({"x"})
      .Export("twice");
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled = builder.Compile(ctx);
  REQUIRE_THAT(compiled.status(), IsOk());
  CHECK((*compiled)->Name() == "env");
  std::map<std::string, const api::FunctionDefinition*> defs = (*compiled)->ExportedFunctions();
  REQUIRE(defs.count("twice") == 1);
  CHECK(defs["twice"]->Name() == "double_it");
  CHECK(defs["twice"]->DebugName() == "env.double_it");
  CHECK(defs["twice"]->ParamTypes()[0] == api::kValueTypeF64);
  CHECK(defs["twice"]->ResultTypes()[0] == api::kValueTypeF64);
  CHECK(std::holds_alternative<const api::HostFunction*>(defs["twice"]->Host()));

  for (const char* name : {"a", "b"}) {
    REQUIRE_THAT(runtime->InstantiateModule(ctx, *compiled, NewModuleConfig().WithName(name))
                     .status(),
                 IsOk());
  }
  absl::StatusOr<api::Module*> user = runtime->Instantiate(ctx, WatToWasm(R"((module
    (import "a" "twice" (func $a (param f64) (result f64)))
    (import "b" "twice" (func $b (param f64) (result f64)))
    (func (export "quad") (param f64) (result f64) (call $b (call $a (local.get 0))))))"));
  REQUIRE_THAT(user.status(), IsOk());
  absl::StatusOr<std::vector<uint64_t>> quad =
      (*user)->ExportedFunction("quad")->Call(ctx, {api::EncodeF64(1.5)});
  REQUIRE_THAT(quad.status(), IsOk());
  CHECK(api::DecodeF64((*quad)[0]) == 6.0);
}

TEST_CASE("the builder reports definition mistakes at Compile", "[embedding][runtime][host]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  CHECK_THAT(runtime->NewHostModuleBuilder("env")
                 .NewFunctionBuilder()
                 .WithParameterNames({"x"})
                 .Export("nothing")
                 .Compile(ctx)
                 .status(),
             StatusIs(absl::StatusCode::kInvalidArgument,
                      "host function env.nothing: no implementation"));
  CHECK_THAT(runtime->NewHostModuleBuilder("env")
                 .NewFunctionBuilder()
                 .WithFunc([](uint32_t x) { return x; })
                 .WithParameterNames({"x", "y"})
                 .Export("id")
                 .Compile(ctx)
                 .status(),
             StatusIs(absl::StatusCode::kInvalidArgument,
                      "host function env.id: 2 parameter names for 1 parameters"));
  CHECK_THAT(runtime->NewHostModuleBuilder("env")
                 .NewFunctionBuilder()
                 .WithHostFunction(std::make_shared<api::HostFunc>(
                                       [](const Context&, absl::Span<uint64_t>) {}),
                                   {0x12}, {})
                 .Export("bad")
                 .Compile(ctx)
                 .status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "invalid param type"));
}

TEST_CASE("a host function reaches its caller's ModuleConfig", "[embedding][runtime][host]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  std::vector<std::string> seen_args;
  REQUIRE_THAT(
      runtime->NewHostModuleBuilder("wasi")
          .NewFunctionBuilder()
          .WithFunc([&seen_args](api::Module& caller) {
            std::shared_ptr<const ModuleConfig> config = embedding::InstanceConfigOf(caller);
            if (config != nullptr) seen_args = config->args();
          })
          .Export("args")
          .Instantiate(ctx)
          .status(),
      IsOk());
  absl::StatusOr<api::Module*> app = runtime->InstantiateWithConfig(
      ctx, WatToWasm(R"((module (import "wasi" "args" (func $args))
                                (func (export "_start") (call $args))))"),
      NewModuleConfig().WithArgs({"app", "--flag"}));
  REQUIRE_THAT(app.status(), IsOk());
  CHECK(seen_args == std::vector<std::string>{"app", "--flag"});
}

TEST_CASE("custom sections are kept only when configured", "[embedding][runtime]") {
  Context ctx;
  std::vector<uint8_t> binary = WatToWasm(kAdd);
  AppendCustomSection(binary, "producers", "kiln-test");
  AppendCustomSection(binary, "extra", "");

  std::unique_ptr<Runtime> plain = NewRuntime(ctx);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> without = plain->CompileModule(ctx, binary);
  REQUIRE_THAT(without.status(), IsOk());
  CHECK((*without)->CustomSections().empty());

  std::unique_ptr<Runtime> keeping =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCustomSections(true));
  absl::StatusOr<std::shared_ptr<const CompiledModule>> with = keeping->CompileModule(ctx, binary);
  REQUIRE_THAT(with.status(), IsOk());
  std::vector<const api::CustomSection*> sections = (*with)->CustomSections();
  REQUIRE(sections.size() == 2);  // the name section is not among them
  CHECK(sections[0]->Name() == "producers");
  CHECK(std::string(sections[0]->Data().begin(), sections[0]->Data().end()) == "kiln-test");
  CHECK(sections[1]->Name() == "extra");
  CHECK(sections[1]->Data().empty());
}

TEST_CASE("a binary compiled with keep_alive is shared, not copied, and kept alive",
          "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCustomSections(true));
  std::vector<uint8_t> binary = WatToWasm(kAdd);
  AppendCustomSection(binary, "producers", "kiln-test");
  auto shared = std::make_shared<const std::vector<uint8_t>>(std::move(binary));
  std::weak_ptr<const std::vector<uint8_t>> watch = shared;
  const absl::Span<const uint8_t> bytes = absl::MakeConstSpan(*shared);

  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, bytes, std::move(shared));
  REQUIRE_THAT(compiled.status(), IsOk());
  CHECK_FALSE(watch.expired());  // the compiled module holds the buffer
  std::vector<const api::CustomSection*> sections = (*compiled)->CustomSections();
  REQUIRE(sections.size() == 1);
  // The section views the caller's buffer itself.
  CHECK(sections[0]->Data().data() >= bytes.data());
  CHECK(sections[0]->Data().data() + sections[0]->Data().size() <= bytes.data() + bytes.size());

  absl::StatusOr<api::Module*> module =
      runtime->InstantiateModule(ctx, *compiled, NewModuleConfig());
  REQUIRE_THAT(module.status(), IsOk());
  CHECK(CallU32(*module, "add", {api::EncodeI32(40), api::EncodeI32(2)}) == 42);
  REQUIRE_THAT(runtime->Close(ctx), IsOk());
  compiled->reset();
  runtime.reset();
  CHECK(watch.expired());  // and lets it go with the module
}

TEST_CASE("a module using a disabled core feature is rejected with where it uses it",
          "[embedding][runtime][features]") {
  Context ctx;
  std::vector<uint8_t> binary = WatToWasm(R"((module
    (func (export "f") (param i32) (result i32) (i32.extend8_s (local.get 0)))))");
  std::unique_ptr<Runtime> v1 =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCoreFeatures(api::kCoreFeaturesV1));
  CHECK_THAT(v1->CompileModule(ctx, binary).status(),
             StatusIs(absl::StatusCode::kInvalidArgument,
                      "feature sign-extension-ops is disabled: i32.extend8_s (func 0, offset 0x"));
  std::unique_ptr<Runtime> v2 = NewRuntime(ctx);
  absl::StatusOr<api::Module*> module = v2->Instantiate(ctx, binary);
  REQUIRE_THAT(module.status(), IsOk());
  CHECK(CallU32(*module, "f", {0x80}) == 0xffffff80u);
}

TEST_CASE("the memory limit caps memories and rejects larger ones", "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithMemoryLimitPages(3));
  CHECK_THAT(runtime->CompileModule(ctx, WatToWasm("(module (memory 4))")).status(),
             StatusIs(absl::StatusCode::kResourceExhausted,
                      "memory min of 4 pages exceeds the limit of 3 pages (memory 0)"));

  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, WatToWasm(R"((module (memory (export "mem") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))))"));
  REQUIRE_THAT(compiled.status(), IsOk());
  CHECK((*compiled)->ExportedMemories()["mem"]->Max() == 3u);
  absl::StatusOr<api::Module*> module =
      runtime->InstantiateModule(ctx, *compiled, NewModuleConfig());
  REQUIRE_THAT(module.status(), IsOk());
  CHECK(CallU32(*module, "grow", {3}) == 0xffffffffu);  // 1 + 3 > 3
  CHECK(CallU32(*module, "grow", {2}) == 1);
  CHECK(CallU32(*module, "grow", {1}) == 0xffffffffu);
}

TEST_CASE("a compiled module works only with the runtime that compiled it, until closed",
          "[embedding][runtime]") {
  Context ctx;
  std::unique_ptr<Runtime> one = NewRuntime(ctx);
  std::unique_ptr<Runtime> other = NewRuntime(ctx);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      one->CompileModule(ctx, WatToWasm(kAdd));
  REQUIRE(compiled.ok());
  CHECK_THAT(other->InstantiateModule(ctx, *compiled, NewModuleConfig()).status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "not compiled by this runtime"));
  absl::StatusOr<api::Module*> module =
      one->InstantiateModule(ctx, *compiled, NewModuleConfig());
  REQUIRE_THAT(module.status(), IsOk());
  REQUIRE_THAT((*compiled)->Close(ctx), IsOk());
  CHECK_THAT(one->InstantiateModule(ctx, *compiled, NewModuleConfig().WithName("x")).status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "compiled module is closed"));
  // Instances made before stay usable.
  CHECK(CallU32(*module, "add", {2, 2}) == 4);
}

TEST_CASE("without debug info functions are known by index only", "[embedding][runtime]") {
  Context ctx;
  std::vector<uint8_t> binary = WatToWasm(R"((module $m
    (func $crash (export "crash") unreachable)))");
  std::unique_ptr<Runtime> with_names = NewRuntime(ctx);
  std::unique_ptr<Runtime> without =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithDebugInfoEnabled(false));
  absl::StatusOr<std::shared_ptr<const CompiledModule>> named =
      with_names->CompileModule(ctx, binary);
  absl::StatusOr<std::shared_ptr<const CompiledModule>> unnamed =
      without->CompileModule(ctx, binary);
  REQUIRE(named.ok());
  REQUIRE(unnamed.ok());
  CHECK((*named)->ExportedFunctions()["crash"]->DebugName() == "m.crash");
  CHECK((*unnamed)->ExportedFunctions()["crash"]->DebugName() == "m.$0");
  CHECK((*unnamed)->Name() == "m");  // the module keeps its name: it names instances

  absl::StatusOr<api::Module*> module = without->InstantiateModule(ctx, *unnamed, NewModuleConfig());
  REQUIRE_THAT(module.status(), IsOk());
  absl::Status trap = (*module)->ExportedFunction("crash")->Call(ctx, {}).status();
  CHECK_THAT(trap, StatusIs(absl::StatusCode::kAborted, "unreachable"));
  CHECK_THAT(trap, StatusIs(absl::StatusCode::kAborted, "m.$0"));
}

TEST_CASE("host module names are unique among live modules too", "[embedding][runtime][host]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  auto build = [&] {
    return runtime->NewHostModuleBuilder("env")
        .NewFunctionBuilder()
        .WithFunc([] { return uint32_t{7}; })
        .Export("seven")
        .Instantiate(ctx);
  };
  absl::StatusOr<api::Module*> first = build();
  REQUIRE_THAT(first.status(), IsOk());
  CHECK_THAT(build().status(), StatusIs(absl::StatusCode::kAlreadyExists, "module[env]"));
  REQUIRE_THAT((*first)->Close(ctx), IsOk());
  CHECK_THAT(build().status(), IsOk());
}

}  // namespace
}  // namespace kiln
