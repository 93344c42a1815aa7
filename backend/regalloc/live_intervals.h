// Liveness and live intervals on machine IR, the input of the linear-scan allocator.
//
// Numbering: every block gets one "entry slot" followed by one slot per instruction, in layout
// order; slot s covers the two positions 2s (where the instruction reads its operands) and
// 2s+1 (where it writes its results). Allocator-inserted code always goes *between* slots, so
// an interval changes location at an even position (code in front of the instruction), or, for
// a store only, at the odd position of an instruction that reads the value for the last time
// before a stretch on the stack (the store goes in front of it; the register is free for the
// instruction's results). An operand read at 2s and written at 2s+1 (x86's two-address
// kUseDef) therefore always sits in one register. The entry slot of a block gives every block,
// even an empty one, a start position at which values can change location on incoming edges.
//
// Intervals are sets of half-open ranges [from, to). A use at slot s keeps its value live up
// to 2s+1; a def starts a range at 2s+1 (an early-clobber def at 2s, so that it overlaps the
// instruction's reads and cannot share a register with them). Liveness is the backward dataflow
// over blocks (sorted live-in/live-out vreg lists), solved one vreg at a time by walking
// from its upward-exposed reads to its writes; machine IR is not SSA, so a
// vreg may have many defs and its interval many holes. Physical-register operands become
// "fixed" intervals of their register, and a call's clobbers block each clobbered register
// for the single position 2s+1, so values live across the call cannot stay in them.
#ifndef KILN_BACKEND_REGALLOC_LIVE_INTERVALS_H_
#define KILN_BACKEND_REGALLOC_LIVE_INTERVALS_H_

#include <cstdint>
#include <vector>

#include "backend/common/machine_ir.h"
#include "backend/common/reg.h"
#include "backend/common/regalloc_target.h"

namespace kiln::backend::regalloc {

// kNoPosition is larger than every position (an interval that never ends or never meets).
inline constexpr uint32_t kNoPosition = 0xffffffffu;

// LiveRange is the half-open position range [from, to).
struct LiveRange {
  uint32_t from = 0;
  uint32_t to = 0;
};

// RegHint suggests a register for an interval: at `pos`, the vreg is copied from or to `other`
// (a vreg or a physical register); giving both the same register removes the move.
struct RegHint {
  uint32_t pos = 0;
  Reg other;
};

// Interval is the live interval of one vreg (or, once split, one piece of it), or the fixed
// interval of one physical register. Ranges and uses are sorted and ranges are disjoint.
struct Interval {
  Reg reg;  // the vreg, or the physical register of a fixed interval
  bool fixed = false;
  std::vector<LiveRange> ranges;
  std::vector<uint32_t> uses;  // positions where the value must be in a register
  // Allocation result: `assigned` is a physical register number of reg.reg_class(), or -1
  // when the piece lives in the vreg's spill slot.
  int assigned = -1;
  uint32_t root = 0;  // index of the vreg's first (unsplit) interval
  // cursor is the linear scan's place in `ranges`: no range before it ends after the scan's
  // current position (which only grows), so queries at that position start there instead of
  // searching the whole list.
  uint32_t cursor = 0;

  uint32_t start() const { return ranges.front().from; }
  uint32_t end() const { return ranges.back().to; }
  bool empty() const { return ranges.empty(); }
  bool Covers(uint32_t pos) const;
  // NextIntersection is the first position covered by both intervals and >= `from`, or
  // kNoPosition.
  uint32_t NextIntersection(const Interval& other, uint32_t from) const;
  // NextIntersectionFrom is NextIntersection when ranges[i] and other.ranges[j] are the
  // first ranges of each that end after `from` (the linear scan knows them from its cursors).
  uint32_t NextIntersectionFrom(size_t i, const Interval& other, size_t j, uint32_t from) const;
  // NextUse is the first use position >= pos, or kNoPosition.
  uint32_t NextUse(uint32_t pos) const;
  // LastUseBefore is the last use position < pos, or kNoPosition when there is none.
  uint32_t LastUseBefore(uint32_t pos) const;
};

// BlockPositions locates blocks in the numbering.
struct BlockPositions {
  uint32_t start = 0;  // even position of the entry slot
  uint32_t end = 0;    // one past the last position of the block
  uint32_t first_slot = 0;  // slot of the first instruction (entry slot + 1)
};

// LiveIntervals is the liveness of one function.
class LiveIntervals {
 public:
  // Build computes liveness of `fn` for the registers `info` may allocate.
  static LiveIntervals Build(const MachFunction& fn, const RegisterInfo& info);

  const std::vector<BlockPositions>& blocks() const { return blocks_; }
  // LiveIn / LiveOut say whether `vreg` is live on entry to / exit from `block`.
  bool LiveIn(uint32_t block, uint32_t vreg) const { return Contains(live_in_[block], vreg); }
  bool LiveOut(uint32_t block, uint32_t vreg) const { return Contains(live_out_[block], vreg); }
  // LiveInVregs lists the vregs live on entry to `block`, in increasing order.
  const std::vector<uint32_t>& LiveInVregs(uint32_t block) const { return live_in_[block]; }

  // intervals: vreg i's interval is intervals[i] (empty when the vreg is never accessed),
  // followed by one fixed interval per allocatable physical register (see FixedInterval).
  std::vector<Interval>& intervals() { return intervals_; }
  const std::vector<Interval>& intervals() const { return intervals_; }
  // FixedIntervalIndex is the index of the fixed interval of physical register (cls, n).
  uint32_t FixedIntervalIndex(RegClass cls, uint32_t n) const {
    return fixed_base_ + static_cast<uint32_t>(cls) * kMaxRegsPerClass + n;
  }
  std::vector<RegHint>& hints(uint32_t vreg) { return hints_[vreg]; }

  // BlockOfPosition is the block whose positions include `pos`.
  uint32_t BlockOfPosition(uint32_t pos) const { return block_of_slot_[pos / 2]; }
  // IsBlockStart says whether `pos` is the start position of its block.
  bool IsBlockStart(uint32_t pos) const { return blocks_[BlockOfPosition(pos)].start == pos; }
  // InstIndex is the index in its block of the instruction at slot pos/2 (-1: entry slot).
  int InstIndex(uint32_t pos) const {
    const BlockPositions& b = blocks_[BlockOfPosition(pos)];
    return static_cast<int>(pos / 2) - static_cast<int>(b.first_slot);
  }
  uint32_t num_positions() const { return static_cast<uint32_t>(block_of_slot_.size() * 2); }

 private:
  static bool Contains(const std::vector<uint32_t>& sorted, uint32_t vreg);

  std::vector<BlockPositions> blocks_;
  std::vector<uint32_t> block_of_slot_;
  // Sorted vreg lists per block: sparse, since a huge function has many vregs and blocks
  // but few values live at each block boundary.
  std::vector<std::vector<uint32_t>> live_in_;
  std::vector<std::vector<uint32_t>> live_out_;
  std::vector<Interval> intervals_;
  std::vector<std::vector<RegHint>> hints_;
  uint32_t fixed_base_ = 0;
};

}  // namespace kiln::backend::regalloc

#endif  // KILN_BACKEND_REGALLOC_LIVE_INTERVALS_H_
