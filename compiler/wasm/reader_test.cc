// Tests for Reader (LEB128, lengths, names, fixed-width values) and CodeReader (operators and
// their immediates). The LEB128 tables cover each width at its edges: the longest legal
// encoding, one byte too many, unused bits set in the last byte, and truncation.
#include "compiler/wasm/reader.h"

#include <cstdint>
#include <string>
#include <vector>

#include "catch2/catch.hpp"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/read_operator.h"
#include "testing/status_matchers.h"

namespace kiln::wasm {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;
using Bytes = std::vector<uint8_t>;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

// An empty expected error means the read must succeed with the given value.
TEST_CASE("reader decodes u32 LEB128 with the spec's errors", "[wasm][reader]") {
  auto [bytes, value, error] = GENERATE(table<Bytes, uint32_t, std::string>({
      {{0x00}, 0, ""},
      {{0x7f}, 127, ""},
      {{0x80, 0x01}, 128, ""},
      {{0x80, 0x00}, 0, ""},  // padding is allowed up to five bytes
      {{0x80, 0x80, 0x80, 0x80, 0x00}, 0, ""},
      {{0xff, 0xff, 0xff, 0xff, 0x0f}, 0xffffffff, ""},
      {{0xe5, 0x8e, 0x26}, 624485, ""},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, "integer representation too long"},
      {{0xff, 0xff, 0xff, 0xff, 0x1f}, 0, "integer too large"},
      {{0x80, 0x80, 0x80, 0x80, 0x70}, 0, "integer too large"},
      // The last allowed byte is checked for unused bits before its continuation bit.
      {{0x80, 0x80, 0x80, 0x80, 0x90}, 0, "integer too large"},
      {{0x80, 0x80, 0x80, 0x80, 0x8f}, 0, "integer representation too long"},
      {{}, 0, "unexpected end"},
      {{0x80}, 0, "unexpected end"},
      {{0xff, 0xff, 0xff, 0xff}, 0, "unexpected end"},
  }));
  CAPTURE(bytes, error);
  Reader reader(bytes);
  uint32_t read = 0;
  if (error.empty()) {
    REQUIRE(reader.ReadU32(&read));
    CHECK(read == value);
    CHECK(reader.AtEnd());
  } else {
    REQUIRE_FALSE(reader.ReadU32(&read));
    CHECK_THAT(reader.error(), StatusIs(kInvalid, error));
  }
}

TEST_CASE("reader decodes u64 LEB128 with the spec's errors", "[wasm][reader]") {
  auto [bytes, value, error] = GENERATE(table<Bytes, uint64_t, std::string>({
      {{0x05}, 5, ""},
      {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, ~uint64_t{0}, ""},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 0, ""},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02}, 0, "integer too large"},
      {{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
       0,
       "integer representation too long"},
  }));
  CAPTURE(bytes, error);
  Reader reader(bytes);
  uint64_t read = 0;
  if (error.empty()) {
    REQUIRE(reader.ReadU64(&read));
    CHECK(read == value);
  } else {
    REQUIRE_FALSE(reader.ReadU64(&read));
    CHECK_THAT(reader.error(), StatusIs(kInvalid, error));
  }
}

TEST_CASE("reader decodes signed LEB128 of 32, 33 and 64 bits", "[wasm][reader]") {
  auto [bits, bytes, value, error] = GENERATE(table<int, Bytes, int64_t, std::string>({
      {32, {0x00}, 0, ""},
      {32, {0x3f}, 63, ""},
      {32, {0x40}, -64, ""},
      {32, {0x7f}, -1, ""},
      {32, {0x80, 0x7f}, -128, ""},
      {32, {0xff, 0x00}, 127, ""},
      {32, {0x80, 0x80, 0x80, 0x80, 0x78}, INT32_MIN, ""},
      {32, {0xff, 0xff, 0xff, 0xff, 0x07}, INT32_MAX, ""},
      {32, {0xff, 0xff, 0xff, 0xff, 0x7f}, -1, ""},
      // Unused bits must copy the sign bit (bit 3 of the fifth byte).
      {32, {0x80, 0x80, 0x80, 0x80, 0x70}, 0, "integer too large"},
      {32, {0xff, 0xff, 0xff, 0xff, 0x0f}, 0, "integer too large"},
      {32, {0x80, 0x80, 0x80, 0x80, 0x1f}, 0, "integer too large"},
      {32, {0xff, 0xff, 0xff, 0xff, 0x4f}, 0, "integer too large"},
      {32, {0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 0, "integer representation too long"},
      {32, {0xc0}, 0, "unexpected end"},
      {33, {0xff, 0xff, 0xff, 0xff, 0x0f}, 0xffffffff, ""},
      {33, {0x80, 0x80, 0x80, 0x80, 0x70}, -(int64_t{1} << 32), ""},
      {33, {0x80, 0x80, 0x80, 0x80, 0x10}, 0, "integer too large"},
      {64, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f}, INT64_MIN, ""},
      {64, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}, INT64_MAX, ""},
      {64, {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7e}, 0, "integer too large"},
      {64, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 0, "integer too large"},
      {64,
       {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
       0,
       "integer representation too long"},
  }));
  CAPTURE(bits, bytes, error);
  Reader reader(bytes);
  int64_t read = 0;
  bool ok = false;
  if (bits == 32) {
    int32_t narrow = 0;
    ok = reader.ReadS32(&narrow);
    read = narrow;
  } else if (bits == 33) {
    ok = reader.ReadS33(&read);
  } else {
    ok = reader.ReadS64(&read);
  }
  if (error.empty()) {
    REQUIRE(ok);
    CHECK(read == value);
    CHECK(reader.AtEnd());
  } else {
    REQUIRE_FALSE(ok);
    CHECK_THAT(reader.error(), StatusIs(kInvalid, error));
  }
}

TEST_CASE("reader reads limit flags as a one-bit LEB128", "[wasm][reader]") {
  auto [bytes, error] = GENERATE(table<Bytes, std::string>({
      {{0x00}, ""},
      {{0x01}, ""},
      {{0x02}, "integer too large"},
      {{0x81, 0x00}, "integer representation too long"},
  }));
  CAPTURE(bytes);
  Reader reader(bytes);
  uint32_t flags = 0;
  if (error.empty()) {
    REQUIRE(reader.ReadU1(&flags));
    CHECK(flags == bytes[0]);
  } else {
    REQUIRE_FALSE(reader.ReadU1(&flags));
    CHECK_THAT(reader.error(), StatusIs(kInvalid, error));
  }
}

TEST_CASE("reader errors name the offset of the offending byte", "[wasm][reader]") {
  const Bytes bytes = {0xaa, 0xbb, 0x80, 0x80, 0x80, 0x80, 0x70};
  Reader reader(bytes, 2, bytes.size());
  uint32_t value;
  REQUIRE_FALSE(reader.ReadU32(&value));
  CHECK(reader.error().message() == "integer too large (offset 0x6)");

  Reader truncated(bytes, 2, 4);
  REQUIRE_FALSE(truncated.ReadU32(&value));
  CHECK(truncated.error().message() == "unexpected end of section or function (offset 0x4)");
}

TEST_CASE("reader bounds lengths by the input that remains", "[wasm][reader]") {
  SECTION("a length may count the bytes that follow it") {
    const Bytes bytes = {0x03, 'a', 'b', 'c'};
    Reader reader(bytes);
    uint32_t length = 0;
    REQUIRE(reader.ReadLength(&length));
    CHECK(length == 3);
  }
  SECTION("a longer length is out of bounds, reported at the length") {
    const Bytes bytes = {0x00, 0x05, 'a', 'b', 'c'};
    Reader reader(bytes, 1, bytes.size());
    uint32_t length = 0;
    REQUIRE_FALSE(reader.ReadLength(&length));
    CHECK(reader.error().message() == "length out of bounds (offset 0x1)");
  }
  SECTION("as in the reference interpreter, the length's own bytes count as remaining") {
    // 4 is accepted: four bytes remain counted from the length byte. Reading them fails.
    const Bytes bytes = {0x04, 'a', 'b', 'c'};
    Reader reader(bytes);
    uint32_t length = 0;
    size_t begin = 0;
    REQUIRE(reader.ReadLength(&length));
    REQUIRE_FALSE(reader.ReadBytes(length, &begin));
    CHECK_THAT(reader.error(), StatusIs(kInvalid, "unexpected end of section or function"));
  }
}

TEST_CASE("reader accepts names in well-formed UTF-8 only", "[wasm][reader]") {
  auto [text, valid] = GENERATE(table<std::string, bool>({
      {"", true},
      {"memory", true},
      {"a longer ascii name to cross the eight-byte fast path", true},
      {"\xc2\x80", true},          // U+0080
      {"\xdf\xbf", true},          // U+07FF
      {"\xe0\xa0\x80", true},      // U+0800
      {"\xed\x9f\xbf", true},      // U+D7FF
      {"\xee\x80\x80", true},      // U+E000
      {"\xef\xbf\xbf", true},      // U+FFFF
      {"\xf0\x90\x80\x80", true},  // U+10000
      {"\xf4\x8f\xbf\xbf", true},  // U+10FFFF
      {"\x80", false},             // a lone continuation byte
      {"\xc0\x80", false},         // overlong NUL
      {"\xc1\xbf", false},         // overlong
      {"\xe0\x9f\xbf", false},     // overlong three-byte form
      {"\xed\xa0\x80", false},     // surrogate U+D800
      {"\xed\xbf\xbf", false},     // surrogate U+DFFF
      {"\xf0\x8f\xbf\xbf", false}, // overlong four-byte form
      {"\xf4\x90\x80\x80", false}, // above U+10FFFF
      {"\xf5\x80\x80\x80", false},
      {"\xff", false},
      {"\xc2", false},             // truncated
      {"\xe1\x80", false},         // truncated
      {"\xe1\x80\x41", false},     // bad continuation
      {"abcdefgh\xc2", false},     // truncated after the fast path
  }));
  CAPTURE(text);
  CHECK(IsValidUtf8(text) == valid);

  Bytes bytes = {static_cast<uint8_t>(text.size())};
  bytes.insert(bytes.end(), text.begin(), text.end());
  Reader reader(bytes);
  absl::string_view name;
  if (valid) {
    REQUIRE(reader.ReadName(&name));
    CHECK(name == text);
  } else {
    REQUIRE_FALSE(reader.ReadName(&name));
    CHECK(reader.error().message() == "malformed UTF-8 encoding (offset 0x0)");
  }
}

TEST_CASE("reader reads little-endian fixed-width words", "[wasm][reader]") {
  const Bytes bytes = {0x00, 0x00, 0x80, 0x3f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  Reader reader(bytes);
  uint32_t f32_bits = 0;
  uint64_t f64_bits = 0;
  REQUIRE(reader.ReadFixed32(&f32_bits));
  CHECK(f32_bits == 0x3f800000);  // 1.0f
  REQUIRE(reader.ReadFixed64(&f64_bits));
  CHECK(f64_bits == 0x0807060504030201);
  CHECK(reader.AtEnd());
  CHECK_FALSE(reader.ReadFixed32(&f32_bits));
}

TEST_CASE("reader classifies bad type bytes as the reference interpreter does",
          "[wasm][reader]") {
  auto [byte, error] = GENERATE(table<uint8_t, std::string>({
      {0x7f, ""},
      {0x7b, ""},
      {0x70, ""},
      {0x6f, ""},
      {0x7e, ""},
      {0x7a, "malformed vector type"},
      {0x60, "malformed reference type"},
      {0x40, "malformed reference type"},
      {0xe0, "integer representation too long"},
  }));
  CAPTURE(byte);
  const Bytes bytes = {byte, 0x7f};
  Reader reader(bytes);
  ValType type = ValType::kI32;
  if (error.empty()) {
    REQUIRE(ReadValType(reader, &type));
    CHECK(static_cast<uint8_t>(type) == byte);
  } else {
    REQUIRE_FALSE(ReadValType(reader, &type));
    CHECK_THAT(reader.error(), StatusIs(kInvalid, error));
  }
  Reader ref_reader(bytes);
  const bool is_ref = byte == 0x70 || byte == 0x6f;
  CHECK(ReadRefType(ref_reader, &type) == is_ref);
}

// -- CodeReader -----------------------------------------------------------------------------

// ReadAll decodes every operator of `bytes` (the whole vector is the range).
absl::Status ReadAll(const Bytes& bytes, std::vector<Instruction>* out) {
  CodeReader reader(bytes, 0, static_cast<uint32_t>(bytes.size()));
  while (!reader.AtEnd()) {
    Instruction instruction;
    absl::Status status = reader.Next(&instruction);
    if (!status.ok()) return status;
    out->push_back(instruction);
  }
  return absl::OkStatus();
}

TEST_CASE("code reader decodes operators and their immediates", "[wasm][reader]") {
  const Bytes bytes = {
      0x02, 0x40,                    // block (empty)
      0x03, 0x7f,                    // loop (result i32)
      0x04, 0x05,                    // if (type 5)
      0x41, 0x80, 0x7f,              // i32.const -128
      0x42, 0x7f,                    // i64.const -1
      0x43, 0x00, 0x00, 0x80, 0x3f,  // f32.const 1.0
      0x28, 0x02, 0x90, 0x03,        // i32.load align=4 offset=400
      0x11, 0x03, 0x01,              // call_indirect type 3 table 1
      0xfc, 0x08, 0x07, 0x00,        // memory.init 7
      0xfc, 0x0e, 0x02, 0x03,        // table.copy 2 3
      0x1c, 0x02, 0x7f, 0x7e,        // select (result i32 i64)
      0xd0, 0x6f,                    // ref.null extern
      0xfd, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,  // i8x16.shuffle
      0xfd, 0x15, 0x03,              // i8x16.extract_lane_s 3
      0xfd, 0x54, 0x00, 0x08, 0x01,  // v128.load8_lane offset=8 lane 1
      0x0b,                          // end
  };
  std::vector<Instruction> ops;
  REQUIRE_THAT(ReadAll(bytes, &ops), IsOk());
  REQUIRE(ops.size() == 16);

  CHECK(ops[0].opcode == Opcode::kBlock);
  CHECK(ops[0].block_type.kind == BlockType::Kind::kEmpty);
  CHECK(ops[1].block_type.kind == BlockType::Kind::kValue);
  CHECK(ops[1].block_type.value == ValType::kI32);
  CHECK(ops[2].block_type.kind == BlockType::Kind::kTypeIndex);
  CHECK(ops[2].block_type.type_index == 5);
  CHECK(ops[3].opcode == Opcode::kI32Const);
  CHECK(static_cast<int64_t>(ops[3].bits) == -128);
  CHECK(ops[3].offset == 6);
  CHECK(static_cast<int64_t>(ops[4].bits) == -1);
  CHECK(ops[5].bits == 0x3f800000);
  CHECK(ops[6].opcode == Opcode::kI32Load);
  CHECK(ops[6].memarg.align_log2 == 2);
  CHECK(ops[6].memarg.offset == 400);
  CHECK(ops[7].index == 3);
  CHECK(ops[7].index2 == 1);
  CHECK(ops[8].opcode == Opcode::kMemoryInit);
  CHECK(ops[8].index == 7);
  CHECK(ops[9].opcode == Opcode::kTableCopy);
  CHECK(ops[9].index == 2);
  CHECK(ops[9].index2 == 3);
  CHECK(ops[10].opcode == Opcode::kSelectT);
  CHECK(ops[11].ref_type == ValType::kExternRef);
  CHECK(ops[12].opcode == Opcode::kI8x16Shuffle);
  CHECK(ops[12].v128[15] == 15);
  CHECK(ops[13].opcode == Opcode::kI8x16ExtractLaneS);
  CHECK(ops[13].index == 3);
  CHECK(ops[14].opcode == Opcode::kV128Load8Lane);
  CHECK(ops[14].memarg.offset == 8);
  CHECK(ops[14].index == 1);
  CHECK(ops[15].opcode == Opcode::kEnd);
}

TEST_CASE("code reader keeps br_table targets and select types until the next operator",
          "[wasm][reader]") {
  const Bytes bytes = {0x0e, 0x03, 0x00, 0x01, 0x81, 0x01, 0x02,  // br_table 0 1 129 2
                       0x1c, 0x01, 0x7d};                         // select (result f32)
  CodeReader reader(bytes, 0, static_cast<uint32_t>(bytes.size()));
  Instruction instruction;
  REQUIRE_THAT(reader.Next(&instruction), IsOk());
  CHECK(std::vector<uint32_t>(instruction.br_table.begin(), instruction.br_table.end()) ==
        std::vector<uint32_t>{0, 1, 129, 2});
  REQUIRE_THAT(reader.Next(&instruction), IsOk());
  REQUIRE(instruction.select_types.size() == 1);
  CHECK(instruction.select_types[0] == ValType::kF32);
  CHECK(reader.AtEnd());
}

TEST_CASE("code reader rejects malformed operators with the spec's messages",
          "[wasm][reader]") {
  auto [bytes, message] = GENERATE(table<Bytes, std::string>({
      {{0x06}, "illegal opcode 06 (offset 0x0)"},
      {{0x01, 0xf3}, "illegal opcode f3 (offset 0x1)"},
      {{0xfc, 0x12}, "illegal opcode fc 12 (offset 0x0)"},
      {{0xfd, 0x80, 0x02}, "illegal opcode fd 100 (offset 0x0)"},
      {{0x3f, 0x01}, "zero byte expected (offset 0x1)"},
      {{0x40, 0x80, 0x00}, "zero byte expected (offset 0x1)"},
      {{0xfc, 0x0a, 0x00, 0x01}, "zero byte expected (offset 0x3)"},
      {{0x28, 0x20, 0x00}, "malformed memop flags (offset 0x1)"},
      {{0x28, 0x02, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, "integer representation too long"},
      {{0x41, 0x80, 0x80, 0x80, 0x80, 0x70}, "integer too large (offset 0x5)"},
      {{0x41}, "unexpected end of section or function (offset 0x1)"},
      {{0x44, 0x00, 0x00}, "unexpected end"},
      {{0xd0, 0x7f}, "malformed reference type (offset 0x1)"},
      {{0x02, 0x7a}, "malformed vector type"},
      {{0x02, 0x80, 0x7f}, "unknown type"},
      {{0x0e, 0x05, 0x00}, "length out of bounds (offset 0x1)"},
  }));
  CAPTURE(bytes);
  std::vector<Instruction> ops;
  absl::Status status = ReadAll(bytes, &ops);
  CHECK_THAT(status, StatusIs(kInvalid, message));
}

// The fast path must agree with the general one wherever it answers, and leave every error
// to the general path. The encodings cover each length up to six bytes with every last byte,
// continuation bytes with and without value bits, and every truncation.
TEST_CASE("the fast operator path agrees with the general path on every LEB128 shape",
          "[wasm][reader]") {
  const uint8_t opcode = GENERATE(uint8_t{0x41},   // i32.const (s32)
                                  uint8_t{0x42},   // i64.const (s64)
                                  uint8_t{0x20},   // local.get (u32)
                                  uint8_t{0x28});  // i32.load (memarg: align byte, u32)
  std::vector<Bytes> numbers;
  for (int length = 1; length <= 6; ++length) {
    for (uint8_t filler : {uint8_t{0x80}, uint8_t{0xff}, uint8_t{0xc5}}) {
      for (int last = 0; last <= 0x80; ++last) {
        Bytes number(static_cast<size_t>(length - 1), filler);
        number.push_back(static_cast<uint8_t>(last));
        numbers.push_back(number);
      }
    }
  }
  int fast_answers = 0;
  for (const Bytes& number : numbers) {
    Bytes code = {opcode};
    if (opcode == 0x28) code.push_back(0x02);  // alignment
    code.insert(code.end(), number.begin(), number.end());
    code.push_back(0x0b);
    // Every range end, so that truncated numbers are covered too.
    for (uint32_t end = 1; end <= code.size(); ++end) {
      Instruction fast;
      const uint32_t next = ReadSimpleOperator(code.data(), 0, end, &fast);
      if (next == 0) continue;
      ++fast_answers;
      Instruction general;
      uint32_t pos = 0;
      std::vector<uint32_t> br_table;
      std::vector<ValType> select_types;
      const absl::Status status = ReadOperator(code, &pos, end, br_table, select_types, &general);
      CAPTURE(code, end);
      REQUIRE_THAT(status, IsOk());
      CHECK(next == pos);
      CHECK(fast.opcode == general.opcode);
      CHECK(fast.index == general.index);
      CHECK(fast.bits == general.bits);
      CHECK(fast.memarg.offset == general.memarg.offset);
      CHECK(fast.memarg.align_log2 == general.memarg.align_log2);
    }
  }
  CHECK(fast_answers > 1000);
}

}  // namespace
}  // namespace kiln::wasm
