#include "runtime/cache/testing/test_module.h"

#include "backend/compile.h"
#include "catch2/catch.hpp"
#include "compiler/base/sha256.h"
#include "compiler/text/wat_parser.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::runtime::cache::testing {

const absl::string_view kTestModuleWat = R"((module
  (memory 1)
  (data (i32.const 16) "\2a\00\00\00")
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func (export "div_s") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_s)
  (func (export "sum64") (param i64) (result i64) (local i64)
    (block (loop
      local.get 0 i64.eqz br_if 1
      local.get 1 local.get 0 i64.add local.set 1
      local.get 0 i64.const 1 i64.sub local.set 0
      br 0))
    local.get 1)
  (func (export "load") (param i32) (result i32)
    local.get 0 i32.load))
)";

std::vector<uint8_t> WatBytes(absl::string_view wat) {
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(wat);
  INFO(bytes.status());
  REQUIRE(bytes.ok());
  return *bytes;
}

backend::CompiledCode CompileForHost(const std::vector<uint8_t>& bytes) {
  absl::StatusOr<wasm::Module> module = wasm::Decode(bytes);
  INFO(module.status());
  REQUIRE(module.ok());
  REQUIRE(wasm::Validate(*module).ok());
  absl::StatusOr<backend::CompiledCode> code = backend::CompileModule(
      *module, vmctx::Layout::Compute(*module), backend::CompileOptions());
  INFO(code.status());
  REQUIRE(code.ok());
  return *std::move(code);
}

CacheKey HostKey(const std::vector<uint8_t>& bytes) {
  absl::StatusOr<const backend::Isa*> isa = backend::HostIsa();
  REQUIRE(isa.ok());
  CacheKey key;
  key.module_sha256 = base::Sha256Of(absl::MakeConstSpan(bytes));
  key.compiler_version = CompilerVersion();
  key.isa = (*isa)->target();
  key.cpu_features = (*isa)->cpu_features();
  key.core_features = 0x7f;
  return key;
}

}  // namespace kiln::runtime::cache::testing
