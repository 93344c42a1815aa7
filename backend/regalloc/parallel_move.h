// Parallel moves: the copies that connect the pieces of split intervals at one program point
// (on a CFG edge, or between two instructions) all happen "at once": each destination gets the
// value its source held before any of them ran. Sequentialize orders them so that no source is
// overwritten before it is read, and breaks cycles (register permutations such as a swap on a
// loop back edge) by parking one value in a scratch location.
#ifndef KILN_BACKEND_REGALLOC_PARALLEL_MOVE_H_
#define KILN_BACKEND_REGALLOC_PARALLEL_MOVE_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "backend/common/reg.h"

namespace kiln::backend::regalloc {

// Location is where a value lives: a physical register number or a frame slot id.
struct Location {
  bool is_slot = false;
  uint32_t index = 0;

  static Location Register(uint32_t n) { return {false, n}; }
  static Location Slot(uint32_t slot) { return {true, slot}; }
  friend bool operator==(Location a, Location b) {
    return a.is_slot == b.is_slot && a.index == b.index;
  }
  friend bool operator!=(Location a, Location b) { return !(a == b); }
};

// Move copies a value of class `cls` from one location to another. `vreg` names the value
// (kNoVreg for scratch traffic) so that redundant spill stores can be found.
struct Move {
  static constexpr uint32_t kNoVreg = 0xffffffffu;
  Location from;
  Location to;
  RegClass cls = RegClass::kInt;
  uint32_t vreg = kNoVreg;
};

// Sequentialize returns `moves` (distinct destinations) as an equivalent sequence of single
// moves. Moves whose source equals their destination disappear. `scratch(cls)` is asked for a
// location (a free register, or a dedicated slot) only when a cycle has to be broken; no
// destination of `moves` may be a slot that another move reads.
std::vector<Move> Sequentialize(std::vector<Move> moves,
                                absl::FunctionRef<Location(RegClass)> scratch);

}  // namespace kiln::backend::regalloc

#endif  // KILN_BACKEND_REGALLOC_PARALLEL_MOVE_H_
