// Constant evaluation of scalar SSA opcodes with Wasm semantics (see const_eval.h for what is
// deliberately left unfolded). Integers are handled as uint64_t zero-extended from their
// width; floats are converted from their bits, computed on the host and converted back.
#include "compiler/passes/const_eval.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "absl/base/casts.h"
#include "absl/numeric/bits.h"

namespace kiln::passes {
namespace {

using ssa::FloatCC;
using ssa::IntCC;
using ssa::Opcode;
using ssa::Type;
using Result = std::optional<uint64_t>;

int Width(Type type) { return type == Type::kI32 || type == Type::kF32 ? 32 : 64; }

int64_t Signed(Type type, uint64_t bits) {
  return type == Type::kI32 ? static_cast<int64_t>(static_cast<int32_t>(bits))
                            : static_cast<int64_t>(bits);
}

// -- Integers ---------------------------------------------------------------------------------

Result EvalIntBinary(Opcode op, Type type, uint64_t a, uint64_t b) {
  const int width = Width(type);
  // Wasm takes shift and rotate counts modulo the bit width.
  const unsigned count = static_cast<unsigned>(b) & (width - 1);
  const int64_t sa = Signed(type, a);
  const int64_t sb = Signed(type, b);
  const int64_t min = type == Type::kI32 ? std::numeric_limits<int32_t>::min()
                                         : std::numeric_limits<int64_t>::min();
  switch (op) {
    case Opcode::kIadd:
      return Mask(type, a + b);
    case Opcode::kIsub:
      return Mask(type, a - b);
    case Opcode::kImul:
      return Mask(type, a * b);
    case Opcode::kSdiv:
      if (b == 0 || (sa == min && sb == -1)) return std::nullopt;  // must trap at run time
      return Mask(type, static_cast<uint64_t>(sa / sb));
    case Opcode::kUdiv:
      if (b == 0) return std::nullopt;
      return a / b;
    case Opcode::kSrem:
      if (b == 0) return std::nullopt;
      if (sb == -1) return 0;  // INT_MIN srem -1 is 0 in Wasm (and overflows in C++)
      return Mask(type, static_cast<uint64_t>(sa % sb));
    case Opcode::kUrem:
      if (b == 0) return std::nullopt;
      return a % b;
    case Opcode::kBand:
      return a & b;
    case Opcode::kBor:
      return a | b;
    case Opcode::kBxor:
      return a ^ b;
    case Opcode::kIshl:
      return Mask(type, a << count);
    case Opcode::kUshr:
      return a >> count;
    case Opcode::kSshr:
      return Mask(type, static_cast<uint64_t>(sa >> count));
    case Opcode::kRotl:
      return count == 0 ? a : Mask(type, (a << count) | (a >> (width - count)));
    case Opcode::kRotr:
      return count == 0 ? a : Mask(type, (a >> count) | (a << (width - count)));
    default:
      return std::nullopt;
  }
}

Result EvalIntUnary(Opcode op, Type type, uint64_t a) {
  const bool i32 = type == Type::kI32;
  switch (op) {
    case Opcode::kClz:
      return i32 ? absl::countl_zero(static_cast<uint32_t>(a)) : absl::countl_zero(a);
    case Opcode::kCtz:
      return i32 ? absl::countr_zero(static_cast<uint32_t>(a)) : absl::countr_zero(a);
    case Opcode::kPopcnt:
      return absl::popcount(a);
    case Opcode::kSextend8:
      return Mask(type, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a))));
    case Opcode::kSextend16:
      return Mask(type, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a))));
    default:
      return std::nullopt;
  }
}

bool EvalIcmp(IntCC cc, Type type, uint64_t a, uint64_t b) {
  const int64_t sa = Signed(type, a);
  const int64_t sb = Signed(type, b);
  switch (cc) {
    case IntCC::kEq: return a == b;
    case IntCC::kNe: return a != b;
    case IntCC::kSlt: return sa < sb;
    case IntCC::kSle: return sa <= sb;
    case IntCC::kSgt: return sa > sb;
    case IntCC::kSge: return sa >= sb;
    case IntCC::kUlt: return a < b;
    case IntCC::kUle: return a <= b;
    case IntCC::kUgt: return a > b;
    case IntCC::kUge: return a >= b;
  }
  return false;
}

// -- Floats -----------------------------------------------------------------------------------

// FloatBits is the unsigned integer type of F's size.
template <typename F>
using FloatBits = std::conditional_t<sizeof(F) == 4, uint32_t, uint64_t>;

template <typename F>
F ToFloat(uint64_t bits) {
  return absl::bit_cast<F>(static_cast<FloatBits<F>>(bits));
}

template <typename F>
uint64_t ToBits(F value) {
  return absl::bit_cast<FloatBits<F>>(value);
}

template <typename F>
constexpr uint64_t SignBit() {
  return uint64_t{1} << (sizeof(F) * 8 - 1);
}

// Arithmetic returns the result bits, or nothing when an operand or the result is NaN (the
// NaN a target produces is the target's business; see const_eval.h).
template <typename F>
Result Arithmetic(F result, absl::Span<const F> operands) {
  for (F x : operands) {
    if (std::isnan(x)) return std::nullopt;
  }
  if (std::isnan(result)) return std::nullopt;
  return ToBits(result);
}

template <typename F>
Result EvalFloat(Opcode op, uint32_t cond, absl::Span<const uint64_t> bits) {
  const F a = ToFloat<F>(bits[0]);
  const F b = bits.size() > 1 ? ToFloat<F>(bits[1]) : F{0};
  const uint64_t sign = SignBit<F>();
  switch (op) {
    // Bit operations: exact for every input, NaNs included.
    case Opcode::kFneg:
      return bits[0] ^ sign;
    case Opcode::kFabs:
      return bits[0] & ~sign;
    case Opcode::kFcopysign:
      return (bits[0] & ~sign) | (bits[1] & sign);
    case Opcode::kFcmp:
      switch (static_cast<FloatCC>(cond)) {
        case FloatCC::kEq: return a == b;
        case FloatCC::kNe: return a != b;
        case FloatCC::kLt: return a < b;
        case FloatCC::kLe: return a <= b;
        case FloatCC::kGt: return a > b;
        case FloatCC::kGe: return a >= b;
      }
      return std::nullopt;
    // Arithmetic: IEEE in the default rounding mode, no NaN in or out.
    case Opcode::kFadd:
      return Arithmetic<F>(a + b, {a, b});
    case Opcode::kFsub:
      return Arithmetic<F>(a - b, {a, b});
    case Opcode::kFmul:
      return Arithmetic<F>(a * b, {a, b});
    case Opcode::kFdiv:
      return Arithmetic<F>(a / b, {a, b});
    case Opcode::kFmin:
    case Opcode::kFmax: {
      if (std::isnan(a) || std::isnan(b)) return std::nullopt;
      const bool min = op == Opcode::kFmin;
      // Equal operands differ at most in the sign of zero: min takes -0, max takes +0.
      if (a == b) return ToBits<F>(std::signbit(a) == min ? a : b);
      return ToBits<F>((a < b) == min ? a : b);
    }
    case Opcode::kSqrt:
      return Arithmetic<F>(std::sqrt(a), {a});
    case Opcode::kCeil:
      return Arithmetic<F>(std::ceil(a), {a});
    case Opcode::kFloor:
      return Arithmetic<F>(std::floor(a), {a});
    case Opcode::kTrunc:
      return Arithmetic<F>(std::trunc(a), {a});
    case Opcode::kNearest:
      // nearbyint rounds in the current mode, which is the default round-to-nearest-even.
      return Arithmetic<F>(std::nearbyint(a), {a});
    default:
      return std::nullopt;
  }
}

// FloatToInt converts with Wasm's trunc (trapping: nothing when out of range or NaN) or
// trunc_sat (saturating; NaN is 0) semantics.
template <typename F>
Result FloatToInt(uint64_t bits, Type to, bool is_signed, bool saturate) {
  const F x = ToFloat<F>(bits);
  const int width = Width(to);
  if (std::isnan(x)) return saturate ? Result(0) : std::nullopt;
  // Every bound below is a power of two, exact in double; so is trunc(x) for float and double.
  const double t = std::trunc(static_cast<double>(x));
  const double lo = is_signed ? -std::ldexp(1.0, width - 1) : 0.0;
  const double hi = std::ldexp(1.0, is_signed ? width - 1 : width);  // exclusive
  if (t < lo) {
    if (!saturate) return std::nullopt;
    return is_signed ? Mask(to, uint64_t{1} << (width - 1)) : 0;
  }
  if (t >= hi) {
    if (!saturate) return std::nullopt;
    return is_signed ? Mask(to, (uint64_t{1} << (width - 1)) - 1) : Mask(to, ~uint64_t{0});
  }
  return is_signed ? Mask(to, static_cast<uint64_t>(static_cast<int64_t>(t)))
                   : static_cast<uint64_t>(t);
}

template <typename F>
uint64_t IntToFloat(uint64_t bits, Type from, bool is_signed) {
  F value;
  if (from == Type::kI32) {
    value = is_signed ? static_cast<F>(static_cast<int32_t>(bits))
                      : static_cast<F>(static_cast<uint32_t>(bits));
  } else {
    value = is_signed ? static_cast<F>(static_cast<int64_t>(bits)) : static_cast<F>(bits);
  }
  return ToBits(value);
}

Result EvalConversion(Opcode op, Type to, const Constant& arg) {
  const uint64_t a = arg.bits;
  const bool from_f32 = arg.type == Type::kF32;
  switch (op) {
    case Opcode::kIreduce:
      return Mask(Type::kI32, a);
    case Opcode::kUextend:
      return a;
    case Opcode::kSextend:
    case Opcode::kSextend32:
      return static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a)));
    case Opcode::kFcvtToSint:
    case Opcode::kFcvtToUint:
    case Opcode::kFcvtToSintSat:
    case Opcode::kFcvtToUintSat: {
      const bool is_signed = op == Opcode::kFcvtToSint || op == Opcode::kFcvtToSintSat;
      const bool saturate = op == Opcode::kFcvtToSintSat || op == Opcode::kFcvtToUintSat;
      return from_f32 ? FloatToInt<float>(a, to, is_signed, saturate)
                      : FloatToInt<double>(a, to, is_signed, saturate);
    }
    case Opcode::kFcvtFromSint:
    case Opcode::kFcvtFromUint: {
      const bool is_signed = op == Opcode::kFcvtFromSint;
      return to == Type::kF32 ? IntToFloat<float>(a, arg.type, is_signed)
                              : IntToFloat<double>(a, arg.type, is_signed);
    }
    case Opcode::kFpromote: {
      const float x = ToFloat<float>(a);
      if (std::isnan(x)) return std::nullopt;
      return ToBits(static_cast<double>(x));
    }
    case Opcode::kFdemote: {
      const double x = ToFloat<double>(a);
      if (std::isnan(x)) return std::nullopt;
      return ToBits(static_cast<float>(x));
    }
    case Opcode::kBitcast:
      return a;  // the same bits, reinterpreted; NaN payloads included
    default:
      return std::nullopt;
  }
}

}  // namespace

uint64_t Mask(Type type, uint64_t bits) {
  return Width(type) == 32 ? bits & 0xffffffffu : bits;
}

std::optional<Constant> EvalConstant(Opcode op, Type ctrl, uint32_t cond, Type result_type,
                                     absl::Span<const Constant> args) {
  Result bits;
  if (args.size() == 1) {
    const Type operand = args[0].type;
    if (ssa::IsInt(operand) && ctrl == operand) bits = EvalIntUnary(op, operand, args[0].bits);
    if (!bits) {
      const uint64_t operand_bits[] = {args[0].bits};
      if (operand == Type::kF32 && ctrl == Type::kF32) bits = EvalFloat<float>(op, cond, operand_bits);
      if (operand == Type::kF64 && ctrl == Type::kF64) bits = EvalFloat<double>(op, cond, operand_bits);
    }
    if (!bits) bits = EvalConversion(op, result_type, args[0]);
  } else if (args.size() == 2 && args[0].type == args[1].type) {
    const Type operand = args[0].type;
    if (op == Opcode::kIcmp && ssa::IsInt(operand)) {
      bits = EvalIcmp(static_cast<IntCC>(cond), operand, args[0].bits, args[1].bits);
    } else if (ssa::IsInt(operand)) {
      bits = EvalIntBinary(op, operand, args[0].bits, args[1].bits);
    } else if (ssa::IsFloat(operand)) {
      const uint64_t operand_bits[] = {args[0].bits, args[1].bits};
      bits = operand == Type::kF32 ? EvalFloat<float>(op, cond, operand_bits)
                                   : EvalFloat<double>(op, cond, operand_bits);
    }
  }
  if (!bits) return std::nullopt;
  return Constant{result_type, ssa::IsInt(result_type) ? Mask(result_type, *bits)
                                                       : (result_type == Type::kF32
                                                              ? (*bits & 0xffffffffu)
                                                              : *bits)};
}

}  // namespace kiln::passes
