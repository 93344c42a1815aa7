// SIMD operators. The IR has one row per Wasm vector operation, named as in Wasm
// (ssa_simd_opcodes.def), so the mapping is generated from that table: every row whose name is
// also a Wasm operator maps to it. Operands are popped as the row's operands column says;
// extract/replace_lane carry their lane and i8x16.shuffle its 16 lane indices. v128.const is
// vconst; the vector loads and stores are in memory.cc.
#include "compiler/base/check.h"
#include "compiler/frontend/translator.h"

namespace kiln::frontend {

std::optional<ssa::Opcode> SimdOpcodeFor(wasm::Opcode op) {
  switch (op) {
#define SSA_OP(name, text, format, ctrl, results, operands, flags) \
  case wasm::Opcode::k##name:                                      \
    return ssa::Opcode::k##name;
#include "compiler/ssa/ssa_simd_opcodes.def"
#undef SSA_OP
    default:
      return std::nullopt;
  }
}

bool Translator::TranslateSimd(const wasm::Instruction& inst) {
  if (inst.opcode == wasm::Opcode::kV128Const) {
    ssa::V128Bytes bytes;
    std::copy(inst.v128.begin(), inst.v128.end(), bytes.begin());
    Push(builder_.Vconst(bytes));
    return true;
  }
  std::optional<ssa::Opcode> op = SimdOpcodeFor(inst.opcode);
  if (!op) return false;
  const ssa::OpInfo& info = ssa::Info(*op);
  std::vector<ssa::Value> args = PopN(info.operands.size());
  switch (info.format) {
    case ssa::Format::kShuffle: {
      ssa::V128Bytes lanes;
      std::copy(inst.v128.begin(), inst.v128.end(), lanes.begin());
      Push(builder_.Shuffle(args[0], args[1], lanes));
      return true;
    }
    case ssa::Format::kLane:
      Push(builder_.Lane(*op, args, static_cast<uint8_t>(inst.index)));
      return true;
    default:
      Push(builder_.Simd(*op, args));
      return true;
  }
}

}  // namespace kiln::frontend
