// Conversions: wrap and extend, float↔int (the trapping fcvt_to_* and the saturating
// fcvt_to_*_sat), promote/demote, reinterpret (bitcast) and the sign-extension operators.
// Each is one IR instruction whose controlling type, when the opcode has one, is the result.
#include "compiler/frontend/translator.h"

namespace kiln::frontend {
namespace {

using WasmOp = wasm::Opcode;
using SsaOp = ssa::Opcode;
using ssa::Type;

struct ConversionOp {
  SsaOp op;
  Type to;
};

// Classify returns the IR opcode and result type of a conversion, or nullopt.
std::optional<ConversionOp> Classify(WasmOp op) {
  switch (op) {
    case WasmOp::kI32WrapI64: return ConversionOp{SsaOp::kIreduce, Type::kI32};
    case WasmOp::kI64ExtendI32S: return ConversionOp{SsaOp::kSextend, Type::kI64};
    case WasmOp::kI64ExtendI32U: return ConversionOp{SsaOp::kUextend, Type::kI64};

    case WasmOp::kI32TruncF32S: case WasmOp::kI32TruncF64S:
      return ConversionOp{SsaOp::kFcvtToSint, Type::kI32};
    case WasmOp::kI32TruncF32U: case WasmOp::kI32TruncF64U:
      return ConversionOp{SsaOp::kFcvtToUint, Type::kI32};
    case WasmOp::kI64TruncF32S: case WasmOp::kI64TruncF64S:
      return ConversionOp{SsaOp::kFcvtToSint, Type::kI64};
    case WasmOp::kI64TruncF32U: case WasmOp::kI64TruncF64U:
      return ConversionOp{SsaOp::kFcvtToUint, Type::kI64};
    case WasmOp::kI32TruncSatF32S: case WasmOp::kI32TruncSatF64S:
      return ConversionOp{SsaOp::kFcvtToSintSat, Type::kI32};
    case WasmOp::kI32TruncSatF32U: case WasmOp::kI32TruncSatF64U:
      return ConversionOp{SsaOp::kFcvtToUintSat, Type::kI32};
    case WasmOp::kI64TruncSatF32S: case WasmOp::kI64TruncSatF64S:
      return ConversionOp{SsaOp::kFcvtToSintSat, Type::kI64};
    case WasmOp::kI64TruncSatF32U: case WasmOp::kI64TruncSatF64U:
      return ConversionOp{SsaOp::kFcvtToUintSat, Type::kI64};

    case WasmOp::kF32ConvertI32S: case WasmOp::kF32ConvertI64S:
      return ConversionOp{SsaOp::kFcvtFromSint, Type::kF32};
    case WasmOp::kF32ConvertI32U: case WasmOp::kF32ConvertI64U:
      return ConversionOp{SsaOp::kFcvtFromUint, Type::kF32};
    case WasmOp::kF64ConvertI32S: case WasmOp::kF64ConvertI64S:
      return ConversionOp{SsaOp::kFcvtFromSint, Type::kF64};
    case WasmOp::kF64ConvertI32U: case WasmOp::kF64ConvertI64U:
      return ConversionOp{SsaOp::kFcvtFromUint, Type::kF64};
    case WasmOp::kF32DemoteF64: return ConversionOp{SsaOp::kFdemote, Type::kF32};
    case WasmOp::kF64PromoteF32: return ConversionOp{SsaOp::kFpromote, Type::kF64};

    case WasmOp::kI32ReinterpretF32: return ConversionOp{SsaOp::kBitcast, Type::kI32};
    case WasmOp::kI64ReinterpretF64: return ConversionOp{SsaOp::kBitcast, Type::kI64};
    case WasmOp::kF32ReinterpretI32: return ConversionOp{SsaOp::kBitcast, Type::kF32};
    case WasmOp::kF64ReinterpretI64: return ConversionOp{SsaOp::kBitcast, Type::kF64};

    case WasmOp::kI32Extend8S: return ConversionOp{SsaOp::kSextend8, Type::kI32};
    case WasmOp::kI32Extend16S: return ConversionOp{SsaOp::kSextend16, Type::kI32};
    case WasmOp::kI64Extend8S: return ConversionOp{SsaOp::kSextend8, Type::kI64};
    case WasmOp::kI64Extend16S: return ConversionOp{SsaOp::kSextend16, Type::kI64};
    case WasmOp::kI64Extend32S: return ConversionOp{SsaOp::kSextend32, Type::kI64};
    default:
      return std::nullopt;
  }
}

}  // namespace

bool Translator::TranslateConversion(const wasm::Instruction& inst) {
  std::optional<ConversionOp> conversion = Classify(inst.opcode);
  if (!conversion) return false;
  Push(builder_.Convert(conversion->op, conversion->to, Pop()));
  return true;
}

}  // namespace kiln::frontend
