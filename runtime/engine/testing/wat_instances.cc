// The .wat test helpers: parse, decode, validate, compile, instantiate; Catch2 REQUIREs on
// every step so a failing test shows the status.
#include "runtime/engine/testing/wat_instances.h"

#include <string>

#include "api/wasm.h"
#include "catch2/catch.hpp"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "testing/status_matchers.h"

namespace kiln::runtime::testing {

std::shared_ptr<const CompiledModule> CompileWat(absl::string_view wat) {
  text::WatOptions wat_options;
  wat_options.emit_name_section = true;
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(wat, wat_options);
  INFO(bytes.status());
  REQUIRE(bytes.ok());
  absl::StatusOr<wasm::Module> module = wasm::Decode(*bytes);
  REQUIRE(module.ok());
  REQUIRE(wasm::Validate(*module).ok());
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      CompileModule(*std::move(module));
  INFO(compiled.status());
  REQUIRE(compiled.ok());
  return *compiled;
}

api::Module* InstantiateWat(Store& store, absl::string_view wat, absl::string_view name) {
  absl::StatusOr<api::Module*> instance = store.Instantiate(Context(), CompileWat(wat), name);
  INFO(instance.status());
  REQUIRE(instance.ok());
  return *instance;
}

uint32_t CallU32(api::Module* module, absl::string_view name, std::vector<uint64_t> params) {
  REQUIRE(module != nullptr);
  api::Function* function = module->ExportedFunction(name);
  REQUIRE(function != nullptr);
  absl::StatusOr<std::vector<uint64_t>> results = function->Call(Context(), params);
  INFO(results.status());
  REQUIRE(results.ok());
  REQUIRE(results->size() == 1);
  return api::DecodeU32((*results)[0]);
}

absl::Status CallStatus(api::Module* module, absl::string_view name,
                        std::vector<uint64_t> params) {
  api::Function* function = module->ExportedFunction(name);
  REQUIRE(function != nullptr);
  return function->Call(Context(), params).status();
}

}  // namespace kiln::runtime::testing
