// Constant expressions are checked with their own small rule set rather than the function-body
// validator: no operator pops, so a list of pushed types is the whole stack, and the errors
// differ (a non-constant operator is "constant expression required", not a typing error).
#include "compiler/wasm/validate_const_expr.h"

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/opcode.h"

namespace kiln::wasm {
namespace {

absl::Status ConstExprError(absl::string_view message, absl::FunctionRef<std::string()> where,
                            uint32_t offset) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s (%s, offset 0x%x)", message, where(), offset));
}

}  // namespace

absl::Status ValidateConstExpr(const ValidationContext& c, const ConstExpr& expr, ValType expected,
                               absl::FunctionRef<std::string()> where) {
  const Module& module = *c.module;
  CodeReader reader(module.bytes, expr.code.offset, expr.code.offset + expr.code.size);
  absl::InlinedVector<ValType, 2> pushed;
  Instruction inst;
  bool ended = false;
  uint32_t end_offset = expr.code.offset;
  while (!reader.AtEnd() && !ended) {
    absl::Status read = reader.Next(&inst);
    if (!read.ok()) return read;
    end_offset = inst.offset;
    switch (inst.opcode) {
      case Opcode::kI32Const:
        pushed.push_back(ValType::kI32);
        break;
      case Opcode::kI64Const:
        pushed.push_back(ValType::kI64);
        break;
      case Opcode::kF32Const:
        pushed.push_back(ValType::kF32);
        break;
      case Opcode::kF64Const:
        pushed.push_back(ValType::kF64);
        break;
      case Opcode::kV128Const:
        pushed.push_back(ValType::kV128);
        break;
      case Opcode::kRefNull:
        pushed.push_back(inst.ref_type);
        break;
      case Opcode::kRefFunc:
        // C.refs always holds a function named in a constant expression, since constant
        // expressions are part of what C.refs is gathered from; only the index can be wrong.
        if (inst.index >= c.funcs.size()) {
          return ConstExprError(UnknownIndex("function", inst.index), where, inst.offset);
        }
        pushed.push_back(ValType::kFuncRef);
        break;
      case Opcode::kGlobalGet:
        // Wasm 2.0 checks constant expressions in a context holding only imported globals.
        if (inst.index >= c.num_imported_globals) {
          return ConstExprError(UnknownIndex("global", inst.index), where, inst.offset);
        }
        if (c.globals[inst.index].is_mutable) {
          return ConstExprError("constant expression required", where, inst.offset);
        }
        pushed.push_back(c.globals[inst.index].type);
        break;
      case Opcode::kEnd:
        ended = true;
        break;
      default:
        return ConstExprError("constant expression required", where, inst.offset);
    }
  }
  if (!ended) return ConstExprError("unexpected end of constant expression", where, end_offset);
  if (pushed.size() != 1 || pushed[0] != expected) {
    return ConstExprError(
        absl::StrCat("type mismatch: expected ", TypeList({expected}), ", got ", TypeList(pushed)),
        where, end_offset);
  }
  return absl::OkStatus();
}

}  // namespace kiln::wasm
