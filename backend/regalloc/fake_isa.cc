// The fake test ISA: register file, instruction makers, printer, builder and random programs.
#include "backend/regalloc/fake_isa.h"

#include <functional>
#include <random>

#include "absl/strings/str_cat.h"

namespace kiln::backend::regalloc::fake {

// -- Target -------------------------------------------------------------------------------

FakeTarget::FakeTarget(uint32_t num_int, uint32_t num_float, uint32_t first_callee_saved_int) {
  for (uint32_t n = 0; n < num_int; ++n) {
    info_.allocatable[0].push_back(Int(n));
    info_.names[0].push_back(absl::StrCat("r", n));
    if (n >= first_callee_saved_int) {
      info_.callee_saved |= Int(n).mask_bit();
    } else {
      caller_saved_ |= Int(n).mask_bit();
    }
  }
  for (uint32_t n = 0; n < num_float; ++n) {
    info_.allocatable[1].push_back(Float(n));
    info_.names[1].push_back(absl::StrCat("f", n));
    caller_saved_ |= Float(n).mask_bit();
  }
}

MachInst FakeTarget::MakeMove(Reg dst, Reg src) const {
  MachInst inst;
  inst.opcode = kMov;
  inst.flags = kIsMove;
  inst.operands = {Operand::Def(dst), Operand::Use(src)};
  return inst;
}

MachInst FakeTarget::MakeSpill(Reg src, SlotId slot) const {
  MachInst inst;
  inst.opcode = kSpill;
  inst.operands = {Operand::Slot(slot), Operand::Use(src)};
  return inst;
}

MachInst FakeTarget::MakeReload(Reg dst, SlotId slot) const {
  MachInst inst;
  inst.opcode = kReload;
  inst.operands = {Operand::Def(dst), Operand::Slot(slot)};
  return inst;
}

namespace {

const char* OpName(uint16_t op) {
  static const char* const kNames[] = {"mov",  "spill", "reload", "const", "add",
                                       "addto", "scratch", "load", "store", "div",
                                       "call", "args",  "jump",   "branch", "return"};
  return op < sizeof(kNames) / sizeof(kNames[0]) ? kNames[op] : "?";
}

std::string RegName(Reg r) {
  if (!r.valid()) return "_";
  const char* prefix = r.reg_class() == RegClass::kInt ? "" : "f";
  if (r.is_virtual()) return absl::StrCat(prefix, "v", r.id());
  return absl::StrCat(r.reg_class() == RegClass::kInt ? "r" : "f", r.id());
}

}  // namespace

std::string FakeTarget::PrintInst(const MachInst& inst) const {
  std::string out = OpName(inst.opcode);
  const char* sep = " ";
  for (const Operand& op : inst.operands) {
    absl::StrAppend(&out, sep);
    sep = ", ";
    switch (op.kind) {
      case OperandKind::kReg:
        absl::StrAppend(&out, RegName(op.reg), (op.role & kEarlyClobber) ? "(ec)" : "",
                        op.role == kUseDef ? "(ud)" : "");
        break;
      case OperandKind::kMem:
        absl::StrAppend(&out, "[", RegName(op.base), "+", op.disp, "]");
        break;
      case OperandKind::kSlot:
        absl::StrAppend(&out, "slot", op.imm);
        break;
      case OperandKind::kBlock:
        absl::StrAppend(&out, "b", op.imm);
        break;
      case OperandKind::kImm:
      case OperandKind::kFunction:
      case OperandKind::kNone:
        absl::StrAppend(&out, op.imm);
        break;
    }
  }
  if (inst.flags & kAllocatorInserted) absl::StrAppend(&out, "   ; inserted");
  return out;
}

std::string FakeTarget::Print(const MachFunction& fn) const {
  std::string out;
  for (const MachBlock& block : fn.blocks) {
    absl::StrAppend(&out, "b", block.id, " (depth ", block.loop_depth, "):\n");
    for (const MachInst& inst : block.insts) absl::StrAppend(&out, "  ", PrintInst(inst), "\n");
  }
  return out;
}

// -- Builder ------------------------------------------------------------------------------

uint32_t Builder::NewBlock(uint32_t loop_depth) {
  uint32_t id = fn_.NewBlock();
  fn_.blocks[id].loop_depth = loop_depth;
  return id;
}

void Builder::Emit(MachInst inst) { fn_.blocks[block_].insts.push_back(std::move(inst)); }

void Builder::Args() {
  MachInst inst;
  inst.opcode = kArgs;
  inst.flags = kDefinesArgs;
  inst.operands = {Operand::Def(Int(0)), Operand::Def(Int(1))};
  Emit(std::move(inst));
}

void Builder::Mov(Reg dst, Reg src) { Emit(target_.MakeMove(dst, src)); }

void Builder::Const(Reg dst, int64_t value) {
  MachInst inst;
  inst.opcode = kConst;
  inst.operands = {Operand::Def(dst), Operand::Imm(value)};
  Emit(std::move(inst));
}

void Builder::Add(Reg dst, Reg a, Reg b) {
  MachInst inst;
  inst.opcode = kAdd;
  inst.operands = {Operand::Def(dst), Operand::Use(a), Operand::Use(b)};
  Emit(std::move(inst));
}

void Builder::AddTo(Reg dst, Reg src) {
  MachInst inst;
  inst.opcode = kAddTo;
  inst.operands = {Operand::UseDef(dst), Operand::Use(src)};
  Emit(std::move(inst));
}

void Builder::Scratch(Reg dst, Reg src, Reg temp) {
  MachInst inst;
  inst.opcode = kScratch;
  inst.operands = {Operand::Def(dst), Operand::Use(src), Operand::Temp(temp)};
  Emit(std::move(inst));
}

void Builder::Load(Reg dst, Reg base) {
  MachInst inst;
  inst.opcode = kLoad;
  inst.operands = {Operand::Def(dst), Operand::Mem(base, Reg(), 1, 8)};
  Emit(std::move(inst));
}

void Builder::Store(Reg base, Reg value) {
  MachInst inst;
  inst.opcode = kStore;
  inst.operands = {Operand::Mem(base, Reg(), 1, 0), Operand::Use(value)};
  Emit(std::move(inst));
}

void Builder::Div(Reg dst, Reg a, Reg b) {
  Mov(Int(0), a);
  Const(Int(1), 0);
  MachInst inst;
  inst.opcode = kDiv;
  inst.operands = {Operand::UseDef(Int(0)), Operand::UseDef(Int(1)), Operand::Use(b)};
  Emit(std::move(inst));
  Mov(dst, Int(0));
}

void Builder::Call(Reg dst, Reg arg) {
  Mov(Int(0), arg);
  MachInst inst;
  inst.opcode = kCall;
  inst.flags = kIsCall;
  inst.clobbers = target_.CallerSaved();
  inst.operands = {Operand::UseDef(Int(0))};
  Emit(std::move(inst));
  Mov(dst, Int(0));
}

void Builder::Jump(uint32_t target) {
  MachInst inst;
  inst.opcode = kJump;
  inst.flags = kTerminator;
  inst.operands = {Operand::BlockTarget(target)};
  Emit(std::move(inst));
  fn_.blocks[block_].succs = {target};
}

void Builder::Branch(uint32_t if_true, uint32_t if_false) {
  MachInst inst;
  inst.opcode = kBranch;
  inst.flags = kTerminator;
  inst.operands = {Operand::BlockTarget(if_true), Operand::BlockTarget(if_false)};
  Emit(std::move(inst));
  fn_.blocks[block_].succs = {if_true, if_false};
}

void Builder::Return(Reg value) {
  Mov(Int(0), value);
  MachInst inst;
  inst.opcode = kReturn;
  inst.flags = kTerminator;
  inst.operands = {Operand::Use(Int(0))};
  Emit(std::move(inst));
  fn_.blocks[block_].succs.clear();
}

void Builder::Finish() {
  for (MachBlock& block : fn_.blocks) block.preds.clear();
  for (MachBlock& block : fn_.blocks) {
    for (uint32_t s : block.succs) fn_.blocks[s].preds.push_back(block.id);
  }
}

// -- Random programs ----------------------------------------------------------------------

namespace {

// SplitCriticalEdges gives every edge from a multi-successor block into a multi-predecessor
// block its own jump block, appended to the layout.
void SplitCriticalEdges(MachFunction& fn, Builder& b) {
  b.Finish();
  const size_t original = fn.blocks.size();
  for (uint32_t p = 0; p < original; ++p) {
    if (fn.blocks[p].succs.size() < 2) continue;
    for (size_t i = 0; i < fn.blocks[p].succs.size(); ++i) {
      uint32_t s = fn.blocks[p].succs[i];
      if (fn.blocks[s].preds.size() < 2) continue;
      uint32_t q = b.NewBlock();
      b.SetBlock(q);
      b.Jump(s);
      fn.blocks[p].succs[i] = q;
      for (Operand& op : fn.blocks[p].insts.back().operands) {
        if (op.kind == OperandKind::kBlock && op.imm == s) {
          op.imm = q;
          break;
        }
      }
    }
  }
  b.Finish();
}

// ComputeLoopDepths counts, per block, the natural loops (one per DFS back edge) containing it.
void ComputeLoopDepths(MachFunction& fn) {
  const size_t n = fn.blocks.size();
  std::vector<int> state(n, 0);  // 0 unvisited, 1 on stack, 2 done
  std::vector<std::pair<uint32_t, uint32_t>> back_edges;
  std::function<void(uint32_t)> dfs = [&](uint32_t b) {
    state[b] = 1;
    for (uint32_t s : fn.blocks[b].succs) {
      if (state[s] == 1) back_edges.push_back({b, s});
      if (state[s] == 0) dfs(s);
    }
    state[b] = 2;
  };
  dfs(0);
  for (auto [tail, header] : back_edges) {
    std::vector<bool> in_loop(n, false);
    in_loop[header] = true;
    std::vector<uint32_t> work = {tail};
    while (!work.empty()) {
      uint32_t b = work.back();
      work.pop_back();
      if (in_loop[b]) continue;
      in_loop[b] = true;
      for (uint32_t p : fn.blocks[b].preds) work.push_back(p);
    }
    for (size_t b = 0; b < n; ++b) {
      if (in_loop[b]) ++fn.blocks[b].loop_depth;
    }
  }
}

}  // namespace

MachFunction RandomProgram(uint64_t seed, const FakeTarget& target,
                           const RandomProgramOptions& options) {
  std::mt19937_64 rng(seed);
  auto pick = [&](size_t n) { return static_cast<uint32_t>(rng() % n); };
  MachFunction fn;
  fn.name = absl::StrCat("random", seed);
  Builder b(fn, target);
  const uint32_t num_blocks = std::max<uint32_t>(options.blocks, 2);
  for (uint32_t i = 0; i < num_blocks; ++i) b.NewBlock();

  std::vector<Reg> ints;
  std::vector<Reg> floats;
  for (uint32_t i = 0; i < std::max<uint32_t>(options.int_values, 2); ++i) ints.push_back(b.NewInt());
  for (uint32_t i = 0; i < options.float_values; ++i) floats.push_back(b.NewFloat());
  auto any_int = [&] { return ints[pick(ints.size())]; };
  auto any_float = [&] { return floats[pick(floats.size())]; };

  b.SetBlock(0);
  b.Args();
  b.Mov(ints[0], Int(0));
  b.Mov(ints[1], Int(1));
  for (size_t i = 2; i < ints.size(); ++i) b.Const(ints[i], static_cast<int64_t>(i));
  for (size_t i = 0; i < floats.size(); ++i) b.Const(floats[i], static_cast<int64_t>(i));

  for (uint32_t block = 0; block < num_blocks; ++block) {
    b.SetBlock(block);
    const uint32_t count = pick(options.max_insts + 1);
    for (uint32_t k = 0; k < count; ++k) {
      const uint32_t what = pick(floats.empty() ? 10 : 13);
      switch (what) {
        case 0: b.Const(any_int(), pick(100)); break;
        case 1: b.Add(any_int(), any_int(), any_int()); break;
        case 2: b.AddTo(any_int(), any_int()); break;
        case 3: b.Scratch(any_int(), any_int(), b.NewInt()); break;
        case 4: b.Load(any_int(), any_int()); break;
        case 5: b.Store(any_int(), any_int()); break;
        case 6: b.Div(any_int(), any_int(), any_int()); break;
        case 7: b.Call(any_int(), any_int()); break;
        case 8: b.Mov(any_int(), any_int()); break;
        case 9: b.Add(any_int(), any_int(), any_int()); break;
        case 10: b.Add(any_float(), any_float(), any_float()); break;
        case 11: b.Mov(any_float(), any_float()); break;
        default: b.AddTo(any_float(), any_float()); break;
      }
    }
    // Terminator; the entry gets no predecessors, and the last block always returns.
    const uint32_t kind = block + 1 == num_blocks ? 0 : pick(10);
    if (kind < 2) {
      b.Return(any_int());
    } else if (kind < 6) {
      b.Jump(1 + pick(num_blocks - 1));
    } else {
      uint32_t t = 1 + pick(num_blocks - 1);
      uint32_t f = 1 + pick(num_blocks - 1);
      if (f == t) f = 1 + (t % (num_blocks - 1));
      if (f == t) {
        b.Jump(t);
      } else {
        b.Branch(t, f);
      }
    }
  }
  SplitCriticalEdges(fn, b);
  ComputeLoopDepths(fn);
  return fn;
}

}  // namespace kiln::backend::regalloc::fake
