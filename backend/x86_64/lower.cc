// Instruction selection driver, control flow, integer operations and calls (lower.h).
#include "backend/x86_64/lower.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "backend/x86_64/registers.h"
#include "compiler/analysis/dominators.h"
#include "compiler/analysis/loops.h"
#include "compiler/base/status_macros.h"
#include "compiler/ssa/cfg.h"
#include "compiler/vmctx/layout.h"

namespace kiln::backend::x86_64 {

using ssa::Opcode;

Lowerer::Lowerer(const ssa::Function& fn, const LowerContext& ctx) : fn_(fn), ctx_(ctx) {}

absl::StatusOr<MachFunction> Lower(const ssa::Function& fn, const LowerContext& ctx) {
  Lowerer lowerer(fn, ctx);
  return lowerer.Run();
}

// -- Driver ----------------------------------------------------------------------------------

absl::StatusOr<MachFunction> Lowerer::Run() {
  out_.name = fn_.name();
  out_.func_index = ctx_.func_index;
  vregs_.assign(fn_.num_value_ids(), Reg());
  fused_.assign(fn_.num_value_ids(), false);
  use_counts_ = fn_.CountUses();
  pred_counts_.assign(fn_.num_block_ids(), 0);
  for (const ssa::Block* block : fn_.blocks()) {
    for (const ssa::Block* succ : ssa::Successors(*block)) ++pred_counts_[succ->id()];
  }

  // Every SSA value gets a virtual register of its class up front, so forward references
  // (block parameters of later blocks) are known.
  for (const ssa::Block* block : fn_.blocks()) {
    for (ssa::Value p : block->params()) {
      vregs_[p.id] = out_.NewVReg(ClassOf(fn_.value_type(p)));
    }
    for (const ssa::Inst* inst : block->insts()) {
      for (ssa::Value r : inst->results()) {
        vregs_[r.id] = out_.NewVReg(ClassOf(fn_.value_type(r)));
      }
    }
  }

  // Machine block 0 receives the arguments; SSA blocks follow in layout order.
  out_.NewBlock();
  block_map_.assign(fn_.num_block_ids(), 0);
  for (const ssa::Block* block : fn_.blocks()) block_map_[block->id()] = out_.NewBlock();

  // Loop depth for spill placement.
  ssa::Cfg cfg = ssa::Cfg::Compute(fn_);
  analysis::DominatorTree dom = analysis::DominatorTree::Compute(fn_, cfg);
  analysis::LoopForest loops = analysis::LoopForest::Compute(fn_, cfg, dom);
  for (const ssa::Block* block : fn_.blocks()) {
    out_.blocks[block_map_[block->id()]].loop_depth = static_cast<uint32_t>(loops.Depth(block));
  }

  // Compares consumed by the branch or trap right after them in the same block are emitted
  // there (cmp + jcc) instead of materializing a 0/1 value.
  for (const ssa::Block* block : fn_.blocks()) {
    for (const ssa::Inst* inst : block->insts()) {
      if (IsFusedCompare(*inst) || IsFusedFlagLoad(*inst)) fused_[inst->result().id] = true;
    }
  }

  current_ = 0;
  LowerEntry();
  for (const ssa::Block* block : fn_.blocks()) {
    KILN_RETURN_IF_ERROR(LowerBlock(block));
  }

  // Calls through FuncRefs with another instance's vmctx reload ours from this slot.
  if (has_vmctx_slot_) {
    auto& entry = out_.blocks[0].insts;
    entry.insert(entry.begin() + 1, MakeInst(Op::kStoreVmctx, 8, {Operand::Slot(vmctx_slot_)}));
  }

  // Predecessor lists from the successor lists.
  for (MachBlock& block : out_.blocks) block.preds.clear();
  for (const MachBlock& block : out_.blocks) {
    for (uint32_t succ : block.succs) out_.blocks[succ].preds.push_back(block.id);
  }
  return std::move(out_);
}

bool Lowerer::IsFusedCompare(const ssa::Inst& inst) const {
  if (inst.opcode() != Opcode::kIcmp) return false;
  if (use_counts_[inst.result().id] != 1) return false;
  const ssa::Inst* next = inst.next();
  if (next == nullptr || next->args.empty() || next->args[0] != inst.result()) return false;
  switch (next->opcode()) {
    case Opcode::kBrif:
      // brif's arguments may read the compared values after moves; they go to edge blocks,
      // so the cmp stays right before the jcc.
      return true;
    case Opcode::kTrapz:
    case Opcode::kTrapnz:
      return true;
    case Opcode::kSelect:
      // An integer select becomes cmp + cmov; float selects branch on the 0/1 value.
      return ClassOf(next->type()) == RegClass::kInt;
    default:
      return false;
  }
}

bool Lowerer::IsFusedFlagLoad(const ssa::Inst& inst) const {
  if (inst.opcode() != Opcode::kVmLoad || inst.type() != ssa::Type::kI32) return false;
  if (use_counts_[inst.result().id] != 1) return false;
  const ssa::Inst* next = inst.next();
  if (next == nullptr || next->args.empty() || next->args[0] != inst.result()) return false;
  return next->opcode() == Opcode::kTrapz || next->opcode() == Opcode::kTrapnz;
}

void Lowerer::LowerEntry() {
  const ssa::Block* entry = fn_.entry();
  CallLayout layout = ComputeCallLayout(fn_.signature());
  MachInst define = MakeInst(Op::kDefineArgs, 8, {});
  define.flags = kDefinesArgs;
  for (const ValueLocation& loc : layout.params) {
    if (loc.in_register()) define.operands.push_back(Operand::Def(loc.reg));
  }
  Emit(std::move(define));
  for (size_t i = 0; i < layout.params.size(); ++i) {
    const ValueLocation& loc = layout.params[i];
    Reg dst = vregs_[entry->params()[i + 1].id];
    if (loc.in_register()) {
      Copy(dst, loc.reg);
    } else {
      Operand mem = Operand::Mem(kFramePointer, Reg(), 1, static_cast<int32_t>(16 + loc.stack_offset));
      if (dst.reg_class() == RegClass::kInt) {
        // An i32 is read as 32 bits, which keeps the zero-extension invariant whatever the
        // caller left in the upper half of its slot.
        LoadKind kind = loc.type == ssa::Type::kI32 ? LoadKind::kU32 : LoadKind::k64;
        Emit(MakeInst(Op::kLoad, SizeOf(loc.type), {Operand::Def(dst), mem}, static_cast<uint32_t>(kind)));
      } else {
        uint8_t size = loc.type == ssa::Type::kV128 ? 16 : SizeOf(loc.type);
        Emit(MakeInst(Op::kLoadF, size, {Operand::Def(dst), mem}));
      }
    }
  }
  // Memory 0's base never moves (guard pages), so one load per function suffices.
  if (ctx_.layout != nullptr && ctx_.layout->num_memories() > 0) {
    mem_base_ = out_.NewVReg(RegClass::kInt);
    vmctx::Location loc = ctx_.layout->memory(0);
    Reg record = kVmctxReg;
    int32_t disp = static_cast<int32_t>(loc.offset);
    if (loc.through_pointer) {
      record = out_.NewVReg(RegClass::kInt);
      Emit(MakeInst(Op::kLoad, 8, {Operand::Def(record), Operand::Mem(kVmctxReg, Reg(), 1, disp)},
                    static_cast<uint32_t>(LoadKind::k64)));
      disp = 0;
    }
    Emit(MakeInst(Op::kLoad, 8,
                  {Operand::Def(mem_base_),
                   Operand::Mem(record, Reg(), 1, disp + vmctx::MemoryDefinition::kBaseOffset)},
                  static_cast<uint32_t>(LoadKind::k64)));
  }
  uint32_t target = block_map_[entry->id()];
  Emit(MakeInst(Op::kJmp, 0, {Operand::BlockTarget(target)}));
  out_.blocks[0].insts.back().flags = kTerminator;
  out_.blocks[0].succs.push_back(target);
}

absl::Status Lowerer::LowerBlock(const ssa::Block* block) {
  current_ = block_map_[block->id()];
  for (const ssa::Inst* inst : block->insts()) {
    KILN_RETURN_IF_ERROR(LowerInst(*inst));
  }
  return absl::OkStatus();
}

// -- Helpers -----------------------------------------------------------------------------------

bool Lowerer::ConstOf(ssa::Value v, int64_t* value) const {
  const ssa::Inst* def = DefInst(v);
  if (def == nullptr || def->opcode() != Opcode::kIconst) return false;
  int64_t c = static_cast<int64_t>(def->imm);
  if (def->type() == ssa::Type::kI32) c = static_cast<int32_t>(static_cast<uint32_t>(def->imm));
  *value = c;
  return true;
}

Reg Lowerer::VRegOf(ssa::Value v) {
  if (IsVmctx(v)) {
    Reg r = out_.NewVReg(RegClass::kInt);
    Copy(r, kVmctxReg);
    return r;
  }
  const ssa::Inst* def = DefInst(v);
  if (def != nullptr) {
    switch (def->opcode()) {
      case Opcode::kIconst: {
        Reg r = out_.NewVReg(RegClass::kInt);
        uint64_t bits = def->imm;
        bool is64 = def->type() == ssa::Type::kI64 && (bits >> 32) != 0;
        Emit(MakeInst(Op::kMovImm, is64 ? 8 : 4, {Operand::Def(r), Operand::Imm(static_cast<int64_t>(bits))}));
        return r;
      }
      case Opcode::kFconst: {
        Reg r = out_.NewVReg(RegClass::kFloat);
        Emit(MakeInst(Op::kFConst, SizeOf(def->type()),
                      {Operand::Def(r), Operand::Imm(static_cast<int64_t>(def->imm))}));
        return r;
      }
      case Opcode::kRefNull: {
        Reg r = out_.NewVReg(RegClass::kInt);
        Emit(MakeInst(Op::kMovImm, 4, {Operand::Def(r), Operand::Imm(0)}));
        return r;
      }
      default:
        break;
    }
  }
  return vregs_[v.id];
}

Operand Lowerer::ImmOrReg(ssa::Value v) {
  int64_t c;
  if (ConstOf(v, &c) && c >= INT32_MIN && c <= INT32_MAX) return Operand::Imm(c);
  return Operand::Use(VRegOf(v));
}

void Lowerer::Copy(Reg dst, Reg src) {
  MachInst inst = MakeInst(dst.reg_class() == RegClass::kInt ? Op::kMovRR : Op::kMovF, 8,
                           {Operand::Def(dst), Operand::Use(src)});
  inst.flags = kIsMove;
  Emit(std::move(inst));
}

// -- Instructions ------------------------------------------------------------------------------

absl::Status Lowerer::LowerInst(const ssa::Inst& inst) {
  auto unimplemented = [&]() {
    return absl::UnimplementedError(absl::StrCat(
        "x86_64 backend: ", ssa::Name(inst.opcode()), " is not supported yet (SIMD)"));
  };
  switch (inst.opcode()) {
    // Constants are rematerialized at each use (VRegOf).
    case Opcode::kIconst:
    case Opcode::kFconst:
    case Opcode::kRefNull:
      return absl::OkStatus();
    case Opcode::kVconst:
      return unimplemented();

    case Opcode::kIadd: LowerBinary(inst, Op::kAdd); return absl::OkStatus();
    case Opcode::kIsub: LowerBinary(inst, Op::kSub); return absl::OkStatus();
    case Opcode::kImul: LowerBinary(inst, Op::kImul); return absl::OkStatus();
    case Opcode::kBand: LowerBinary(inst, Op::kAnd); return absl::OkStatus();
    case Opcode::kBor: LowerBinary(inst, Op::kOr); return absl::OkStatus();
    case Opcode::kBxor: LowerBinary(inst, Op::kXor); return absl::OkStatus();
    case Opcode::kSdiv: LowerDiv(inst, DivKind::kSdiv); return absl::OkStatus();
    case Opcode::kUdiv: LowerDiv(inst, DivKind::kUdiv); return absl::OkStatus();
    case Opcode::kSrem: LowerDiv(inst, DivKind::kSrem); return absl::OkStatus();
    case Opcode::kUrem: LowerDiv(inst, DivKind::kUrem); return absl::OkStatus();
    case Opcode::kIshl: LowerShift(inst, Op::kShl); return absl::OkStatus();
    case Opcode::kSshr: LowerShift(inst, Op::kSar); return absl::OkStatus();
    case Opcode::kUshr: LowerShift(inst, Op::kShr); return absl::OkStatus();
    case Opcode::kRotl: LowerShift(inst, Op::kRol); return absl::OkStatus();
    case Opcode::kRotr: LowerShift(inst, Op::kRor); return absl::OkStatus();
    case Opcode::kClz:
    case Opcode::kCtz:
    case Opcode::kPopcnt: {
      Op op = inst.opcode() == Opcode::kClz ? Op::kClz
              : inst.opcode() == Opcode::kCtz ? Op::kCtz : Op::kPopcnt;
      Emit(MakeInst(op, SizeOf(inst.type()),
                    {Operand::Def(ResultReg(inst.result())), Operand::Use(VRegOf(inst.args[0]))}));
      return absl::OkStatus();
    }
    case Opcode::kIcmp: LowerIcmp(inst); return absl::OkStatus();

    case Opcode::kFadd: LowerFloatBinary(inst, Op::kFAdd); return absl::OkStatus();
    case Opcode::kFsub: LowerFloatBinary(inst, Op::kFSub); return absl::OkStatus();
    case Opcode::kFmul: LowerFloatBinary(inst, Op::kFMul); return absl::OkStatus();
    case Opcode::kFdiv: LowerFloatBinary(inst, Op::kFDiv); return absl::OkStatus();
    case Opcode::kFmin: LowerFloatBinary(inst, Op::kFMin); return absl::OkStatus();
    case Opcode::kFmax: LowerFloatBinary(inst, Op::kFMax); return absl::OkStatus();
    case Opcode::kFcopysign: LowerFloatBinary(inst, Op::kFCopysign); return absl::OkStatus();
    case Opcode::kSqrt: LowerFloatUnary(inst, Op::kFSqrt); return absl::OkStatus();
    case Opcode::kFabs: LowerFloatUnary(inst, Op::kFAbs); return absl::OkStatus();
    case Opcode::kFneg: LowerFloatUnary(inst, Op::kFNeg); return absl::OkStatus();
    case Opcode::kCeil: LowerRound(inst, RoundMode::kCeil); return absl::OkStatus();
    case Opcode::kFloor: LowerRound(inst, RoundMode::kFloor); return absl::OkStatus();
    case Opcode::kTrunc: LowerRound(inst, RoundMode::kTrunc); return absl::OkStatus();
    case Opcode::kNearest: LowerRound(inst, RoundMode::kNearest); return absl::OkStatus();
    case Opcode::kFcmp: LowerFcmp(inst); return absl::OkStatus();

    case Opcode::kIreduce:
    case Opcode::kUextend:
      Emit(MakeInst(Op::kZext32, 4,
                    {Operand::Def(ResultReg(inst.result())), Operand::Use(VRegOf(inst.args[0]))}));
      return absl::OkStatus();
    case Opcode::kSextend:
    case Opcode::kSextend32:
      Emit(MakeInst(Op::kMovsxd, 8,
                    {Operand::Def(ResultReg(inst.result())), Operand::Use(VRegOf(inst.args[0]))}));
      return absl::OkStatus();
    case Opcode::kSextend8:
    case Opcode::kSextend16:
      Emit(MakeInst(inst.opcode() == Opcode::kSextend8 ? Op::kMovsx8 : Op::kMovsx16,
                    SizeOf(inst.type()),
                    {Operand::Def(ResultReg(inst.result())), Operand::Use(VRegOf(inst.args[0]))}));
      return absl::OkStatus();
    case Opcode::kFcvtToSint: LowerFloatToInt(inst, true, false); return absl::OkStatus();
    case Opcode::kFcvtToUint: LowerFloatToInt(inst, false, false); return absl::OkStatus();
    case Opcode::kFcvtToSintSat: LowerFloatToInt(inst, true, true); return absl::OkStatus();
    case Opcode::kFcvtToUintSat: LowerFloatToInt(inst, false, true); return absl::OkStatus();
    case Opcode::kFcvtFromSint: LowerIntToFloat(inst, true); return absl::OkStatus();
    case Opcode::kFcvtFromUint: LowerIntToFloat(inst, false); return absl::OkStatus();
    case Opcode::kFpromote:
    case Opcode::kFdemote:
      Emit(MakeInst(inst.opcode() == Opcode::kFpromote ? Op::kFPromote : Op::kFDemote, 8,
                    {Operand::Def(ResultReg(inst.result())), Operand::Use(VRegOf(inst.args[0]))}));
      return absl::OkStatus();
    case Opcode::kBitcast: LowerBitcast(inst); return absl::OkStatus();

    case Opcode::kSelect: LowerSelect(inst); return absl::OkStatus();
    case Opcode::kRefIsNull: {
      Emit(MakeInst(Op::kCmp, 8, {Operand::Use(VRegOf(inst.args[0])), Operand::Imm(0)}));
      Emit(MakeInst(Op::kSetcc, 4, {Operand::Def(ResultReg(inst.result()))},
                    static_cast<uint32_t>(Cond::kE)));
      return absl::OkStatus();
    }
    case Opcode::kPtrAdd: {
      Reg dst = ResultReg(inst.result());
      Copy(dst, VRegOf(inst.args[0]));
      Emit(MakeInst(Op::kAdd, 8, {Operand::UseDef(dst), ImmOrReg(inst.args[1])}));
      return absl::OkStatus();
    }

    case Opcode::kLoad:
      LowerLoad(inst, inst.type() == ssa::Type::kI32 ? LoadKind::kU32 : LoadKind::k64);
      return absl::OkStatus();
    case Opcode::kUload8: LowerLoad(inst, LoadKind::kZx8); return absl::OkStatus();
    case Opcode::kSload8: LowerLoad(inst, LoadKind::kSx8); return absl::OkStatus();
    case Opcode::kUload16: LowerLoad(inst, LoadKind::kZx16); return absl::OkStatus();
    case Opcode::kSload16: LowerLoad(inst, LoadKind::kSx16); return absl::OkStatus();
    case Opcode::kUload32: LowerLoad(inst, LoadKind::kU32); return absl::OkStatus();
    case Opcode::kSload32: LowerLoad(inst, LoadKind::kSx32); return absl::OkStatus();
    case Opcode::kStore: LowerStore(inst, 0); return absl::OkStatus();
    case Opcode::kIstore8: LowerStore(inst, 1); return absl::OkStatus();
    case Opcode::kIstore16: LowerStore(inst, 2); return absl::OkStatus();
    case Opcode::kIstore32: LowerStore(inst, 4); return absl::OkStatus();
    case Opcode::kSload8x8:
    case Opcode::kUload8x8:
    case Opcode::kSload16x4:
    case Opcode::kUload16x4:
    case Opcode::kSload32x2:
    case Opcode::kUload32x2:
    case Opcode::kLoad8Splat:
    case Opcode::kLoad16Splat:
    case Opcode::kLoad32Splat:
    case Opcode::kLoad64Splat:
    case Opcode::kLoad32Zero:
    case Opcode::kLoad64Zero:
    case Opcode::kLoad8Lane:
    case Opcode::kLoad16Lane:
    case Opcode::kLoad32Lane:
    case Opcode::kLoad64Lane:
    case Opcode::kStore8Lane:
    case Opcode::kStore16Lane:
    case Opcode::kStore32Lane:
    case Opcode::kStore64Lane:
      return unimplemented();

    case Opcode::kVmLoad:
    case Opcode::kVmLoadReadonly:
      LowerVmLoad(inst);
      return absl::OkStatus();
    case Opcode::kVmStore: LowerVmStore(inst); return absl::OkStatus();

    case Opcode::kCall:
    case Opcode::kCallIndirect:
      return LowerCall(inst);
    case Opcode::kCallBuiltin: LowerCallBuiltin(inst); return absl::OkStatus();

    case Opcode::kTrapz: LowerTrapIf(inst, false); return absl::OkStatus();
    case Opcode::kTrapnz: LowerTrapIf(inst, true); return absl::OkStatus();

    case Opcode::kJump:
    case Opcode::kBrif:
    case Opcode::kBrTable:
    case Opcode::kReturn:
    case Opcode::kTrap:
      return LowerTerminator(inst);

#define SSA_OP(name, text, format, ctrl, results, operands, flags) case Opcode::k##name:
#include "compiler/ssa/ssa_simd_opcodes.def"
#undef SSA_OP
      return unimplemented();
  }
  return absl::InternalError("x86_64 backend: unknown SSA opcode");
}

// -- Integer operations ------------------------------------------------------------------------

void Lowerer::LowerBinary(const ssa::Inst& inst, Op op) {
  ssa::Value a = inst.args[0];
  ssa::Value b = inst.args[1];
  int64_t c;
  // A constant left operand of a commutative operation moves right, where it can be an imm.
  if (ssa::Info(inst.opcode()).commutative() && ConstOf(a, &c) && !ConstOf(b, &c)) std::swap(a, b);
  Reg dst = ResultReg(inst.result());
  Copy(dst, VRegOf(a));
  Emit(MakeInst(op, SizeOf(inst.type()), {Operand::UseDef(dst), ImmOrReg(b)}));
}

void Lowerer::LowerShift(const ssa::Inst& inst, Op op) {
  Reg dst = ResultReg(inst.result());
  uint8_t size = SizeOf(inst.type());
  int64_t c;
  if (ConstOf(inst.args[1], &c)) {
    Copy(dst, VRegOf(inst.args[0]));
    Emit(MakeInst(op, size, {Operand::UseDef(dst), Operand::Imm(c & (size * 8 - 1))}));
    return;
  }
  Reg amount = VRegOf(inst.args[1]);
  Copy(dst, VRegOf(inst.args[0]));
  Copy(Gpr(kRcx), amount);
  Emit(MakeInst(op, size, {Operand::UseDef(dst), Operand::Use(Gpr(kRcx))}));
}

void Lowerer::LowerDiv(const ssa::Inst& inst, DivKind kind) {
  Reg divisor = VRegOf(inst.args[1]);
  Reg dividend = VRegOf(inst.args[0]);
  Copy(Gpr(kRax), dividend);
  Emit(MakeInst(Op::kDiv, SizeOf(inst.type()),
                {Operand::UseDef(Gpr(kRax)), Operand::Temp(Gpr(kRdx)), Operand::Use(divisor)},
                static_cast<uint32_t>(kind)));
  Copy(ResultReg(inst.result()), Gpr(kRax));
}

Cond Lowerer::CompareCond(const ssa::Inst& icmp) const {
  switch (icmp.int_cc()) {
    case ssa::IntCC::kEq: return Cond::kE;
    case ssa::IntCC::kNe: return Cond::kNe;
    case ssa::IntCC::kSlt: return Cond::kL;
    case ssa::IntCC::kSle: return Cond::kLe;
    case ssa::IntCC::kSgt: return Cond::kG;
    case ssa::IntCC::kSge: return Cond::kGe;
    case ssa::IntCC::kUlt: return Cond::kB;
    case ssa::IntCC::kUle: return Cond::kBe;
    case ssa::IntCC::kUgt: return Cond::kA;
    case ssa::IntCC::kUge: return Cond::kAe;
  }
  return Cond::kE;
}

// EmitFusedCompare emits the cmp of an icmp; the caller emits the consumer of the flags.
void Lowerer::EmitFusedCompare(const ssa::Inst& icmp) {
  Reg a = VRegOf(icmp.args[0]);
  Emit(MakeInst(Op::kCmp, SizeOf(icmp.type()), {Operand::Use(a), ImmOrReg(icmp.args[1])}));
}

void Lowerer::LowerIcmp(const ssa::Inst& inst) {
  if (fused_[inst.result().id]) return;
  EmitFusedCompare(inst);
  Emit(MakeInst(Op::kSetcc, 4, {Operand::Def(ResultReg(inst.result()))},
                static_cast<uint32_t>(CompareCond(inst))));
}

void Lowerer::LowerSelect(const ssa::Inst& inst) {
  Reg dst = ResultReg(inst.result());
  if (fused_[inst.args[0].id]) {
    const ssa::Inst& icmp = *DefInst(inst.args[0]);
    Reg if_true = VRegOf(inst.args[1]);
    Copy(dst, VRegOf(inst.args[2]));
    EmitFusedCompare(icmp);
    Emit(MakeInst(Op::kCmov, 8, {Operand::UseDef(dst), Operand::Use(if_true)},
                  static_cast<uint32_t>(CompareCond(icmp))));
    return;
  }
  Reg cond = VRegOf(inst.args[0]);
  Reg if_true = VRegOf(inst.args[1]);
  Copy(dst, VRegOf(inst.args[2]));
  if (dst.reg_class() == RegClass::kInt) {
    Emit(MakeInst(Op::kTest, 4, {Operand::Use(cond), Operand::Use(cond)}));
    Emit(MakeInst(Op::kCmov, 8, {Operand::UseDef(dst), Operand::Use(if_true)},
                  static_cast<uint32_t>(Cond::kNe)));
  } else {
    Emit(MakeInst(Op::kSelectF, 16, {Operand::UseDef(dst), Operand::Use(cond), Operand::Use(if_true)}));
  }
}

bool Lowerer::IsInterruptPoll(const ssa::Inst& trap) const {
  if (trap.opcode() != Opcode::kTrapnz || trap.trap_code() != trap::TrapCode::kInterrupted) {
    return false;
  }
  ssa::Value v = trap.args[0];
  if (!fused_[v.id]) return false;
  const ssa::Inst& load = *DefInst(v);
  return load.opcode() == Opcode::kVmLoad && IsVmctx(load.args[0]) &&
         load.imm == vmctx::kInterruptFlagOffset;
}

void Lowerer::LowerTrapIf(const ssa::Inst& inst, bool trap_when_nonzero) {
  ssa::Value v = inst.args[0];
  if (IsInterruptPoll(inst)) {
    // One load from the poll page, which the runtime closes while the flag is set: no
    // compare, no branch (vmctx/layout.h kInterruptPollOffset).
    Emit(MakeInst(Op::kPoll, 4, {Operand::Mem(kVmctxReg, Reg(), 1, vmctx::kInterruptPollOffset)},
                  static_cast<uint32_t>(trap::TrapCode::kInterrupted)));
    return;
  }
  Cond cond;
  if (fused_[v.id] && DefInst(v)->opcode() == Opcode::kVmLoad) {
    const ssa::Inst& load = *DefInst(v);
    Reg base = IsVmctx(load.args[0]) ? kVmctxReg : VRegOf(load.args[0]);
    Emit(MakeInst(Op::kCmpMemImm, 4,
                  {Operand::Mem(base, Reg(), 1, static_cast<int32_t>(load.imm)), Operand::Imm(0)}));
    cond = trap_when_nonzero ? Cond::kNe : Cond::kE;
  } else if (fused_[v.id]) {
    const ssa::Inst& icmp = *DefInst(v);
    EmitFusedCompare(icmp);
    cond = CompareCond(icmp);
    if (!trap_when_nonzero) cond = Negate(cond);
  } else {
    Reg r = VRegOf(v);
    Emit(MakeInst(Op::kTest, SizeOf(fn_.value_type(v)), {Operand::Use(r), Operand::Use(r)}));
    cond = trap_when_nonzero ? Cond::kNe : Cond::kE;
  }
  Emit(MakeInst(Op::kTrapIf, 0, {},
                static_cast<uint32_t>(cond) | (static_cast<uint32_t>(inst.trap_code()) << 8)));
}

// -- Control flow ------------------------------------------------------------------------------

void Lowerer::EmitBlockArgs(const ssa::BlockCall& call) {
  absl::Span<const ssa::Value> params = call.block->params();
  // Parallel copy through temporaries: a parameter may also be an argument.
  std::vector<Reg> temps;
  for (size_t i = 0; i < call.args.size(); ++i) {
    Reg src = VRegOf(call.args[i]);
    Reg temp = out_.NewVReg(src.reg_class());
    Copy(temp, src);
    temps.push_back(temp);
  }
  for (size_t i = 0; i < call.args.size(); ++i) Copy(vregs_[params[i].id], temps[i]);
}

uint32_t Lowerer::EdgeTarget(const ssa::Block* from, const ssa::BlockCall& call, bool multi_succ) {
  (void)from;
  uint32_t target = block_map_[call.block->id()];
  bool critical = multi_succ && pred_counts_[call.block->id()] > 1;
  if (call.args.empty() && !critical) return target;
  uint32_t saved = current_;
  uint32_t edge = out_.NewBlock();
  out_.blocks[edge].loop_depth = out_.blocks[saved].loop_depth;
  current_ = edge;
  EmitBlockArgs(call);
  MachInst jmp = MakeInst(Op::kJmp, 0, {Operand::BlockTarget(target)});
  jmp.flags = kTerminator;
  Emit(std::move(jmp));
  out_.blocks[edge].succs.push_back(target);
  current_ = saved;
  return edge;
}

absl::Status Lowerer::LowerTerminator(const ssa::Inst& inst) {
  const ssa::Block* from = inst.block();
  MachBlock* block = &out_.blocks[current_];
  switch (inst.opcode()) {
    case Opcode::kJump: {
      const ssa::BlockCall& call = inst.targets[0];
      EmitBlockArgs(call);
      uint32_t target = block_map_[call.block->id()];
      MachInst jmp = MakeInst(Op::kJmp, 0, {Operand::BlockTarget(target)});
      jmp.flags = kTerminator;
      Emit(std::move(jmp));
      out_.blocks[current_].succs.push_back(target);
      return absl::OkStatus();
    }
    case Opcode::kBrif: {
      uint32_t taken = EdgeTarget(from, inst.targets[0], true);
      uint32_t not_taken = EdgeTarget(from, inst.targets[1], true);
      ssa::Value v = inst.args[0];
      Cond cond;
      if (fused_[v.id]) {
        const ssa::Inst& icmp = *DefInst(v);
        EmitFusedCompare(icmp);
        cond = CompareCond(icmp);
      } else {
        Reg r = VRegOf(v);
        Emit(MakeInst(Op::kTest, 4, {Operand::Use(r), Operand::Use(r)}));
        cond = Cond::kNe;
      }
      MachInst jcc = MakeInst(Op::kJcc, 0,
                              {Operand::BlockTarget(taken), Operand::BlockTarget(not_taken)},
                              static_cast<uint32_t>(cond));
      jcc.flags = kTerminator;
      Emit(std::move(jcc));
      block = &out_.blocks[current_];
      block->succs.push_back(taken);
      block->succs.push_back(not_taken);
      return absl::OkStatus();
    }
    case Opcode::kBrTable: {
      // Identical targets (same block, same arguments) share one edge block.
      std::vector<std::pair<const ssa::BlockCall*, uint32_t>> seen;
      auto target_of = [&](const ssa::BlockCall& call) {
        for (const auto& [prev, id] : seen) {
          if (prev->block == call.block && prev->args == call.args) return id;
        }
        uint32_t id = EdgeTarget(from, call, true);
        seen.push_back({&call, id});
        return id;
      };
      MachInst table = MakeInst(Op::kJmpTable, 4, {});
      std::vector<uint32_t> succs;
      for (const ssa::BlockCall& call : inst.targets) {
        uint32_t id = target_of(call);
        table.operands.push_back(Operand::BlockTarget(id));
        bool known = false;
        for (uint32_t s : succs) known |= s == id;
        if (!known) succs.push_back(id);
      }
      Reg index = VRegOf(inst.args[0]);
      Reg temp = out_.NewVReg(RegClass::kInt);
      table.operands.insert(table.operands.begin(), {Operand::Use(index), Operand::Temp(temp)});
      table.flags = kTerminator;
      Emit(std::move(table));
      block = &out_.blocks[current_];
      for (uint32_t s : succs) block->succs.push_back(s);
      return absl::OkStatus();
    }
    case Opcode::kReturn:
      LowerReturn(inst);
      return absl::OkStatus();
    case Opcode::kTrap: {
      MachInst trap = MakeInst(Op::kTrap, 0, {}, static_cast<uint32_t>(inst.trap_code()));
      trap.flags = kTerminator;
      Emit(std::move(trap));
      return absl::OkStatus();
    }
    default:
      return absl::InternalError("x86_64 backend: not a terminator");
  }
}

// -- Calls and returns -------------------------------------------------------------------------

void Lowerer::LowerReturn(const ssa::Inst& inst) {
  CallLayout layout = ComputeCallLayout(fn_.signature());
  MachInst ret = MakeInst(Op::kRet, 0, {});
  ret.flags = kTerminator;
  std::vector<std::pair<Reg, Reg>> reg_moves;
  for (size_t i = 0; i < layout.results.size(); ++i) {
    const ValueLocation& loc = layout.results[i];
    Reg src = VRegOf(inst.args[i]);
    if (loc.in_register()) {
      reg_moves.push_back({loc.reg, src});
    } else {
      Operand mem = Operand::Mem(kFramePointer, Reg(), 1, static_cast<int32_t>(16 + loc.stack_offset));
      if (src.reg_class() == RegClass::kInt) {
        Emit(MakeInst(Op::kStore, 8, {mem, Operand::Use(src)}));
      } else {
        Emit(MakeInst(Op::kStoreF, loc.type == ssa::Type::kV128 ? 16 : SizeOf(loc.type),
                      {mem, Operand::Use(src)}));
      }
    }
  }
  // Fixed registers last, so no other code runs while they are live.
  for (const auto& [dst, src] : reg_moves) {
    Copy(dst, src);
    ret.operands.push_back(Operand::Use(dst));
  }
  Emit(std::move(ret));
}

absl::Status Lowerer::LowerCall(const ssa::Inst& inst) {
  const ssa::Signature& sig = fn_.signatures()[inst.sig];
  CallLayout layout = ComputeCallLayout(sig);
  out_.frame.NeedOutgoingArea(layout.stack_size);
  bool indirect = inst.opcode() == Opcode::kCallIndirect;
  // Operand order in `inst.args`: (code pointer for call_indirect), vmctx, parameters.
  size_t first_arg = indirect ? 1 : 0;
  ssa::Value callee_vmctx = inst.args[first_arg];

  MachInst call;
  if (indirect) {
    Reg code = VRegOf(inst.args[0]);
    bool foreign = !IsVmctx(callee_vmctx);
    if (foreign && !has_vmctx_slot_) {
      vmctx_slot_ = out_.frame.AddSlot(8);
      has_vmctx_slot_ = true;
    }
    Reg vm = foreign ? VRegOf(callee_vmctx) : code;
    call = MakeInst(Op::kCallIndirect, 8,
                    {Operand::Use(code), Operand::Use(vm), Operand::Slot(has_vmctx_slot_ ? vmctx_slot_ : 0)},
                    foreign ? 1 : 0);
  } else {
    if (ctx_.module != nullptr && inst.index < ctx_.module->num_imported_functions) {
      return absl::InternalError("x86_64 backend: direct call to an imported function");
    }
    call = MakeInst(Op::kCallDirect, 8, {Operand::Function(inst.index)});
  }
  call.flags = kIsCall;
  call.clobbers = kCallerSavedMask;

  // Stack arguments first (they need no fixed registers), then register arguments last.
  std::vector<std::pair<Reg, Reg>> reg_moves;
  for (size_t i = 0; i < layout.params.size(); ++i) {
    const ValueLocation& loc = layout.params[i];
    Reg src = VRegOf(inst.args[first_arg + 1 + i]);
    if (loc.in_register()) {
      reg_moves.push_back({loc.reg, src});
      continue;
    }
    Operand mem = Operand::Mem(kStackPointer, Reg(), 1, static_cast<int32_t>(loc.stack_offset));
    if (src.reg_class() == RegClass::kInt) {
      Emit(MakeInst(Op::kStore, 8, {mem, Operand::Use(src)}));
    } else {
      Emit(MakeInst(Op::kStoreF, loc.type == ssa::Type::kV128 ? 16 : SizeOf(loc.type),
                    {mem, Operand::Use(src)}));
    }
  }
  for (const auto& [dst, src] : reg_moves) {
    Copy(dst, src);
    call.operands.push_back(Operand::Use(dst));
  }
  for (const ValueLocation& loc : layout.results) {
    if (loc.in_register()) call.operands.push_back(Operand::Def(loc.reg));
  }
  Emit(std::move(call));
  for (size_t i = 0; i < layout.results.size(); ++i) {
    const ValueLocation& loc = layout.results[i];
    Reg dst = ResultReg(inst.results()[i]);
    if (loc.in_register()) {
      Copy(dst, loc.reg);
      continue;
    }
    Operand mem = Operand::Mem(kStackPointer, Reg(), 1, static_cast<int32_t>(loc.stack_offset));
    if (dst.reg_class() == RegClass::kInt) {
      LoadKind kind = loc.type == ssa::Type::kI32 ? LoadKind::kU32 : LoadKind::k64;
      Emit(MakeInst(Op::kLoad, SizeOf(loc.type), {Operand::Def(dst), mem}, static_cast<uint32_t>(kind)));
    } else {
      Emit(MakeInst(Op::kLoadF, loc.type == ssa::Type::kV128 ? 16 : SizeOf(loc.type),
                    {Operand::Def(dst), mem}));
    }
  }
  return absl::OkStatus();
}

void Lowerer::LowerCallBuiltin(const ssa::Inst& inst) {
  // SysV C call: every builtin parameter is an integer or a reference (builtins.def).
  static constexpr uint8_t kSysvArgs[] = {kRdi, kRsi, kRdx, kRcx, kR8, kR9};
  MachInst call = MakeInst(Op::kCallBuiltin, 8, {}, static_cast<uint32_t>(inst.builtin()));
  call.flags = kIsCall;
  call.clobbers = kCallerSavedMask;
  std::vector<Reg> srcs;
  for (ssa::Value arg : inst.args) srcs.push_back(VRegOf(arg));
  for (size_t i = 0; i < srcs.size(); ++i) {
    Copy(Gpr(kSysvArgs[i]), srcs[i]);
    call.operands.push_back(Operand::Use(Gpr(kSysvArgs[i])));
  }
  if (!inst.results().empty()) call.operands.push_back(Operand::Def(Gpr(kRax)));
  Emit(std::move(call));
  if (!inst.results().empty()) Copy(ResultReg(inst.result()), Gpr(kRax));
}

}  // namespace kiln::backend::x86_64
