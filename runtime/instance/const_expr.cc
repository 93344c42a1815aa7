// One constant instruction, then `end`.
#include "runtime/instance/const_expr.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "compiler/wasm/instruction.h"

namespace kiln::runtime {

absl::StatusOr<Value> EvalConstExpr(const wasm::Module& module, const wasm::ConstExpr& expr,
                                    const ConstExprEnv& env) {
  wasm::CodeReader reader(module.bytes, expr.code.offset, expr.code.offset + expr.code.size);
  wasm::Instruction inst;
  Value value;
  bool have_value = false;
  while (!reader.AtEnd()) {
    KILN_RETURN_IF_ERROR(reader.Next(&inst));
    switch (inst.opcode) {
      case wasm::Opcode::kI32Const:
        value.low = static_cast<uint32_t>(inst.bits);
        break;
      case wasm::Opcode::kI64Const:
        value.low = inst.bits;
        break;
      case wasm::Opcode::kF32Const:
        value.low = static_cast<uint32_t>(inst.bits);
        break;
      case wasm::Opcode::kF64Const:
        value.low = inst.bits;
        break;
      case wasm::Opcode::kV128Const:
        std::memcpy(&value.low, inst.v128.data(), 8);
        std::memcpy(&value.high, inst.v128.data() + 8, 8);
        break;
      case wasm::Opcode::kRefNull:
        value.low = 0;
        break;
      case wasm::Opcode::kRefFunc:
        value.low = env.func_ref(inst.index);
        break;
      case wasm::Opcode::kGlobalGet:
        value = env.global(inst.index);
        break;
      case wasm::Opcode::kEnd:
        if (!have_value) return absl::InternalError("constant expression without a value");
        return value;
      default:
        return absl::InternalError(
            absl::StrCat("not a constant instruction at offset ", inst.offset));
    }
    have_value = true;
  }
  return absl::InternalError("constant expression without end");
}

}  // namespace kiln::runtime
