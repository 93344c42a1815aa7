// gvn: global value numbering of instructions whose result depends on their operands only.
//
// The pass walks the dominator tree in preorder with a scoped table of the instructions seen
// on the path from the entry. An instruction equal to one in the table (same opcode,
// controlling type, immediates and operands, the operands of commutative opcodes and
// symmetric comparisons put in a canonical order) is replaced by it: the dominating
// instruction has computed the same value on every path that reaches the second.
//
// Candidates are the pure instructions, and those whose only property besides purity is that
// they may trap (sdiv, udiv, srem, urem, fcvt_to_sint/uint, trapz, trapnz): a repetition
// dominated by the first would have trapped there already, so removing it keeps every trap.
// Instructions that read state (loads, vm_load) or write it, calls and terminators are never
// merged: something between the two could change what they read. Floating-point operations
// are merged only when bit-identical in operands and immediates, which keeps NaN payloads and
// signed zeros exactly as they were.
//
// Requires: the dominator tree (from PassContext). Unreachable blocks are not visited.
// Invalidates: nothing of the CFG. Replaced instructions are removed right away.
#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "compiler/passes/passes.h"

namespace kiln::passes {
namespace {

using ssa::Block;
using ssa::Inst;
using ssa::OpInfo;
using ssa::Value;

// IsCandidate: pure, or pure except that it may trap. The other flags (memory, calls,
// terminators) rule an instruction out.
bool IsCandidate(const Inst& inst) {
  const OpInfo& info = inst.info();
  if (info.pure()) return true;
  constexpr uint16_t kAllowed = ssa::kMayTrap | ssa::kCommutative;
  return info.may_trap() && (info.flags & ~kAllowed) == 0 && !info.is_terminator();
}

ssa::FloatCC SwapFloatCC(ssa::FloatCC cc) {
  switch (cc) {
    case ssa::FloatCC::kEq:
    case ssa::FloatCC::kNe:
      return cc;
    case ssa::FloatCC::kLt:
      return ssa::FloatCC::kGt;
    case ssa::FloatCC::kLe:
      return ssa::FloatCC::kGe;
    case ssa::FloatCC::kGt:
      return ssa::FloatCC::kLt;
    case ssa::FloatCC::kGe:
      return ssa::FloatCC::kLe;
  }
  return cc;
}

// Key is what makes two candidate instructions compute the same value.
struct Key {
  ssa::Opcode opcode;
  ssa::Type type;
  absl::InlinedVector<Value, 3> args;
  uint64_t imm;
  uint32_t index;
  uint32_t sig;
  uint8_t lane;
  ssa::V128Bytes bytes;

  friend bool operator==(const Key& a, const Key& b) {
    return a.opcode == b.opcode && a.type == b.type && a.args == b.args && a.imm == b.imm &&
           a.index == b.index && a.sig == b.sig && a.lane == b.lane && a.bytes == b.bytes;
  }
  template <typename H>
  friend H AbslHashValue(H h, const Key& k) {
    return H::combine(std::move(h), k.opcode, k.type, k.args, k.imm, k.index, k.sig, k.lane,
                      k.bytes);
  }
};

// MakeKey builds the key of a candidate whose operands are already resolved. Operand order
// is canonical: ascending value ids for commutative opcodes, and for comparisons the
// condition is swapped along with the operands (a < b is b > a, also for floats and NaN).
Key MakeKey(const Inst& inst) {
  Key key{inst.opcode(), inst.type(), inst.args, inst.imm, inst.index,
          inst.sig,      inst.lane,   inst.bytes};
  if (key.args.size() == 2 && key.args[1] < key.args[0]) {
    if (inst.info().commutative()) {
      std::swap(key.args[0], key.args[1]);
    } else if (inst.opcode() == ssa::Opcode::kIcmp) {
      std::swap(key.args[0], key.args[1]);
      key.index = static_cast<uint32_t>(ssa::SwapIntCC(inst.int_cc()));
    } else if (inst.opcode() == ssa::Opcode::kFcmp) {
      std::swap(key.args[0], key.args[1]);
      key.index = static_cast<uint32_t>(SwapFloatCC(inst.float_cc()));
    }
  }
  return key;
}

}  // namespace

void RunGvn(ssa::Function& fn, PassContext& ctx) {
  const analysis::DominatorTree& dominators = ctx.Dominators();
  if (fn.entry() == nullptr) return;

  // Replacements so far; every operand is resolved through it before keying, so chains of
  // equal expressions collapse in one walk.
  std::vector<Value> replacement(fn.num_value_ids());
  auto resolve = [&](Value v) { return replacement[v.id].valid() ? replacement[v.id] : v; };

  absl::flat_hash_map<Key, Inst*> table;
  std::vector<Inst*> removed;
  absl::flat_hash_map<Value, Value> substitution;

  // Explicit stack for the dominator-tree walk: each frame is a block, the next child to
  // visit, and the keys it added (erased again when the walk leaves its subtree).
  struct Frame {
    Block* block;
    size_t next_child;
    std::vector<Key> added;
  };
  std::vector<Frame> stack;
  auto enter = [&](Block* block) {
    Frame frame{block, 0, {}};
    for (Inst* inst : block->insts()) {
      for (Value& arg : inst->args) arg = resolve(arg);
      for (ssa::BlockCall& call : inst->targets) {
        for (Value& arg : call.args) arg = resolve(arg);
      }
      if (!IsCandidate(*inst)) continue;
      Key key = MakeKey(*inst);
      auto [it, inserted] = table.emplace(key, inst);
      if (inserted) {
        frame.added.push_back(std::move(key));
        continue;
      }
      const Inst* existing = it->second;
      for (size_t i = 0; i < inst->results().size(); ++i) {
        replacement[inst->result(i).id] = existing->result(i);
        substitution[inst->result(i)] = existing->result(i);
      }
      removed.push_back(inst);
    }
    stack.push_back(std::move(frame));
  };

  enter(fn.entry());
  while (!stack.empty()) {
    Frame& frame = stack.back();
    absl::Span<Block* const> children = dominators.children(frame.block);
    if (frame.next_child < children.size()) {
      enter(children[frame.next_child++]);
      continue;
    }
    for (const Key& key : frame.added) table.erase(key);
    stack.pop_back();
  }

  // Uses outside the dominator tree's blocks (unreachable code) are rewritten here too.
  if (!substitution.empty()) fn.ReplaceUses(substitution);
  for (Inst* inst : removed) fn.RemoveInst(inst);
  ctx.Count("replaced", static_cast<int64_t>(removed.size()));
}

}  // namespace kiln::passes
