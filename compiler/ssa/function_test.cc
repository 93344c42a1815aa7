// Function's mutation API as passes use it: replacing uses, removing and moving instructions,
// removing blocks and block parameters, counting uses, and the builder's typed helpers; each
// checked through the printed text.
#include "compiler/ssa/function.h"

#include <string>

#include "catch2/catch.hpp"
#include "compiler/ssa/builder.h"
#include "compiler/ssa/cfg.h"
#include "compiler/ssa/parser.h"
#include "compiler/ssa/printer.h"
#include "compiler/ssa/verifier.h"
#include "testing/status_matchers.h"

namespace kiln::ssa {
namespace {

using ::kiln::testing::IsOk;

Function Parse(const std::string& text) {
  absl::StatusOr<Function> fn = ParseFunction(text);
  REQUIRE_THAT(fn.status(), IsOk());
  return std::move(*fn);
}

const char* const kLoop = R"(function %loop(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    v2 = iconst.i32 0
    jump block1(v2, v2)
block1(v3: i32, v4: i32):
    v5 = iconst.i32 1
    v6 = iadd.i32 v3, v5
    v7 = iadd.i32 v4, v3
    v8 = icmp.i32 slt v6, v1
    brif v8, block1(v6, v7), block2
block2:
    return v7
}
)";

Inst* DefOf(const Function& fn, uint32_t id) { return fn.def(Value(id)).inst; }

TEST_CASE("the builder builds what the text says", "[ssa]") {
  Function fn("built", Signature{{Type::kRef, Type::kI32}, {Type::kI32}});
  Builder b(fn);
  Block* entry = fn.CreateBlock();
  Value vmctx = fn.AddBlockParam(entry, Type::kRef);
  Value x = fn.AddBlockParam(entry, Type::kI32);
  Block* exit = fn.CreateBlock();
  Value result = fn.AddBlockParam(exit, Type::kI32);
  b.SetInsertPoint(entry);
  Value c = b.Iconst(Type::kI32, 0xfffffff0u);
  Value sum = b.Binary(Opcode::kIadd, x, c);
  Value cmp = b.Icmp(IntCC::kUlt, sum, x);
  Value base = b.VmLoadReadonly(Type::kRef, vmctx, 8);
  Value loaded = b.Load(Opcode::kUload8, Type::kI32, 0, sum, 3);
  b.Store(Opcode::kStore, 0, x, 0, loaded);
  std::vector<Value> grown = b.CallBuiltin(Builtin::kMemoryGrow, {vmctx, c, x});
  b.Trapz(cmp, trap::TrapCode::kIntegerOverflow);
  (void)base;
  b.Brif(cmp, exit, {grown[0]}, exit, {loaded});
  b.SetInsertPoint(exit);
  b.Return({result});
  CHECK_THAT(Verify(fn), IsOk());
  CHECK(Print(fn) == R"(function %built(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    v3 = iconst.i32 -16
    v4 = iadd.i32 v1, v3
    v5 = icmp.i32 ult v4, v1
    v6 = vm_load_readonly.ref v0+8
    v7 = uload8.i32 mem0 v4+3
    store.i32 mem0 v1, v7
    v8 = call_builtin memory_grow(v0, v3, v1)
    trapz v5, integer_overflow
    brif v5, block1(v8), block1(v7)
block1(v2: i32):
    return v2
}
)");
}

TEST_CASE("ReplaceAllUses rewrites operands and block-call arguments", "[ssa]") {
  Function fn = Parse(kLoop);
  fn.ReplaceAllUses(Value(3), Value(2));
  CHECK(Print(fn).find("v6 = iadd.i32 v2, v5") != std::string::npos);
  CHECK(Print(fn).find("v7 = iadd.i32 v4, v2") != std::string::npos);
  std::vector<uint32_t> uses = fn.CountUses();
  CHECK(uses[3] == 0);
  CHECK(uses[2] == 4);  // jump block1(v2, v2) + two iadds
}

TEST_CASE("ReplaceUses follows chains in one walk", "[ssa]") {
  Function fn = Parse(kLoop);
  absl::flat_hash_map<Value, Value> substitution = {{Value(7), Value(6)}, {Value(6), Value(5)}};
  fn.ReplaceUses(substitution);
  std::string text = Print(fn);
  CHECK(text.find("brif v8, block1(v5, v5), block2") != std::string::npos);
  CHECK(text.find("return v5") != std::string::npos);
}

TEST_CASE("instructions can be removed, moved before others and detached", "[ssa]") {
  Function fn = Parse(kLoop);
  Block* entry = fn.entry();
  Inst* one = DefOf(fn, 5);
  // Hoist `v5 = iconst 1` to the entry block (what LICM does).
  fn.Detach(one);
  fn.InsertBefore(entry->terminator(), one);
  CHECK(one->block() == entry);
  CHECK_THAT(Verify(fn), IsOk());
  // Remove the unused-after-rewrite v7 chain: replace uses, then remove.
  fn.ReplaceAllUses(Value(7), Value(4));
  fn.RemoveInst(DefOf(fn, 7));
  CHECK_FALSE(fn.IsDefined(Value(7)));
  CHECK_THAT(Verify(fn), IsOk());
  CHECK(Print(fn) == R"(function %loop(ref, i32) -> i32 {
block0(v0: ref, v1: i32):
    v2 = iconst.i32 0
    v5 = iconst.i32 1
    jump block1(v2, v2)
block1(v3: i32, v4: i32):
    v6 = iadd.i32 v3, v5
    v8 = icmp.i32 slt v6, v1
    brif v8, block1(v6, v4), block2
block2:
    return v4
}
)");
  CHECK(fn.NumInsts() == 7);
}

TEST_CASE("removing a block parameter and its arguments keeps the function valid", "[ssa]") {
  Function fn = Parse(kLoop);
  Block* loop = fn.block(1);
  // v4 only feeds v7 and the back edge: drop v7's use first, then the parameter.
  fn.ReplaceAllUses(Value(7), Value(6));
  fn.RemoveInst(DefOf(fn, 7));
  fn.RemoveBlockParam(loop, 1);
  for (Block* block : fn.blocks()) {
    for (Inst* inst : block->insts()) {
      for (BlockCall& call : inst->targets) {
        if (call.block == loop) call.args.erase(call.args.begin() + 1);
      }
    }
  }
  CHECK_THAT(Verify(fn), IsOk());
  CHECK(fn.def(loop->params()[0]).index == 0);
  CHECK(Print(fn).find("block1(v3: i32):") != std::string::npos);
}

TEST_CASE("blocks can be created, moved in the layout and removed", "[ssa]") {
  Function fn = Parse(kLoop);
  Block* preheader = fn.CreateBlock();
  CHECK(preheader->id() == 3);
  fn.MoveBlockBefore(preheader, fn.block(1));
  // Route the entry through the preheader.
  Inst* jump = fn.entry()->terminator();
  BlockCall old = jump->targets[0];
  jump->targets[0].block = preheader;
  jump->targets[0].args.clear();
  Builder b(fn);
  b.SetInsertPoint(preheader);
  b.Jump(old.block, old.args);
  CHECK_THAT(Verify(fn), IsOk());
  std::string text = Print(fn);
  CHECK(text.find("jump block3\nblock3:\n    jump block1(v2, v2)\nblock1(") != std::string::npos);

  Cfg cfg = Cfg::Compute(fn);
  CHECK(cfg.preds(fn.block(1)).size() == 2);
  CHECK(cfg.rpo().front() == fn.entry());
  CHECK(cfg.rpo_index(preheader) == 1);

  // An unreachable block can be removed without touching anything else.
  Block* dead = fn.CreateBlock();
  b.SetInsertPoint(dead);
  b.Trap(trap::TrapCode::kUnreachable);
  CHECK_FALSE(Cfg::Compute(fn).IsReachable(dead));
  fn.RemoveBlock(dead);
  CHECK_FALSE(dead->in_layout());
  CHECK(Print(fn) == text);
}

TEST_CASE("a function keeps its blocks and instructions when moved", "[ssa]") {
  Function fn = Parse(kLoop);
  Block* loop = fn.block(1);
  Function moved = std::move(fn);
  CHECK(moved.block(1) == loop);
  CHECK(moved.entry()->terminator()->targets[0].block == loop);
  CHECK_THAT(Verify(moved), IsOk());
}

}  // namespace
}  // namespace kiln::ssa
