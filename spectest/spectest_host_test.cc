// Tests of the `spectest` host module's description: the exports the spec's scripts import,
// with the reference interpreter's types and values, and the print functions' text.
#include "spectest/spectest_host.h"

#include <string>
#include <variant>
#include <vector>

#include "api/wasm.h"
#include "catch2/catch.hpp"

namespace kiln::spectest {
namespace {

TEST_CASE("spectest exports the print functions with the reference signatures",
          "[spectest][host]") {
  runtime::HostModule module = MakeSpectestModule();
  CHECK(module.name() == "spectest");
  std::vector<std::pair<std::string, std::vector<api::ValueType>>> expected = {
      {"print", {}},
      {"print_i32", {api::kValueTypeI32}},
      {"print_i64", {api::kValueTypeI64}},
      {"print_f32", {api::kValueTypeF32}},
      {"print_f64", {api::kValueTypeF64}},
      {"print_i32_f32", {api::kValueTypeI32, api::kValueTypeF32}},
      {"print_f64_f64", {api::kValueTypeF64, api::kValueTypeF64}},
  };
  REQUIRE(module.functions().size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const runtime::HostModule::Function& fn = module.functions()[i];
    CAPTURE(fn.name);
    CHECK(fn.name == expected[i].first);
    CHECK(fn.params == expected[i].second);
    CHECK(fn.results.empty());
  }
}

TEST_CASE("spectest exports immutable 666 globals, a 10..20 funcref table and a 1..2 memory",
          "[spectest][host]") {
  runtime::HostModule module = MakeSpectestModule();
  REQUIRE(module.globals().size() == 4);
  CHECK(module.globals()[0].name == "global_i32");
  CHECK(module.globals()[0].value == 666);
  CHECK(module.globals()[1].name == "global_i64");
  CHECK(module.globals()[1].type == api::kValueTypeI64);
  CHECK(module.globals()[1].value == 666);
  CHECK(module.globals()[2].name == "global_f32");
  CHECK(module.globals()[2].value == 0x4426a666);  // 666.6f
  CHECK(module.globals()[3].name == "global_f64");
  CHECK(module.globals()[3].value == 0x4084d4cccccccccd);  // 666.6
  for (const runtime::HostModule::Global& global : module.globals()) {
    CHECK_FALSE(global.is_mutable);
  }
  REQUIRE(module.tables().size() == 1);
  CHECK(module.tables()[0].name == "table");
  CHECK(module.tables()[0].element == api::kValueTypeFuncRef);
  CHECK(module.tables()[0].min == 10);
  CHECK(module.tables()[0].max == 20u);
  REQUIRE(module.memories().size() == 1);
  CHECK(module.memories()[0].name == "memory");
  CHECK(module.memories()[0].min == 1);
  CHECK(module.memories()[0].max == 2u);
}

TEST_CASE("spectest print functions write one line per call to the sink", "[spectest][host]") {
  std::vector<std::string> lines;
  runtime::HostModule module =
      MakeSpectestModule([&](absl::string_view line) { lines.emplace_back(line); });
  auto call = [&](size_t index, std::vector<uint64_t> stack) {
    auto& impl = module.functions()[index].impl;
    REQUIRE(std::holds_alternative<std::unique_ptr<api::HostFunction>>(impl));
    std::get<std::unique_ptr<api::HostFunction>>(impl)->Call(Context::Background(),
                                                              absl::MakeSpan(stack));
  };
  call(1, {api::EncodeI32(-7)});
  call(5, {api::EncodeI32(1), api::EncodeF32(1.5f)});
  call(0, {});
  CHECK(lines == std::vector<std::string>{"-7 : i32", "1 : i32 1.5 : f32", ""});

  runtime::HostModule quiet = MakeSpectestModule();
  std::vector<uint64_t> stack = {1};
  std::get<std::unique_ptr<api::HostFunction>>(quiet.functions()[1].impl)
      ->Call(Context::Background(), absl::MakeSpan(stack));  // no sink: nothing happens
}

}  // namespace
}  // namespace kiln::spectest
