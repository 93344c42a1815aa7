// Numeric operators: constants, integer and float arithmetic, comparisons and eqz. Integer
// division and remainder become the IR's trapping sdiv/udiv/srem/urem (the IR documents their
// divide-by-zero and overflow traps, and each backend decides how to raise them).
#include "compiler/frontend/translator.h"

namespace kiln::frontend {
namespace {

using WasmOp = wasm::Opcode;
using SsaOp = ssa::Opcode;

// NumericShape says how an operator maps to the IR.
enum class Shape : uint8_t { kNone, kUnary, kBinary, kIcmp, kFcmp };

struct NumericOp {
  Shape shape = Shape::kNone;
  SsaOp op = SsaOp::kIadd;
  ssa::IntCC int_cc = ssa::IntCC::kEq;
  ssa::FloatCC float_cc = ssa::FloatCC::kEq;
};

constexpr NumericOp Unary(SsaOp op) { return {Shape::kUnary, op, {}, {}}; }
constexpr NumericOp Binary(SsaOp op) { return {Shape::kBinary, op, {}, {}}; }
constexpr NumericOp Icmp(ssa::IntCC cc) { return {Shape::kIcmp, SsaOp::kIcmp, cc, {}}; }
constexpr NumericOp Fcmp(ssa::FloatCC cc) { return {Shape::kFcmp, SsaOp::kFcmp, {}, cc}; }

// Classify maps the operators that are one IR instruction over their operands.
NumericOp Classify(WasmOp op) {
  using ssa::FloatCC;
  using ssa::IntCC;
  switch (op) {
    case WasmOp::kI32Eq: case WasmOp::kI64Eq: return Icmp(IntCC::kEq);
    case WasmOp::kI32Ne: case WasmOp::kI64Ne: return Icmp(IntCC::kNe);
    case WasmOp::kI32LtS: case WasmOp::kI64LtS: return Icmp(IntCC::kSlt);
    case WasmOp::kI32LtU: case WasmOp::kI64LtU: return Icmp(IntCC::kUlt);
    case WasmOp::kI32GtS: case WasmOp::kI64GtS: return Icmp(IntCC::kSgt);
    case WasmOp::kI32GtU: case WasmOp::kI64GtU: return Icmp(IntCC::kUgt);
    case WasmOp::kI32LeS: case WasmOp::kI64LeS: return Icmp(IntCC::kSle);
    case WasmOp::kI32LeU: case WasmOp::kI64LeU: return Icmp(IntCC::kUle);
    case WasmOp::kI32GeS: case WasmOp::kI64GeS: return Icmp(IntCC::kSge);
    case WasmOp::kI32GeU: case WasmOp::kI64GeU: return Icmp(IntCC::kUge);

    case WasmOp::kF32Eq: case WasmOp::kF64Eq: return Fcmp(FloatCC::kEq);
    case WasmOp::kF32Ne: case WasmOp::kF64Ne: return Fcmp(FloatCC::kNe);
    case WasmOp::kF32Lt: case WasmOp::kF64Lt: return Fcmp(FloatCC::kLt);
    case WasmOp::kF32Gt: case WasmOp::kF64Gt: return Fcmp(FloatCC::kGt);
    case WasmOp::kF32Le: case WasmOp::kF64Le: return Fcmp(FloatCC::kLe);
    case WasmOp::kF32Ge: case WasmOp::kF64Ge: return Fcmp(FloatCC::kGe);

    case WasmOp::kI32Clz: case WasmOp::kI64Clz: return Unary(SsaOp::kClz);
    case WasmOp::kI32Ctz: case WasmOp::kI64Ctz: return Unary(SsaOp::kCtz);
    case WasmOp::kI32Popcnt: case WasmOp::kI64Popcnt: return Unary(SsaOp::kPopcnt);
    case WasmOp::kI32Add: case WasmOp::kI64Add: return Binary(SsaOp::kIadd);
    case WasmOp::kI32Sub: case WasmOp::kI64Sub: return Binary(SsaOp::kIsub);
    case WasmOp::kI32Mul: case WasmOp::kI64Mul: return Binary(SsaOp::kImul);
    case WasmOp::kI32DivS: case WasmOp::kI64DivS: return Binary(SsaOp::kSdiv);
    case WasmOp::kI32DivU: case WasmOp::kI64DivU: return Binary(SsaOp::kUdiv);
    case WasmOp::kI32RemS: case WasmOp::kI64RemS: return Binary(SsaOp::kSrem);
    case WasmOp::kI32RemU: case WasmOp::kI64RemU: return Binary(SsaOp::kUrem);
    case WasmOp::kI32And: case WasmOp::kI64And: return Binary(SsaOp::kBand);
    case WasmOp::kI32Or: case WasmOp::kI64Or: return Binary(SsaOp::kBor);
    case WasmOp::kI32Xor: case WasmOp::kI64Xor: return Binary(SsaOp::kBxor);
    case WasmOp::kI32Shl: case WasmOp::kI64Shl: return Binary(SsaOp::kIshl);
    case WasmOp::kI32ShrS: case WasmOp::kI64ShrS: return Binary(SsaOp::kSshr);
    case WasmOp::kI32ShrU: case WasmOp::kI64ShrU: return Binary(SsaOp::kUshr);
    case WasmOp::kI32Rotl: case WasmOp::kI64Rotl: return Binary(SsaOp::kRotl);
    case WasmOp::kI32Rotr: case WasmOp::kI64Rotr: return Binary(SsaOp::kRotr);

    case WasmOp::kF32Abs: case WasmOp::kF64Abs: return Unary(SsaOp::kFabs);
    case WasmOp::kF32Neg: case WasmOp::kF64Neg: return Unary(SsaOp::kFneg);
    case WasmOp::kF32Ceil: case WasmOp::kF64Ceil: return Unary(SsaOp::kCeil);
    case WasmOp::kF32Floor: case WasmOp::kF64Floor: return Unary(SsaOp::kFloor);
    case WasmOp::kF32Trunc: case WasmOp::kF64Trunc: return Unary(SsaOp::kTrunc);
    case WasmOp::kF32Nearest: case WasmOp::kF64Nearest: return Unary(SsaOp::kNearest);
    case WasmOp::kF32Sqrt: case WasmOp::kF64Sqrt: return Unary(SsaOp::kSqrt);
    case WasmOp::kF32Add: case WasmOp::kF64Add: return Binary(SsaOp::kFadd);
    case WasmOp::kF32Sub: case WasmOp::kF64Sub: return Binary(SsaOp::kFsub);
    case WasmOp::kF32Mul: case WasmOp::kF64Mul: return Binary(SsaOp::kFmul);
    case WasmOp::kF32Div: case WasmOp::kF64Div: return Binary(SsaOp::kFdiv);
    case WasmOp::kF32Min: case WasmOp::kF64Min: return Binary(SsaOp::kFmin);
    case WasmOp::kF32Max: case WasmOp::kF64Max: return Binary(SsaOp::kFmax);
    case WasmOp::kF32Copysign: case WasmOp::kF64Copysign: return Binary(SsaOp::kFcopysign);
    default:
      return {};
  }
}

}  // namespace

bool Translator::TranslateNumeric(const wasm::Instruction& inst) {
  switch (inst.opcode) {
    case WasmOp::kI32Const:
      Push(builder_.Iconst(ssa::Type::kI32, inst.bits));
      return true;
    case WasmOp::kI64Const:
      Push(builder_.Iconst(ssa::Type::kI64, inst.bits));
      return true;
    case WasmOp::kF32Const:
      Push(builder_.F32const(static_cast<uint32_t>(inst.bits)));
      return true;
    case WasmOp::kF64Const:
      Push(builder_.F64const(inst.bits));
      return true;
    case WasmOp::kI32Eqz:
      Push(builder_.Icmp(ssa::IntCC::kEq, Pop(), ConstI32(0)));
      return true;
    case WasmOp::kI64Eqz:
      Push(builder_.Icmp(ssa::IntCC::kEq, Pop(), ConstI64(0)));
      return true;
    default:
      break;
  }
  NumericOp numeric = Classify(inst.opcode);
  switch (numeric.shape) {
    case Shape::kNone:
      return false;
    case Shape::kUnary:
      Push(builder_.Unary(numeric.op, Pop()));
      return true;
    case Shape::kBinary: {
      ssa::Value rhs = Pop();
      ssa::Value lhs = Pop();
      Push(builder_.Binary(numeric.op, lhs, rhs));
      return true;
    }
    case Shape::kIcmp: {
      ssa::Value rhs = Pop();
      ssa::Value lhs = Pop();
      Push(builder_.Icmp(numeric.int_cc, lhs, rhs));
      return true;
    }
    case Shape::kFcmp: {
      ssa::Value rhs = Pop();
      ssa::Value lhs = Pop();
      Push(builder_.Fcmp(numeric.float_cc, lhs, rhs));
      return true;
    }
  }
  return false;
}

}  // namespace kiln::frontend
