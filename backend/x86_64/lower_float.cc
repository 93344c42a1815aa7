// Lowering of floating-point operations and conversions (lower.h). The Wasm semantics that
// SSE does not give directly (min/max with NaN and signed zeros, copysign, trapping and
// saturating float→int conversions, u64→float) are pseudo instructions that emit.cc expands;
// this file only picks them and supplies their temporaries.
#include "backend/x86_64/lower.h"
#include "backend/x86_64/registers.h"

namespace kiln::backend::x86_64 {

void Lowerer::LowerFloatBinary(const ssa::Inst& inst, Op op) {
  Reg dst = ResultReg(inst.result());
  Reg b = VRegOf(inst.args[1]);
  Copy(dst, VRegOf(inst.args[0]));
  Emit(MakeInst(op, SizeOf(inst.type()), {Operand::UseDef(dst), Operand::Use(b)}));
}

void Lowerer::LowerFloatUnary(const ssa::Inst& inst, Op op) {
  Reg dst = ResultReg(inst.result());
  Reg a = VRegOf(inst.args[0]);
  if (op == Op::kFSqrt) {
    Emit(MakeInst(op, SizeOf(inst.type()), {Operand::Def(dst), Operand::Use(a)}));
    return;
  }
  Copy(dst, a);
  Emit(MakeInst(op, SizeOf(inst.type()), {Operand::UseDef(dst)}));
}

void Lowerer::LowerRound(const ssa::Inst& inst, RoundMode mode) {
  Emit(MakeInst(Op::kFRound, SizeOf(inst.type()),
                {Operand::Def(ResultReg(inst.result())), Operand::Use(VRegOf(inst.args[0]))},
                static_cast<uint32_t>(mode)));
}

void Lowerer::LowerFcmp(const ssa::Inst& inst) {
  Reg a = VRegOf(inst.args[0]);
  Reg b = VRegOf(inst.args[1]);
  Emit(MakeInst(Op::kFCmpSet, SizeOf(inst.type()),
                {Operand::Def(ResultReg(inst.result())), Operand::Use(a), Operand::Use(b)},
                static_cast<uint32_t>(inst.float_cc())));
}

void Lowerer::LowerFloatToInt(const ssa::Inst& inst, bool is_signed, bool saturating) {
  ssa::Type src_type = fn_.value_type(inst.args[0]);
  Reg temp = out_.NewVReg(RegClass::kFloat);
  Emit(MakeInst(Op::kFToInt, SizeOf(inst.type()),
                {Operand::Def(ResultReg(inst.result())), Operand::Use(VRegOf(inst.args[0])),
                 Operand::Temp(temp)},
                FloatToIntAux::Pack(SizeOf(src_type), is_signed, saturating)));
}

void Lowerer::LowerIntToFloat(const ssa::Inst& inst, bool is_signed) {
  ssa::Type src_type = fn_.value_type(inst.args[0]);
  Reg src = VRegOf(inst.args[0]);
  Reg dst = ResultReg(inst.result());
  if (is_signed) {
    Emit(MakeInst(Op::kFFromSint, SizeOf(inst.type()), {Operand::Def(dst), Operand::Use(src)},
                  SizeOf(src_type)));
    return;
  }
  Reg temp = out_.NewVReg(RegClass::kInt);
  Emit(MakeInst(Op::kFFromUint, SizeOf(inst.type()),
                {Operand::Def(dst), Operand::Use(src), Operand::Temp(temp)}, SizeOf(src_type)));
}

void Lowerer::LowerFconst(const ssa::Inst& inst) {
  Emit(MakeInst(Op::kFConst, SizeOf(inst.type()),
                {Operand::Def(ResultReg(inst.result())), Operand::Imm(static_cast<int64_t>(inst.imm))}));
}

void Lowerer::LowerBitcast(const ssa::Inst& inst) {
  Reg dst = ResultReg(inst.result());
  Reg src = VRegOf(inst.args[0]);
  Op op = dst.reg_class() == RegClass::kFloat ? Op::kBitcastToF : Op::kBitcastToI;
  Emit(MakeInst(op, SizeOf(inst.type()), {Operand::Def(dst), Operand::Use(src)}));
}

}  // namespace kiln::backend::x86_64
