// Instruction-selection tests: SSA text in, machine IR text out (before allocation), checking
// the folds lower.h promises and the shapes machine_ir.h guarantees the allocator.
#include "absl/strings/match.h"
#include "backend/common/isa.h"
#include "backend/x86_64/isa.h"
#include "backend/x86_64/lower.h"
#include "catch2/catch.hpp"
#include "compiler/ssa/parser.h"

namespace kiln::backend::x86_64 {
namespace {

MachFunction LowerText(absl::string_view text) {
  auto fn = ssa::ParseFunction(text);
  INFO(fn.status().ToString());
  REQUIRE(fn.ok());
  auto mf = Lower(*fn, LowerContext{});
  INFO(mf.status().ToString());
  REQUIRE(mf.ok());
  return *std::move(mf);
}

std::string Print(const MachFunction& mf) {
  X86_64Isa isa(kCpuSse41 | kCpuPopcnt);
  return PrintFunction(mf, isa);
}

TEST_CASE("lowering folds constant operands into immediates", "[backend][x86_64][lower]") {
  MachFunction mf = LowerText(R"(
function %f(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    v2 = iconst.i32 5
    v3 = iadd.i32 v2, v1
    v4 = ishl.i32 v3, v2
    return v4
}
)");
  std::string text = Print(mf);
  CAPTURE(text);
  CHECK(absl::StrContains(text, "add.4 ud:%v3i, 5"));
  CHECK(absl::StrContains(text, "shl.4 ud:%v4i, 5"));
  CHECK_FALSE(absl::StrContains(text, "mov_imm"));
}

TEST_CASE("lowering fuses a compare into the branch that consumes it", "[backend][x86_64][lower]") {
  MachFunction mf = LowerText(R"(
function %f(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    v2 = iconst.i32 10
    v3 = icmp.i32 slt v1, v2
    brif v3, block1, block2
block1:
    return v1
block2:
    return v2
}
)");
  std::string text = Print(mf);
  CAPTURE(text);
  CHECK(absl::StrContains(text, "cmp.4 %v1i, 10\n    jcc #12 mblock2, mblock3"));
  CHECK_FALSE(absl::StrContains(text, "setcc"));
}

TEST_CASE("an interrupt poll becomes one load from the poll page", "[backend][x86_64][lower]") {
  MachFunction mf = LowerText(R"(
function %f(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    v2 = vm_load.i32 v0+16
    trapnz v2, interrupted
    return v1
}
)");
  std::string text = Print(mf);
  CAPTURE(text);
  // trapnz of the flag word with code `interrupted`: a load from [vmctx - 8], no compare,
  // no conditional trap.
  CHECK(absl::StrContains(text, "poll.4"));
  CHECK(absl::StrContains(text, "-8"));
  CHECK_FALSE(absl::StrContains(text, "cmp_mem"));
  CHECK_FALSE(absl::StrContains(text, "trap_if"));
}

TEST_CASE("other flag traps compare the flag in memory", "[backend][x86_64][lower]") {
  MachFunction mf = LowerText(R"(
function %f(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    v2 = vm_load.i32 v0+20
    trapnz v2, interrupted
    v3 = vm_load.i32 v0+16
    trapnz v3, unreachable
    v4 = vm_load.i32 v0+20
    v5 = iadd.i32 v1, v4
    trapnz v4, interrupted
    return v5
}
)");
  std::string text = Print(mf);
  CAPTURE(text);
  // Another word, or another trap code: the load feeds only the trap right after it, so it
  // is compared in memory without a register.
  CHECK(absl::StrContains(text, "cmp_mem.4"));
  CHECK(absl::StrContains(text, "+20"));
  CHECK(absl::StrContains(text, "+16"));
  CHECK_FALSE(absl::StrContains(text, "poll"));
  // A load with another use is loaded into a register and tested.
  CHECK(absl::StrContains(text, "load.4"));
  CHECK(absl::StrContains(text, "test.4"));
}

TEST_CASE("block arguments become moves and critical edges are split", "[backend][x86_64][lower]") {
  MachFunction mf = LowerText(R"(
function %f(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    jump block1(v1)
block1(v2: i32):
    v3 = iconst.i32 1
    v4 = isub.i32 v2, v3
    brif v4, block1(v4), block2
block2:
    return v4
}
)");
  // Every edge leaves a one-successor block or enters a one-predecessor block.
  for (const MachBlock& block : mf.blocks) {
    for (uint32_t succ : block.succs) {
      CAPTURE(block.id, succ);
      CHECK((block.succs.size() == 1 || mf.blocks[succ].preds.size() == 1));
    }
  }
  // The loop body is inside a loop for spill placement.
  CHECK(mf.blocks[2].loop_depth == 1);
  std::string text = Print(mf);
  CAPTURE(text);
  CHECK(absl::StrContains(text, "define_args.8 d:rdi"));
}

TEST_CASE("linear-memory accesses fold base, index and offset into one operand",
          "[backend][x86_64][lower]") {
  MachFunction mf = LowerText(R"(
function %f(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    v2 = load.i32 mem0 v1+16
    return v2
}
)");
  std::string text = Print(mf);
  CAPTURE(text);
  // 0x100 marks a trap site; 4 is LoadKind::kU32.
  CHECK(absl::StrContains(text, "load.4 #260 d:%v2i, ["));
  CHECK(absl::StrContains(text, "*1+16]"));
}

TEST_CASE("SIMD operations are reported as unimplemented", "[backend][x86_64][lower]") {
  auto fn = ssa::ParseFunction(R"(
function %f(ref, v128, v128) -> v128 {
block0(v0: ref, v1: v128, v2: v128):
    v3 = i32x4.add v1, v2
    return v3
}
)");
  REQUIRE(fn.ok());
  auto mf = Lower(*fn, LowerContext{});
  REQUIRE_FALSE(mf.ok());
  CHECK(mf.status().code() == absl::StatusCode::kUnimplemented);
  CHECK(absl::StrContains(mf.status().message(), "i32x4.add"));
}

}  // namespace
}  // namespace kiln::backend::x86_64
