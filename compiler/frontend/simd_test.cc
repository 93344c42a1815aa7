// Checks that the name-generated SIMD mapping (simd.cc) covers both tables: every Wasm vector
// operator is translated by exactly one family, and every SIMD row of the IR is reached from
// the Wasm operator spelled the same way.
#include <set>
#include <string>

#include "catch2/catch.hpp"
#include "compiler/frontend/translator.h"
#include "compiler/ssa/opcode.h"
#include "compiler/wasm/opcode.h"

namespace kiln::frontend {
namespace {

bool IsMemoryImmediate(wasm::ImmKind kind) {
  return kind == wasm::ImmKind::kMemArg || kind == wasm::ImmKind::kMemArgLane;
}

TEST_CASE("every Wasm vector operator maps to the IR row of the same name or is a memory "
          "access or v128.const",
          "[frontend][simd]") {
  int mapped = 0;
  for (int i = 0; i < static_cast<int>(wasm::Opcode::kCount); ++i) {
    const wasm::OpcodeInfo& info = wasm::Info(static_cast<wasm::Opcode>(i));
    if (info.prefix != 0xFD) continue;
    CAPTURE(info.text);
    std::optional<ssa::Opcode> op = SimdOpcodeFor(info.opcode);
    if (IsMemoryImmediate(info.immediate) || info.opcode == wasm::Opcode::kV128Const) {
      CHECK_FALSE(op.has_value());
      continue;
    }
    REQUIRE(op.has_value());
    CHECK(ssa::Name(*op) == info.text);
    ++mapped;
  }
  CHECK(mapped > 200);
}

TEST_CASE("every SIMD row of the IR is reached from a Wasm operator", "[frontend][simd]") {
  std::set<std::string> reached;
  for (int i = 0; i < static_cast<int>(wasm::Opcode::kCount); ++i) {
    if (std::optional<ssa::Opcode> op = SimdOpcodeFor(static_cast<wasm::Opcode>(i))) {
      reached.insert(std::string(ssa::Name(*op)));
    }
  }
  int simd_rows = 0;
  for (int i = 0; i < ssa::kNumOpcodes; ++i) {
    absl::string_view text = ssa::Name(static_cast<ssa::Opcode>(i));
    // The SIMD rows are the ones spelled with a lane shape ("i8x16.add", "v128.not").
    if (text.find('.') == absl::string_view::npos) continue;
    ++simd_rows;
    CAPTURE(text);
    CHECK(reached.count(std::string(text)) == 1);
  }
  CHECK(simd_rows == static_cast<int>(reached.size()));
}

}  // namespace
}  // namespace kiln::frontend
