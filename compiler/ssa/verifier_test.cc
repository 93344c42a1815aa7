// The verifier, one rule at a time: each broken function (written as text, since the parser
// leaves semantic checks to the verifier) fails with the expected message, and a well-formed
// function with loops, unreachable blocks and calls passes.
#include "compiler/ssa/verifier.h"

#include <string>

#include "catch2/catch.hpp"
#include "compiler/ssa/builder.h"
#include "compiler/ssa/parser.h"
#include "testing/status_matchers.h"

namespace kiln::ssa {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;

absl::Status VerifyText(const std::string& text) {
  absl::StatusOr<Function> fn = ParseFunction(text);
  REQUIRE_THAT(fn.status(), IsOk());
  return Verify(*fn);
}

TEST_CASE("verifier accepts loops, unreachable blocks, calls and multi-value returns", "[ssa]") {
  CHECK_THAT(VerifyText(R"(function %ok(ref, i32) -> i32, i64 {
    sig0 = (ref, i32) -> i64
block0(v0: ref, v1: i32):
    v2 = iconst.i32 0
    jump block1(v2)
block1(v3: i32):
    v4 = iadd.i32 v3, v1
    v5 = icmp.i32 slt v4, v1
    brif v5, block1(v4), block2
block2:
    v6 = call fn0 sig0(v0, v4)
    return v4, v6
block3:
    v7 = iconst.i32 1
    jump block1(v7)
}
)"),
             IsOk());
}

TEST_CASE("verifier rejects each broken rule with a message naming the place", "[ssa]") {
  auto [text, error] = GENERATE(table<const char*, const char*>({
      // Entry block parameters must match the signature.
      {"function %f(ref, i32) {\nblock0(v0: ref):\n    return\n}\n",
       "verifier: entry block parameters (ref) do not match the signature (ref, i32) (block0)"},
      // The entry block has no predecessors.
      {"function %f(ref) {\nblock0(v0: ref):\n    jump block0\n}\n",
       "verifier: branch to the entry block in `jump block0` (block0, inst 0)"},
      // Every block ends in a terminator...
      {"function %f(ref) {\nblock0(v0: ref):\n    v1 = iconst.i32 1\n}\n",
       "verifier: block does not end in a terminator (block0)"},
      // ...and has no terminator before its end.
      {"function %f(ref) {\nblock0(v0: ref):\n    return\n    v1 = iconst.i32 1\n    return\n}\n",
       "verifier: terminator before the end of the block in `return` (block0, inst 0)"},
      // Operand types follow the table.
      {"function %f(ref, i64) {\nblock0(v0: ref, v1: i64):\n    v2 = iconst.i32 1\n"
       "    v3 = iadd.i32 v2, v1\n    return\n}\n",
       "verifier: operand 1 (v1) has type i64, expected i32 in `v3 = iadd.i32 v2, v1` (block0, "
       "v3)"},
      {"function %f(ref, f32) {\nblock0(v0: ref, v1: f32):\n    trapz v1, unreachable\n    "
       "return\n}\n",
       "verifier: operand 0 (v1) has type f32, expected an integer type"},
      {"function %f(ref) {\nblock0(v0: ref):\n    v1 = load.i32 mem0 v0\n    return\n}\n",
       "verifier: operand 0 (v0) has type ref, expected i32 in `v1 = load.i32 mem0 v0`"},
      // The controlling type fits the opcode's class.
      {"function %f(ref) {\nblock0(v0: ref):\n    v1 = iconst.f32 1\n    return\n}\n",
       "verifier: controlling type f32 is not allowed in `v1 = iconst.f32 1` (block0, v1)"},
      // Calls take their signature's arguments and return its results.
      {"function %f(ref) {\n    sig0 = (ref, i32) -> i64\nblock0(v0: ref):\n"
       "    v1 = call fn1 sig0(v0)\n    return\n}\n",
       "verifier: expected 2 operands, got 1 in `v1 = call fn1 sig0(v0)` (block0, v1)"},
      {"function %f(ref) {\nblock0(v0: ref):\n    v1 = iconst.i64 1\n"
       "    call_builtin data_drop(v0, v1)\n    return\n}\n",
       "verifier: operand 1 (v1) has type i64, expected i32 in `call_builtin data_drop(v0, v1)` "
       "(block0, inst 1)"},
      // return returns the signature's results.
      {"function %f(ref) -> i32 {\nblock0(v0: ref):\n    return\n}\n",
       "verifier: expected 1 operands, got 0 in `return` (block0, inst 0)"},
      // Block calls pass one argument per parameter, of its type.
      {"function %f(ref) {\nblock0(v0: ref):\n    jump block1\nblock1(v1: i32):\n    return\n}\n",
       "verifier: block1 takes 1 arguments, got 0 in `jump block1` (block0, inst 0)"},
      {"function %f(ref) {\nblock0(v0: ref):\n    jump block1(v0)\nblock1(v1: i32):\n    "
       "return\n}\n",
       "verifier: argument 0 to block1 (v0) has type ref, expected i32"},
      // Definitions dominate their uses: across blocks...
      {"function %f(ref, i32) {\nblock0(v0: ref, v1: i32):\n    brif v1, block1, block2\n"
       "block1:\n    v2 = iconst.i32 1\n    jump block2\nblock2:\n    v3 = iadd.i32 v2, v2\n"
       "    return\n}\n",
       "verifier: v2 does not dominate this use in `v3 = iadd.i32 v2, v2` (block2, v3)"},
      // ...within a block...
      {"function %f(ref) {\nblock0(v0: ref):\n    v1 = iadd.i32 v2, v2\n    v2 = iconst.i32 1\n"
       "    return\n}\n",
       "verifier: v2 does not dominate this use in `v1 = iadd.i32 v2, v2` (block0, v1)"},
      // ...and for block-call arguments.
      {"function %f(ref, i32) {\nblock0(v0: ref, v1: i32):\n    brif v1, block1, block2(v1)\n"
       "block1:\n    v2 = iconst.i32 1\n    jump block2(v2)\nblock2(v3: i32):\n"
       "    jump block3(v2)\nblock3(v4: i32):\n    return\n}\n",
       "verifier: v2 does not dominate this use in `jump block3(v2)` (block2, inst 0)"},
      // A value defined only in an unreachable block cannot be used by reachable code.
      {"function %f(ref) {\nblock0(v0: ref):\n    return v1\nblock1:\n    v1 = iconst.i32 1\n"
       "    return v1\n}\n",
       "expected 0 operands, got 1"},
      {"function %f(ref) -> i32 {\nblock0(v0: ref):\n    return v1\nblock1:\n    v1 = iconst.i32 "
       "1\n"
       "    return v1\n}\n",
       "verifier: v1 does not dominate this use in `return v1` (block0, inst 0)"},
      // Immediates are in range.
      {"function %f(ref) {\nblock0(v0: ref):\n    v1 = vconst 0x0\n    v2 = i32x4.extract_lane v1, "
       "4\n"
       "    return\n}\n",
       "verifier: lane index out of range in `v2 = i32x4.extract_lane v1, 4` (block0, v2)"},
      {"function %f(ref) {\nblock0(v0: ref):\n    v1 = vconst 0x0\n"
       "    v2 = i8x16.shuffle v1, v1, [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 32]\n    return\n}\n",
       "verifier: shuffle lane index out of range"},
  }));
  CAPTURE(text);
  CHECK_THAT(VerifyText(text), StatusIs(absl::StatusCode::kInternal, error));
}

TEST_CASE("verifier catches what only the API can break", "[ssa]") {
  Function fn("api", Signature{{Type::kRef}, {}});
  Block* entry = fn.CreateBlock();
  fn.AddBlockParam(entry, Type::kRef);
  Builder b(fn);
  b.SetInsertPoint(entry);
  Value one = b.Iconst(Type::kI32, 1);
  Value sum = b.Binary(Opcode::kIadd, one, one);
  b.Return({});
  REQUIRE_THAT(Verify(fn), IsOk());

  SECTION("an operand whose definition was removed") {
    fn.RemoveInst(fn.def(one).inst);
    CHECK_THAT(Verify(fn),
               StatusIs(absl::StatusCode::kInternal, "verifier: operand 0 is undefined value v1"));
  }
  SECTION("results that disagree with the table") {
    fn.def(sum).inst->set_opcode(Opcode::kIcmp, Type::kI64);
    CHECK_THAT(Verify(fn), StatusIs(absl::StatusCode::kInternal, "has type i32, expected i64"));
  }
  SECTION("an i32 constant with high bits") {
    fn.def(one).inst->imm = uint64_t{1} << 40;
    CHECK_THAT(Verify(fn), StatusIs(absl::StatusCode::kInternal,
                                    "verifier: i32 constant has bits above bit 31"));
  }
  SECTION("a branch to a removed block") {
    Block* other = fn.CreateBlock();
    b.SetInsertPoint(other);
    b.Return({});
    Inst* ret = entry->last();
    fn.RemoveInst(ret);
    b.SetInsertPoint(entry);
    b.Jump(other, {});
    fn.RemoveBlock(other);
    CHECK_THAT(Verify(fn), StatusIs(absl::StatusCode::kInternal,
                                    "verifier: branch to a block that is not in the function"));
  }
  SECTION("a function without blocks") {
    Function empty("empty", Signature{});
    CHECK_THAT(Verify(empty),
               StatusIs(absl::StatusCode::kInternal, "verifier: function has no blocks"));
  }
}

}  // namespace
}  // namespace kiln::ssa
