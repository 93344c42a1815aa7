// Definitions built from real binaries: modules written as bytes (with the text they encode
// alongside), decoded by wasm::Decode, then described the way wazero describes them.
#include "runtime/definitions/definitions.h"

#include <cstdint>
#include <string>
#include <vector>

#include "api/wasm.h"
#include "catch2/catch.hpp"
#include "compiler/wasm/decoder.h"
#include "testing/status_matchers.h"

namespace kiln::runtime {
namespace {

using ::Catch::Matchers::Equals;

// (module $calc
//   (import "env" "log" (func $log (param i32)))
//   (import "env" "mem" (memory 1 2))
//   (func $add (export "add") (export "plus") (param $a i32) (param $b i32) (result i32)
//     local.get $a local.get $b i32.add)
//   (func (param $x i64) (param i32) (result f32 f64) f32.const 0 f64.const 0))
// with its name section (module, function and local names).
const std::vector<uint8_t> kCalcModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version
    // type section: (i32) -> (), (i32 i32) -> (i32), (i64 i32) -> (f32 f64)
    0x01, 0x12, 0x03, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x02,
    0x7e, 0x7f, 0x02, 0x7d, 0x7c,
    // import section: env.log func type 0, env.mem memory {min 1, max 2}
    0x02, 0x17, 0x02, 0x03, 'e', 'n', 'v', 0x03, 'l', 'o', 'g', 0x00, 0x00, 0x03, 'e', 'n', 'v',
    0x03, 'm', 'e', 'm', 0x02, 0x01, 0x01, 0x02,
    // function section: types 1, 2
    0x03, 0x03, 0x02, 0x01, 0x02,
    // export section: "add" func 1, "plus" func 1
    0x07, 0x0e, 0x02, 0x03, 'a', 'd', 'd', 0x00, 0x01, 0x04, 'p', 'l', 'u', 's', 0x00, 0x01,
    // code section
    0x0a, 0x1a, 0x02, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, 0x10, 0x00, 0x43, 0x00,
    0x00, 0x00, 0x00, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b,
    // custom "name": module "calc"; functions 0 "log", 1 "add"; locals 1: {0 "a", 1 "b"},
    // 2: {0 "x"}
    0x00, 0x2b, 0x04, 'n', 'a', 'm', 'e', 0x00, 0x05, 0x04, 'c', 'a', 'l', 'c', 0x01, 0x0b,
    0x02, 0x00, 0x03, 'l', 'o', 'g', 0x01, 0x03, 'a', 'd', 'd', 0x02, 0x10, 0x03, 0x00, 0x00,
    0x01, 0x02, 0x00, 0x01, 'a', 0x01, 0x01, 'b', 0x02, 0x01, 0x00, 0x01, 'x'};

// (module
//   (func (export "f") (result i32) i32.const 7)
//   (memory (export "memory") (export "mem2") 3))
// without a name section.
const std::vector<uint8_t> kAnonymousModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // magic, version
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,        // type section: () -> (i32)
    0x03, 0x02, 0x01, 0x00,                          // function section: type 0
    0x05, 0x03, 0x01, 0x00, 0x03,                    // memory section: {min 3}
    // export section: "f" func 0, "memory" memory 0, "mem2" memory 0
    0x07, 0x15, 0x03, 0x01, 'f', 0x00, 0x00, 0x06, 'm', 'e', 'm', 'o', 'r', 'y', 0x02, 0x00,
    0x04, 'm', 'e', 'm', '2', 0x02, 0x00,
    0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07, 0x0b};  // code section: i32.const 7

wasm::Module DecodeOrDie(const std::vector<uint8_t>& bytes) {
  absl::StatusOr<wasm::Module> module = wasm::Decode(bytes);
  REQUIRE(module.ok());
  return *std::move(module);
}

std::vector<std::string> Strings(absl::Span<const std::string> span) {
  return std::vector<std::string>(span.begin(), span.end());
}

std::vector<api::ValueType> Types(absl::Span<const api::ValueType> span) {
  return std::vector<api::ValueType>(span.begin(), span.end());
}

TEST_CASE("function definitions cover imports then defined functions", "[runtime][definitions]") {
  const ModuleDefinitions defs = BuildDefinitions(DecodeOrDie(kCalcModule));
  REQUIRE(defs.function_count() == 3);

  SECTION("the imported function keeps its import names and its own name") {
    const api::FunctionDefinition& log = defs.Function(0);
    CHECK(log.Index() == 0);
    REQUIRE(log.Import().has_value());
    CHECK(log.Import()->module == "env");
    CHECK(log.Import()->name == "log");
    CHECK(log.Name() == "log");
    CHECK(log.DebugName() == "calc.log");
    CHECK(log.ModuleName() == "calc");
    CHECK(Types(log.ParamTypes()) == std::vector<api::ValueType>{api::kValueTypeI32});
    CHECK(log.ResultTypes().empty());
    CHECK(log.ParamNames().empty());  // the name section names no locals of $log
    CHECK(log.ExportNames().empty());
  }
  SECTION("a defined function has its export names, param names and signature") {
    const api::FunctionDefinition& add = defs.Function(1);
    CHECK_FALSE(add.Import().has_value());
    CHECK(add.Name() == "add");
    CHECK(add.DebugName() == "calc.add");
    CHECK_THAT(Strings(add.ExportNames()), Equals(std::vector<std::string>{"add", "plus"}));
    CHECK_THAT(Strings(add.ParamNames()), Equals(std::vector<std::string>{"a", "b"}));
    CHECK(Types(add.ParamTypes()) ==
          std::vector<api::ValueType>{api::kValueTypeI32, api::kValueTypeI32});
    CHECK(Types(add.ResultTypes()) == std::vector<api::ValueType>{api::kValueTypeI32});
    CHECK(add.ResultNames().empty());
    CHECK(std::holds_alternative<std::monostate>(add.Host()));
  }
  SECTION("an unnamed function is named by its index, and partial param names are dropped") {
    const api::FunctionDefinition& anon = defs.Function(2);
    CHECK(anon.Name().empty());
    CHECK(anon.DebugName() == "calc.$2");
    CHECK(anon.ParamNames().empty());  // only $x is named
    CHECK(Types(anon.ParamTypes()) ==
          std::vector<api::ValueType>{api::kValueTypeI64, api::kValueTypeI32});
    CHECK(Types(anon.ResultTypes()) ==
          std::vector<api::ValueType>{api::kValueTypeF32, api::kValueTypeF64});
  }
}

TEST_CASE("imported and exported functions are listed by import order and export name",
          "[runtime][definitions]") {
  const ModuleDefinitions defs = BuildDefinitions(DecodeOrDie(kCalcModule));
  const auto imported = defs.ImportedFunctions();
  REQUIRE(imported.size() == 1);
  CHECK(imported[0] == &defs.Function(0));

  const auto exported = defs.ExportedFunctions();
  REQUIRE(exported.size() == 2);
  CHECK(exported.at("add") == &defs.Function(1));
  CHECK(exported.at("plus") == &defs.Function(1));
}

TEST_CASE("an imported memory keeps its limits and import names", "[runtime][definitions]") {
  const ModuleDefinitions defs = BuildDefinitions(DecodeOrDie(kCalcModule));
  REQUIRE(defs.memory_count() == 1);
  const api::MemoryDefinition& mem = defs.Memory(0);
  CHECK(mem.Min() == 1);
  CHECK(mem.Max() == 2u);
  REQUIRE(mem.Import().has_value());
  CHECK(mem.Import()->module == "env");
  CHECK(mem.Import()->name == "mem");
  CHECK(mem.ExportNames().empty());
  CHECK(defs.ImportedMemories() == std::vector<const api::MemoryDefinition*>{&mem});
  CHECK(defs.ExportedMemories().empty());
}

TEST_CASE("a module without a name section names functions by index", "[runtime][definitions]") {
  const wasm::Module module = DecodeOrDie(kAnonymousModule);

  SECTION("with no module name the debug name starts with a dot") {
    const ModuleDefinitions defs = BuildDefinitions(module);
    REQUIRE(defs.function_count() == 1);
    CHECK(defs.Function(0).ModuleName().empty());
    CHECK(defs.Function(0).Name().empty());
    CHECK(defs.Function(0).DebugName() == ".$0");
    CHECK(defs.ImportedFunctions().empty());
  }
  SECTION("a module name given by the caller is used instead") {
    const ModuleDefinitions defs = BuildDefinitions(module, "guest");
    CHECK(defs.Function(0).ModuleName() == "guest");
    CHECK(defs.Function(0).DebugName() == "guest.$0");
    CHECK(defs.Memory(0).ModuleName() == "guest");
  }
}

TEST_CASE("a defined memory without a maximum is unbounded", "[runtime][definitions]") {
  const ModuleDefinitions defs = BuildDefinitions(DecodeOrDie(kAnonymousModule));
  REQUIRE(defs.memory_count() == 1);
  const api::MemoryDefinition& mem = defs.Memory(0);
  CHECK(mem.Min() == 3);
  CHECK_FALSE(mem.Max().has_value());
  CHECK_FALSE(mem.Import().has_value());
  CHECK_THAT(Strings(mem.ExportNames()), Equals(std::vector<std::string>{"memory", "mem2"}));
  const auto exported = defs.ExportedMemories();
  REQUIRE(exported.size() == 2);
  CHECK(exported.at("memory") == &mem);
  CHECK(exported.at("mem2") == &mem);
}

TEST_CASE("definitions outlive the module they were built from", "[runtime][definitions]") {
  ModuleDefinitions defs = [] {
    const wasm::Module module = DecodeOrDie(kCalcModule);
    return BuildDefinitions(module);
  }();
  const ModuleDefinitions moved = std::move(defs);
  CHECK(moved.Function(1).DebugName() == "calc.add");
  CHECK(moved.ExportedFunctions().at("plus")->Name() == "add");
}

TEST_CASE("debug names join module and function names with a dot", "[runtime][definitions]") {
  CHECK(FunctionDebugName("env", "abort", 3) == "env.abort");
  CHECK(FunctionDebugName("", "", 0) == ".$0");
  CHECK(FunctionDebugName("x.x", "x", 1) == "x.x.x");  // ambiguous by design, as in wazero
}

}  // namespace
}  // namespace kiln::runtime
