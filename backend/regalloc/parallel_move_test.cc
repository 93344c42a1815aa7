// Parallel-move sequentialization: run the produced sequence on a small machine and compare
// with the parallel semantics.
#include "backend/regalloc/parallel_move.h"

#include <map>
#include <random>
#include <utility>
#include <vector>

#include "catch2/catch.hpp"

namespace kiln::backend::regalloc {
namespace {

using Machine = std::map<std::pair<bool, uint32_t>, int>;

std::pair<bool, uint32_t> Key(Location l) { return {l.is_slot, l.index}; }

// Execute runs the sequence; every location starts holding its own number (slots + 100).
Machine Execute(const std::vector<Move>& sequence) {
  Machine m;
  for (uint32_t i = 0; i < 16; ++i) {
    m[{false, i}] = static_cast<int>(i);
    m[{true, i}] = static_cast<int>(100 + i);
  }
  for (const Move& move : sequence) m[Key(move.to)] = m[Key(move.from)];
  return m;
}

// Expect checks that every destination got its source's original value.
void Expect(const std::vector<Move>& parallel, const Machine& after) {
  Machine before = Execute({});
  for (const Move& move : parallel) {
    CAPTURE(move.from.is_slot, move.from.index, move.to.is_slot, move.to.index);
    CHECK(after.at(Key(move.to)) == before.at(Key(move.from)));
  }
}

Location R(uint32_t n) { return Location::Register(n); }
Location S(uint32_t n) { return Location::Slot(n); }

TEST_CASE("a chain of moves is ordered so no source is overwritten first",
          "[regalloc][parallel_move]") {
  std::vector<Move> moves = {{R(1), R(2)}, {R(0), R(1)}, {R(2), R(3)}};
  int scratch_calls = 0;
  std::vector<Move> seq = Sequentialize(moves, [&](RegClass) {
    ++scratch_calls;
    return R(15);
  });
  CHECK(seq.size() == 3);
  CHECK(scratch_calls == 0);
  Expect(moves, Execute(seq));
}

TEST_CASE("a swap is broken through the scratch location", "[regalloc][parallel_move]") {
  std::vector<Move> moves = {{R(0), R(1)}, {R(1), R(0)}};
  SECTION("scratch register") {
    std::vector<Move> seq = Sequentialize(moves, [](RegClass) { return R(9); });
    CHECK(seq.size() == 3);
    Expect(moves, Execute(seq));
  }
  SECTION("scratch slot") {
    std::vector<Move> seq = Sequentialize(moves, [](RegClass) { return S(7); });
    CHECK(seq.size() == 3);
    Expect(moves, Execute(seq));
  }
}

TEST_CASE("a rotation with stores, reloads and identities sequentializes correctly",
          "[regalloc][parallel_move]") {
  std::vector<Move> moves = {{R(0), R(1)}, {R(1), R(2)}, {R(2), R(0)}, {R(3), S(0)},
                             {S(1), R(3)}, {R(4), R(4)}, {R(2), S(2)}};
  std::vector<Move> seq = Sequentialize(moves, [](RegClass) { return S(9); });
  // One identity disappears; one cycle needs one extra move.
  CHECK(seq.size() == 7);
  Expect(moves, Execute(seq));
}

TEST_CASE("random permutations sequentialize correctly", "[regalloc][parallel_move]") {
  std::mt19937 rng(GENERATE(range(1u, 200u)));
  const uint32_t n = 2 + rng() % 8;
  std::vector<uint32_t> perm(n);
  for (uint32_t i = 0; i < n; ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<Move> moves;
  for (uint32_t i = 0; i < n; ++i) moves.push_back({R(i), R(perm[i])});
  // Also fan out: one source copied to a fresh register and stored.
  moves.push_back({R(0), R(n)});
  moves.push_back({R(1), S(3)});
  std::vector<Move> seq = Sequentialize(moves, [](RegClass) { return R(15); });
  Expect(moves, Execute(seq));
}

}  // namespace
}  // namespace kiln::backend::regalloc
