// Sequentializing parallel moves: emit any move whose destination no pending move still reads;
// when none is left, every pending destination is some source, i.e. the rest are cycles, and
// one destination's old value is parked in a scratch location first.
#include "backend/regalloc/parallel_move.h"

#include <algorithm>

namespace kiln::backend::regalloc {

namespace {

bool SameLocation(const Move& a, Location loc_b, RegClass cls_b) {
  return a.from == loc_b && a.cls == cls_b;
}

}  // namespace

std::vector<Move> Sequentialize(std::vector<Move> moves,
                                absl::FunctionRef<Location(RegClass)> scratch) {
  moves.erase(std::remove_if(moves.begin(), moves.end(),
                             [](const Move& m) { return m.from == m.to; }),
              moves.end());
  std::vector<Move> out;
  out.reserve(moves.size() + 1);
  while (!moves.empty()) {
    bool progress = false;
    for (size_t i = 0; i < moves.size(); ++i) {
      const Move& m = moves[i];
      bool read_later = std::any_of(moves.begin(), moves.end(), [&](const Move& other) {
        return &other != &m && SameLocation(other, m.to, m.cls);
      });
      if (read_later) continue;
      out.push_back(m);
      moves.erase(moves.begin() + static_cast<std::ptrdiff_t>(i));
      progress = true;
      break;
    }
    if (progress) continue;
    // Only cycles remain: save the first destination's current value, and let its readers
    // take it from the scratch location.
    const Location blocked = moves.front().to;
    const RegClass cls = moves.front().cls;
    const Location park = scratch(cls);
    out.push_back({blocked, park, cls, Move::kNoVreg});
    for (Move& m : moves) {
      if (SameLocation(m, blocked, cls)) m.from = park;
    }
  }
  return out;
}

}  // namespace kiln::backend::regalloc
