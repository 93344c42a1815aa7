// Tests of number literals: the grammar (signs, separators, hex, exponents, inf and nan
// forms), integer ranges, and correct rounding of decimal and hex floats to f32 and f64.
#include "compiler/text/numbers.h"

#include <cstdint>

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::text {
namespace {

using ::kiln::testing::StatusIs;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

TEST_CASE("integer literals parse in decimal and hex with separators", "[text][numbers]") {
  auto [text, bits] = GENERATE(table<const char*, uint32_t>({
      {"0", 0},
      {"1_000", 1000},
      {"0x1_0", 16},
      {"0xFFFF_ffff", 0xffffffff},
      {"4294967295", 0xffffffff},
      {"-1", 0xffffffff},
      {"-2147483648", 0x80000000},
      {"-0x80000000", 0x80000000},
      {"+7", 7},
      {"-0", 0},
  }));
  CAPTURE(text);
  absl::StatusOr<uint32_t> value = ParseI32(text);
  REQUIRE(value.ok());
  CHECK(*value == bits);
}

TEST_CASE("64-bit integer literals cover both signed and unsigned ranges", "[text][numbers]") {
  CHECK(*ParseI64("18446744073709551615") == UINT64_MAX);
  CHECK(*ParseI64("-9223372036854775808") == 0x8000000000000000ull);
  CHECK(*ParseI64("0x7fff_ffff_ffff_ffff") == 0x7fffffffffffffffull);
  CHECK(*ParseI64("-0x1") == UINT64_MAX);
  CHECK(*ParseU64("0xffffffffffffffff") == UINT64_MAX);
  CHECK(*ParseU32("4294967295") == 0xffffffffu);
  CHECK(*ParseI8("-128") == 0x80);
  CHECK(*ParseI8("255") == 0xff);
  CHECK(*ParseI16("-1") == 0xffff);
  CHECK(*ParseI16("0xffff") == 0xffff);
}

TEST_CASE("integers outside their range are constant out of range", "[text][numbers]") {
  for (const char* text : {"0x100000000", "-0x80000001", "4294967296", "-2147483649",
                           "99999999999999999999999"}) {
    CAPTURE(text);
    CHECK_THAT(ParseI32(text).status(), StatusIs(kInvalid, "constant out of range"));
  }
  for (const char* text : {"0x10000000000000000", "-0x8000000000000001",
                           "18446744073709551616", "-9223372036854775809"}) {
    CAPTURE(text);
    CHECK_THAT(ParseI64(text).status(), StatusIs(kInvalid, "constant out of range"));
  }
  CHECK_THAT(ParseI8("256").status(), StatusIs(kInvalid, "constant out of range"));
  CHECK_THAT(ParseI8("-129").status(), StatusIs(kInvalid, "constant out of range"));
  CHECK_THAT(ParseI16("65536").status(), StatusIs(kInvalid, "constant out of range"));
  CHECK_THAT(ParseU32("4294967296").status(), StatusIs(kInvalid, "constant out of range"));
}

TEST_CASE("malformed literals are unknown operators", "[text][numbers]") {
  for (const char* text : {"", "0x", "1x", "0xg", "_100", "+_100", "-_100", "99_", "1__000",
                           "_0x100", "0_x100", "0x_100", "0x00_", "0xff__ffff", "+", "-",
                           "nan:1", "nan:0x", "infinity", "0X10"}) {
    CAPTURE(text);
    CHECK_THAT(ParseI32(text).status(), StatusIs(kInvalid, "unknown operator"));
    CHECK_FALSE(IsNumberLiteral(text));
  }
  for (const char* text : {".0", ".0e0", "0e", "0e+", "0.0e", "0.0e-", "0x.", "0x0.g", "0x0p",
                           "0x0p+", "0x0p-", "0x0.0p", "0x0.0p+", "0x0.0p-", "0x0pA", "_1.0",
                           "1.0_", "1_.0", "1._0", "_1e1", "1e1_", "1_e1", "1e_1", "1.0e+_1",
                           "1.0e_+1", "0x1.0p_1", "0x_1p1", "1e0x1"}) {
    CAPTURE(text);
    CHECK_THAT(ParseF32(text).status(), StatusIs(kInvalid, "unknown operator"));
    CHECK_THAT(ParseF64(text).status(), StatusIs(kInvalid, "unknown operator"));
    CHECK_FALSE(IsNumberLiteral(text));
  }
}

TEST_CASE("integer positions reject floats and unsigned positions reject signs",
          "[text][numbers]") {
  CHECK_THAT(ParseI32("1.5").status(), StatusIs(kInvalid, "unexpected token"));
  CHECK_THAT(ParseI64("1e3").status(), StatusIs(kInvalid, "unexpected token"));
  CHECK_THAT(ParseU32("inf").status(), StatusIs(kInvalid, "unexpected token"));
  CHECK_THAT(ParseU32("+1").status(), StatusIs(kInvalid, "unexpected token"));
  CHECK_THAT(ParseU64("-0").status(), StatusIs(kInvalid, "unexpected token"));
}

TEST_CASE("f32 literals give the correctly rounded bits", "[text][numbers]") {
  auto [text, bits] = GENERATE(table<const char*, uint32_t>({
      {"nan", 0x7fc00000},
      {"+nan", 0x7fc00000},
      {"-nan", 0xffc00000},
      {"nan:0x200000", 0x7fa00000},
      {"-nan:0x7fffff", 0xffffffff},
      {"nan:0x01_2345", 0x7f812345},
      {"inf", 0x7f800000},
      {"-inf", 0xff800000},
      {"0x0.0p0", 0},
      {"-0x0.0p0", 0x80000000},
      {"-0", 0x80000000},
      {"0x1.921fb6p+2", 0x40c90fdb},
      {"0x1p-149", 0x00000001},
      {"0x1p-126", 0x00800000},
      {"0x1.fffffep+127", 0x7f7fffff},
      {"0x1.fffffcp-127", 0x007fffff},
      {"0x1.p10", 0x44800000},
      {"0x12345", 0x4791a280},
      {"0x1_0000_0000_0000_0000_0000", 0x67800000},
      {"-0x8000_0000", 0xcf000000},
      {"6.28318548202514648", 0x40c90fdb},
      {"1.4013e-45", 0x00000001},
      {"1.1754944e-38", 0x00800000},
      {"1.1754942e-38", 0x007fffff},
      {"3.4028234e+38", 0x7f7fffff},
      {"1.e10", 0x501502f9},
      {"100_000_000_000_000_000_000", 0x60ad78ec},
      {"-9223372036854775808", 0xdf000000},
      {"1.000000119", 0x3f800001},
      // Ties round to even, in hex and in decimal.
      {"0x1.000001p0", 0x3f800000},
      {"0x1.000003p0", 0x3f800002},
      {"0x1.00000100000000001p0", 0x3f800001},
      {"1.00000005960464477539062500", 0x3f800000},
      {"1.00000005960464477539062501", 0x3f800001},
      // A double rounding (decimal to f64, then to f32) would give 0x3f800001 here.
      {"1.000000059604644775390625000000000000001", 0x3f800001},
      {"1.0000000596046447", 0x3f800000},
      {"0x1.fffffefffffffffffp127", 0x7f7fffff},
      {"1e-50", 0},
      {"0x1p-150", 0},
      {"0x1.000001p-149", 0x00000001},
  }));
  CAPTURE(text);
  absl::StatusOr<uint32_t> value = ParseF32(text);
  REQUIRE(value.ok());
  CHECK(*value == bits);
}

TEST_CASE("f64 literals give the correctly rounded bits", "[text][numbers]") {
  auto [text, bits] = GENERATE(table<const char*, uint64_t>({
      {"nan", 0x7ff8000000000000},
      {"-nan", 0xfff8000000000000},
      {"nan:0x4000000000000", 0x7ff4000000000000},
      {"-nan:0xfffffffffffff", 0xffffffffffffffff},
      {"inf", 0x7ff0000000000000},
      {"-inf", 0xfff0000000000000},
      {"-0x0.0p0", 0x8000000000000000},
      {"0x1.921fb54442d18p+2", 0x401921fb54442d18},
      {"0x0.0000000000001p-1022", 0x0000000000000001},
      {"0x0.fffffffffffffp-1022", 0x000fffffffffffff},
      {"0x1.fffffffffffffp+1023", 0x7fefffffffffffff},
      {"0x1.p100", 0x4630000000000000},
      {"6.28318530717958623", 0x401921fb54442d18},
      {"4.94066e-324", 0x0000000000000001},
      {"2.2250738585072012e-308", 0x0010000000000000},
      {"2.2250738585072011e-308", 0x000fffffffffffff},
      {"1.7976931348623157e+308", 0x7fefffffffffffff},
      {"1.e100", 0x54b249ad2594c37d},
      {"1.000000119", 0x3ff000001ff19e24},
      {"1_000.000_1", 0x408f4000346dc5d6},
      {"100_000_000_000_000_000_000", 0x4415af1d78b58c40},
      {"0x1.00000000000008p0", 0x3ff0000000000000},
      {"0x1.00000000000018p0", 0x3ff0000000000002},
      {"0x1.fffffffffffff7ffffp1023", 0x7fefffffffffffff},
      {"1e-400", 0},
  }));
  CAPTURE(text);
  absl::StatusOr<uint64_t> value = ParseF64(text);
  REQUIRE(value.ok());
  CHECK(*value == bits);
}

TEST_CASE("floats that round to infinity are constant out of range", "[text][numbers]") {
  for (const char* text : {"0x1p128", "-0x1p128", "0x1.ffffffp127", "-0x1.ffffffp127", "1e39",
                           "-1e39", "340282356779733661637539395458142568448",
                           "0x1p99999999999999999999"}) {
    CAPTURE(text);
    CHECK_THAT(ParseF32(text).status(), StatusIs(kInvalid, "constant out of range"));
  }
  for (const char* text : {"0x1p1024", "-0x1p1024", "0x1.fffffffffffff8p1023", "1e309",
                           "-1e309"}) {
    CAPTURE(text);
    CHECK_THAT(ParseF64(text).status(), StatusIs(kInvalid, "constant out of range"));
  }
}

TEST_CASE("nan payloads must be non-zero and fit the mantissa", "[text][numbers]") {
  CHECK_THAT(ParseF32("nan:0x0").status(), StatusIs(kInvalid, "constant out of range"));
  CHECK_THAT(ParseF64("nan:0x0").status(), StatusIs(kInvalid, "constant out of range"));
  CHECK_THAT(ParseF32("nan:0x80_0000").status(), StatusIs(kInvalid, "constant out of range"));
  CHECK_THAT(ParseF64("nan:0x10_0000_0000_0000").status(),
             StatusIs(kInvalid, "constant out of range"));
  CHECK(*ParseF32("nan:0x7f_ffff") == 0x7fffffffu);
  CHECK(*ParseF64("nan:0xf_ffff_ffff_ffff") == 0x7fffffffffffffffull);
}

}  // namespace
}  // namespace kiln::text
