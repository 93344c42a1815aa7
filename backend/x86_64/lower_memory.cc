// Lowering of linear-memory and VM-data accesses (lower.h). A linear-memory access becomes one
// instruction with the address `[membase + index + offset]`: the index register holds a
// zero-extended i32 (the x86_64 register invariant), the base comes from the per-function
// membase register, and guard pages make the access safe without a bounds check. Such
// instructions carry kTrapSiteAux so that emission records them as out-of-bounds trap sites.
#include "backend/x86_64/lower.h"
#include "backend/x86_64/registers.h"

namespace kiln::backend::x86_64 {

Reg Lowerer::MemoryBase() { return mem_base_; }

Operand Lowerer::LinearMemoryAddress(const ssa::Inst& inst) {
  Reg index = VRegOf(inst.args[0]);
  uint64_t offset = inst.imm;
  if (offset <= static_cast<uint64_t>(INT32_MAX)) {
    return Operand::Mem(MemoryBase(), index, 1, static_cast<int32_t>(offset));
  }
  // Offsets of 2 GiB and more do not fit a displacement: add them to a copy of the index.
  Reg sum = out_.NewVReg(RegClass::kInt);
  Emit(MakeInst(Op::kMovImm, 8, {Operand::Def(sum), Operand::Imm(static_cast<int64_t>(offset))}));
  Emit(MakeInst(Op::kAdd, 8, {Operand::UseDef(sum), Operand::Use(index)}));
  return Operand::Mem(MemoryBase(), sum, 1, 0);
}

void Lowerer::LowerLoad(const ssa::Inst& inst, LoadKind kind) {
  Operand address = LinearMemoryAddress(inst);
  Reg dst = ResultReg(inst.result());
  ssa::Type type = inst.type() == ssa::Type::kNone ? ssa::Type::kI64 : inst.type();
  if (dst.reg_class() == RegClass::kFloat) {
    uint8_t size = type == ssa::Type::kV128 ? 16 : SizeOf(type);
    Emit(MakeInst(Op::kLoadF, size, {Operand::Def(dst), address}, kTrapSiteAux));
    return;
  }
  Emit(MakeInst(Op::kLoad, SizeOf(type), {Operand::Def(dst), address},
                static_cast<uint32_t>(kind) | kTrapSiteAux));
}

void Lowerer::LowerStore(const ssa::Inst& inst, uint8_t size) {
  ssa::Value value = inst.args[1];
  ssa::Type type = fn_.value_type(value);
  if (size == 0) size = type == ssa::Type::kV128 ? 16 : SizeOf(type);
  int64_t c;
  if (ssa::IsInt(type) && ConstOf(value, &c) && c >= INT32_MIN && c <= INT32_MAX) {
    Operand address = LinearMemoryAddress(inst);
    Emit(MakeInst(Op::kStoreImm, size, {address, Operand::Imm(c)}, kTrapSiteAux));
    return;
  }
  Reg src = VRegOf(value);
  Operand address = LinearMemoryAddress(inst);
  Op op = src.reg_class() == RegClass::kInt ? Op::kStore : Op::kStoreF;
  Emit(MakeInst(op, size, {address, Operand::Use(src)}, kTrapSiteAux));
}

void Lowerer::LowerVmLoad(const ssa::Inst& inst) {
  if (fused_[inst.result().id]) return;  // compared in memory by the trap (IsFusedFlagLoad)
  ssa::Value base = inst.args[0];
  Reg base_reg = IsVmctx(base) ? kVmctxReg : VRegOf(base);
  Operand address = Operand::Mem(base_reg, Reg(), 1, static_cast<int32_t>(inst.imm));
  Reg dst = ResultReg(inst.result());
  ssa::Type type = inst.type();
  if (dst.reg_class() == RegClass::kFloat) {
    Emit(MakeInst(Op::kLoadF, type == ssa::Type::kV128 ? 16 : SizeOf(type), {Operand::Def(dst), address}));
    return;
  }
  LoadKind kind = type == ssa::Type::kI32 ? LoadKind::kU32 : LoadKind::k64;
  Emit(MakeInst(Op::kLoad, SizeOf(type), {Operand::Def(dst), address}, static_cast<uint32_t>(kind)));
}

void Lowerer::LowerVmStore(const ssa::Inst& inst) {
  ssa::Value base = inst.args[0];
  ssa::Value value = inst.args[1];
  ssa::Type type = fn_.value_type(value);
  uint8_t size = type == ssa::Type::kV128 ? 16 : SizeOf(type);
  Reg src = VRegOf(value);
  Reg base_reg = IsVmctx(base) ? kVmctxReg : VRegOf(base);
  Operand address = Operand::Mem(base_reg, Reg(), 1, static_cast<int32_t>(inst.imm));
  Op op = src.reg_class() == RegClass::kInt ? Op::kStore : Op::kStoreF;
  Emit(MakeInst(op, size, {address, Operand::Use(src)}));
}

}  // namespace kiln::backend::x86_64
