// The API's type names and the value encoders/decoders: every value must survive a round trip
// through a uint64_t slot bit for bit, with the slot layout the runtime relies on.
#include "api/wasm.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "catch2/catch.hpp"

namespace kiln::api {
namespace {

TEST_CASE("extern types have their text-format names", "[api]") {
  CHECK(ExternTypeName(kExternTypeFunc) == "func");
  CHECK(ExternTypeName(kExternTypeTable) == "table");
  CHECK(ExternTypeName(kExternTypeMemory) == "memory");
  CHECK(ExternTypeName(kExternTypeGlobal) == "global");
  CHECK(ExternTypeName(0x04) == "0x4");
  CHECK(ExternTypeName(0x7f) == "0x7f");
}

TEST_CASE("value types have their binary encodings and text-format names", "[api]") {
  using Row = std::tuple<ValueType, uint8_t, std::string>;
  const Row row = GENERATE(table<ValueType, uint8_t, std::string>({
      Row{kValueTypeI32, 0x7f, "i32"},
      Row{kValueTypeI64, 0x7e, "i64"},
      Row{kValueTypeF32, 0x7d, "f32"},
      Row{kValueTypeF64, 0x7c, "f64"},
      Row{kValueTypeV128, 0x7b, "v128"},
      Row{kValueTypeFuncRef, 0x70, "funcref"},
      Row{kValueTypeExternRef, 0x6f, "externref"},
  }));
  CAPTURE(std::get<2>(row));
  CHECK(std::get<0>(row) == std::get<1>(row));
  CHECK(ValueTypeName(std::get<0>(row)) == std::get<2>(row));
}

TEST_CASE("an unknown value type is named unknown", "[api]") {
  CHECK(ValueTypeName(0x00) == "unknown");
  CHECK(ValueTypeName(0x40) == "unknown");
}

TEST_CASE("i32 values fill only the low half of a slot", "[api]") {
  CHECK(EncodeI32(-1) == 0x00000000ffffffffull);
  CHECK(EncodeI32(std::numeric_limits<int32_t>::min()) == 0x0000000080000000ull);
  CHECK(EncodeI32(42) == 42);
  CHECK(DecodeI32(EncodeI32(-123456)) == -123456);
  // The runtime may leave garbage in the upper half of an i32 slot; decoding ignores it.
  CHECK(DecodeI32(0xdeadbeefffffffffull) == -1);
  CHECK(EncodeU32(0xffffffffu) == 0xffffffffull);
  CHECK(DecodeU32(0x1234567800000001ull) == 1u);
  static_assert(DecodeU32(EncodeU32(7)) == 7, "the encoders are usable in constant expressions");
}

TEST_CASE("i64 values keep their two's complement bits", "[api]") {
  CHECK(EncodeI64(-1) == 0xffffffffffffffffull);
  CHECK(EncodeI64(std::numeric_limits<int64_t>::min()) == 0x8000000000000000ull);
  CHECK(static_cast<int64_t>(EncodeI64(-42)) == -42);
}

TEST_CASE("f32 values are stored as their IEEE 754 bits", "[api]") {
  CHECK(EncodeF32(1.0f) == 0x3f800000ull);
  CHECK(EncodeF32(-0.0f) == 0x80000000ull);
  CHECK(DecodeF32(0x40490fdbull) == 3.14159274f);
  CHECK(std::isinf(DecodeF32(0x7f800000ull)));
  SECTION("a NaN payload survives the round trip") {
    const uint64_t signalling_nan = 0x7fa00001ull;
    const float value = DecodeF32(signalling_nan);
    CHECK(std::isnan(value));
    CHECK(EncodeF32(value) == signalling_nan);
  }
}

TEST_CASE("f64 values are stored as their IEEE 754 bits", "[api]") {
  CHECK(EncodeF64(1.0) == 0x3ff0000000000000ull);
  CHECK(EncodeF64(-0.0) == 0x8000000000000000ull);
  CHECK(DecodeF64(0x400921fb54442d18ull) == 3.141592653589793);
  SECTION("a NaN payload survives the round trip") {
    const uint64_t nan_bits = 0xfff0000000000123ull;
    const double value = DecodeF64(nan_bits);
    CHECK(std::isnan(value));
    CHECK(EncodeF64(value) == nan_bits);
  }
}

TEST_CASE("externref slots carry host pointers unchanged", "[api]") {
  std::string host_object = "held by the host";
  const uint64_t slot = EncodeExternref(reinterpret_cast<uintptr_t>(&host_object));
  CHECK(slot != 0);
  CHECK(reinterpret_cast<std::string*>(DecodeExternref(slot)) == &host_object);
  CHECK(EncodeExternref(0) == 0);  // null
}

}  // namespace
}  // namespace kiln::api
