// Tests of the comparison rules of assert_return, on patterns parsed from inline .wast text:
// bit-exact floats (-0.0, NaN payloads), nan:canonical and nan:arithmetic for both widths and
// per v128 lane, references, and the slot encoding of arguments and results.
#include "spectest/values.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"

namespace kiln::spectest {
namespace {

using wasm::ValType;

// Expected parses the result patterns of `(assert_return (invoke "f") <patterns>)`.
std::vector<text::ExpectedValue> Expected(const std::string& patterns) {
  std::string source = "(assert_return (invoke \"f\") " + patterns + ")";
  absl::StatusOr<text::Script> script = text::ParseScript(source);
  INFO(source);
  REQUIRE(script.ok());
  REQUIRE(script->commands.size() == 1);
  return script->commands[0].expected;
}

text::ExpectedValue One(const std::string& pattern) {
  std::vector<text::ExpectedValue> all = Expected(pattern);
  REQUIRE(all.size() == 1);
  return all[0];
}

bool Matches(const std::string& pattern, ValType type, absl::uint128 bits) {
  return !MatchValue(One(pattern), RuntimeValue{type, bits}).has_value();
}

TEST_CASE("integers match bit for bit and by type", "[spectest][values]") {
  CHECK(Matches("(i32.const -1)", ValType::kI32, 0xffffffff));
  CHECK_FALSE(Matches("(i32.const -1)", ValType::kI32, 0xfffffffe));
  CHECK(Matches("(i64.const -1)", ValType::kI64, ~uint64_t{0}));
  CHECK_FALSE(Matches("(i64.const 1)", ValType::kI32, 1));
}

TEST_CASE("floats match bit-exactly: -0 is not 0 and NaN payloads differ",
          "[spectest][values]") {
  CHECK(Matches("(f32.const -0x0p+0)", ValType::kF32, 0x80000000));
  CHECK_FALSE(Matches("(f32.const -0x0p+0)", ValType::kF32, 0));
  CHECK_FALSE(Matches("(f64.const 0)", ValType::kF64, 0x8000000000000000));
  CHECK(Matches("(f32.const nan:0x200000)", ValType::kF32, 0x7fa00000));
  CHECK_FALSE(Matches("(f32.const nan:0x200000)", ValType::kF32, 0x7fc00000));
  CHECK(Matches("(f64.const -nan)", ValType::kF64, 0xfff8000000000000));
  CHECK_FALSE(Matches("(f64.const -nan)", ValType::kF64, 0x7ff8000000000000));
}

TEST_CASE("nan:canonical accepts only the canonical payload, of either sign",
          "[spectest][values]") {
  CHECK(Matches("(f32.const nan:canonical)", ValType::kF32, 0x7fc00000));
  CHECK(Matches("(f32.const nan:canonical)", ValType::kF32, 0xffc00000));
  CHECK_FALSE(Matches("(f32.const nan:canonical)", ValType::kF32, 0x7fc00001));
  CHECK_FALSE(Matches("(f32.const nan:canonical)", ValType::kF32, 0x7fa00000));
  CHECK_FALSE(Matches("(f32.const nan:canonical)", ValType::kF32, 0x7f800000));  // infinity
  CHECK(Matches("(f64.const nan:canonical)", ValType::kF64, 0xfff8000000000000));
  CHECK_FALSE(Matches("(f64.const nan:canonical)", ValType::kF64, 0x7ff8000000000001));
}

TEST_CASE("nan:arithmetic accepts any NaN with the quiet bit set", "[spectest][values]") {
  CHECK(Matches("(f32.const nan:arithmetic)", ValType::kF32, 0x7fc00000));
  CHECK(Matches("(f32.const nan:arithmetic)", ValType::kF32, 0xffc00123));
  CHECK_FALSE(Matches("(f32.const nan:arithmetic)", ValType::kF32, 0x7f800001));  // signalling
  CHECK_FALSE(Matches("(f32.const nan:arithmetic)", ValType::kF32, 0x3fc00000));  // a number
  CHECK(Matches("(f64.const nan:arithmetic)", ValType::kF64, 0x7ffc000000000000));
  CHECK_FALSE(Matches("(f64.const nan:arithmetic)", ValType::kF64, 0x7ff4000000000000));
}

TEST_CASE("v128 patterns compare all bits, or lane by lane where NaN patterns appear",
          "[spectest][values]") {
  absl::uint128 lanes = absl::MakeUint128(0x0000000400000003, 0x0000000200000001);
  CHECK(Matches("(v128.const i32x4 1 2 3 4)", ValType::kV128, lanes));
  CHECK_FALSE(Matches("(v128.const i32x4 1 2 3 5)", ValType::kV128, lanes));
  CHECK(Matches("(v128.const i64x2 0x0000000200000001 0x0000000400000003)", ValType::kV128,
                lanes));

  // f32x4 with a canonical NaN in lane 1 and an arithmetic NaN in lane 3.
  std::string pattern = "(v128.const f32x4 1.0 nan:canonical -0.0 nan:arithmetic)";
  absl::uint128 good = absl::MakeUint128(0x7fc0beef80000000, 0xffc000003f800000);
  CHECK(Matches(pattern, ValType::kV128, good));
  absl::uint128 lane1_not_canonical = absl::MakeUint128(0x7fc0beef80000000, 0x7fc000013f800000);
  CHECK_FALSE(Matches(pattern, ValType::kV128, lane1_not_canonical));
  absl::uint128 lane2_positive_zero = absl::MakeUint128(0x7fc0beef00000000, 0xffc000003f800000);
  CHECK_FALSE(Matches(pattern, ValType::kV128, lane2_positive_zero));
  absl::uint128 lane3_signalling = absl::MakeUint128(0x7f80beef80000000, 0xffc000003f800000);
  CHECK_FALSE(Matches(pattern, ValType::kV128, lane3_signalling));

  CHECK(Matches("(v128.const f64x2 nan:canonical 2.0)", ValType::kV128,
                absl::MakeUint128(0x4000000000000000, 0xfff8000000000000)));
  CHECK_FALSE(Matches("(v128.const f64x2 nan:canonical 2.0)", ValType::kV128,
                      absl::MakeUint128(0x4000000000000001, 0xfff8000000000000)));
}

TEST_CASE("references: null, the script's extern N, and any non-null", "[spectest][values]") {
  CHECK(Matches("(ref.null extern)", ValType::kExternRef, 0));
  CHECK_FALSE(Matches("(ref.null extern)", ValType::kExternRef, ExternRefSlot(0)));
  CHECK_FALSE(Matches("(ref.null func)", ValType::kExternRef, 0));  // wrong type
  CHECK(Matches("(ref.extern 0)", ValType::kExternRef, ExternRefSlot(0)));
  CHECK_FALSE(Matches("(ref.extern 0)", ValType::kExternRef, 0));
  CHECK_FALSE(Matches("(ref.extern 1)", ValType::kExternRef, ExternRefSlot(2)));
  CHECK(Matches("(ref.extern)", ValType::kExternRef, ExternRefSlot(7)));
  CHECK_FALSE(Matches("(ref.extern)", ValType::kExternRef, 0));
  CHECK(Matches("(ref.func)", ValType::kFuncRef, 0x1234));
  CHECK_FALSE(Matches("(ref.func)", ValType::kFuncRef, 0));
  CHECK(Matches("(ref.null func)", ValType::kFuncRef, 0));
}

TEST_CASE("arguments become slots and results are read back by type", "[spectest][values]") {
  absl::StatusOr<text::Script> script = text::ParseScript(
      "(invoke \"f\" (i32.const -1) (f32.const -0.0) (i64.const 5) (ref.extern 3) "
      "(ref.null extern) (v128.const i64x2 1 2))");
  REQUIRE(script.ok());
  std::vector<uint64_t> slots = EncodeArgs(script->commands[0].action->args);
  CHECK(slots == std::vector<uint64_t>{0xffffffff, 0x80000000, 5, 4, 0, 1, 2});

  std::vector<ValType> types = {ValType::kI32, ValType::kV128, ValType::kF64};
  absl::StatusOr<std::vector<RuntimeValue>> values =
      DecodeResults(types, {0xdeadbeef00000007, 1, 2, 0x8000000000000000});
  REQUIRE(values.ok());
  REQUIRE(values->size() == 3);
  CHECK((*values)[0].bits == 7);  // the upper half of an i32 slot is ignored
  CHECK((*values)[1].bits == absl::MakeUint128(2, 1));
  CHECK(FormatValue((*values)[2]) == "f64:0x8000000000000000 (-0)");
  CHECK_FALSE(DecodeResults(types, {1, 2}).ok());
}

TEST_CASE("result lists must match in length, and reports name the bad result",
          "[spectest][values]") {
  std::vector<text::ExpectedValue> expected = Expected("(i32.const 1) (f32.const nan:canonical)");
  std::vector<RuntimeValue> actual = {{ValType::kI32, 1}, {ValType::kF32, 0x7fa00000}};
  std::optional<std::string> why = MatchResults(expected, actual);
  REQUIRE(why.has_value());
  CHECK(*why == "result 1: expected f32:nan:canonical, got f32:0x7fa00000 (nan)");
  CHECK(MatchResults(expected, {actual[0]}) == "expected 2 results, got 1");
  actual[1].bits = 0x7fc00000;
  CHECK_FALSE(MatchResults(expected, actual).has_value());
}

}  // namespace
}  // namespace kiln::spectest
