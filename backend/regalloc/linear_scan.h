// Linear-scan register assignment with interval splitting (Wimmer and Franz, "Linear Scan
// Register Allocation on SSA Form" and Wimmer and Mössenböck, "Optimized Interval Splitting in
// a Linear Scan Register Allocator"), on the intervals of live_intervals.h.
//
// Intervals are visited by start position. Each gets the register that stays free longest
// (a move-related register if it is free for the whole interval; caller-saved registers first,
// so that only values live across calls take callee-saved ones, which the call clobbers leave
// free). When no register is free, the interval whose next use is farthest away is split: it
// keeps its register up to a split position, lives in its spill slot until just before its
// next use, and is queued again from there. Split positions are chosen where they are cheap:
// among the block boundaries between the last use and the point of conflict, the one with the
// lowest loop depth, so spill stores and reloads land outside loops when the range allows it.
//
// The result is one or more pieces ("children") per vreg, each in a register or in the vreg's
// spill slot; regalloc.cc connects them with moves inside blocks and on CFG edges.
#ifndef KILN_BACKEND_REGALLOC_LINEAR_SCAN_H_
#define KILN_BACKEND_REGALLOC_LINEAR_SCAN_H_

#include <cstdint>
#include <queue>
#include <vector>

#include "absl/status/status.h"
#include "backend/common/machine_ir.h"
#include "backend/common/regalloc_target.h"
#include "backend/regalloc/live_intervals.h"

namespace kiln::backend::regalloc {

// LinearScan assigns every vreg interval of `intervals` a register or the stack, splitting
// intervals as needed. Children are appended to intervals.intervals().
class LinearScan {
 public:
  LinearScan(LiveIntervals& intervals, const MachFunction& fn, const RegisterInfo& info);

  // Run assigns all intervals. kInternal when an instruction needs more registers at once
  // than the register file has (a lowering bug).
  absl::Status Run();

  // Children lists, per vreg, the indices of its pieces sorted by start position.
  const std::vector<std::vector<uint32_t>>& children() const { return children_; }

 private:
  struct QueueEntry {
    uint32_t start;
    uint32_t index;
    bool operator>(const QueueEntry& o) const {
      return start != o.start ? start > o.start : index > o.index;
    }
  };

  // Coverage is where a handled interval stands at the scan's current position.
  enum Coverage { kEnded, kCovers, kInHole };

  Interval& iv(uint32_t i) { return intervals_.intervals()[i]; }
  // AdvanceTo moves interval i's cursor to `pos` (positions only grow during the scan).
  Coverage AdvanceTo(uint32_t i, uint32_t pos);
  // NextIntersectionWithCurrent is iv(i).NextIntersection(iv(cur), pos) for an active or
  // inactive interval i, whose cursor is at the current position `pos`, where cur starts.
  uint32_t NextIntersectionWithCurrent(uint32_t i, uint32_t cur, uint32_t pos);
  void Enqueue(uint32_t i);
  bool TryAllocateFree(uint32_t cur);
  absl::Status AllocateBlocked(uint32_t cur);
  // Split cuts interval `i` at position `pos` (even; odd only when the child goes to the stack,
  // see SpillFrom); returns the new child (with the ranges
  // and uses at or after pos) or kNoPosition when nothing of `i` lies at or after pos.
  uint32_t Split(uint32_t i, uint32_t pos);
  // SpillFrom takes the register of interval `i` away from position `pos` on.
  absl::Status SpillFrom(uint32_t i, uint32_t pos);
  // SpillUntilNextUse puts interval `i` on the stack and queues the part from (just before)
  // its next use again; `pos` is the current position.
  absl::Status SpillUntilNextUse(uint32_t i, uint32_t pos);
  // OptimalSplitPos picks an even position in (lo, hi] where a split is legal, preferring
  // block boundaries with low loop depth; kNoPosition when there is none.
  uint32_t OptimalSplitPos(uint32_t lo, uint32_t hi) const;
  uint32_t SplitCost(uint32_t pos) const;
  bool SplitAllowed(uint32_t pos) const { return !no_split_slot_[pos / 2]; }
  int HintedRegister(uint32_t cur);
  void RemoveFromLists(uint32_t i);

  LiveIntervals& intervals_;
  const MachFunction& fn_;
  const RegisterInfo& info_;
  std::priority_queue<QueueEntry, std::vector<QueueEntry>, std::greater<QueueEntry>> unhandled_;
  std::vector<uint32_t> active_;
  std::vector<uint32_t> inactive_;
  std::vector<uint32_t> still_active_;  // Run's buffers, kept to avoid reallocating
  std::vector<uint32_t> still_inactive_;
  std::vector<std::vector<uint32_t>> children_;
  std::vector<bool> no_split_slot_;
  std::vector<uint32_t> block_start_cost_;
};

}  // namespace kiln::backend::regalloc

#endif  // KILN_BACKEND_REGALLOC_LINEAR_SCAN_H_
