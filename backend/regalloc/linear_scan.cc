// Linear scan over live intervals: free-register search, eviction by farthest next use,
// interval splitting at loop-aware positions. See linear_scan.h.
#include "backend/regalloc/linear_scan.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"

namespace kiln::backend::regalloc {

LinearScan::LinearScan(LiveIntervals& intervals, const MachFunction& fn,
                       const RegisterInfo& info)
    : intervals_(intervals), fn_(fn), info_(info) {
  const auto& blocks = intervals_.blocks();
  no_split_slot_.assign(intervals_.num_positions() / 2, false);
  block_start_cost_.resize(fn_.blocks.size());
  for (size_t b = 0; b < fn_.blocks.size(); ++b) {
    // Code inserted after a block's first terminator would run after the edge moves placed
    // in front of it, so no split may happen inside a group of terminators.
    const std::vector<MachInst>& insts = fn_.blocks[b].insts;
    size_t first_term = insts.size();
    while (first_term > 0 && insts[first_term - 1].is_terminator()) --first_term;
    for (size_t k = first_term + 1; k < insts.size(); ++k) {
      no_split_slot_[blocks[b].first_slot + k] = true;
    }
    // A split at a block start costs the moves on its incoming forward edges; edge code goes
    // to the predecessor's end when it has one successor, else to this block's start.
    uint32_t cost = 0;
    bool any = false;
    for (uint32_t p : fn_.blocks[b].preds) {
      if (p >= b) continue;
      const MachBlock& pred = fn_.blocks[p];
      uint32_t depth = pred.succs.size() == 1 ? pred.loop_depth : fn_.blocks[b].loop_depth;
      cost = std::max(cost, depth);
      any = true;
    }
    block_start_cost_[b] = any ? cost : fn_.blocks[b].loop_depth;
  }
}

void LinearScan::Enqueue(uint32_t i) { unhandled_.push({iv(i).start(), i}); }

LinearScan::Coverage LinearScan::AdvanceTo(uint32_t i, uint32_t pos) {
  Interval& it = iv(i);
  const uint32_t size = static_cast<uint32_t>(it.ranges.size());
  while (it.cursor < size && it.ranges[it.cursor].to <= pos) ++it.cursor;
  if (it.cursor == size) return kEnded;
  return it.ranges[it.cursor].from <= pos ? kCovers : kInHole;
}

uint32_t LinearScan::NextIntersectionWithCurrent(uint32_t i, uint32_t cur, uint32_t pos) {
  // Interval i's cursor is at pos (Run advanced it), and cur starts at pos.
  return iv(i).NextIntersectionFrom(iv(i).cursor, iv(cur), 0, pos);
}

void LinearScan::RemoveFromLists(uint32_t i) {
  active_.erase(std::remove(active_.begin(), active_.end(), i), active_.end());
  inactive_.erase(std::remove(inactive_.begin(), inactive_.end(), i), inactive_.end());
}

uint32_t LinearScan::SplitCost(uint32_t pos) const {
  uint32_t b = intervals_.BlockOfPosition(pos);
  if (intervals_.IsBlockStart(pos)) return block_start_cost_[b];
  return fn_.blocks[b].loop_depth;
}

uint32_t LinearScan::OptimalSplitPos(uint32_t lo, uint32_t hi) const {
  if (hi >= intervals_.num_positions()) hi = intervals_.num_positions() - 1;
  int64_t p = hi & ~1u;
  while (p > static_cast<int64_t>(lo) && !SplitAllowed(static_cast<uint32_t>(p))) p -= 2;
  if (p <= static_cast<int64_t>(lo)) return kNoPosition;
  uint32_t best = static_cast<uint32_t>(p);
  uint32_t best_cost = SplitCost(best);
  // Walk block starts backwards; keep the latest one of strictly lower cost. The walk is
  // bounded so that huge functions with long-lived values stay linear-ish.
  int budget = 512;
  for (uint32_t b = intervals_.BlockOfPosition(best); budget-- > 0; --b) {
    uint32_t start = intervals_.blocks()[b].start;
    if (start <= lo) break;
    if (start != best) {
      uint32_t cost = SplitCost(start);
      if (cost < best_cost) {
        best = start;
        best_cost = cost;
      }
    }
    if (b == 0) break;
  }
  return best;
}

uint32_t LinearScan::Split(uint32_t i, uint32_t pos) {
  Interval child;
  {
    Interval& parent = iv(i);
    auto first = std::find_if(parent.ranges.begin(), parent.ranges.end(),
                              [pos](const LiveRange& r) { return r.to > pos; });
    if (first == parent.ranges.end()) return kNoPosition;
    child.reg = parent.reg;
    child.root = parent.root;
    if (first->from < pos) {
      child.ranges.push_back({pos, first->to});
      first->to = pos;
      ++first;
    }
    child.ranges.insert(child.ranges.end(), first, parent.ranges.end());
    parent.ranges.erase(first, parent.ranges.end());
    parent.cursor = std::min(parent.cursor, static_cast<uint32_t>(parent.ranges.size()));
    auto use = std::lower_bound(parent.uses.begin(), parent.uses.end(), pos);
    child.uses.assign(use, parent.uses.end());
    parent.uses.erase(use, parent.uses.end());
  }
  uint32_t index = static_cast<uint32_t>(intervals_.intervals().size());
  uint32_t root = child.root;
  intervals_.intervals().push_back(std::move(child));
  children_[root].push_back(index);
  return index;
}

int LinearScan::HintedRegister(uint32_t cur) {
  const Interval& c = iv(cur);
  if (c.root >= children_.size()) return -1;
  const RegClass cls = c.reg.reg_class();
  const std::vector<RegHint>& hints = intervals_.hints(c.root);
  // Hints are sorted by position; look at those inside this piece, and give up after a few
  // (a long-lived variable can carry thousands).
  auto it = std::lower_bound(hints.begin(), hints.end(), c.start() > 0 ? c.start() - 1 : 0,
                             [](const RegHint& h, uint32_t p) { return h.pos < p; });
  for (int tries = 0; it != hints.end() && it->pos <= c.end() && tries < 4; ++it, ++tries) {
    const RegHint& hint = *it;
    if (hint.other.reg_class() != cls) continue;
    if (hint.other.is_physical()) return static_cast<int>(hint.other.id());
    // The other vreg's piece around the move, if it already has a register: pieces are made
    // in roughly increasing position, so it is among the last few.
    const std::vector<uint32_t>& pieces = children_[hint.other.id()];
    int budget = 4;
    for (auto p = pieces.rbegin(); p != pieces.rend() && budget-- > 0; ++p) {
      const Interval& o = iv(*p);
      if (o.assigned < 0 || o.empty() || o.start() > hint.pos + 1 || o.end() + 1 < hint.pos) {
        continue;
      }
      if (o.Covers(hint.pos) || (hint.pos > 0 && o.Covers(hint.pos - 1)) ||
          o.Covers(hint.pos + 1)) {
        return o.assigned;
      }
    }
  }
  return -1;
}

bool LinearScan::TryAllocateFree(uint32_t cur) {
  const RegClass cls = iv(cur).reg.reg_class();
  const uint32_t start = iv(cur).start();
  const uint32_t end = iv(cur).end();
  uint32_t free_until[kMaxRegsPerClass];
  std::fill(std::begin(free_until), std::end(free_until), kNoPosition);
  for (uint32_t i : active_) {
    if (iv(i).reg.reg_class() == cls) free_until[iv(i).assigned] = 0;
  }
  for (uint32_t i : inactive_) {
    if (iv(i).reg.reg_class() != cls) continue;
    uint32_t x = NextIntersectionWithCurrent(i, cur, start);
    uint32_t& f = free_until[iv(i).assigned];
    f = std::min(f, x);
  }
  const std::vector<Reg>& regs = info_.allocatable[static_cast<int>(cls)];
  int reg = -1;
  int hint = HintedRegister(cur);
  if (hint >= 0 && free_until[hint] >= end) {
    for (Reg r : regs) {
      if (static_cast<int>(r.id()) == hint) reg = hint;
    }
  }
  if (reg < 0) {
    for (Reg r : regs) {
      if (free_until[r.id()] >= end) {
        reg = static_cast<int>(r.id());
        break;
      }
    }
  }
  if (reg >= 0) {
    iv(cur).assigned = reg;
    return true;
  }
  // Only part of the interval fits: take the register free longest, split before it is
  // needed elsewhere.
  uint32_t best_split = kNoPosition;
  uint32_t best_until = 0;
  for (Reg r : regs) {
    uint32_t until = free_until[r.id()];
    if (until <= start || until <= best_until) continue;
    uint32_t sp = OptimalSplitPos(start, until);
    if (sp == kNoPosition) continue;
    reg = static_cast<int>(r.id());
    best_until = until;
    best_split = sp;
  }
  if (reg < 0) return false;
  iv(cur).assigned = reg;
  uint32_t child = Split(cur, best_split);
  if (child != kNoPosition) Enqueue(child);
  return true;
}

absl::Status LinearScan::SpillUntilNextUse(uint32_t i, uint32_t pos) {
  iv(i).assigned = -1;
  const uint32_t start = iv(i).start();
  const uint32_t use = iv(i).NextUse(start);
  if (use == kNoPosition) return absl::OkStatus();
  if (use == start) {
    // The piece begins by writing its value: it needs a register at once, later.
    if (start <= pos) {
      return absl::InternalError(absl::StrCat("register allocation: cannot spill v",
                                              iv(i).reg.id(), " at position ", pos));
    }
    Enqueue(i);
    return absl::OkStatus();
  }
  uint32_t sp = OptimalSplitPos(std::max(pos, start), use);
  if (sp == kNoPosition) {
    return absl::InternalError(absl::StrCat("register allocation: no reload position for v",
                                            iv(i).reg.id(), " before position ", use));
  }
  uint32_t child = Split(i, sp);
  if (child != kNoPosition) Enqueue(child);
  return absl::OkStatus();
}

absl::Status LinearScan::SpillFrom(uint32_t i, uint32_t pos) {
  uint32_t lo = iv(i).start();
  uint32_t last_use = iv(i).LastUseBefore(pos);
  if (last_use != kNoPosition) lo = std::max(lo, last_use);
  uint32_t sp = OptimalSplitPos(lo, pos);
  if (sp == kNoPosition && (pos & 1) != 0 && lo < pos) {
    // The value is read by the instruction at pos - 1 and live after it, while the register is
    // needed for that instruction's result: store it in front of the instruction (which still
    // reads the register) and let it live on the stack from the write on.
    sp = pos;
  }
  if (sp != kNoPosition) {
    uint32_t child = Split(i, sp);
    if (child == kNoPosition) return absl::OkStatus();
    return SpillUntilNextUse(child, pos);
  }
  if (last_use != kNoPosition && last_use >= iv(i).start()) {
    return absl::InternalError(absl::StrCat("register allocation: cannot free the register of v",
                                            iv(i).reg.id(), " at position ", pos));
  }
  RemoveFromLists(i);
  return SpillUntilNextUse(i, pos);
}

absl::Status LinearScan::AllocateBlocked(uint32_t cur) {
  const RegClass cls = iv(cur).reg.reg_class();
  const uint32_t start = iv(cur).start();
  uint32_t use_pos[kMaxRegsPerClass];
  uint32_t block_pos[kMaxRegsPerClass];
  std::fill(std::begin(use_pos), std::end(use_pos), kNoPosition);
  std::fill(std::begin(block_pos), std::end(block_pos), kNoPosition);
  for (uint32_t i : active_) {
    const Interval& it = iv(i);
    if (it.reg.reg_class() != cls) continue;
    if (it.fixed) {
      use_pos[it.assigned] = block_pos[it.assigned] = 0;
    } else {
      use_pos[it.assigned] = std::min(use_pos[it.assigned], it.NextUse(start));
    }
  }
  for (uint32_t i : inactive_) {
    const Interval& it = iv(i);
    if (it.reg.reg_class() != cls) continue;
    uint32_t x = NextIntersectionWithCurrent(i, cur, start);
    if (x == kNoPosition) continue;
    if (it.fixed) {
      block_pos[it.assigned] = std::min(block_pos[it.assigned], x);
      use_pos[it.assigned] = std::min(use_pos[it.assigned], x);
    } else {
      use_pos[it.assigned] = std::min(use_pos[it.assigned], it.NextUse(start));
    }
  }

  const uint32_t end = iv(cur).end();
  int reg = -1;
  for (Reg r : info_.allocatable[static_cast<int>(cls)]) {
    uint32_t n = r.id();
    if (block_pos[n] <= start) continue;
    if (block_pos[n] < end && OptimalSplitPos(start, block_pos[n]) == kNoPosition) continue;
    if (reg < 0 || use_pos[n] > use_pos[reg]) reg = static_cast<int>(n);
  }
  const uint32_t first_use = iv(cur).NextUse(start);

  if (reg < 0 || use_pos[reg] <= first_use) {
    // Every register is needed before this interval needs one: spill it up to its first use.
    if (first_use == start) {
      return absl::InternalError(absl::StrCat(
          "register allocation: no register left for v", iv(cur).reg.id(), " at position ",
          start, " (an instruction needs more registers than the ISA has)"));
    }
    RemoveFromLists(cur);
    return SpillUntilNextUse(cur, start);
  }

  iv(cur).assigned = reg;
  if (block_pos[reg] < end) {
    uint32_t child = Split(cur, OptimalSplitPos(start, block_pos[reg]));
    if (child != kNoPosition) Enqueue(child);
  }
  // Evict the other holders of `reg` from `start` on.
  std::vector<uint32_t> victims;
  for (uint32_t i : active_) {
    const Interval& it = iv(i);
    if (!it.fixed && it.reg.reg_class() == cls && it.assigned == reg) victims.push_back(i);
  }
  for (uint32_t i : inactive_) {
    const Interval& it = iv(i);
    if (!it.fixed && it.reg.reg_class() == cls && it.assigned == reg &&
        NextIntersectionWithCurrent(i, cur, start) != kNoPosition) {
      victims.push_back(i);
    }
  }
  for (uint32_t i : victims) KILN_RETURN_IF_ERROR(SpillFrom(i, start));
  return absl::OkStatus();
}

absl::Status LinearScan::Run() {
  const uint32_t num_vregs = fn_.num_vregs;
  children_.assign(num_vregs, {});
  for (uint32_t v = 0; v < num_vregs; ++v) {
    if (iv(v).empty()) continue;
    children_[v].push_back(v);
    Enqueue(v);
  }
  for (uint32_t i = num_vregs; i < intervals_.intervals().size(); ++i) {
    if (!iv(i).empty()) inactive_.push_back(i);
  }

  // Each step either finishes an interval or splits one at a later position, so the loop
  // ends; the bound only turns an allocator bug into an error instead of a hang.
  uint64_t budget = 64 * (uint64_t{intervals_.num_positions()} + intervals_.intervals().size());
  while (!unhandled_.empty()) {
    if (budget-- == 0) return absl::InternalError("register allocation did not converge");
    const uint32_t cur = unhandled_.top().index;
    unhandled_.pop();
    const uint32_t pos = iv(cur).start();

    still_active_.clear();
    still_inactive_.clear();
    for (const std::vector<uint32_t>* list : {&active_, &inactive_}) {
      for (uint32_t i : *list) {
        switch (AdvanceTo(i, pos)) {
          case kEnded: break;
          case kCovers: still_active_.push_back(i); break;
          case kInHole: still_inactive_.push_back(i); break;
        }
      }
    }
    active_.swap(still_active_);
    inactive_.swap(still_inactive_);

    if (!TryAllocateFree(cur)) KILN_RETURN_IF_ERROR(AllocateBlocked(cur));
    if (iv(cur).assigned >= 0) active_.push_back(cur);
  }

  for (std::vector<uint32_t>& list : children_) {
    std::sort(list.begin(), list.end(),
              [this](uint32_t a, uint32_t b) { return iv(a).start() < iv(b).start(); });
  }
  return absl::OkStatus();
}

}  // namespace kiln::backend::regalloc
