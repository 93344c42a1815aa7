// Code read back from a cache entry runs exactly as freshly compiled code does.
#include "api/wasm.h"
#include "catch2/catch.hpp"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/cache/entry_format.h"
#include "runtime/cache/testing/test_module.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/store.h"
#include "testing/status_matchers.h"

namespace kiln::runtime::cache {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;

wasm::Module DecodeValid(const std::vector<uint8_t>& bytes) {
  absl::StatusOr<wasm::Module> module = wasm::Decode(bytes);
  REQUIRE_THAT(module.status(), IsOk());
  REQUIRE_THAT(wasm::Validate(*module), IsOk());
  return *std::move(module);
}

// Calls every export of the test module and returns what each gives.
std::vector<std::string> Exercise(std::shared_ptr<const CompiledModule> compiled) {
  Store store;
  absl::StatusOr<api::Module*> instance = store.Instantiate(Context(), compiled, "m");
  REQUIRE_THAT(instance.status(), IsOk());
  std::vector<std::string> results;
  auto call = [&](absl::string_view name, std::vector<uint64_t> params) {
    absl::StatusOr<std::vector<uint64_t>> out =
        (*instance)->ExportedFunction(name)->Call(Context(), params);
    results.push_back(out.ok() ? absl::StrCat(name, " = ", (*out)[0])
                               : absl::StrCat(name, ": ", out.status().ToString()));
  };
  call("add", {api::EncodeI32(40), api::EncodeI32(2)});
  call("div_s", {api::EncodeI32(-9), api::EncodeI32(2)});
  call("div_s", {api::EncodeI32(1), api::EncodeI32(0)});
  call("sum64", {api::EncodeI64(100000)});
  call("load", {api::EncodeI32(16)});
  call("load", {api::EncodeI32(65535)});
  return results;
}

TEST_CASE("a module loaded from a cache entry runs like the freshly compiled one",
          "[cache][load]") {
  const std::vector<uint8_t> bytes = testing::WatBytes(testing::kTestModuleWat);
  backend::CompiledCode code = testing::CompileForHost(bytes);
  std::vector<uint8_t> entry = SerializeEntry(testing::HostKey(bytes), code);
  auto parsed = ParseEntry(entry);
  REQUIRE_THAT(parsed.status(), IsOk());

  auto loaded = LoadCompiledModule(DecodeValid(bytes), std::move(parsed->second));
  REQUIRE_THAT(loaded.status(), IsOk());
  auto compiled = CompileModule(DecodeValid(bytes));
  REQUIRE_THAT(compiled.status(), IsOk());

  std::vector<std::string> from_cache = Exercise(*loaded);
  CHECK(from_cache == Exercise(*compiled));
  CHECK(from_cache[0] == "add = 42");
  CHECK(from_cache[3] == "sum64 = 5000050000");
  CHECK(from_cache[4] == "load = 42");
  // Traps come back through the trap table of the loaded code.
  CHECK_THAT(from_cache[2], Catch::Contains("integer divide by zero"));
  CHECK_THAT(from_cache[5], Catch::Contains("out of bounds memory access"));
}

TEST_CASE("LoadCompiledModule rejects code that does not fit the module or the host",
          "[cache][load]") {
  const std::vector<uint8_t> bytes = testing::WatBytes(testing::kTestModuleWat);
  const backend::CompiledCode code = testing::CompileForHost(bytes);
  SECTION("code of another module") {
    const std::vector<uint8_t> other = testing::WatBytes(
        "(module (func (export \"f\") (param f64) (result f64) local.get 0))");
    CHECK_THAT(LoadCompiledModule(DecodeValid(other), code).status(),
               StatusIs(absl::StatusCode::kInvalidArgument,
                        "compiled code has 4 functions but the module defines 1"));
  }
  SECTION("same function count, a type without trampolines") {
    const std::vector<uint8_t> other = testing::WatBytes(R"((module
      (func (param f32) (result f32) local.get 0) (func) (func) (func)))");
    CHECK_THAT(LoadCompiledModule(DecodeValid(other), code).status(),
               StatusIs(absl::StatusCode::kInvalidArgument,
                        "no entry trampoline for the module's function type [f32] -> [f32]"));
  }
  SECTION("a function outside the code") {
    backend::CompiledCode damaged = code;
    damaged.functions[2].offset = static_cast<uint32_t>(damaged.code.size());
    CHECK_THAT(LoadCompiledModule(DecodeValid(bytes), damaged).status(),
               StatusIs(absl::StatusCode::kInvalidArgument, "defined function 2 lies outside"));
  }
  SECTION("another ISA") {
    backend::CompiledCode other_isa = code;
    other_isa.isa = backend::TargetIsa::kAarch64;
    CHECK_THAT(LoadCompiledModule(DecodeValid(bytes), other_isa).status(),
               StatusIs(absl::StatusCode::kFailedPrecondition, "another instruction set"));
  }
  SECTION("a CPU feature the host lacks") {
    backend::CompiledCode future = code;
    future.cpu_features |= uint64_t{1} << 60;
    CHECK_THAT(LoadCompiledModule(DecodeValid(bytes), future).status(),
               StatusIs(absl::StatusCode::kFailedPrecondition, "CPU features this host lacks"));
  }
}

}  // namespace
}  // namespace kiln::runtime::cache
