// Walks the operator table: every encoding and text name is unique, every lookup finds its own
// row again, every signature is well formed, and a few rows the spec numbers oddly are checked
// by value.
#include "compiler/wasm/opcode.h"

#include <iterator>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/strip.h"
#include "catch2/catch.hpp"

namespace kiln::wasm {
namespace {

constexpr size_t kOpcodeCount = static_cast<size_t>(Opcode::kCount);

Opcode OpcodeAt(size_t index) { return static_cast<Opcode>(index); }

TEST_CASE("each row's position matches its Opcode", "[wasm][opcode]") {
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    CAPTURE(i);
    CHECK(static_cast<size_t>(Info(OpcodeAt(i)).opcode) == i);
  }
}

TEST_CASE("every (prefix, code) pair is unique and looks up its own row", "[wasm][opcode]") {
  std::set<std::pair<uint8_t, uint32_t>> seen;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = Info(OpcodeAt(i));
    CAPTURE(info.text, info.prefix, info.code);
    CHECK(seen.insert({info.prefix, info.code}).second);
    if (info.prefix == 0) {
      REQUIRE(info.code < 256);
      CHECK(info.code != 0xFC);
      CHECK(info.code != 0xFD);
      CHECK(LookupSingleByte(static_cast<uint8_t>(info.code)) == info.opcode);
    } else {
      CHECK((info.prefix == 0xFC || info.prefix == 0xFD));
      CHECK(LookupPrefixed(info.prefix, info.code) == info.opcode);
    }
  }
}

TEST_CASE("text names are unique except for the two selects", "[wasm][opcode]") {
  std::set<std::string> seen;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = Info(OpcodeAt(i));
    CAPTURE(info.text);
    CHECK(!info.text.empty());
    if (info.opcode == Opcode::kSelectT) {
      CHECK(info.text == "select");
      continue;
    }
    CHECK(seen.insert(std::string(info.text)).second);
  }
}

TEST_CASE("text names round-trip through LookupText", "[wasm][opcode]") {
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const Opcode op = OpcodeAt(i);
    CAPTURE(Name(op));
    const Opcode expected = op == Opcode::kSelectT ? Opcode::kSelect : op;
    CHECK(LookupText(Name(op)) == expected);
  }
  CHECK(LookupText("select") == Opcode::kSelect);
  CHECK(LookupText("i32.nonsense") == std::nullopt);
  CHECK(LookupText("") == std::nullopt);
}

TEST_CASE("unassigned encodings are not found", "[wasm][opcode]") {
  CHECK(LookupSingleByte(0x06) == std::nullopt);  // try in the exceptions proposal
  CHECK(LookupSingleByte(0x27) == std::nullopt);
  CHECK(LookupSingleByte(0xC5) == std::nullopt);
  CHECK(LookupSingleByte(0xFC) == std::nullopt);
  CHECK(LookupSingleByte(0xFD) == std::nullopt);
  CHECK(LookupPrefixed(0xFC, 18) == std::nullopt);
  CHECK(LookupPrefixed(0xFC, 1u << 20) == std::nullopt);
  CHECK(LookupPrefixed(0xFD, 0x9A) == std::nullopt);  // a gap in the SIMD numbering
  CHECK(LookupPrefixed(0xFD, 0x100) == std::nullopt);
  CHECK(LookupPrefixed(0xFE, 0) == std::nullopt);
}

TEST_CASE("signatures use only Wasm number and vector types", "[wasm][opcode]") {
  for (size_t s = 1; s < static_cast<size_t>(Signature::kCount); ++s) {
    const SignatureTypes types = Types(static_cast<Signature>(s));
    CAPTURE(s);
    CHECK(types.results.size() <= 1);
    CHECK(types.params.size() <= 3);
    for (ValType type : types.params) CHECK_FALSE(IsRefType(type));
    for (ValType type : types.results) CHECK_FALSE(IsRefType(type));
  }
  CHECK(Types(Signature::kSpecial).params.empty());
  CHECK(Types(Signature::kSpecial).results.empty());
}

// SignatureRow is one row of signatures.def as written, to check the letters against the name.
struct SignatureRow {
  absl::string_view name;
  absl::string_view results;
  absl::string_view params;
};

constexpr SignatureRow kSignatureRows[] = {
#define WASM_SIG(name, results, params) {#name, results, params},
#include "compiler/wasm/signatures.def"
};

// LettersOf spells one side of a signature name ("I32I64", or "V for none") in row letters.
std::string LettersOf(absl::string_view types) {
  if (types == "V") return "";
  std::string letters;
  while (!types.empty()) {
    if (absl::ConsumePrefix(&types, "I32")) {
      letters += 'i';
    } else if (absl::ConsumePrefix(&types, "I64")) {
      letters += 'l';
    } else if (absl::ConsumePrefix(&types, "F32")) {
      letters += 'f';
    } else if (absl::ConsumePrefix(&types, "F64")) {
      letters += 'd';
    } else if (absl::ConsumePrefix(&types, "V128")) {
      letters += 'v';
    } else {
      return "<bad name>";
    }
  }
  return letters;
}

TEST_CASE("signature rows use valid letters that spell their names", "[wasm][opcode]") {
  REQUIRE(std::size(kSignatureRows) + 1 == static_cast<size_t>(Signature::kCount));
  for (const SignatureRow& row : kSignatureRows) {
    CAPTURE(row.name);
    for (char letter : std::string(row.results) + std::string(row.params)) {
      CAPTURE(letter);
      CHECK(absl::string_view("ilfdv").find(letter) != absl::string_view::npos);
    }
    const size_t split = row.name.find('_');
    REQUIRE(split != absl::string_view::npos);
    CHECK(LettersOf(row.name.substr(0, split)) == row.results);
    CHECK(LettersOf(row.name.substr(split + 1)) == row.params);
  }
}

TEST_CASE("signatures match their names", "[wasm][opcode]") {
  auto types_of = [](Opcode op) { return Types(Info(op).signature); };
  SECTION("i32.add is [i32 i32] -> [i32]") {
    const SignatureTypes t = types_of(Opcode::kI32Add);
    REQUIRE(t.params.size() == 2);
    CHECK(t.params[0] == ValType::kI32);
    CHECK(t.params[1] == ValType::kI32);
    REQUIRE(t.results.size() == 1);
    CHECK(t.results[0] == ValType::kI32);
  }
  SECTION("i64.store is [i32 i64] -> []") {
    const SignatureTypes t = types_of(Opcode::kI64Store);
    REQUIRE(t.params.size() == 2);
    CHECK(t.params[0] == ValType::kI32);
    CHECK(t.params[1] == ValType::kI64);
    CHECK(t.results.empty());
  }
  SECTION("v128.const is [] -> [v128]") {
    const SignatureTypes t = types_of(Opcode::kV128Const);
    CHECK(t.params.empty());
    REQUIRE(t.results.size() == 1);
    CHECK(t.results[0] == ValType::kV128);
  }
  SECTION("v128.bitselect pops three vectors") {
    const SignatureTypes t = types_of(Opcode::kV128Bitselect);
    REQUIRE(t.params.size() == 3);
    for (ValType type : t.params) CHECK(type == ValType::kV128);
  }
  SECTION("v128.load8_lane is [i32 v128] -> [v128]") {
    const SignatureTypes t = types_of(Opcode::kV128Load8Lane);
    REQUIRE(t.params.size() == 2);
    CHECK(t.params[0] == ValType::kI32);
    CHECK(t.params[1] == ValType::kV128);
    REQUIRE(t.results.size() == 1);
    CHECK(t.results[0] == ValType::kV128);
  }
  SECTION("f64.convert_i64_u is [i64] -> [f64]") {
    const SignatureTypes t = types_of(Opcode::kF64ConvertI64U);
    REQUIRE(t.params.size() == 1);
    CHECK(t.params[0] == ValType::kI64);
    REQUIRE(t.results.size() == 1);
    CHECK(t.results[0] == ValType::kF64);
  }
  SECTION("polymorphic and index-typed operators are special") {
    for (Opcode op : {Opcode::kBlock, Opcode::kEnd, Opcode::kElse, Opcode::kBr, Opcode::kDrop,
                      Opcode::kSelect, Opcode::kSelectT, Opcode::kLocalGet, Opcode::kGlobalSet,
                      Opcode::kTableGet, Opcode::kRefNull, Opcode::kRefIsNull, Opcode::kCall,
                      Opcode::kCallIndirect, Opcode::kTableGrow, Opcode::kTableFill}) {
      CAPTURE(Name(op));
      CHECK(Info(op).signature == Signature::kSpecial);
    }
  }
}

TEST_CASE("Wasm 2.0 has 236 SIMD operators and 18 0xFC operators", "[wasm][opcode]") {
  size_t simd = 0;
  size_t misc = 0;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    const OpcodeInfo& info = Info(OpcodeAt(i));
    if (info.prefix == 0xFD) ++simd;
    if (info.prefix == 0xFC) ++misc;
  }
  CHECK(simd == 236);
  CHECK(misc == 18);
}

TEST_CASE("oddly placed operators have the spec's codes", "[wasm][opcode]") {
  using Row = std::tuple<Opcode, uint8_t, uint32_t, const char*, ImmKind>;
  const Row row = GENERATE(table<Opcode, uint8_t, uint32_t, const char*, ImmKind>({
      Row{Opcode::kElse, 0x00, 0x05, "else", ImmKind::kNone},
      Row{Opcode::kEnd, 0x00, 0x0B, "end", ImmKind::kNone},
      Row{Opcode::kSelectT, 0x00, 0x1C, "select", ImmKind::kSelectTypes},
      Row{Opcode::kI64Extend32S, 0x00, 0xC4, "i64.extend32_s", ImmKind::kNone},
      Row{Opcode::kRefFunc, 0x00, 0xD2, "ref.func", ImmKind::kFunc},
      Row{Opcode::kI64TruncSatF64U, 0xFC, 7, "i64.trunc_sat_f64_u", ImmKind::kNone},
      Row{Opcode::kMemoryFill, 0xFC, 11, "memory.fill", ImmKind::kMemory},
      Row{Opcode::kTableFill, 0xFC, 17, "table.fill", ImmKind::kTable},
      Row{Opcode::kV128Const, 0xFD, 0x0C, "v128.const", ImmKind::kV128},
      Row{Opcode::kI8x16Shuffle, 0xFD, 0x0D, "i8x16.shuffle", ImmKind::kShuffle},
      Row{Opcode::kV128Load64Lane, 0xFD, 0x57, "v128.load64_lane", ImmKind::kMemArgLane},
      Row{Opcode::kF32x4DemoteF64x2Zero, 0xFD, 0x5E, "f32x4.demote_f64x2_zero", ImmKind::kNone},
      Row{Opcode::kI8x16Popcnt, 0xFD, 0x62, "i8x16.popcnt", ImmKind::kNone},
      Row{Opcode::kF64x2Trunc, 0xFD, 0x7A, "f64x2.trunc", ImmKind::kNone},
      Row{Opcode::kI16x8Q15mulrSatS, 0xFD, 0x82, "i16x8.q15mulr_sat_s", ImmKind::kNone},
      Row{Opcode::kI64x2Abs, 0xFD, 0xC0, "i64x2.abs", ImmKind::kNone},
      Row{Opcode::kI64x2Eq, 0xFD, 0xD6, "i64x2.eq", ImmKind::kNone},
      Row{Opcode::kI32x4TruncSatF32x4S, 0xFD, 0xF8, "i32x4.trunc_sat_f32x4_s", ImmKind::kNone},
      Row{Opcode::kF64x2ConvertLowI32x4U, 0xFD, 0xFF, "f64x2.convert_low_i32x4_u",
          ImmKind::kNone},
  }));
  const OpcodeInfo& info = Info(std::get<0>(row));
  CAPTURE(info.text);
  CHECK(info.prefix == std::get<1>(row));
  CHECK(info.code == std::get<2>(row));
  CHECK(info.text == std::get<3>(row));
  CHECK(info.immediate == std::get<4>(row));
}

}  // namespace
}  // namespace kiln::wasm
