// Names and the text form of x86_64 machine instructions.
#include "backend/x86_64/inst.h"

#include "absl/strings/str_cat.h"
#include "backend/x86_64/registers.h"

namespace kiln::backend::x86_64 {

absl::string_view OpName(Op op) {
  switch (op) {
#define X86_OP(name, text, operands) \
  case Op::k##name:                  \
    return text;
#include "backend/x86_64/ops.def"
  }
  return "?";
}

std::string PrintInst(const MachInst& inst) {
  std::string out(OpName(OpOf(inst)));
  if (inst.size != 0) absl::StrAppend(&out, ".", inst.size);
  if (inst.aux != 0) absl::StrAppend(&out, " #", inst.aux);
  const char* sep = " ";
  for (const Operand& op : inst.operands) {
    absl::StrAppend(&out, sep);
    sep = ", ";
    switch (op.kind) {
      case OperandKind::kNone: absl::StrAppend(&out, "_"); break;
      case OperandKind::kReg:
        if (op.role & kEarlyClobber) absl::StrAppend(&out, "tmp:");
        else if (op.role == kUseDef) absl::StrAppend(&out, "ud:");
        else if (op.role == kDef) absl::StrAppend(&out, "d:");
        absl::StrAppend(&out, RegName(op.reg));
        break;
      case OperandKind::kImm: absl::StrAppend(&out, op.imm); break;
      case OperandKind::kMem:
        absl::StrAppend(&out, "[", RegName(op.base));
        if (op.index.valid()) absl::StrAppend(&out, "+", RegName(op.index), "*", op.scale);
        absl::StrAppend(&out, op.disp >= 0 ? "+" : "", op.disp, "]");
        break;
      case OperandKind::kSlot: absl::StrAppend(&out, "slot", op.imm, "+", op.disp); break;
      case OperandKind::kBlock: absl::StrAppend(&out, "mblock", op.imm); break;
      case OperandKind::kFunction: absl::StrAppend(&out, "fn", op.imm); break;
    }
  }
  if (inst.flags & kAllocatorInserted) absl::StrAppend(&out, "  ; regalloc");
  return out;
}

}  // namespace kiln::backend::x86_64
