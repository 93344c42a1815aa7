// Tests of the vmctx layout: header offsets, imported versus defined entities, alignment of
// globals, and that no two records overlap.
#include "compiler/vmctx/layout.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "catch2/catch.hpp"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"

namespace kiln::vmctx {
namespace {

wasm::Module Decode(const char* wat) {
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(wat);
  REQUIRE(bytes.ok());
  absl::StatusOr<wasm::Module> module = wasm::Decode(*bytes);
  REQUIRE(module.ok());
  return *std::move(module);
}

constexpr char kMixed[] = R"(
  (module
    (type $t0 (func))
    (type $t1 (func (param i32) (result i32)))
    (import "env" "f" (func $f (type $t0)))
    (import "env" "m" (memory 1))
    (import "env" "t" (table 1 funcref))
    (import "env" "g" (global $g (mut i64)))
    (memory 1)
    (table 2 externref)
    (global i32 (i32.const 1))
    (global v128 (v128.const i64x2 0 0))
    (global f64 (f64.const 0))
    (func (type $t1) (local.get 0)))
)";

TEST_CASE("vmctx header fields sit at fixed offsets", "[vmctx]") {
  Layout layout = Layout::Compute(Decode("(module)"));
  CHECK(kInstanceOffset == 0);
  CHECK(kStackLimitTlsOffset == 8);
  CHECK(kInterruptFlagOffset == 16);
  CHECK(kBuiltinsOffset == 24);
  CHECK(layout.size() == kHeaderSize);
}

TEST_CASE("vmctx reaches imported entities through pointers and defined ones inline",
          "[vmctx]") {
  Layout layout = Layout::Compute(Decode(kMixed));
  REQUIRE(layout.num_memories() == 2);
  REQUIRE(layout.num_tables() == 2);
  REQUIRE(layout.num_globals() == 4);
  REQUIRE(layout.num_functions() == 2);
  REQUIRE(layout.num_types() == 2);

  CHECK(layout.memory(0).through_pointer);
  CHECK_FALSE(layout.memory(1).through_pointer);
  CHECK(layout.table(0).through_pointer);
  CHECK_FALSE(layout.table(1).through_pointer);
  CHECK(layout.global(0).through_pointer);
  CHECK_FALSE(layout.global(1).through_pointer);
  // The first memory record comes right after the header: the hottest offset stays small.
  CHECK(layout.memory(0).offset == kHeaderSize);
}

TEST_CASE("vmctx globals are naturally aligned", "[vmctx]") {
  Layout layout = Layout::Compute(Decode(kMixed));
  CHECK(layout.global(1).offset % 4 == 0);
  CHECK(layout.global(2).offset % 16 == 0);  // v128
  CHECK(layout.global(3).offset % 8 == 0);   // f64
  CHECK(layout.size() % 16 == 0);
}

TEST_CASE("vmctx records do not overlap and fit in the block", "[vmctx]") {
  Layout layout = Layout::Compute(Decode(kMixed));
  std::vector<std::pair<uint32_t, uint32_t>> ranges = {{0, kHeaderSize}};
  auto add = [&](Location where, uint32_t inline_size) {
    ranges.push_back({where.offset, where.through_pointer ? kPointerSize : inline_size});
  };
  for (uint32_t i = 0; i < layout.num_memories(); ++i) add(layout.memory(i), MemoryDefinition::kSize);
  for (uint32_t i = 0; i < layout.num_tables(); ++i) add(layout.table(i), TableDefinition::kSize);
  add(layout.global(0), 8);
  add(layout.global(1), 4);
  add(layout.global(2), 16);
  add(layout.global(3), 8);
  for (uint32_t i = 0; i < layout.num_functions(); ++i) {
    ranges.push_back({layout.func_ref(i), FuncRef::kSize});
  }
  for (uint32_t i = 0; i < layout.num_types(); ++i) ranges.push_back({layout.type_id(i), 4});
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    CAPTURE(i, ranges[i - 1].first, ranges[i - 1].second, ranges[i].first);
    CHECK(ranges[i - 1].first + ranges[i - 1].second <= ranges[i].first);
  }
  CHECK(ranges.back().first + ranges.back().second <= layout.size());
}

TEST_CASE("vmctx global sizes follow the value type", "[vmctx]") {
  CHECK(GlobalValueSize(wasm::ValType::kI32) == 4);
  CHECK(GlobalValueSize(wasm::ValType::kF32) == 4);
  CHECK(GlobalValueSize(wasm::ValType::kI64) == 8);
  CHECK(GlobalValueSize(wasm::ValType::kFuncRef) == 8);
  CHECK(GlobalValueSize(wasm::ValType::kV128) == 16);
}

}  // namespace
}  // namespace kiln::vmctx
