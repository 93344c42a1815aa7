// Tests of `kiln run --invoke`'s argument parsing and result printing.
#include "tools/invoke_args.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::tools {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;
constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

// ParseOne parses a single argument of `type` and returns its slots.
std::vector<uint64_t> ParseOne(api::ValueType type, const std::string& text) {
  absl::StatusOr<std::vector<uint64_t>> slots = ParseInvokeArgs("f", {type}, {text});
  REQUIRE_THAT(slots.status(), IsOk());
  return *slots;
}

TEST_CASE("invoke arguments read integers in decimal, negative and hex", "[tools][invoke]") {
  auto [text, want] = GENERATE(table<std::string, uint64_t>({
      {"0", 0},
      {"42", 42},
      {"-1", 0xffffffff},
      {"0x2a", 42},
      {"0xffffffff", 0xffffffff},
      {"4294967295", 0xffffffff},
      {"-2147483648", 0x80000000},
      {"1_000", 1000},
  }));
  CAPTURE(text);
  CHECK(ParseOne(api::kValueTypeI32, text) == std::vector<uint64_t>{want});
  CHECK(ParseOne(api::kValueTypeI64, "-1") == std::vector<uint64_t>{~uint64_t{0}});
  CHECK(ParseOne(api::kValueTypeI64, "0x8000000000000000") ==
        std::vector<uint64_t>{uint64_t{1} << 63});
}

TEST_CASE("invoke arguments read floats including inf and nan payloads", "[tools][invoke]") {
  CHECK(ParseOne(api::kValueTypeF32, "1.5") == std::vector<uint64_t>{0x3fc00000});
  CHECK(ParseOne(api::kValueTypeF32, "-inf") == std::vector<uint64_t>{0xff800000});
  CHECK(ParseOne(api::kValueTypeF32, "nan") == std::vector<uint64_t>{0x7fc00000});
  CHECK(ParseOne(api::kValueTypeF32, "nan:0x200000") == std::vector<uint64_t>{0x7fa00000});
  CHECK(ParseOne(api::kValueTypeF64, "inf") == std::vector<uint64_t>{0x7ff0000000000000});
  CHECK(ParseOne(api::kValueTypeF64, "0.1") == std::vector<uint64_t>{0x3fb999999999999a});
  CHECK(ParseOne(api::kValueTypeF64, "-0") == std::vector<uint64_t>{0x8000000000000000});
  CHECK(ParseOne(api::kValueTypeF64, "7") == std::vector<uint64_t>{0x401c000000000000});
}

TEST_CASE("invoke arguments read v128 as hex and references as null", "[tools][invoke]") {
  CHECK(ParseOne(api::kValueTypeV128, "0x0102030405060708090a0b0c0d0e0f10") ==
        std::vector<uint64_t>{0x090a0b0c0d0e0f10, 0x0102030405060708});
  CHECK(ParseOne(api::kValueTypeV128, "0x1") == std::vector<uint64_t>{1, 0});
  CHECK(ParseOne(api::kValueTypeExternRef, "null") == std::vector<uint64_t>{0});
  CHECK_THAT(ParseInvokeArgs("g", {api::kValueTypeFuncRef}, {"7"}).status(),
             StatusIs(kInvalid, "argument 1 of g: \"7\" is not a funcref (only null"));
  CHECK_THAT(ParseInvokeArgs("g", {api::kValueTypeV128}, {"0x" + std::string(33, 'f')}).status(),
             StatusIs(kInvalid, "is not a v128"));
}

TEST_CASE("invoke arguments name the argument and function that does not fit", "[tools][invoke]") {
  const std::vector<api::ValueType> params = {api::kValueTypeI32, api::kValueTypeI32};
  CHECK_THAT(ParseInvokeArgs("add", params, {"1", "x"}).status(),
             StatusIs(kInvalid, "argument 2 of add: \"x\" is not an i32"));
  CHECK_THAT(ParseInvokeArgs("add", params, {"4294967296", "1"}).status(),
             StatusIs(kInvalid, "argument 1 of add: \"4294967296\" is not an i32"));
  CHECK_THAT(ParseInvokeArgs("add", params, {"1.5", "1"}).status(),
             StatusIs(kInvalid, "argument 1 of add: \"1.5\" is not an i32"));
  CHECK_THAT(ParseInvokeArgs("add", {api::kValueTypeF64}, {"one"}).status(),
             StatusIs(kInvalid, "argument 1 of add: \"one\" is not an f64"));
  CHECK_THAT(ParseInvokeArgs("add", params, {"1"}).status(),
             StatusIs(kInvalid, "add takes 2 arguments (i32 i32), got 1"));
  CHECK_THAT(ParseInvokeArgs("tick", {}, {"1"}).status(),
             StatusIs(kInvalid, "tick takes 0 arguments, got 1"));
  CHECK_THAT(ParseInvokeArgs("tick", {}, {}).status(), IsOk());
}

TEST_CASE("invoke results print integers signed and floats shortest", "[tools][invoke]") {
  CHECK(FormatValue(api::kValueTypeI32, {0xffffffff}) == "-1");
  CHECK(FormatValue(api::kValueTypeI32, {42}) == "42");
  CHECK(FormatValue(api::kValueTypeI64, {uint64_t{1} << 63}) == "-9223372036854775808");
  CHECK(FormatValue(api::kValueTypeF32, {0x3dcccccd}) == "0.1");
  CHECK(FormatValue(api::kValueTypeF64, {0x3fb999999999999a}) == "0.1");
  CHECK(FormatValue(api::kValueTypeF64, {0x400c000000000000}) == "3.5");
  CHECK(FormatValue(api::kValueTypeF64, {0x8000000000000000}) == "-0");
  CHECK(FormatValue(api::kValueTypeF64, {0x7ff0000000000000}) == "inf");
  CHECK(FormatValue(api::kValueTypeF32, {0xff800000}) == "-inf");
  CHECK(FormatValue(api::kValueTypeF32, {0x7fc00000}) == "nan");
  CHECK(FormatValue(api::kValueTypeF32, {0xffc00000}) == "-nan");
  CHECK(FormatValue(api::kValueTypeF32, {0x7fa00000}) == "nan:0x200000");
  CHECK(FormatValue(api::kValueTypeF64, {0x7ff0000000000001}) == "nan:0x1");
  CHECK(FormatValue(api::kValueTypeV128, {1, 2}) == "0x00000000000000020000000000000001");
  CHECK(FormatValue(api::kValueTypeExternRef, {0}) == "null");
}

TEST_CASE("printed results read back to the same bits", "[tools][invoke]") {
  auto [type, bits] = GENERATE(table<api::ValueType, uint64_t>({
      {api::kValueTypeF32, 0x3dcccccd},
      {api::kValueTypeF32, 0x00000001},  // the smallest subnormal
      {api::kValueTypeF32, 0x7f7fffff},  // the largest finite
      {api::kValueTypeF32, 0xffa00001},
      {api::kValueTypeF64, 0x0000000000000001},
      {api::kValueTypeF64, 0x7fefffffffffffff},
      {api::kValueTypeF64, 0x4415af1d78b58c40},  // 1e20: printed with an exponent
      {api::kValueTypeF64, 0xfff8000000000000},
      {api::kValueTypeI32, 0x80000000},
      {api::kValueTypeI64, 0xfffffffffffffffe},
  }));
  const std::string text = FormatValue(type, {bits});
  CAPTURE(text);
  CHECK(ParseOne(type, text) == std::vector<uint64_t>{bits});
}

TEST_CASE("results print one per line", "[tools][invoke]") {
  CHECK(FormatResults({api::kValueTypeI32, api::kValueTypeF64}, {7, 0x3ff8000000000000}) ==
        "7\n1.5\n");
  CHECK(FormatResults({}, {}).empty());
}

}  // namespace
}  // namespace kiln::tools
