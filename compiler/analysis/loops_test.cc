// Tests of natural-loop detection: single loops, nesting, several latches, sibling loops,
// irreducible cycles and loops in unreachable code. Functions are written as SSA text.
#include "compiler/analysis/loops.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"
#include "compiler/ssa/parser.h"

namespace kiln::analysis {
namespace {

// Ids lists block ids, to compare block lists readably.
std::vector<uint32_t> Ids(absl::Span<ssa::Block* const> blocks) {
  std::vector<uint32_t> ids;
  for (const ssa::Block* block : blocks) ids.push_back(block->id());
  return ids;
}

struct Analysed {
  ssa::Function fn;
  ssa::Cfg cfg;
  DominatorTree dominators;
  LoopForest loops;
};

Analysed Analyse(const std::string& text) {
  absl::StatusOr<ssa::Function> fn = ssa::ParseFunction(text);
  INFO(fn.status().ToString());
  REQUIRE(fn.ok());
  Analysed out{std::move(*fn), {}, {}, {}};
  out.cfg = ssa::Cfg::Compute(out.fn);
  out.dominators = DominatorTree::Compute(out.fn, out.cfg);
  out.loops = LoopForest::Compute(out.fn, out.cfg, out.dominators);
  return out;
}

TEST_CASE("a function without back edges has no loops", "[analysis][loops]") {
  Analysed a = Analyse(R"(function %f(i32) -> i32 {
block0(v0: i32):
    brif v0, block1, block2
block1:
    jump block2
block2:
    return v0
}
)");
  CHECK(a.loops.loops().empty());
  CHECK(a.loops.InnermostLoop(a.fn.block(1)) == Loop::kNone);
  CHECK(a.loops.Depth(a.fn.block(2)) == 0);
}

TEST_CASE("a counting loop has its header, body and latch", "[analysis][loops]") {
  Analysed a = Analyse(R"(function %f(i32) -> i32 {
block0(v0: i32):
    jump block1(v0)
block1(v1: i32):
    brif v1, block2, block3
block2:
    v2 = iconst.i32 1
    v3 = isub.i32 v1, v2
    jump block1(v3)
block3:
    return v1
}
)");
  REQUIRE(a.loops.loops().size() == 1);
  const Loop& loop = a.loops.loop(0);
  CHECK(loop.header->id() == 1);
  CHECK(Ids(loop.blocks) == std::vector<uint32_t>{1, 2});
  CHECK(Ids(loop.latches) == std::vector<uint32_t>{2});
  CHECK(loop.parent == Loop::kNone);
  CHECK(loop.depth == 1);
  CHECK(a.loops.Contains(0, a.fn.block(2)));
  CHECK_FALSE(a.loops.Contains(0, a.fn.block(3)));
  CHECK_FALSE(a.loops.Contains(0, a.fn.block(0)));
}

TEST_CASE("nested loops are numbered outer first and know their parent", "[analysis][loops]") {
  Analysed a = Analyse(R"(function %f(i32) {
block0(v0: i32):
    jump block1
block1:
    jump block2
block2:
    brif v0, block2, block3
block3:
    brif v0, block1, block4
block4:
    return
}
)");
  REQUIRE(a.loops.loops().size() == 2);
  const Loop& outer = a.loops.loop(0);
  const Loop& inner = a.loops.loop(1);
  CHECK(outer.header->id() == 1);
  CHECK(Ids(outer.blocks) == std::vector<uint32_t>{1, 2, 3});
  CHECK(inner.header->id() == 2);
  CHECK(Ids(inner.blocks) == std::vector<uint32_t>{2});
  CHECK(Ids(inner.latches) == std::vector<uint32_t>{2});
  CHECK(inner.parent == 0);
  CHECK(inner.depth == 2);
  CHECK(a.loops.InnermostLoop(a.fn.block(2)) == 1);
  CHECK(a.loops.InnermostLoop(a.fn.block(3)) == 0);
  CHECK(a.loops.Depth(a.fn.block(2)) == 2);
  CHECK(a.loops.Contains(0, a.fn.block(2)));
  CHECK_FALSE(a.loops.Contains(1, a.fn.block(3)));
}

TEST_CASE("two back edges to one header make one loop with two latches", "[analysis][loops]") {
  Analysed a = Analyse(R"(function %f(i32) {
block0(v0: i32):
    jump block1
block1:
    brif v0, block2, block3
block2:
    brif v0, block1, block4
block3:
    jump block1
block4:
    return
}
)");
  REQUIRE(a.loops.loops().size() == 1);
  CHECK(Ids(a.loops.loop(0).latches).size() == 2);
  CHECK(a.loops.loop(0).blocks.size() == 3);
  CHECK_FALSE(a.loops.Contains(0, a.fn.block(4)));
}

TEST_CASE("sibling loops are not nested", "[analysis][loops]") {
  Analysed a = Analyse(R"(function %f(i32) {
block0(v0: i32):
    jump block1
block1:
    brif v0, block1, block2
block2:
    brif v0, block2, block3
block3:
    return
}
)");
  REQUIRE(a.loops.loops().size() == 2);
  CHECK(a.loops.loop(0).parent == Loop::kNone);
  CHECK(a.loops.loop(1).parent == Loop::kNone);
  CHECK(a.loops.loop(1).depth == 1);
}

TEST_CASE("an irreducible cycle and a loop in unreachable code start no loop",
          "[analysis][loops]") {
  // block1 and block2 form a cycle entered at both blocks: neither dominates the other.
  Analysed a = Analyse(R"(function %f(i32) {
block0(v0: i32):
    brif v0, block1, block2
block1:
    brif v0, block2, block3
block2:
    brif v0, block1, block3
block3:
    return
block4:
    jump block4
}
)");
  CHECK(a.loops.loops().empty());
  CHECK(a.loops.InnermostLoop(a.fn.block(4)) == Loop::kNone);
}

}  // namespace
}  // namespace kiln::analysis
