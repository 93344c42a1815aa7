// Liveness (backward dataflow over blocks, solved per vreg) and live-interval construction (one backward walk
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

namespace {

// SkipEndingBy is the first index >= k of a range of `rs` that ends after `pos`.
size_t SkipEndingBy(const std::vector<LiveRange>& rs, size_t k, uint32_t pos) {
  if (k >= rs.size() || rs[k].to > pos) return k;
  return static_cast<size_t>(
      std::upper_bound(rs.begin() + k + 1, rs.end(), pos,
                       [](uint32_t p, const LiveRange& r) { return p < r.to; }) -
      rs.begin());
}

}  // namespace

uint32_t Interval::NextIntersection(const Interval& other, uint32_t from) const {
  auto first_after = [from](const std::vector<LiveRange>& rs) {
    return static_cast<size_t>(
        std::upper_bound(rs.begin(), rs.end(), from,
                         [](uint32_t p, const LiveRange& r) { return p < r.to; }) -
        rs.begin());
  };
  return NextIntersectionFrom(first_after(ranges), other, first_after(other.ranges), from);
}

uint32_t Interval::NextIntersectionFrom(size_t i, const Interval& other, size_t j,
                                        uint32_t from) const {
  while (i < ranges.size() && j < other.ranges.size()) {
    const LiveRange& a = ranges[i];
    const LiveRange& b = other.ranges[j];
    uint32_t lo = std::max({a.from, b.from, from});
    uint32_t hi = std::min(a.to, b.to);
    if (lo < hi) return lo;
    // The range that ends first cannot meet anything later on the other side; skip to the
    // first range of its side that ends after the other range starts (often the next one,
    // but a fixed register's many short ranges can be far behind a vreg's few long ones).
    if (a.to <= b.to) {
      i = SkipEndingBy(ranges, i + 1, b.from);
    } else {
      j = SkipEndingBy(other.ranges, j + 1, a.from);
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

bool LiveIntervals::Contains(const std::vector<uint32_t>& sorted, uint32_t vreg) {
  return std::binary_search(sorted.begin(), sorted.end(), vreg);
}

LiveIntervals LiveIntervals::Build(const MachFunction& fn, const RegisterInfo& info) {
  LiveIntervals li;
  const size_t num_blocks = fn.blocks.size();
  const uint32_t num_vregs = fn.num_vregs;

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

  // Liveness, one vreg at a time: from each block where v is read before any write in it
  // (upward-exposed), v is live-in there and live-out of every predecessor, and live-in of a
  // predecessor unless that block writes v; the walk stops at blocks already done. This is the
  // least solution of live_out(b) = union of live_in(succ), live_in(b) = gen(b) |
  // (live_out(b) & ~kill(b)), like the iterative dataflow, in time proportional to the size of
  // the result instead of (passes x blocks x vregs). Handling vregs in increasing order keeps
  // every block's lists sorted and makes "already there" a look at the last element.
  std::vector<uint32_t> pred_start(num_blocks + 1, 0);
  for (size_t b = 0; b < num_blocks; ++b) {
    for (uint32_t s : fn.blocks[b].succs) ++pred_start[s + 1];
  }
  for (size_t b = 0; b < num_blocks; ++b) pred_start[b + 1] += pred_start[b];
  std::vector<uint32_t> preds(pred_start[num_blocks]);
  {
    std::vector<uint32_t> fill(pred_start.begin(), pred_start.end() - 1);
    for (size_t b = 0; b < num_blocks; ++b) {
      for (uint32_t s : fn.blocks[b].succs) preds[fill[s]++] = static_cast<uint32_t>(b);
    }
  }
  // Per vreg: the blocks with an upward-exposed read (gen) and the blocks that write it
  // (kill), each block once, as (vreg, block) pairs sorted by vreg below.
  constexpr uint32_t kNone = 0xffffffffu;
  std::vector<uint32_t> written_in(num_vregs, kNone);  // last block seen writing the vreg
  std::vector<uint32_t> gen_in(num_vregs, kNone);      // last block seen reading it first
  std::vector<std::pair<uint32_t, uint32_t>> gen_pairs, kill_pairs;
  for (size_t b = 0; b < num_blocks; ++b) {
    const uint32_t block = static_cast<uint32_t>(b);
    for (const MachInst& inst : fn.blocks[b].insts) {
      ForEachRegOperand(inst, [&](Reg r, uint8_t role) {
        if (!r.is_virtual() || (role & kUse) == 0) return;
        uint32_t v = r.id();
        if (written_in[v] != block && gen_in[v] != block) {
          gen_in[v] = block;
          gen_pairs.push_back({v, block});
        }
      });
      ForEachRegOperand(inst, [&](Reg r, uint8_t role) {
        if (!r.is_virtual() || (role & kDef) == 0) return;
        uint32_t v = r.id();
        if (written_in[v] != block) {
          written_in[v] = block;
          kill_pairs.push_back({v, block});
        }
      });
    }
  }
  // Stable counting sort by vreg keeps each vreg's blocks in increasing order.
  auto by_vreg = [num_vregs](const std::vector<std::pair<uint32_t, uint32_t>>& pairs,
                             std::vector<uint32_t>& start, std::vector<uint32_t>& blocks) {
    start.assign(num_vregs + 1, 0);
    for (const auto& [v, b] : pairs) ++start[v + 1];
    for (uint32_t v = 0; v < num_vregs; ++v) start[v + 1] += start[v];
    blocks.resize(pairs.size());
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& [v, b] : pairs) blocks[fill[v]++] = b;
  };
  std::vector<uint32_t> gen_start, gen_blocks, kill_start, kill_blocks;
  by_vreg(gen_pairs, gen_start, gen_blocks);
  by_vreg(kill_pairs, kill_start, kill_blocks);
  gen_pairs = {};
  kill_pairs = {};

  li.live_in_.assign(num_blocks, {});
  li.live_out_.assign(num_blocks, {});
  std::vector<uint32_t> writes(num_blocks, kNone);  // writes[b] == v: block b writes v
  std::vector<uint32_t> worklist;
  for (uint32_t v = 0; v < num_vregs; ++v) {
    for (uint32_t k = kill_start[v]; k < kill_start[v + 1]; ++k) writes[kill_blocks[k]] = v;
    worklist.clear();
    for (uint32_t k = gen_start[v]; k < gen_start[v + 1]; ++k) {
      li.live_in_[gen_blocks[k]].push_back(v);
      worklist.push_back(gen_blocks[k]);
    }
    while (!worklist.empty()) {
      const uint32_t b = worklist.back();
      worklist.pop_back();
      for (uint32_t k = pred_start[b]; k < pred_start[b + 1]; ++k) {
        const uint32_t p = preds[k];
        std::vector<uint32_t>& out = li.live_out_[p];
        if (!out.empty() && out.back() == v) continue;
        out.push_back(v);
        std::vector<uint32_t>& in = li.live_in_[p];
        if (writes[p] == v || (!in.empty() && in.back() == v)) continue;
        in.push_back(v);
        worklist.push_back(p);
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
    for (uint32_t v : li.live_out_[bi]) {
      live[v] = true;
      AddRangeBackward(li.intervals_[v], bp.start, bp.end);
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
    for (uint32_t v : li.live_in_[bi]) live[v] = false;
  }

  for (Interval& iv : li.intervals_) {
    std::reverse(iv.ranges.begin(), iv.ranges.end());
    std::reverse(iv.uses.begin(), iv.uses.end());
  }
  for (std::vector<RegHint>& h : li.hints_) std::reverse(h.begin(), h.end());
  return li;
}

}  // namespace kiln::backend::regalloc
