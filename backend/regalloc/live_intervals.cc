// Liveness (backward dataflow over blocks) and live-interval construction (one backward walk
// per block, as in Wimmer and Franz's BuildIntervals, adapted to non-SSA code where a def
// shortens the range that later uses opened).
#include "backend/regalloc/live_intervals.h"

#include <algorithm>

namespace kiln::backend::regalloc {

// -- Interval queries ---------------------------------------------------------------------

bool Interval::Covers(uint32_t pos) const {
  auto it = std::upper_bound(ranges.begin(), ranges.end(), pos,
                             [](uint32_t p, const LiveRange& r) { return p < r.to; });
  return it != ranges.end() && it->from <= pos;
}

uint32_t Interval::NextIntersection(const Interval& other, uint32_t from) const {
  auto first_after = [from](const std::vector<LiveRange>& rs) {
    return static_cast<size_t>(
        std::upper_bound(rs.begin(), rs.end(), from,
                         [](uint32_t p, const LiveRange& r) { return p < r.to; }) -
        rs.begin());
  };
  size_t i = first_after(ranges);
  size_t j = first_after(other.ranges);
  while (i < ranges.size() && j < other.ranges.size()) {
    const LiveRange& a = ranges[i];
    const LiveRange& b = other.ranges[j];
    uint32_t lo = std::max({a.from, b.from, from});
    uint32_t hi = std::min(a.to, b.to);
    if (lo < hi) return lo;
    if (a.to <= b.to) {
      ++i;
    } else {
      ++j;
    }
  }
  return kNoPosition;
}

uint32_t Interval::NextUse(uint32_t pos) const {
  auto it = std::lower_bound(uses.begin(), uses.end(), pos);
  return it == uses.end() ? kNoPosition : *it;
}

uint32_t Interval::LastUseBefore(uint32_t pos) const {
  auto it = std::lower_bound(uses.begin(), uses.end(), pos);
  return it == uses.begin() ? kNoPosition : *(it - 1);
}

// -- Construction -------------------------------------------------------------------------

namespace {

// Ranges are built backwards: `ranges` holds them latest first until Finish reverses them.
void AddRangeBackward(Interval& iv, uint32_t from, uint32_t to) {
  if (!iv.ranges.empty() && iv.ranges.back().from <= to) {
    LiveRange& first = iv.ranges.back();
    first.from = std::min(first.from, from);
    first.to = std::max(first.to, to);
    return;
  }
  iv.ranges.push_back({from, to});
}

void AddUseBackward(Interval& iv, uint32_t pos) {
  if (iv.uses.empty() || iv.uses.back() != pos) iv.uses.push_back(pos);
}

// Def handles a write at `from` (2s+1, or 2s when early-clobber) of a register that may or
// may not be live after the instruction.
void DefBackward(Interval& iv, bool live_after, uint32_t from, uint32_t def_pos) {
  if (live_after && !iv.ranges.empty()) {
    iv.ranges.back().from = from;
  } else {
    AddRangeBackward(iv, from, def_pos + 1);
  }
  AddUseBackward(iv, def_pos);
}

}  // namespace

std::vector<uint32_t> LiveIntervals::LiveInVregs(uint32_t block) const {
  std::vector<uint32_t> out;
  const std::vector<uint64_t>& set = live_in_[block];
  for (size_t w = 0; w < set.size(); ++w) {
    for (uint64_t bits = set[w]; bits != 0; bits &= bits - 1) {
      out.push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(bits)));
    }
  }
  return out;
}

LiveIntervals LiveIntervals::Build(const MachFunction& fn, const RegisterInfo& info) {
  LiveIntervals li;
  const size_t num_blocks = fn.blocks.size();
  const uint32_t num_vregs = fn.num_vregs;
  const size_t words = (num_vregs + 63) / 64;

  // Numbering.
  li.blocks_.resize(num_blocks);
  uint32_t slot = 0;
  for (size_t b = 0; b < num_blocks; ++b) {
    BlockPositions& pos = li.blocks_[b];
    pos.start = 2 * slot;
    pos.first_slot = slot + 1;
    slot += 1 + static_cast<uint32_t>(fn.blocks[b].insts.size());
    pos.end = 2 * slot;
    li.block_of_slot_.resize(slot, static_cast<uint32_t>(b));
  }

  RegMask allocatable = 0;
  for (int c = 0; c < kNumRegClasses; ++c) {
    for (Reg r : info.allocatable[c]) allocatable |= r.mask_bit();
  }

  // Local gen (upward-exposed uses) and kill (defs) sets.
  std::vector<std::vector<uint64_t>> gen(num_blocks, std::vector<uint64_t>(words));
  std::vector<std::vector<uint64_t>> kill(num_blocks, std::vector<uint64_t>(words));
  for (size_t b = 0; b < num_blocks; ++b) {
    for (const MachInst& inst : fn.blocks[b].insts) {
      ForEachRegOperand(inst, [&](Reg r, uint8_t role) {
        if (!r.is_virtual() || (role & kUse) == 0) return;
        uint32_t v = r.id();
        if (((kill[b][v / 64] >> (v % 64)) & 1) == 0) gen[b][v / 64] |= uint64_t{1} << (v % 64);
      });
      ForEachRegOperand(inst, [&](Reg r, uint8_t role) {
        if (!r.is_virtual() || (role & kDef) == 0) return;
        kill[b][r.id() / 64] |= uint64_t{1} << (r.id() % 64);
      });
    }
  }

  // live_out(b) = union of live_in(succ); live_in(b) = gen(b) | (live_out(b) & ~kill(b)).
  li.live_in_.assign(num_blocks, std::vector<uint64_t>(words));
  li.live_out_.assign(num_blocks, std::vector<uint64_t>(words));
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t bi = num_blocks; bi-- > 0;) {
      std::vector<uint64_t>& out = li.live_out_[bi];
      for (uint32_t s : fn.blocks[bi].succs) {
        for (size_t w = 0; w < words; ++w) out[w] |= li.live_in_[s][w];
      }
      for (size_t w = 0; w < words; ++w) {
        uint64_t in = gen[bi][w] | (out[w] & ~kill[bi][w]);
        if (in != li.live_in_[bi][w]) {
          li.live_in_[bi][w] = in;
          changed = true;
        }
      }
    }
  }

  // Intervals: vregs first, then one fixed interval per physical register number.
  li.fixed_base_ = num_vregs;
  li.intervals_.resize(num_vregs + kNumRegClasses * kMaxRegsPerClass);
  li.hints_.resize(num_vregs);
  for (uint32_t v = 0; v < num_vregs; ++v) {
    li.intervals_[v].reg = Reg::Virtual(fn.vreg_class[v], v);
    li.intervals_[v].root = v;
  }
  for (int c = 0; c < kNumRegClasses; ++c) {
    for (uint32_t n = 0; n < kMaxRegsPerClass; ++n) {
      uint32_t index = li.FixedIntervalIndex(static_cast<RegClass>(c), n);
      li.intervals_[index].reg = Reg::Physical(static_cast<RegClass>(c), n);
      li.intervals_[index].fixed = true;
      li.intervals_[index].assigned = static_cast<int>(n);
      li.intervals_[index].root = index;
    }
  }

  std::vector<bool> live(num_vregs);
  std::vector<bool> phys_live(kNumRegClasses * kMaxRegsPerClass);
  auto fixed_of = [&](Reg r) -> Interval& {
    return li.intervals_[li.FixedIntervalIndex(r.reg_class(), r.id())];
  };
  auto phys_index = [](Reg r) {
    return static_cast<uint32_t>(r.reg_class()) * kMaxRegsPerClass + r.id();
  };

  for (size_t bi = num_blocks; bi-- > 0;) {
    const MachBlock& block = fn.blocks[bi];
    const BlockPositions& bp = li.blocks_[bi];
    // `live` is all false here: every vreg set below is cleared again at the block's end.
    std::fill(phys_live.begin(), phys_live.end(), false);
    const std::vector<uint64_t>& out = li.live_out_[bi];
    for (size_t w = 0; w < words; ++w) {
      for (uint64_t bits = out[w]; bits != 0; bits &= bits - 1) {
        uint32_t v = static_cast<uint32_t>(w * 64 + __builtin_ctzll(bits));
        live[v] = true;
        AddRangeBackward(li.intervals_[v], bp.start, bp.end);
      }
    }
    for (size_t k = block.insts.size(); k-- > 0;) {
      const MachInst& inst = block.insts[k];
      const uint32_t use_pos = 2 * (bp.first_slot + static_cast<uint32_t>(k));
      const uint32_t def_pos = use_pos + 1;
      if (inst.is_call()) {
        for (int c = 0; c < kNumRegClasses; ++c) {
          for (Reg r : info.allocatable[c]) {
            if ((inst.clobbers & r.mask_bit()) == 0) continue;
            // A clobbered register that the call also defines is handled as a def below.
            AddRangeBackward(fixed_of(r), def_pos, def_pos + 1);
          }
        }
      }
      ForEachRegOperand(inst, [&](Reg r, uint8_t role) {
        if ((role & kDef) == 0) return;
        uint32_t from = (role & kEarlyClobber) != 0 ? use_pos : def_pos;
        if (r.is_virtual()) {
          DefBackward(li.intervals_[r.id()], live[r.id()], from, def_pos);
          live[r.id()] = false;
        } else if (r.is_physical() && (allocatable & r.mask_bit()) != 0) {
          DefBackward(fixed_of(r), phys_live[phys_index(r)], from, def_pos);
          phys_live[phys_index(r)] = false;
        }
      });
      ForEachRegOperand(inst, [&](Reg r, uint8_t role) {
        if ((role & kUse) == 0) return;
        if (r.is_virtual()) {
          AddRangeBackward(li.intervals_[r.id()], bp.start, use_pos + 1);
          AddUseBackward(li.intervals_[r.id()], use_pos);
          live[r.id()] = true;
        } else if (r.is_physical() && (allocatable & r.mask_bit()) != 0) {
          AddRangeBackward(fixed_of(r), bp.start, use_pos + 1);
          phys_live[phys_index(r)] = true;
        }
      });
      if (inst.is_move() && inst.operands.size() == 2 && inst.operands[0].is_reg() &&
          inst.operands[1].is_reg()) {
        Reg dst = inst.operands[0].reg;
        Reg src = inst.operands[1].reg;
        if (dst.is_virtual()) li.hints_[dst.id()].push_back({def_pos, src});
        if (src.is_virtual()) li.hints_[src.id()].push_back({use_pos, dst});
      }
    }
    // What is still live is the block's live-in set.
    for (uint32_t v : li.LiveInVregs(static_cast<uint32_t>(bi))) live[v] = false;
  }

  for (Interval& iv : li.intervals_) {
    std::reverse(iv.ranges.begin(), iv.ranges.end());
    std::reverse(iv.uses.begin(), iv.uses.end());
  }
  for (std::vector<RegHint>& h : li.hints_) std::reverse(h.begin(), h.end());
  return li;
}

}  // namespace kiln::backend::regalloc
