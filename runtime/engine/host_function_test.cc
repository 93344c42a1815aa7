// Typed host functions (api/typed_host_function.h) registered with HostModule::WithFunc and
// called from Wasm: the signature deduced at compile time, every value type passing bit-exactly
// through the host-call stub, void and multiple results, the call's Context, and a callable
// taking the calling module to read its memory.
#include <any>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "api/function.h"
#include "api/memory.h"
#include "api/module.h"
#include "api/typed_host_function.h"
#include "api/wasm.h"
#include "catch2/catch.hpp"
#include "runtime/engine/host_module.h"
#include "runtime/engine/store.h"
#include "runtime/engine/testing/wat_instances.h"

namespace kiln::runtime {
namespace {

using api::DecodeF32;
using api::DecodeF64;
using api::DecodeI32;
using api::DecodeU32;
using api::EncodeF32;
using api::EncodeF64;
using api::EncodeI32;
using api::EncodeI64;
using api::EncodeU32;
using api::Externref;
using api::HostSignature;
using testing::CallU32;
using testing::InstantiateWat;

// Call calls export `name` of `m` and returns its result slots, requiring success.
std::vector<uint64_t> Call(api::Module* m, const char* name, std::vector<uint64_t> params,
                           const Context& ctx = Context()) {
  api::Function* fn = m->ExportedFunction(name);
  REQUIRE(fn != nullptr);
  absl::StatusOr<std::vector<uint64_t>> results = fn->Call(ctx, params);
  REQUIRE(results.ok());
  return *results;
}

uint32_t F32Bits(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

uint64_t F64Bits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  return bits;
}

uint32_t PlainFunctionSub(uint32_t a, uint32_t b) noexcept { return a - b; }

TEST_CASE("the Wasm signature is deduced from the C++ signature", "[engine][host]") {
  auto mixed = [](int32_t, uint32_t, int64_t, uint64_t, float, double, Externref) {};
  using Mixed = HostSignature<decltype(mixed)>;
  STATIC_REQUIRE(Mixed::kParams.size() == 7);
  STATIC_REQUIRE(Mixed::kParams[0] == api::kValueTypeI32);
  STATIC_REQUIRE(Mixed::kParams[1] == api::kValueTypeI32);
  STATIC_REQUIRE(Mixed::kParams[2] == api::kValueTypeI64);
  STATIC_REQUIRE(Mixed::kParams[3] == api::kValueTypeI64);
  STATIC_REQUIRE(Mixed::kParams[4] == api::kValueTypeF32);
  STATIC_REQUIRE(Mixed::kParams[5] == api::kValueTypeF64);
  STATIC_REQUIRE(Mixed::kParams[6] == api::kValueTypeExternRef);
  STATIC_REQUIRE(Mixed::kResults.empty());
  STATIC_REQUIRE_FALSE(Mixed::kUsesModule);
  STATIC_REQUIRE_FALSE(Mixed::kTakesContext);

  auto multi = [](const Context&, api::Module&, const double& x) mutable {
    return std::make_tuple(int64_t{1}, x, Externref{});
  };
  using Multi = HostSignature<decltype(multi)>;
  STATIC_REQUIRE(Multi::kTakesContext);
  STATIC_REQUIRE(Multi::kUsesModule);
  STATIC_REQUIRE(Multi::kParams.size() == 1);
  STATIC_REQUIRE(Multi::kParams[0] == api::kValueTypeF64);
  STATIC_REQUIRE(Multi::kResults.size() == 3);
  STATIC_REQUIRE(Multi::kResults[0] == api::kValueTypeI64);
  STATIC_REQUIRE(Multi::kResults[1] == api::kValueTypeF64);
  STATIC_REQUIRE(Multi::kResults[2] == api::kValueTypeExternRef);

  using Plain = HostSignature<decltype(&PlainFunctionSub)>;
  STATIC_REQUIRE(Plain::kParams.size() == 2);
  STATIC_REQUIRE(Plain::kResults.size() == 1);
  STATIC_REQUIRE(Plain::kResults[0] == api::kValueTypeI32);

  // The adapter picks the interface from the signature.
  auto module_fn = api::NewTypedHostFunction([](api::Module&, float) {});
  auto plain_fn = api::NewTypedHostFunction(&PlainFunctionSub);
  STATIC_REQUIRE(std::is_same_v<decltype(module_fn), std::unique_ptr<api::HostModuleFunction>>);
  STATIC_REQUIRE(std::is_same_v<decltype(plain_fn), std::unique_ptr<api::HostFunction>>);
  // Called directly on a stack, a typed function decodes params and encodes results in place.
  std::vector<uint64_t> stack = {EncodeU32(10), EncodeU32(3)};
  plain_fn->Call(Context(), absl::MakeSpan(stack));
  CHECK(stack[0] == EncodeU32(7));
}

TEST_CASE("Wasm calls typed lambdas of every value type", "[engine][host]") {
  Store store;
  std::vector<std::string> log;
  int host_object = 0;
  HostModule env("env");
  env.WithFunc("add_u32", [](uint32_t a, uint32_t b) { return a + b; })
      .WithFunc("half_i32", [](int32_t a) { return a / 2; })
      .WithFunc("mul_i64", [](int64_t a, int64_t b) { return a * b; })
      .WithFunc("shr_u64", [](uint64_t a) { return a >> 60; })
      .WithFunc("neg_f32", [](float a) { return -a; })
      .WithFunc("neg_f64", [](double a) { return -a; })
      .WithFunc("sub", &PlainFunctionSub)
      .WithFunc("is_host_object",
                [&](Externref ref) {
                  return static_cast<uint32_t>(ref.value == uintptr_t(&host_object));
                })
      .WithFunc("host_object", [&] { return Externref{reinterpret_cast<uintptr_t>(&host_object)}; })
      .WithFunc("record", [&](int32_t a, int64_t b, float c, double d) mutable {
        log.push_back(std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(c) + " " +
                      std::to_string(d));
      });
  REQUIRE(store.InstantiateHost(std::move(env)).ok());

  api::Module* m = InstantiateWat(store, R"((module
    (import "env" "add_u32" (func $add_u32 (param i32 i32) (result i32)))
    (import "env" "half_i32" (func $half_i32 (param i32) (result i32)))
    (import "env" "mul_i64" (func $mul_i64 (param i64 i64) (result i64)))
    (import "env" "shr_u64" (func $shr_u64 (param i64) (result i64)))
    (import "env" "neg_f32" (func $neg_f32 (param f32) (result f32)))
    (import "env" "neg_f64" (func $neg_f64 (param f64) (result f64)))
    (import "env" "sub" (func $sub (param i32 i32) (result i32)))
    (import "env" "is_host_object" (func $is_host_object (param externref) (result i32)))
    (import "env" "host_object" (func $host_object (result externref)))
    (import "env" "record" (func $record (param i32 i64 f32 f64)))
    (func (export "add_u32") (param i32 i32) (result i32)
      (call $add_u32 (local.get 0) (local.get 1)))
    (func (export "half_i32") (param i32) (result i32) (call $half_i32 (local.get 0)))
    (func (export "mul_i64") (param i64 i64) (result i64)
      (call $mul_i64 (local.get 0) (local.get 1)))
    (func (export "shr_u64") (param i64) (result i64) (call $shr_u64 (local.get 0)))
    (func (export "neg_f32") (param f32) (result f32) (call $neg_f32 (local.get 0)))
    (func (export "neg_f64") (param f64) (result f64) (call $neg_f64 (local.get 0)))
    (func (export "sub") (param i32 i32) (result i32) (call $sub (local.get 0) (local.get 1)))
    (func (export "round_trip_ref") (result i32) (call $is_host_object (call $host_object)))
    (func (export "null_ref") (result i32) (call $is_host_object (ref.null extern)))
    (func (export "record") (param i32 i64 f32 f64)
      (call $record (local.get 0) (local.get 1) (local.get 2) (local.get 3)))))");

  CHECK(CallU32(m, "add_u32", {EncodeU32(0xffffffffu), EncodeU32(3)}) == 2);
  CHECK(DecodeI32(Call(m, "half_i32", {EncodeI32(-9)})[0]) == -4);
  CHECK(Call(m, "mul_i64", {EncodeI64(-3), EncodeI64(int64_t{1} << 40)})[0] ==
        EncodeI64(-(int64_t{3} << 40)));
  CHECK(Call(m, "shr_u64", {uint64_t{0xf000000000000000}})[0] == 15);
  CHECK(DecodeF32(Call(m, "neg_f32", {EncodeF32(1.5f)})[0]) == -1.5f);
  CHECK(DecodeF64(Call(m, "neg_f64", {EncodeF64(-0.25)})[0]) == 0.25);
  CHECK(CallU32(m, "sub", {EncodeU32(3), EncodeU32(5)}) == uint32_t(-2));
  CHECK(CallU32(m, "round_trip_ref", {}) == 1);
  CHECK(CallU32(m, "null_ref", {}) == 0);
  Call(m, "record", {EncodeI32(-1), EncodeI64(-2), EncodeF32(0.5f), EncodeF64(4.0)});
  CHECK(log == std::vector<std::string>{"-1 -2 0.500000 4.000000"});

  SECTION("NaN payloads pass bit-exactly both ways") {
    // Negation flips only the sign bit, so a quiet NaN with a payload keeps its payload.
    uint32_t f32_nan = 0x7fc01234u;
    uint64_t f64_nan = 0x7ff8000000abcdefull;
    uint64_t f32_result = Call(m, "neg_f32", {uint64_t{f32_nan}})[0];
    CHECK(static_cast<uint32_t>(f32_result) == (f32_nan | 0x80000000u));
    CHECK(Call(m, "neg_f64", {f64_nan})[0] == (f64_nan | (uint64_t{1} << 63)));
    CHECK(F32Bits(DecodeF32(f32_result)) == (f32_nan | 0x80000000u));
    CHECK(F64Bits(DecodeF64(Call(m, "neg_f64", {f64_nan})[0])) == (f64_nan | (uint64_t{1} << 63)));
  }
}

TEST_CASE("typed lambdas return multiple results through a tuple", "[engine][host]") {
  Store store;
  HostModule env("env");
  env.WithFunc("divmod", [](uint32_t a, uint32_t b) { return std::make_tuple(a / b, a % b); })
      .WithFunc("spread", [](int32_t a, double b, int64_t c) {
        return std::tuple<int64_t, double, int32_t, float>(c, b, a, static_cast<float>(b));
      });
  REQUIRE(store.InstantiateHost(std::move(env)).ok());
  api::Module* m = InstantiateWat(store, R"((module
    (import "env" "divmod" (func $divmod (param i32 i32) (result i32 i32)))
    (import "env" "spread" (func $spread (param i32 f64 i64) (result i64 f64 i32 f32)))
    (func (export "divmod") (param i32 i32) (result i32 i32)
      (call $divmod (local.get 0) (local.get 1)))
    (func (export "spread") (param i32 f64 i64) (result i64 f64 i32 f32)
      (call $spread (local.get 0) (local.get 1) (local.get 2)))
    ;; The results are usable on the Wasm stack: 100*q + r.
    (func (export "divmod_combined") (param i32 i32) (result i32)
      (local $r i32)
      (call $divmod (local.get 0) (local.get 1))
      local.set $r
      i32.const 100
      i32.mul
      local.get $r
      i32.add)))");
  CHECK(Call(m, "divmod", {EncodeU32(47), EncodeU32(5)}) ==
        std::vector<uint64_t>{EncodeU32(9), EncodeU32(2)});
  CHECK(CallU32(m, "divmod_combined", {EncodeU32(47), EncodeU32(5)}) == 902);
  std::vector<uint64_t> spread = Call(m, "spread", {EncodeI32(-7), EncodeF64(2.5), EncodeI64(-9)});
  REQUIRE(spread.size() == 4);
  CHECK(spread[0] == EncodeI64(-9));
  CHECK(DecodeF64(spread[1]) == 2.5);
  CHECK(DecodeI32(spread[2]) == -7);
  CHECK(DecodeF32(spread[3]) == 2.5f);
}

TEST_CASE("a typed lambda taking api::Module& reads the caller's memory", "[engine][host]") {
  Store store;
  std::string seen_caller;
  HostModule env("env");
  env.WithFunc("peek", [&](api::Module& caller, uint32_t offset) {
    seen_caller = std::string(caller.Name());
    return caller.Memory()->ReadUint32Le(offset).value_or(0xdeadbeef);
  });
  env.WithFunc(
      "poke_scaled", [](const Context& ctx, api::Module& caller, uint32_t offset, uint32_t value) {
        const std::any* scale = ctx.Value("scale");
        uint32_t factor = scale != nullptr ? std::any_cast<uint32_t>(*scale) : 1;
        return static_cast<uint32_t>(caller.Memory()->WriteUint32Le(offset, value * factor));
      });
  REQUIRE(store.InstantiateHost(std::move(env)).ok());
  api::Module* m = InstantiateWat(store, R"((module
    (import "env" "peek" (func $peek (param i32) (result i32)))
    (import "env" "poke_scaled" (func $poke (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "\78\56\34\12")
    (func (export "peek") (param i32) (result i32) (call $peek (local.get 0)))
    (func (export "poke_then_load") (param i32 i32) (result i32)
      (drop (call $poke (local.get 0) (local.get 1)))
      (i32.load (local.get 0)))
    (func (export "poke") (param i32 i32) (result i32) (call $poke (local.get 0) (local.get 1)))))",
                                  "reader");
  CHECK(CallU32(m, "peek", {EncodeU32(16)}) == 0x12345678u);
  CHECK(seen_caller == "reader");
  CHECK(CallU32(m, "peek", {EncodeU32(65533)}) == 0xdeadbeefu);

  Context scaled = Context().WithValue("scale", uint32_t{3});
  CHECK(DecodeU32(Call(m, "poke_then_load", {EncodeU32(32), EncodeU32(14)}, scaled)[0]) == 42);
  CHECK(CallU32(m, "poke_then_load", {EncodeU32(40), EncodeU32(14)}) == 14);
  CHECK(CallU32(m, "poke", {EncodeU32(65535), EncodeU32(1)}) == 0);
  CHECK(m->ExportedMemory("memory")->ReadUint32Le(32) == std::optional<uint32_t>(42));
}

TEST_CASE("WithFunc names params and results in the function definition", "[engine][host]") {
  Store store;
  HostModule env("env");
  env.WithFunc("divmod", [](uint32_t a, uint32_t b) { return std::make_tuple(a / b, a % b); },
               {"dividend", "divisor"}, {"quotient", "remainder"});
  env.WithFunc("unnamed", [](float x) { return x; });
  REQUIRE(store.InstantiateHost(std::move(env)).ok());
  api::Module* host = store.Lookup("env");
  REQUIRE(host != nullptr);
  std::map<std::string, const api::FunctionDefinition*> definitions =
      host->ExportedFunctionDefinitions();
  const api::FunctionDefinition& divmod = *definitions.at("divmod");
  CHECK(std::vector<std::string>(divmod.ParamNames().begin(), divmod.ParamNames().end()) ==
        std::vector<std::string>{"dividend", "divisor"});
  CHECK(std::vector<std::string>(divmod.ResultNames().begin(), divmod.ResultNames().end()) ==
        std::vector<std::string>{"quotient", "remainder"});
  CHECK(std::vector<api::ValueType>(divmod.ResultTypes().begin(), divmod.ResultTypes().end()) ==
        std::vector<api::ValueType>{api::kValueTypeI32, api::kValueTypeI32});
  CHECK(std::holds_alternative<const api::HostFunction*>(divmod.Host()));
  CHECK(definitions.at("unnamed")->ParamNames().empty());

  HostModule partial("partial");
  partial.WithFunc("f", [](uint32_t, uint32_t) {}, {"only_one"});
  absl::Status status = store.InstantiateHost(std::move(partial)).status();
  CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  CHECK(std::string(status.message()).find("names must be empty") != std::string::npos);
}

}  // namespace
}  // namespace kiln::runtime
