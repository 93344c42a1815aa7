// The typed host-function adapter on its own, without a runtime: deduced signatures, how params
// are decoded from and results encoded into the stack slots (bit-exact for floats), and which
// leading arguments (Context, Module) reach the callable. Wasm calling these functions is
// tested in runtime/engine/host_function_test.cc.
#include "api/typed_host_function.h"

#include <any>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "api/module.h"
#include "api/wasm.h"
#include "catch2/catch.hpp"

namespace kiln::api {
namespace {

// NamedModule is a module with nothing but a name, to check which module a function receives.
class NamedModule final : public Module {
 public:
  explicit NamedModule(std::string name) : name_(std::move(name)) {}
  std::string String() const override { return "Module[" + name_ + "]"; }
  absl::string_view Name() const override { return name_; }
  api::Memory* Memory() override { return nullptr; }
  api::Function* ExportedFunction(absl::string_view) override { return nullptr; }
  std::map<std::string, const FunctionDefinition*> ExportedFunctionDefinitions()
      const override {
    return {};
  }
  api::Memory* ExportedMemory(absl::string_view) override { return nullptr; }
  std::map<std::string, const MemoryDefinition*> ExportedMemoryDefinitions() const override {
    return {};
  }
  api::Global* ExportedGlobal(absl::string_view) override { return nullptr; }
  absl::Status CloseWithExitCode(const Context&, uint32_t) override { return absl::OkStatus(); }
  bool IsClosed() const override { return false; }

 private:
  std::string name_;
};

int32_t Negate(int32_t x) { return -x; }

TEST_CASE("signatures are deduced from functions, pointers and lambdas", "[api]") {
  STATIC_REQUIRE(HostSignature<decltype(Negate)>::kParams[0] == kValueTypeI32);
  STATIC_REQUIRE(HostSignature<decltype(&Negate)>::kResults[0] == kValueTypeI32);
  auto nothing = [] {};
  STATIC_REQUIRE(HostSignature<decltype(nothing)>::kParams.empty());
  STATIC_REQUIRE(HostSignature<decltype(nothing)>::kResults.empty());
  auto refs = [](const Context&, const uint64_t&, Externref) noexcept { return Externref{}; };
  using Refs = HostSignature<decltype(refs)>;
  STATIC_REQUIRE(Refs::kTakesContext);
  STATIC_REQUIRE_FALSE(Refs::kUsesModule);
  STATIC_REQUIRE(Refs::kParams.size() == 2);
  STATIC_REQUIRE(Refs::kParams[0] == kValueTypeI64);
  STATIC_REQUIRE(Refs::kParams[1] == kValueTypeExternRef);
  STATIC_REQUIRE(Refs::kResults.size() == 1);
  STATIC_REQUIRE(Refs::kResults[0] == kValueTypeExternRef);
  using Tuple1 = HostSignature<std::tuple<float> (*)(Module&)>;
  STATIC_REQUIRE(Tuple1::kUsesModule);
  STATIC_REQUIRE(Tuple1::kResults.size() == 1);
  STATIC_REQUIRE(Tuple1::kResults[0] == kValueTypeF32);
}

TEST_CASE("params are decoded from the stack and results written from slot zero", "[api]") {
  std::unique_ptr<HostFunction> negate = NewTypedHostFunction(&Negate);
  std::vector<uint64_t> stack = {EncodeI32(5)};
  negate->Call(Context(), absl::MakeSpan(stack));
  // An i32 result leaves the upper half of its slot zero, as EncodeI32 does.
  CHECK(stack[0] == 0xfffffffbu);

  // More results than params: the stack holds the larger count, and all params are decoded
  // before results overwrite them.
  auto swap_and_sum = [](uint64_t a, double b) { return std::make_tuple(b, a, a + 1); };
  std::unique_ptr<HostFunction> fn = NewTypedHostFunction(swap_and_sum);
  stack = {41, EncodeF64(-0.0), 0};
  fn->Call(Context(), absl::MakeSpan(stack));
  CHECK(stack == std::vector<uint64_t>{EncodeF64(-0.0), 41, 42});

  // Float slots pass their bits through, signalling NaN payloads included.
  float last_seen = 0;
  auto identity = [&](float x) {
    last_seen = x;
    return x;
  };
  std::unique_ptr<HostFunction> id = NewTypedHostFunction(identity);
  stack = {0x7fa00001u};
  id->Call(Context(), absl::MakeSpan(stack));
  CHECK(stack[0] == 0x7fa00001u);
  CHECK(EncodeF32(last_seen) == 0x7fa00001u);
}

TEST_CASE("the call's Context and the calling Module reach the callable", "[api]") {
  NamedModule caller("caller");
  std::string seen;
  auto fn = NewTypedHostFunction([&](const Context& ctx, Module& mod, uint32_t add) {
    seen = std::string(mod.Name());
    const std::any* base = ctx.Value("base");
    return std::any_cast<uint32_t>(*base) + add;
  });
  STATIC_REQUIRE(std::is_same_v<decltype(fn), std::unique_ptr<HostModuleFunction>>);
  std::vector<uint64_t> stack = {EncodeU32(2)};
  fn->Call(Context().WithValue("base", uint32_t{40}), caller, absl::MakeSpan(stack));
  CHECK(stack[0] == 42);
  CHECK(seen == "caller");

  // State captured by a mutable lambda persists across calls.
  auto counter = NewTypedHostFunction([n = int64_t{0}]() mutable { return ++n; });
  stack = {0};
  counter->Call(Context(), absl::MakeSpan(stack));
  counter->Call(Context(), absl::MakeSpan(stack));
  CHECK(stack[0] == 2);
}

}  // namespace
}  // namespace kiln::api
