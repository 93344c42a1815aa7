// The allocator's driver and its resolution phase: after linear scan has given every piece of
// every vreg a register or the vreg's spill slot, insert the moves that carry values between
// pieces (inside blocks where an interval was split, on CFG edges where the locations at the
// end of the predecessor and the start of the successor differ), drop spill stores whose slot
// is already current, and rewrite operands. See regalloc.h.
#include "backend/regalloc/regalloc.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "backend/regalloc/linear_scan.h"
#include "backend/regalloc/live_intervals.h"
#include "backend/regalloc/parallel_move.h"
#include "compiler/base/status_macros.h"

namespace kiln::backend::regalloc {

namespace {

// Phase orders the insertions that share an instruction index: moves of an incoming edge
// first, then connections of intervals split in front of that instruction, then stores of
// values split inside it (odd positions: a value reloaded for the instruction may be stored
// again right away), then outgoing-edge moves (which read the locations the connections
// produced).
enum Phase : uint8_t { kEdgeIn = 0, kConnect = 1, kConnectStore = 2, kEdgeOut = 3 };

// InsertionPoint is one parallel move, inserted in front of insts[index] of `block`.
struct InsertionPoint {
  std::vector<Move> moves;
  std::vector<bool> elided;
  // Positions whose live values a scratch register must not disturb.
  std::vector<uint32_t> busy_positions;
};

using PointKey = std::tuple<uint32_t, uint32_t, uint8_t>;  // block, index, phase

size_t FirstTerminator(const MachBlock& block) {
  size_t k = block.insts.size();
  while (k > 0 && block.insts[k - 1].is_terminator()) --k;
  return k;
}

bool TerminatorsReadVregs(const MachBlock& block) {
  bool reads = false;
  for (size_t k = FirstTerminator(block); k < block.insts.size(); ++k) {
    ForEachRegOperand(block.insts[k], [&](Reg r, uint8_t role) {
      if (r.is_virtual() && (role & kUse) != 0) reads = true;
    });
  }
  return reads;
}

class Resolver {
 public:
  Resolver(MachFunction& fn, const RegAllocTarget& target, LiveIntervals& li,
           const LinearScan& scan, const AllocateOptions& options, AllocationStats& stats)
      : fn_(fn),
        target_(target),
        info_(target.register_info()),
        li_(li),
        scan_(scan),
        options_(options),
        stats_(stats) {}

  absl::Status Run() {
    AssignSlots();
    KILN_RETURN_IF_ERROR(PlanConnections());
    KILN_RETURN_IF_ERROR(PlanEdges());
    KILN_RETURN_IF_ERROR(StoreAtDefinitions());
    ElideRedundantStores();
    return Rewrite();
  }

 private:
  const Interval& iv(uint32_t i) const { return li_.intervals()[i]; }

  void AssignSlots() {
    slot_of_vreg_.assign(fn_.num_vregs, -1);
    for (uint32_t v = 0; v < fn_.num_vregs; ++v) {
      for (uint32_t c : scan_.children()[v]) {
        const Interval& piece = iv(c);
        if (piece.assigned >= 0) {
          Reg r = Reg::Physical(piece.reg.reg_class(), static_cast<uint32_t>(piece.assigned));
          if ((info_.callee_saved & r.mask_bit()) != 0) stats_.used_callee_saved |= r.mask_bit();
        } else if (slot_of_vreg_[v] < 0) {
          slot_of_vreg_[v] = static_cast<int>(fn_.frame.AddSpillSlot(fn_.vreg_class[v]));
          ++stats_.spill_slots;
        }
      }
    }
  }

  // LocationAt is where vreg `v` lives at `pos` (which its interval must cover).
  absl::StatusOr<Location> LocationAt(uint32_t v, uint32_t pos) const {
    const std::vector<uint32_t>& children = scan_.children()[v];
    auto it = std::upper_bound(children.begin(), children.end(), pos,
                               [this](uint32_t p, uint32_t c) { return p < iv(c).start(); });
    if (it == children.begin() || !iv(*(it - 1)).Covers(pos)) {
      return absl::InternalError(
          absl::StrCat("register allocation: v", v, " is not live at position ", pos));
    }
    const Interval& piece = iv(*(it - 1));
    if (piece.assigned >= 0) return Location::Register(static_cast<uint32_t>(piece.assigned));
    return Location::Slot(static_cast<uint32_t>(slot_of_vreg_[v]));
  }

  InsertionPoint& Point(uint32_t block, uint32_t index, Phase phase) {
    return points_[PointKey{block, index, phase}];
  }

  // Connections: a vreg split inside a block moves between its pieces at the split position.
  absl::Status PlanConnections() {
    for (uint32_t v = 0; v < fn_.num_vregs; ++v) {
      const std::vector<uint32_t>& children = scan_.children()[v];
      for (size_t i = 1; i < children.size(); ++i) {
        const Interval& a = iv(children[i - 1]);
        const Interval& b = iv(children[i]);
        const uint32_t pos = b.start();
        if (a.end() != pos || li_.IsBlockStart(pos)) continue;  // a hole, or an edge's job
        Location from = a.assigned >= 0 ? Location::Register(a.assigned)
                                        : Location::Slot(slot_of_vreg_[v]);
        Location to = b.assigned >= 0 ? Location::Register(b.assigned)
                                      : Location::Slot(slot_of_vreg_[v]);
        if (from == to) continue;
        // An odd split position (the value's last read is the instruction's own) is only ever a
        // store, placed in front of the instruction, which still reads the register.
        if ((pos & 1) != 0 && (!to.is_slot || from.is_slot)) {
          return absl::InternalError(absl::StrCat(
              "register allocation: v", v, " changes register inside an instruction"));
        }
        uint32_t block = li_.BlockOfPosition(pos);
        InsertionPoint& point =
            Point(block, static_cast<uint32_t>(li_.InstIndex(pos)),
                  (pos & 1) != 0 ? kConnectStore : kConnect);
        point.moves.push_back({from, to, fn_.vreg_class[v], v});
        point.busy_positions = {(pos & ~1u) - 1, pos & ~1u};
      }
    }
    return absl::OkStatus();
  }

  // Edges: values live into a block must be where the block expects them, whichever
  // predecessor the control comes from.
  absl::Status PlanEdges() {
    for (uint32_t s = 0; s < fn_.blocks.size(); ++s) {
      const std::vector<uint32_t>& live_in = li_.LiveInVregs(s);
      if (live_in.empty()) continue;
      const MachBlock& succ = fn_.blocks[s];
      for (uint32_t p : succ.preds) {
        const MachBlock& pred = fn_.blocks[p];
        const uint32_t from_pos = li_.blocks()[p].end - 1;
        const uint32_t to_pos = li_.blocks()[s].start;
        std::vector<Move> moves;
        for (uint32_t v : live_in) {
          // An unsplit vreg has one location everywhere: nothing to move.
          if (scan_.children()[v].size() == 1) continue;
          KILN_ASSIGN_OR_RETURN(Location from, LocationAt(v, from_pos));
          KILN_ASSIGN_OR_RETURN(Location to, LocationAt(v, to_pos));
          if (from != to) moves.push_back({from, to, fn_.vreg_class[v], v});
        }
        if (moves.empty()) continue;
        InsertionPoint* point;
        if (pred.succs.size() == 1 && !TerminatorsReadVregs(pred)) {
          uint32_t index = static_cast<uint32_t>(FirstTerminator(pred));
          point = &Point(p, index, kEdgeOut);
          point->busy_positions = {from_pos, to_pos,
                                   2 * (li_.blocks()[p].first_slot + index) - 1};
        } else if (succ.preds.size() == 1) {
          uint32_t index = !succ.insts.empty() && (succ.insts[0].flags & kDefinesArgs) ? 1 : 0;
          point = &Point(s, index, kEdgeIn);
          point->busy_positions = {from_pos, to_pos, to_pos + 1,
                                   2 * (li_.blocks()[s].first_slot + index)};
        } else {
          return absl::InternalError(absl::StrCat(
              "register allocation: critical edge b", p, " -> b", s, " needs moves"));
        }
        point->moves = std::move(moves);
      }
    }
    return absl::OkStatus();
  }

  // StoreAtDefinitions handles values written once and spilled where it is expensive (in a
  // loop the definition is outside of): one store right after the definition makes the slot
  // current everywhere, and the elision below then drops the other stores. The estimate
  // weighs each store by 8^loop_depth.
  absl::Status StoreAtDefinitions() {
    const uint32_t n = fn_.num_vregs;
    std::vector<uint32_t> def_count(n, 0);
    std::vector<std::pair<uint32_t, uint32_t>> def_site(n);  // block, instruction index
    for (uint32_t b = 0; b < fn_.blocks.size(); ++b) {
      const std::vector<MachInst>& insts = fn_.blocks[b].insts;
      for (uint32_t k = 0; k < insts.size(); ++k) {
        ForEachRegOperand(insts[k], [&](Reg r, uint8_t role) {
          if (!r.is_virtual() || (role & kDef) == 0) return;
          if (def_count[r.id()]++ == 0) def_site[r.id()] = {b, k};
        });
      }
    }
    auto weight = [](uint32_t depth) { return uint64_t{1} << (3 * std::min(depth, 20u)); };
    std::vector<uint64_t> store_cost(n, 0);
    for (const auto& [key, point] : points_) {
      for (const Move& m : point.moves) {
        if (IsStore(m)) store_cost[m.vreg] += weight(fn_.blocks[std::get<0>(key)].loop_depth);
      }
    }
    for (uint32_t v = 0; v < n; ++v) {
      if (def_count[v] != 1 || store_cost[v] == 0) continue;
      const auto [block, index] = def_site[v];
      if (store_cost[v] <= weight(fn_.blocks[block].loop_depth)) continue;
      const uint32_t def_pos = 2 * (li_.blocks()[block].first_slot + index) + 1;
      KILN_ASSIGN_OR_RETURN(Location from, LocationAt(v, def_pos));
      InsertionPoint& point = Point(block, index + 1, kConnect);
      bool already = std::any_of(point.moves.begin(), point.moves.end(),
                                 [v](const Move& m) { return m.vreg == v && m.to.is_slot; });
      if (already) continue;
      point.moves.push_back({from, Location::Slot(slot_of_vreg_[v]), fn_.vreg_class[v], v});
      point.busy_positions = {def_pos, def_pos + 1};
    }
    return absl::OkStatus();
  }

  static bool IsStore(const Move& m) {
    return m.vreg != Move::kNoVreg && m.to.is_slot && !m.from.is_slot;
  }

  // Dense bitsets over the spilled vregs (spill_index_), for the store-elision dataflow.
  using Bits = std::vector<uint64_t>;
  static bool Get(const Bits& bits, int i) { return (bits[i / 64] >> (i % 64)) & 1; }
  static void Set(Bits& bits, int i, bool value) {
    if (value) {
      bits[i / 64] |= uint64_t{1} << (i % 64);
    } else {
      bits[i / 64] &= ~(uint64_t{1} << (i % 64));
    }
  }

  // ForEachEvent calls on_move for each move with a vreg that the allocator inserts in block
  // `b` and on_def for each write of a spilled vreg, in program order.
  template <typename OnMove, typename OnDef>
  void ForEachEvent(uint32_t b, OnMove&& on_move, OnDef&& on_def) {
    const MachBlock& block = fn_.blocks[b];
    auto it = points_.lower_bound(PointKey{b, 0, 0});
    auto end = points_.lower_bound(PointKey{b + 1, 0, 0});
    for (uint32_t idx = 0; idx <= block.insts.size(); ++idx) {
      for (; it != end && std::get<1>(it->first) == idx; ++it) {
        for (const Move& move : it->second.moves) {
          if (move.vreg != Move::kNoVreg) on_move(move);
        }
      }
      if (idx == block.insts.size()) break;
      ForEachRegOperand(block.insts[idx], [&](Reg r, uint8_t role) {
        if (r.is_virtual() && (role & kDef) != 0 && spill_index_[r.id()] >= 0) on_def(r.id());
      });
    }
  }

  // WalkBlock runs the "slot holds the current value" transfer over block `b`; with `mark` it
  // also marks the stores that find their slot already current.
  void WalkBlock(uint32_t b, Bits& valid, bool mark) {
    const MachBlock& block = fn_.blocks[b];
    auto it = points_.lower_bound(PointKey{b, 0, 0});
    auto end = points_.lower_bound(PointKey{b + 1, 0, 0});
    for (uint32_t idx = 0; idx <= block.insts.size(); ++idx) {
      for (; it != end && std::get<1>(it->first) == idx; ++it) {
        InsertionPoint& point = it->second;
        point.elided.resize(point.moves.size());
        for (size_t m = 0; m < point.moves.size(); ++m) {
          const Move& move = point.moves[m];
          if (move.vreg == Move::kNoVreg) continue;
          const int i = spill_index_[move.vreg];
          // After a reload, register and slot agree.
          if (move.from.is_slot) Set(valid, i, true);
          if (!IsStore(move)) continue;
          if (Get(valid, i)) {
            if (mark) point.elided[m] = true;
          } else {
            Set(valid, i, true);
          }
        }
      }
      if (idx == block.insts.size()) break;
      ForEachRegOperand(block.insts[idx], [&](Reg r, uint8_t role) {
        if (r.is_virtual() && (role & kDef) != 0 && spill_index_[r.id()] >= 0) {
          Set(valid, spill_index_[r.id()], false);
        }
      });
    }
  }

  // ElideRedundantStores: forward must-dataflow of "the slot of v holds v's current value";
  // a store where that already holds on every path is dropped.
  void ElideRedundantStores() {
    spill_index_.assign(fn_.num_vregs, -1);
    int spilled = 0;
    for (uint32_t v = 0; v < fn_.num_vregs; ++v) {
      if (slot_of_vreg_[v] >= 0) spill_index_[v] = spilled++;
    }
    if (spilled == 0) return;
    const size_t n = fn_.blocks.size();
    const size_t words = (static_cast<size_t>(spilled) + 63) / 64;
    // A block's effect on the facts is the last event of each spilled vreg it touches: set by
    // a reload or a store, cleared by a write of the vreg. Listing those once lets the
    // fixpoint iterations apply whole blocks without walking their instructions again.
    std::vector<std::vector<std::pair<int, bool>>> effects(n);
    {
      std::vector<uint32_t> effect_block(spilled, 0xffffffffu);
      std::vector<uint32_t> effect_index(spilled, 0);
      for (uint32_t b = 0; b < n; ++b) {
        std::vector<std::pair<int, bool>>& list = effects[b];
        auto record = [&](int i, bool value) {
          if (effect_block[i] == b) {
            list[effect_index[i]].second = value;
            return;
          }
          effect_block[i] = b;
          effect_index[i] = static_cast<uint32_t>(list.size());
          list.push_back({i, value});
        };
        ForEachEvent(b, [&](const Move& move) {
          if (move.from.is_slot || IsStore(move)) record(spill_index_[move.vreg], true);
        }, [&](uint32_t vreg) { record(spill_index_[vreg], false); });
      }
    }
    std::vector<Bits> out(n, Bits(words, ~uint64_t{0}));
    auto in_of = [&](uint32_t b, Bits& in) {
      const bool reachable_only_via_preds = b != 0 && !fn_.blocks[b].preds.empty();
      in.assign(words, reachable_only_via_preds ? ~uint64_t{0} : 0);
      if (!reachable_only_via_preds) return;
      for (uint32_t p : fn_.blocks[b].preds) {
        const Bits& from = out[p];
        for (size_t w = 0; w < words; ++w) in[w] &= from[w];
      }
    };
    Bits state;
    for (bool changed = true; changed;) {
      changed = false;
      for (uint32_t b = 0; b < n; ++b) {
        in_of(b, state);
        for (const auto& [i, value] : effects[b]) Set(state, i, value);
        if (state != out[b]) {
          out[b].swap(state);
          changed = true;
        }
      }
    }
    for (uint32_t b = 0; b < n; ++b) {
      in_of(b, state);
      WalkBlock(b, state, /*mark=*/true);
    }
  }

  // RegisterBusy says whether some value (a vreg piece or a fixed register) occupies
  // physical register (cls, n) at `pos`. Pieces given one register never overlap, so their
  // ranges, merged and sorted once, answer by binary search.
  bool RegisterBusy(RegClass cls, uint32_t n, uint32_t pos) {
    if (!reg_ranges_built_) {
      for (const Interval& piece : li_.intervals()) {
        if (piece.empty() || piece.assigned < 0) continue;
        std::vector<LiveRange>& list =
            reg_ranges_[static_cast<int>(piece.reg.reg_class())][piece.assigned];
        list.insert(list.end(), piece.ranges.begin(), piece.ranges.end());
      }
      for (auto& per_class : reg_ranges_) {
        for (std::vector<LiveRange>& list : per_class) {
          std::sort(list.begin(), list.end(),
                    [](const LiveRange& a, const LiveRange& b) { return a.from < b.from; });
        }
      }
      reg_ranges_built_ = true;
    }
    const std::vector<LiveRange>& list = reg_ranges_[static_cast<int>(cls)][n];
    auto it = std::upper_bound(list.begin(), list.end(), pos,
                               [](uint32_t p, const LiveRange& r) { return p < r.from; });
    // Ranges of one register may touch but not overlap, except fixed ranges with each other.
    for (int back = 0; back < 2 && it != list.begin(); ++back) {
      --it;
      if (it->to > pos) return true;
    }
    return false;
  }

  Location Scratch(RegClass cls, const InsertionPoint& point) {
    RegMask busy = 0;
    for (Reg r : info_.allocatable[static_cast<int>(cls)]) {
      for (uint32_t pos : point.busy_positions) {
        if (RegisterBusy(cls, r.id(), pos)) busy |= r.mask_bit();
      }
    }
    for (const Move& m : point.moves) {
      if (m.cls != cls) continue;
      if (!m.from.is_slot) busy |= MaskOf(cls, m.from.index);
      if (!m.to.is_slot) busy |= MaskOf(cls, m.to.index);
    }
    for (Reg r : info_.allocatable[static_cast<int>(cls)]) {
      // A callee-saved register nobody else uses would need a prologue save: not worth it.
      bool callee_saved = (info_.callee_saved & r.mask_bit()) != 0;
      if ((busy & r.mask_bit()) != 0) continue;
      if (callee_saved && (stats_.used_callee_saved & r.mask_bit()) == 0) continue;
      return Location::Register(r.id());
    }
    int& slot = scratch_slot_[static_cast<int>(cls)];
    if (slot < 0) {
      slot = static_cast<int>(fn_.frame.AddSpillSlot(cls));
      ++stats_.spill_slots;
    }
    return Location::Slot(static_cast<uint32_t>(slot));
  }

  absl::Status EmitPoint(const InsertionPoint& point, std::vector<MachInst>& out) {
    std::vector<Move> moves;
    for (size_t m = 0; m < point.moves.size(); ++m) {
      if (m < point.elided.size() && point.elided[m]) {
        ++stats_.elided_stores;
        continue;
      }
      moves.push_back(point.moves[m]);
    }
    std::vector<Move> sequence = Sequentialize(std::move(moves), [&](RegClass cls) {
      ++stats_.cycles_broken;
      Location scratch = Scratch(cls, point);
      if (scratch.is_slot) ++stats_.cycles_via_slot;
      return scratch;
    });
    for (const Move& m : sequence) {
      MachInst inst;
      if (!m.from.is_slot && !m.to.is_slot) {
        inst = target_.MakeMove(Reg::Physical(m.cls, m.to.index),
                                Reg::Physical(m.cls, m.from.index));
        ++stats_.moves;
      } else if (!m.from.is_slot) {
        inst = target_.MakeSpill(Reg::Physical(m.cls, m.from.index), m.to.index);
        ++stats_.spill_stores;
      } else if (!m.to.is_slot) {
        inst = target_.MakeReload(Reg::Physical(m.cls, m.to.index), m.from.index);
        ++stats_.reloads;
      } else {
        return absl::InternalError("register allocation: slot-to-slot move");
      }
      inst.flags |= kAllocatorInserted;
      out.push_back(std::move(inst));
    }
    return absl::OkStatus();
  }

  absl::Status Rewrite() {
    absl::Status status;
    for (uint32_t b = 0; b < fn_.blocks.size(); ++b) {
      MachBlock& block = fn_.blocks[b];
      std::vector<MachInst> out;
      out.reserve(block.insts.size());
      auto it = points_.lower_bound(PointKey{b, 0, 0});
      auto end = points_.lower_bound(PointKey{b + 1, 0, 0});
      for (uint32_t idx = 0; idx <= block.insts.size(); ++idx) {
        for (; it != end && std::get<1>(it->first) == idx; ++it) {
          KILN_RETURN_IF_ERROR(EmitPoint(it->second, out));
        }
        if (idx == block.insts.size()) break;
        MachInst& inst = block.insts[idx];
        const uint32_t use_pos = 2 * (li_.blocks()[b].first_slot + idx);
        RewriteRegs(inst, [&](Reg r, uint8_t role) -> Reg {
          if (!r.is_virtual()) return r;
          absl::StatusOr<Location> loc =
              LocationAt(r.id(), (role & kUse) != 0 ? use_pos : use_pos + 1);
          if (!loc.ok() || loc->is_slot) {
            if (status.ok()) {
              status = loc.ok() ? absl::InternalError(absl::StrCat(
                                      "register allocation: v", r.id(),
                                      " has no register at position ", use_pos))
                                : loc.status();
            }
            return r;
          }
          return Reg::Physical(r.reg_class(), loc->index);
        });
        KILN_RETURN_IF_ERROR(status);
        if (inst.is_move() && !options_.keep_identity_moves && inst.operands.size() == 2 &&
            inst.operands[0].is_reg() && inst.operands[1].is_reg() &&
            inst.operands[0].reg == inst.operands[1].reg) {
          ++stats_.removed_moves;
          continue;
        }
        out.push_back(std::move(inst));
      }
      block.insts = std::move(out);
    }
    return absl::OkStatus();
  }

  MachFunction& fn_;
  const RegAllocTarget& target_;
  const RegisterInfo& info_;
  LiveIntervals& li_;
  const LinearScan& scan_;
  const AllocateOptions& options_;
  AllocationStats& stats_;
  std::vector<int> slot_of_vreg_;
  std::vector<int> spill_index_;  // dense index of spilled vregs, -1 for the others
  int scratch_slot_[kNumRegClasses] = {-1, -1};
  std::map<PointKey, InsertionPoint> points_;
  bool reg_ranges_built_ = false;
  std::vector<LiveRange> reg_ranges_[kNumRegClasses][kMaxRegsPerClass];
};

// CheckInput rejects functions that break the machine-IR contract in ways that would
// otherwise crash the allocator.
absl::Status CheckInput(const MachFunction& fn) {
  if (fn.vreg_class.size() != fn.num_vregs) {
    return absl::InternalError("register allocation: vreg_class does not match num_vregs");
  }
  if (fn.blocks.empty()) return absl::InternalError("register allocation: no blocks");
  absl::Status status;
  for (const MachBlock& block : fn.blocks) {
    for (uint32_t s : block.succs) {
      if (s >= fn.blocks.size()) return absl::InternalError("register allocation: bad successor");
    }
    for (uint32_t p : block.preds) {
      if (p >= fn.blocks.size()) return absl::InternalError("register allocation: bad predecessor");
    }
    for (const MachInst& inst : block.insts) {
      ForEachRegOperand(inst, [&](Reg r, uint8_t) {
        if (!r.is_virtual() || !status.ok()) return;
        if (r.id() >= fn.num_vregs || fn.vreg_class[r.id()] != r.reg_class()) {
          status = absl::InternalError(
              absl::StrCat("register allocation: v", r.id(), " is undeclared or has the wrong class"));
        }
      });
    }
  }
  return status;
}

}  // namespace

absl::StatusOr<AllocationStats> AllocateRegisters(MachFunction& fn, const RegAllocTarget& target,
                                                  const AllocateOptions& options) {
  KILN_RETURN_IF_ERROR(CheckInput(fn));
  const RegisterInfo& info = target.register_info();
  LiveIntervals li = LiveIntervals::Build(fn, info);
  const std::vector<uint32_t>& undefined = li.LiveInVregs(0);
  if (!undefined.empty()) {
    return absl::InternalError(absl::StrCat("register allocation: v", undefined.front(),
                                            " is read before it is written in ", fn.name));
  }
  LinearScan scan(li, fn, info);
  KILN_RETURN_IF_ERROR(scan.Run());
  AllocationStats stats;
  Resolver resolver(fn, target, li, scan, options, stats);
  KILN_RETURN_IF_ERROR(resolver.Run());
  return stats;
}

absl::Status Allocate(MachFunction& fn, const RegAllocTarget& target) {
  return AllocateRegisters(fn, target).status();
}

RegMask UsedCalleeSaved(const MachFunction& fn, const RegisterInfo& info) {
  RegMask used = 0;
  for (const MachBlock& block : fn.blocks) {
    for (const MachInst& inst : block.insts) {
      for (const Operand& op : inst.operands) {
        if (op.writes() && op.reg.is_physical()) used |= op.reg.mask_bit();
      }
    }
  }
  return used & info.callee_saved;
}

}  // namespace kiln::backend::regalloc
