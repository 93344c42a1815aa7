// Instruction selection for x86_64: one SSA function → one MachFunction on virtual registers.
// The Lowerer walks the SSA blocks in layout order and switches over every SSA opcode (no
// `default`: a new opcode fails to build until it is handled here). lower.cc holds the driver,
// control flow, integer operations and calls; lower_memory.cc linear-memory and VM-data
// accesses; lower_float.cc floating point and conversions.
//
// What it folds: iconst operands into immediates (and rematerializes constants at each use
// instead of keeping them live), icmp into the brif / trapz / trapnz that consumes it (cmp +
// jcc), `[membase + zext(index) + offset]` into one memory operand, and the interrupt poll
// (trapnz of the vmctx interrupt flag) into one load from the poll page. Block arguments become
// moves (through fresh temporaries, so parallel copies stay correct) in the predecessor or in
// an edge block; critical edges are split (machine_ir.h's shape guarantees).
#ifndef KILN_BACKEND_X86_64_LOWER_H_
#define KILN_BACKEND_X86_64_LOWER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "backend/common/isa.h"
#include "backend/common/machine_ir.h"
#include "backend/x86_64/abi.h"
#include "backend/x86_64/inst.h"
#include "compiler/ssa/function.h"

namespace kiln::backend::x86_64 {

// Lower selects instructions for `fn` (see the file comment).
absl::StatusOr<MachFunction> Lower(const ssa::Function& fn, const LowerContext& ctx);

// Lowerer is the state of one Lower call, shared by the lower*.cc files.
class Lowerer {
 public:
  Lowerer(const ssa::Function& fn, const LowerContext& ctx);
  absl::StatusOr<MachFunction> Run();

 private:
  // -- Shared helpers (lower.cc) --
  void Emit(MachInst inst) { out_.blocks[current_].insts.push_back(std::move(inst)); }
  // VRegOf is the register holding `v` at this point: constants and the vmctx are copied
  // into a fresh virtual register at each use.
  Reg VRegOf(ssa::Value v);
  // ResultReg is the virtual register of a result value.
  Reg ResultReg(ssa::Value v) { return vregs_[v.id]; }
  // ConstOf returns true and the constant when `v` is an iconst.
  bool ConstOf(ssa::Value v, int64_t* value) const;
  // ImmOrReg is an immediate operand when `v` is a constant that fits a sign-extended imm32.
  Operand ImmOrReg(ssa::Value v);
  bool IsVmctx(ssa::Value v) const { return v == fn_.vmctx(); }
  // Copy emits dst = src for a value of `type`.
  void Copy(Reg dst, Reg src);
  const ssa::Inst* DefInst(ssa::Value v) const { return fn_.def(v).inst; }

  absl::Status LowerBlock(const ssa::Block* block);
  absl::Status LowerInst(const ssa::Inst& inst);
  void LowerEntry();
  void EmitFusedCompare(const ssa::Inst& icmp);
  Cond CompareCond(const ssa::Inst& icmp) const;
  bool IsFusedCompare(const ssa::Inst& inst) const;
  // IsFusedFlagLoad: an i32 vm_load whose only use is the trapz/trapnz right after it is
  // compared in memory there (cmp dword [mem], 0) without a register.
  bool IsFusedFlagLoad(const ssa::Inst& inst) const;
  // IsInterruptPoll: `trapnz (vm_load.i32 vmctx+kInterruptFlagOffset), interrupted`, the poll
  // the frontend emits, becomes one load from the poll page (Op::kPoll) instead.
  bool IsInterruptPoll(const ssa::Inst& trap) const;

  // -- Integer ops and control (lower.cc) --
  void LowerBinary(const ssa::Inst& inst, Op op);
  void LowerShift(const ssa::Inst& inst, Op op);
  void LowerDiv(const ssa::Inst& inst, DivKind kind);
  void LowerIcmp(const ssa::Inst& inst);
  void LowerSelect(const ssa::Inst& inst);
  void LowerTrapIf(const ssa::Inst& inst, bool trap_when_nonzero);
  absl::Status LowerTerminator(const ssa::Inst& inst);
  // EdgeTarget returns the machine block to branch to for `call` (an edge block with the
  // argument moves when needed).
  uint32_t EdgeTarget(const ssa::Block* from, const ssa::BlockCall& call, bool multi_succ);
  void EmitBlockArgs(const ssa::BlockCall& call);

  // -- Calls (lower.cc) --
  absl::Status LowerCall(const ssa::Inst& inst);
  void LowerCallBuiltin(const ssa::Inst& inst);
  void LowerReturn(const ssa::Inst& inst);

  // -- Memory (lower_memory.cc) --
  void LowerLoad(const ssa::Inst& inst, LoadKind kind);
  void LowerStore(const ssa::Inst& inst, uint8_t size);
  void LowerVmLoad(const ssa::Inst& inst);
  void LowerVmStore(const ssa::Inst& inst);
  Operand LinearMemoryAddress(const ssa::Inst& inst);
  Reg MemoryBase();

  // -- Float (lower_float.cc) --
  void LowerFloatBinary(const ssa::Inst& inst, Op op);
  void LowerFloatUnary(const ssa::Inst& inst, Op op);
  void LowerRound(const ssa::Inst& inst, RoundMode mode);
  void LowerFcmp(const ssa::Inst& inst);
  void LowerFloatToInt(const ssa::Inst& inst, bool is_signed, bool saturating);
  void LowerIntToFloat(const ssa::Inst& inst, bool is_signed);
  void LowerFconst(const ssa::Inst& inst);
  void LowerBitcast(const ssa::Inst& inst);

  static uint8_t SizeOf(ssa::Type type) { return ssa::BitWidth(type) == 32 ? 4 : 8; }
  static RegClass ClassOf(ssa::Type type) {
    return ssa::IsFloat(type) || type == ssa::Type::kV128 ? RegClass::kFloat : RegClass::kInt;
  }

  const ssa::Function& fn_;
  LowerContext ctx_;
  MachFunction out_;
  uint32_t current_ = 0;
  std::vector<Reg> vregs_;            // per SSA value id
  std::vector<uint32_t> block_map_;   // SSA block id → machine block id
  std::vector<uint32_t> use_counts_;
  std::vector<uint32_t> pred_counts_; // SSA block id → number of incoming edges
  std::vector<bool> fused_;           // per value id: an icmp emitted at its user
  Reg mem_base_;                      // memory 0's base, loaded in the entry block
  SlotId vmctx_slot_ = 0;
  bool has_vmctx_slot_ = false;
};

}  // namespace kiln::backend::x86_64

#endif  // KILN_BACKEND_X86_64_LOWER_H_
