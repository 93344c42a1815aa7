// DominatorTree on small CFGs written as SSA text: a diamond, a loop with a nested if,
// an irreducible region (two entries into a cycle), and unreachable blocks.
#include "compiler/analysis/dominators.h"

#include <string>

#include "catch2/catch.hpp"
#include "compiler/ssa/parser.h"
#include "testing/status_matchers.h"

namespace kiln::analysis {
namespace {

using ssa::Block;
using ssa::Function;

Function Parse(const std::string& text) {
  absl::StatusOr<Function> fn = ssa::ParseFunction(text);
  REQUIRE_THAT(fn.status(), kiln::testing::IsOk());
  return std::move(*fn);
}

// IdomId is the id of `id`'s immediate dominator, or -1.
int IdomId(const Function& fn, const DominatorTree& tree, uint32_t id) {
  Block* idom = tree.idom(fn.block(id));
  return idom == nullptr ? -1 : static_cast<int>(idom->id());
}

TEST_CASE("dominators of a diamond", "[analysis]") {
  Function fn = Parse(R"(function %diamond(ref, i32) {
block0(v0: ref, v1: i32):
    brif v1, block1, block2
block1:
    jump block3
block2:
    jump block3
block3:
    return
}
)");
  DominatorTree tree = DominatorTree::Compute(fn);
  CHECK(IdomId(fn, tree, 0) == -1);
  CHECK(IdomId(fn, tree, 1) == 0);
  CHECK(IdomId(fn, tree, 2) == 0);
  CHECK(IdomId(fn, tree, 3) == 0);
  CHECK(tree.Dominates(fn.block(0), fn.block(3)));
  CHECK_FALSE(tree.Dominates(fn.block(1), fn.block(3)));
  CHECK(tree.Dominates(fn.block(1), fn.block(1)));
  CHECK_FALSE(tree.StrictlyDominates(fn.block(1), fn.block(1)));
  CHECK(tree.children(fn.block(0)).size() == 3);
  CHECK(tree.preorder().front() == fn.entry());
  CHECK(tree.preorder().size() == 4);
}

TEST_CASE("dominators of a loop with an if inside", "[analysis]") {
  Function fn = Parse(R"(function %loop(ref, i32) {
block0(v0: ref, v1: i32):
    jump block1
block1:
    brif v1, block2, block5
block2:
    brif v1, block3, block4
block3:
    jump block4
block4:
    jump block1
block5:
    return
}
)");
  DominatorTree tree = DominatorTree::Compute(fn);
  CHECK(IdomId(fn, tree, 1) == 0);
  CHECK(IdomId(fn, tree, 2) == 1);
  CHECK(IdomId(fn, tree, 3) == 2);
  CHECK(IdomId(fn, tree, 4) == 2);
  CHECK(IdomId(fn, tree, 5) == 1);
  CHECK(tree.Dominates(fn.block(1), fn.block(4)));
  CHECK_FALSE(tree.Dominates(fn.block(4), fn.block(1)));
  CHECK_FALSE(tree.Dominates(fn.block(3), fn.block(4)));
}

TEST_CASE("dominators of an irreducible cycle entered twice", "[analysis]") {
  // block1 and block2 form a cycle reachable from block0 through both: neither dominates
  // the other, which is where a naive single pass over a bad order goes wrong.
  Function fn = Parse(R"(function %irreducible(ref, i32) {
block0(v0: ref, v1: i32):
    brif v1, block1, block2
block1:
    brif v1, block2, block3
block2:
    brif v1, block1, block3
block3:
    return
}
)");
  DominatorTree tree = DominatorTree::Compute(fn);
  CHECK(IdomId(fn, tree, 1) == 0);
  CHECK(IdomId(fn, tree, 2) == 0);
  CHECK(IdomId(fn, tree, 3) == 0);
  CHECK_FALSE(tree.Dominates(fn.block(1), fn.block(2)));
  CHECK_FALSE(tree.Dominates(fn.block(2), fn.block(1)));
}

TEST_CASE("unreachable blocks are outside the tree", "[analysis]") {
  Function fn = Parse(R"(function %dead(ref) {
block0(v0: ref):
    return
block1:
    jump block2
block2:
    return
}
)");
  DominatorTree tree = DominatorTree::Compute(fn);
  CHECK(tree.IsReachable(fn.block(0)));
  CHECK_FALSE(tree.IsReachable(fn.block(1)));
  CHECK_FALSE(tree.IsReachable(fn.block(2)));
  CHECK(tree.idom(fn.block(2)) == nullptr);
  CHECK_FALSE(tree.Dominates(fn.block(0), fn.block(2)));
  CHECK_FALSE(tree.Dominates(fn.block(1), fn.block(2)));
  CHECK(tree.preorder().size() == 1);
}

TEST_CASE("dominators of a long chain do not recurse", "[analysis]") {
  // 20000 blocks in a row: the preorder numbering must not use the C++ stack per block.
  std::string text = "function %chain(ref) {\nblock0(v0: ref):\n    jump block1\n";
  const int n = 20000;
  for (int i = 1; i < n; ++i) {
    text += "block" + std::to_string(i) + ":\n    jump block" + std::to_string(i + 1) + "\n";
  }
  text += "block" + std::to_string(n) + ":\n    return\n}\n";
  Function fn = Parse(text);
  DominatorTree tree = DominatorTree::Compute(fn);
  CHECK(IdomId(fn, tree, n) == n - 1);
  CHECK(tree.Dominates(fn.block(1), fn.block(n)));
  CHECK_FALSE(tree.Dominates(fn.block(n), fn.block(1)));
}

}  // namespace
}  // namespace kiln::analysis
