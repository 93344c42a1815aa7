// Tests of constant evaluation, value by value: wrap-around, Wasm's shift masking, the
// divisions that must trap and so must not fold, conversions at their range limits, and the
// float cases that fold or refuse to because of NaN and signed zero.
#include "compiler/passes/const_eval.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <tuple>

#include "absl/base/casts.h"
#include "catch2/catch.hpp"

namespace kiln::passes {
namespace {

using ssa::FloatCC;
using ssa::IntCC;
using ssa::Opcode;
using ssa::Type;

constexpr Type kI32 = Type::kI32;
constexpr Type kI64 = Type::kI64;
constexpr Type kF32 = Type::kF32;
constexpr Type kF64 = Type::kF64;

Constant I32(uint32_t v) { return {kI32, v}; }
Constant I64(uint64_t v) { return {kI64, v}; }
Constant F32(float v) { return {kF32, absl::bit_cast<uint32_t>(v)}; }
Constant F64(double v) { return {kF64, absl::bit_cast<uint64_t>(v)}; }
Constant F32Bits(uint32_t bits) { return {kF32, bits}; }

constexpr uint32_t kNanF32 = 0x7fc00000u;
constexpr uint32_t kSignallingNanF32 = 0x7fa00000u;

// Bits evaluates a same-typed operation (result type = ctrl) and returns the result's bits.
std::optional<uint64_t> Bits(Opcode op, Type type, std::initializer_list<Constant> args) {
  std::optional<Constant> c = EvalConstant(op, type, 0, type, args);
  if (!c) return std::nullopt;
  return c->bits;
}

TEST_CASE("integer arithmetic wraps around at the type's width", "[passes][const_eval]") {
  CHECK(Bits(Opcode::kIadd, kI32, {I32(0xffffffffu), I32(2)}) == 1u);
  CHECK(Bits(Opcode::kIsub, kI32, {I32(0), I32(1)}) == 0xffffffffu);
  CHECK(Bits(Opcode::kImul, kI32, {I32(0x10000), I32(0x10000)}) == 0u);
  CHECK(Bits(Opcode::kIadd, kI64, {I64(~uint64_t{0}), I64(1)}) == 0u);
  CHECK(Bits(Opcode::kImul, kI64, {I64(uint64_t{1} << 32), I64(uint64_t{1} << 32)}) == 0u);
}

TEST_CASE("shift and rotate counts are taken modulo the bit width", "[passes][const_eval]") {
  CHECK(Bits(Opcode::kIshl, kI32, {I32(1), I32(33)}) == 2u);
  CHECK(Bits(Opcode::kIshl, kI64, {I64(1), I64(65)}) == 2u);
  CHECK(Bits(Opcode::kUshr, kI32, {I32(0x80000000u), I32(31)}) == 1u);
  CHECK(Bits(Opcode::kSshr, kI32, {I32(0x80000000u), I32(31)}) == 0xffffffffu);
  CHECK(Bits(Opcode::kSshr, kI32, {I32(0x80000000u), I32(32)}) == 0x80000000u);
  CHECK(Bits(Opcode::kRotl, kI32, {I32(0x80000001u), I32(1)}) == 3u);
  CHECK(Bits(Opcode::kRotr, kI32, {I32(3), I32(33)}) == 0x80000001u);
  CHECK(Bits(Opcode::kRotl, kI64, {I64(0x8000000000000000u), I64(64)}) == 0x8000000000000000u);
}

TEST_CASE("divisions that trap at run time are not folded", "[passes][const_eval]") {
  CHECK_FALSE(Bits(Opcode::kSdiv, kI32, {I32(7), I32(0)}));
  CHECK_FALSE(Bits(Opcode::kUdiv, kI32, {I32(7), I32(0)}));
  CHECK_FALSE(Bits(Opcode::kSrem, kI64, {I64(7), I64(0)}));
  CHECK_FALSE(Bits(Opcode::kUrem, kI64, {I64(7), I64(0)}));
  CHECK_FALSE(Bits(Opcode::kSdiv, kI32, {I32(0x80000000u), I32(0xffffffffu)}));
  CHECK_FALSE(Bits(Opcode::kSdiv, kI64, {I64(0x8000000000000000u), I64(~uint64_t{0})}));
}

TEST_CASE("divisions that cannot trap fold with Wasm's rounding", "[passes][const_eval]") {
  CHECK(Bits(Opcode::kSdiv, kI32, {I32(static_cast<uint32_t>(-7)), I32(2)}) ==
        static_cast<uint32_t>(-3));
  CHECK(Bits(Opcode::kUdiv, kI32, {I32(static_cast<uint32_t>(-7)), I32(2)}) == 0x7ffffffcu);
  CHECK(Bits(Opcode::kSrem, kI32, {I32(static_cast<uint32_t>(-7)), I32(2)}) == 0xffffffffu);
  // INT_MIN srem -1 does not trap in Wasm: it is 0.
  CHECK(Bits(Opcode::kSrem, kI32, {I32(0x80000000u), I32(0xffffffffu)}) == 0u);
  CHECK(Bits(Opcode::kUrem, kI64, {I64(10), I64(3)}) == 1u);
}

TEST_CASE("bit counting, sign extension and integer conversions", "[passes][const_eval]") {
  CHECK(Bits(Opcode::kClz, kI32, {I32(0)}) == 32u);
  CHECK(Bits(Opcode::kClz, kI64, {I64(1)}) == 63u);
  CHECK(Bits(Opcode::kCtz, kI32, {I32(0x80000000u)}) == 31u);
  CHECK(Bits(Opcode::kPopcnt, kI64, {I64(~uint64_t{0})}) == 64u);
  CHECK(Bits(Opcode::kSextend8, kI32, {I32(0x80)}) == 0xffffff80u);
  CHECK(Bits(Opcode::kSextend16, kI64, {I64(0x7fff)}) == 0x7fffu);
  CHECK(EvalConstant(Opcode::kIreduce, Type::kNone, 0, kI32, {I64(0x123456789)})->bits ==
        0x23456789u);
  CHECK(EvalConstant(Opcode::kSextend, Type::kNone, 0, kI64, {I32(0xffffffffu)})->bits ==
        ~uint64_t{0});
  CHECK(EvalConstant(Opcode::kUextend, Type::kNone, 0, kI64, {I32(0xffffffffu)})->bits ==
        0xffffffffu);
  CHECK(EvalConstant(Opcode::kSextend32, Type::kNone, 0, kI64, {I64(0x80000000u)})->bits ==
        0xffffffff80000000u);
}

TEST_CASE("integer comparisons distinguish signed and unsigned", "[passes][const_eval]") {
  using Row = std::tuple<IntCC, uint32_t, uint32_t, uint64_t>;
  auto [cc, a, b, want] = GENERATE(table<IntCC, uint32_t, uint32_t, uint64_t>({
      Row{IntCC::kEq, 1, 1, 1},
      Row{IntCC::kNe, 1, 1, 0},
      Row{IntCC::kSlt, 0xffffffffu, 0, 1},
      Row{IntCC::kUlt, 0xffffffffu, 0, 0},
      Row{IntCC::kSge, 0, 0xffffffffu, 1},
      Row{IntCC::kUgt, 0xffffffffu, 0, 1},
      Row{IntCC::kSle, 5, 5, 1},
      Row{IntCC::kUge, 4, 5, 0},
  }));
  CAPTURE(static_cast<int>(cc), a, b);
  std::optional<Constant> c =
      EvalConstant(Opcode::kIcmp, kI32, static_cast<uint32_t>(cc), kI32, {I32(a), I32(b)});
  REQUIRE(c);
  CHECK(c->bits == want);
}

TEST_CASE("float arithmetic folds without NaN and keeps signed zeros", "[passes][const_eval]") {
  CHECK(Bits(Opcode::kFadd, kF32, {F32(1.5f), F32(2.25f)}) == absl::bit_cast<uint32_t>(3.75f));
  CHECK(Bits(Opcode::kFmul, kF64, {F64(0.1), F64(3.0)}) == absl::bit_cast<uint64_t>(0.1 * 3.0));
  CHECK(Bits(Opcode::kFadd, kF32, {F32(-0.0f), F32(0.0f)}) == absl::bit_cast<uint32_t>(0.0f));
  CHECK(Bits(Opcode::kFadd, kF32, {F32(-0.0f), F32(-0.0f)}) == absl::bit_cast<uint32_t>(-0.0f));
  CHECK(Bits(Opcode::kFdiv, kF64, {F64(1.0), F64(-0.0)}) ==
        absl::bit_cast<uint64_t>(-std::numeric_limits<double>::infinity()));
  CHECK(Bits(Opcode::kNearest, kF32, {F32(2.5f)}) == absl::bit_cast<uint32_t>(2.0f));
  CHECK(Bits(Opcode::kNearest, kF32, {F32(-0.5f)}) == absl::bit_cast<uint32_t>(-0.0f));
  CHECK(Bits(Opcode::kCeil, kF64, {F64(-0.5)}) == absl::bit_cast<uint64_t>(-0.0));
  CHECK(Bits(Opcode::kSqrt, kF64, {F64(2.0)}) == absl::bit_cast<uint64_t>(std::sqrt(2.0)));
}

TEST_CASE("float operations with a NaN in or out are left to run time", "[passes][const_eval]") {
  CHECK_FALSE(Bits(Opcode::kFadd, kF32, {F32Bits(kNanF32), F32(1.0f)}));
  CHECK_FALSE(Bits(Opcode::kFmul, kF32, {F32Bits(kSignallingNanF32), F32(1.0f)}));
  CHECK_FALSE(Bits(Opcode::kFsub, kF64, {F64(INFINITY), F64(INFINITY)}));
  CHECK_FALSE(Bits(Opcode::kFdiv, kF32, {F32(0.0f), F32(0.0f)}));
  CHECK_FALSE(Bits(Opcode::kSqrt, kF32, {F32(-1.0f)}));
  CHECK_FALSE(Bits(Opcode::kFmin, kF32, {F32Bits(kNanF32), F32(1.0f)}));
  CHECK_FALSE(Bits(Opcode::kCeil, kF32, {F32Bits(kSignallingNanF32)}));
  CHECK_FALSE(EvalConstant(Opcode::kFpromote, Type::kNone, 0, kF64, {F32Bits(kNanF32)}));
}

TEST_CASE("sign operations and bitcast fold bit for bit, NaNs included", "[passes][const_eval]") {
  CHECK(Bits(Opcode::kFneg, kF32, {F32Bits(kSignallingNanF32)}) == 0xffa00000u);
  CHECK(Bits(Opcode::kFabs, kF32, {F32Bits(0xffa00001u)}) == 0x7fa00001u);
  CHECK(Bits(Opcode::kFcopysign, kF32, {F32Bits(kNanF32), F32(-1.0f)}) == 0xffc00000u);
  CHECK(EvalConstant(Opcode::kBitcast, kI32, 0, kI32, {F32Bits(kSignallingNanF32)})->bits ==
        kSignallingNanF32);
}

TEST_CASE("fmin and fmax follow Wasm: -0 is below +0", "[passes][const_eval]") {
  CHECK(Bits(Opcode::kFmin, kF32, {F32(0.0f), F32(-0.0f)}) == absl::bit_cast<uint32_t>(-0.0f));
  CHECK(Bits(Opcode::kFmin, kF32, {F32(-0.0f), F32(0.0f)}) == absl::bit_cast<uint32_t>(-0.0f));
  CHECK(Bits(Opcode::kFmax, kF64, {F64(-0.0), F64(0.0)}) == absl::bit_cast<uint64_t>(0.0));
  CHECK(Bits(Opcode::kFmax, kF64, {F64(0.0), F64(-0.0)}) == absl::bit_cast<uint64_t>(0.0));
  CHECK(Bits(Opcode::kFmax, kF32, {F32(-3.0f), F32(2.0f)}) == absl::bit_cast<uint32_t>(2.0f));
}

TEST_CASE("float comparisons fold, NaN included", "[passes][const_eval]") {
  auto fcmp = [](FloatCC cc, Constant a, Constant b) {
    return EvalConstant(Opcode::kFcmp, a.type, static_cast<uint32_t>(cc), kI32, {a, b})->bits;
  };
  CHECK(fcmp(FloatCC::kEq, F32Bits(kNanF32), F32Bits(kNanF32)) == 0u);
  CHECK(fcmp(FloatCC::kNe, F32Bits(kNanF32), F32Bits(kNanF32)) == 1u);
  CHECK(fcmp(FloatCC::kEq, F64(0.0), F64(-0.0)) == 1u);
  CHECK(fcmp(FloatCC::kLt, F64(-1.0), F64(0.0)) == 1u);
  CHECK(fcmp(FloatCC::kGe, F32(1.0f), F32Bits(kNanF32)) == 0u);
}

TEST_CASE("float to int conversions fold only in range; saturating ones always",
          "[passes][const_eval]") {
  auto cvt = [](Opcode op, Type to, Constant x) { return EvalConstant(op, to, 0, to, {x}); };
  CHECK(cvt(Opcode::kFcvtToSint, kI32, F32(-2147483648.0f))->bits == 0x80000000u);
  CHECK_FALSE(cvt(Opcode::kFcvtToSint, kI32, F32(2147483648.0f)));
  CHECK(cvt(Opcode::kFcvtToSint, kI32, F64(2147483647.9))->bits == 0x7fffffffu);
  CHECK_FALSE(cvt(Opcode::kFcvtToSint, kI32, F64(-2147483649.0)));
  CHECK(cvt(Opcode::kFcvtToUint, kI32, F64(-0.9))->bits == 0u);
  CHECK_FALSE(cvt(Opcode::kFcvtToUint, kI32, F64(-1.0)));
  CHECK_FALSE(cvt(Opcode::kFcvtToUint, kI64, F64(18446744073709551616.0)));
  CHECK(cvt(Opcode::kFcvtToUint, kI64, F64(18446744073709549568.0))->bits ==
        18446744073709549568u);
  CHECK_FALSE(cvt(Opcode::kFcvtToSint, kI64, F32Bits(kNanF32)));
  CHECK(cvt(Opcode::kFcvtToSintSat, kI64, F32Bits(kNanF32))->bits == 0u);
  CHECK(cvt(Opcode::kFcvtToSintSat, kI32, F32(-1e10f))->bits == 0x80000000u);
  CHECK(cvt(Opcode::kFcvtToUintSat, kI32, F32(1e10f))->bits == 0xffffffffu);
  CHECK(cvt(Opcode::kFcvtToUintSat, kI64, F64(-5.0))->bits == 0u);
}

TEST_CASE("int to float conversions round to nearest even", "[passes][const_eval]") {
  auto cvt = [](Opcode op, Type to, Constant x) { return EvalConstant(op, to, 0, to, {x})->bits; };
  CHECK(cvt(Opcode::kFcvtFromSint, kF32, I32(16777217)) == absl::bit_cast<uint32_t>(16777216.0f));
  CHECK(cvt(Opcode::kFcvtFromUint, kF32, I32(0xffffffffu)) ==
        absl::bit_cast<uint32_t>(4294967296.0f));
  CHECK(cvt(Opcode::kFcvtFromSint, kF64, I64(~uint64_t{0})) == absl::bit_cast<uint64_t>(-1.0));
  CHECK(cvt(Opcode::kFcvtFromUint, kF64, I64(~uint64_t{0})) ==
        absl::bit_cast<uint64_t>(18446744073709551616.0));
  CHECK(EvalConstant(Opcode::kFdemote, Type::kNone, 0, kF32, {F64(1e300)})->bits ==
        absl::bit_cast<uint32_t>(std::numeric_limits<float>::infinity()));
}

TEST_CASE("operations that are not scalar computations do not evaluate", "[passes][const_eval]") {
  CHECK_FALSE(EvalConstant(Opcode::kLoad, kI32, 0, kI32, {I32(0)}));
  CHECK_FALSE(EvalConstant(Opcode::kSelect, kI32, 0, kI32, {I32(1), I32(2), I32(3)}));
  CHECK_FALSE(EvalConstant(Opcode::kTrapz, Type::kNone, 0, Type::kNone, {I32(1)}));
}

}  // namespace
}  // namespace kiln::passes
