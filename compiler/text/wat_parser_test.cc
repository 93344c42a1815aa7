// Tests of the text-format module parser: each abbreviation against its expanded form, exact
// encodings of immediates and segments, name resolution, and the spec's error phrases.
#include "compiler/text/wat_parser.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "compiler/wasm/decoder.h"
#include "testing/status_matchers.h"

namespace kiln::text {
namespace {

using ::kiln::testing::StatusIs;
constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;

std::vector<uint8_t> Wat(absl::string_view source) {
  absl::StatusOr<std::vector<uint8_t>> binary = ParseWat(source);
  INFO(source);
  if (!binary.ok()) FAIL(binary.status().ToString());
  return *binary;
}

wasm::Module Decoded(absl::string_view source) {
  absl::StatusOr<wasm::Module> module = wasm::Decode(Wat(source));
  INFO(source);
  if (!module.ok()) FAIL(module.status().ToString());
  return std::move(*module);
}

std::string Hex(absl::Span<const uint8_t> bytes) {
  std::string out;
  for (uint8_t b : bytes) absl::StrAppend(&out, absl::Hex(b, absl::kZeroPad2));
  return out;
}

// Body is the hex of the last function's instructions, including the final `end`.
std::string Body(absl::string_view source) {
  wasm::Module module = Decoded(source);
  REQUIRE(!module.codes.empty());
  return Hex(module.Bytes(module.codes.back().body));
}

absl::Status Error(absl::string_view source) {
  absl::StatusOr<std::vector<uint8_t>> binary = ParseWat(source);
  INFO(source);
  REQUIRE_FALSE(binary.ok());
  return binary.status();
}

TEST_CASE("parser encodes an empty module as the header alone", "[text][wat]") {
  CHECK(Hex(Wat("(module)")) == "0061736d01000000");
  CHECK(Hex(Wat("")) == "0061736d01000000");
}

TEST_CASE("parser accepts a file of bare module fields", "[text][wat]") {
  CHECK(Wat("(memory 1) (func (export \"f\"))") ==
        Wat("(module (memory 1) (func (export \"f\")))"));
}

TEST_CASE("parser expands inline imports and exports in place", "[text][wat]") {
  SECTION("functions") {
    CHECK(Wat("(func $f (export \"a\") (import \"m\" \"n\") (param i32))") ==
          Wat("(import \"m\" \"n\" (func $f (param i32))) (export \"a\" (func $f))"));
  }
  SECTION("tables, memories and globals") {
    CHECK(Wat("(table (export \"t\") (import \"m\" \"t\") 1 2 funcref)"
              "(memory (export \"m\") (import \"m\" \"m\") 1)"
              "(global (export \"g\") (import \"m\" \"g\") (mut i64))") ==
          Wat("(import \"m\" \"t\" (table 1 2 funcref)) (import \"m\" \"m\" (memory 1))"
              "(import \"m\" \"g\" (global (mut i64)))"
              "(export \"t\" (table 0)) (export \"m\" (memory 0)) (export \"g\" (global 0))"));
  }
}

TEST_CASE("parser requires imports before definitions", "[text][wat]") {
  CHECK_THAT(Error("(func) (import \"\" \"\" (func))"), StatusIs(kInvalid, "import after function"));
  CHECK_THAT(Error("(memory 0) (global (import \"\" \"\") i32)"),
             StatusIs(kInvalid, "import after memory"));
}

TEST_CASE("type uses reuse a matching type or append one after the explicit types",
          "[text][wat]") {
  wasm::Module module = Decoded(
      "(func (param i64)) (type $t (func (param i32))) (func (param i32)) (func (type $t))");
  REQUIRE(module.types.size() == 2);
  CHECK(module.types[0].params == std::vector<wasm::ValType>{wasm::ValType::kI32});
  CHECK(module.types[1].params == std::vector<wasm::ValType>{wasm::ValType::kI64});
  CHECK(module.functions == std::vector<uint32_t>{1, 0, 0});
}

TEST_CASE("an inline signature after (type) must match it", "[text][wat]") {
  CHECK(Wat("(type $t (func (param i32))) (func (type $t) (param i32))").size() > 8);
  CHECK_THAT(Error("(type $t (func (param i32))) (func (type $t) (param i64))"),
             StatusIs(kInvalid, "inline function type"));
  CHECK_THAT(Error("(type $t (func)) (func (block (type $t) (result i32)))"),
             StatusIs(kInvalid, "inline function type"));
  CHECK_THAT(Error("(func (type 1) (param i32))"), StatusIs(kInvalid, "unknown type"));
}

TEST_CASE("names resolve in their own space, forward references included", "[text][wat]") {
  wasm::Module forward = Decoded("(func $f (call $g)) (func $g)");
  CHECK(Hex(forward.Bytes(forward.codes[0].body)) == "10010b");
  CHECK(Body("(global $g i32 (i32.const 0)) (func $f (param $x i32) (local $y i32)"
             " (local.set $y (local.get $x)) (drop (global.get $g)))") ==
        "200021012300" "1a0b");
  CHECK_THAT(Error("(func (call $nope))"), StatusIs(kInvalid, "unknown func"));
  CHECK_THAT(Error("(func (local.get $x))"), StatusIs(kInvalid, "unknown local"));
  CHECK_THAT(Error("(func $f) (func $f)"), StatusIs(kInvalid, "duplicate func"));
  CHECK_THAT(Error("(func (param $x i32) (local $x i32))"), StatusIs(kInvalid, "duplicate local"));
  CHECK_THAT(Error("(memory $m 1) (memory $m 1)"), StatusIs(kInvalid, "duplicate memory"));
}

TEST_CASE("folded instructions encode like their plain forms", "[text][wat]") {
  CHECK(Body("(func (result i32) (i32.add (i32.const 1) (i32.const 2)))") ==
        Body("(func (result i32) i32.const 1 i32.const 2 i32.add)"));
  CHECK(Body("(func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2))"
             " (else (i32.const 3))))") ==
        Body("(func (result i32) i32.const 1 if (result i32) i32.const 2 else i32.const 3 end)"));
  CHECK(Body("(func (block $b (loop $l (br_if $l (i32.const 0)) (br $b))))") ==
        "0240034041000d000c01" "0b0b0b");
}

TEST_CASE("labels resolve by name to depths and must match at end", "[text][wat]") {
  CHECK(Body("(func block $a block $b br $a end $b end $a)") == "024002400c01" "0b0b0b");
  CHECK(Body("(func (block $a (block $a (br $a))))") == "024002400c00" "0b0b0b");
  CHECK(Body("(func (block $a (block $b (br_table $a $b 0 (i32.const 0)))))") ==
        "0240024041000e02010000" "0b0b0b");
  CHECK_THAT(Error("(func block $a end $b)"), StatusIs(kInvalid, "mismatching label"));
  CHECK_THAT(Error("(func block end $a)"), StatusIs(kInvalid, "mismatching label"));
  CHECK_THAT(Error("(func (br $nowhere))"), StatusIs(kInvalid, "unknown label"));
}

TEST_CASE("block types take the short form or a type index", "[text][wat]") {
  CHECK(Body("(func (block (result i64) (i64.const 0) ))") == "027e42000b0b");
  wasm::Module module = Decoded("(func (block (param i32) (result i32) ))");
  REQUIRE(module.types.size() == 2);
  CHECK(Hex(module.Bytes(module.codes[0].body)) == "02010b0b");
  CHECK_THAT(Error("(func (block (param $x i32)))"), StatusIs(kInvalid, "unexpected token"));
}

TEST_CASE("memory immediates default to the natural alignment", "[text][wat]") {
  const char* memory = "(memory 1) ";
  CHECK(Body(absl::StrCat(memory, "(func (drop (i32.load offset=4 align=2 (i32.const 0))))")) ==
        "410028010" "41a0b");
  CHECK(Body(absl::StrCat(memory, "(func (drop (i64.load16_s (i32.const 0))))")) ==
        "41003201001a0b");
  CHECK(Body(absl::StrCat(memory, "(func (drop (v128.load8x8_s (i32.const 0))))")) ==
        "4100fd0103001a0b");
  CHECK_THAT(Error("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))"),
             StatusIs(kInvalid, "alignment"));
  CHECK_THAT(Error("(memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0))))"),
             StatusIs(kInvalid, "i32 constant"));
}

TEST_CASE("numeric constants encode as LEB128 and little-endian bits", "[text][wat]") {
  CHECK(Body("(func (drop (i32.const -1)) (drop (i64.const 0x80)))") == "417f1a4280011a0b");
  CHECK(Body("(func (drop (f32.const 1.5)) (drop (f64.const -0x1p-1)))") ==
        "430000c03f1a44000000000000e0bf1a0b");
  CHECK_THAT(Error("(func (drop (i32.const 4294967296)))"),
             StatusIs(kInvalid, "constant out of range"));
  CHECK_THAT(Error("(func (drop (i32.const 0x)))"), StatusIs(kInvalid, "unknown operator"));
  CHECK_THAT(Error("(func (drop (f32.const nan:canonical)))"),
             StatusIs(kInvalid, "unexpected token"));
}

TEST_CASE("SIMD immediates: v128 shapes, shuffles and lanes", "[text][wat]") {
  CHECK(Body("(func (drop (v128.const i16x8 1 2 3 4 5 6 7 -1)))") ==
        "fd0c01000200030004000500060007" "00ffff1a0b");
  CHECK(Body("(func (drop (v128.const f32x4 1 0 0 -0)))") ==
        "fd0c0000803f000000000000000000000080" "1a0b");
  CHECK(Body("(func (param v128) (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31"
             " (local.get 0) (local.get 0))))") ==
        "20002000fd0d000102030405060708090a0b0c0d0e1f1a0b");
  CHECK(Body("(func (param v128) (drop (i32x4.extract_lane 3 (local.get 0))))") ==
        "2000fd1b031a0b");
  CHECK(Body("(memory 1) (func (param v128)"
             " (drop (v128.load8_lane offset=1 align=1 15 (i32.const 0) (local.get 0))))") ==
        "41002000fd5400010f1a0b");
  CHECK_THAT(Error("(func (drop (v128.const i32x4 1 2 3)))"),
             StatusIs(kInvalid, "wrong number of lane literals"));
  CHECK_THAT(Error("(func (param v128) (drop (i32x4.extract_lane 256 (local.get 0))))"),
             StatusIs(kInvalid, "malformed lane index"));
  CHECK_THAT(Error("(func (param v128) (drop (i8x16.shuffle 1 2 (local.get 0) (local.get 0))))"),
             StatusIs(kInvalid, "invalid lane length"));
}

TEST_CASE("table and bulk-memory instructions take optional and two-index forms",
          "[text][wat]") {
  const char* fields =
      "(table $t 1 funcref) (table $u 1 funcref) (elem $e func) (memory 1) (data $d \"\") ";
  CHECK(Body(absl::StrCat(fields, "(func (table.init $u $e (i32.const 0) (i32.const 0)"
                                  " (i32.const 0)))")) == "410041004100fc0c00010b");
  CHECK(Body(absl::StrCat(fields, "(func (table.init $e (i32.const 0) (i32.const 0)"
                                  " (i32.const 0)))")) == "410041004100fc0c00000b");
  CHECK(Body(absl::StrCat(fields, "(func (table.copy $t $u (i32.const 0) (i32.const 0)"
                                  " (i32.const 0)))")) == "410041004100fc0e00010b");
  CHECK(Body(absl::StrCat(fields, "(func (memory.init $d (i32.const 0) (i32.const 0)"
                                  " (i32.const 0)))")) == "410041004100fc0800000b");
  CHECK(Body(absl::StrCat(fields, "(func (drop (table.size $u)) (drop (table.size)))")) ==
        "fc10011afc10001a0b");
  // memory.init needs the data count section.
  CHECK(Decoded(absl::StrCat(fields, "(func (data.drop $d))")).data_count == 1u);
}

TEST_CASE("select, call_indirect and references encode their immediates", "[text][wat]") {
  CHECK(Body("(func (result i32) (select (result i32) (i32.const 1) (i32.const 2)"
             " (i32.const 0)))") == "4101410241001c017f0b");
  CHECK(Body("(type $v (func)) (table $a 0 funcref) (table $b 0 funcref)"
             " (func (call_indirect $b (type $v) (i32.const 0)))") == "410011000" "10b");
  CHECK(Body("(func (drop (ref.null extern)) (drop (ref.func 0)))") == "d06f1ad2001a0b");
}

TEST_CASE("locals group runs of one type", "[text][wat]") {
  wasm::Module module = Decoded("(func (local i32 i32) (local $x i64) (local f32))");
  REQUIRE(module.codes.size() == 1);
  REQUIRE(module.codes[0].locals.size() == 3);
  CHECK(module.codes[0].locals[0].count == 2);
  CHECK(module.codes[0].locals[1].type == wasm::ValType::kI64);
}

TEST_CASE("element segments take the encoding wat2wasm picks", "[text][wat]") {
  wasm::Module module = Decoded(
      "(table $t 2 funcref) (table $x 1 externref) (func $f)"
      " (elem (i32.const 0) $f)"                             // active, indices
      " (elem (table $t) (offset (i32.const 1)) func $f)"    // active, explicit table 0
      " (elem funcref (ref.func $f) (item ref.null func))"   // passive, expressions
      " (elem declare func $f)"                              // declarative
      " (elem (table $x) (i32.const 0) externref (ref.null extern))");
  REQUIRE(module.elems.size() == 5);
  CHECK(module.elems[0].mode == wasm::SegmentMode::kActive);
  CHECK(module.elems[0].uses_indices);
  CHECK(module.elems[1].table == 0);
  CHECK(module.elems[2].mode == wasm::SegmentMode::kPassive);
  CHECK_FALSE(module.elems[2].uses_indices);
  CHECK(module.elems[3].mode == wasm::SegmentMode::kDeclarative);
  CHECK(module.elems[4].table == 1);
  CHECK(module.elems[4].type == wasm::ValType::kExternRef);
}

TEST_CASE("table and memory abbreviations define their segments", "[text][wat]") {
  wasm::Module module = Decoded(
      "(func $f) (table $t funcref (elem $f $f $f)) (memory (data \"ab\" \"c\"))");
  REQUIRE(module.tables.size() == 1);
  CHECK(module.tables[0].limits.min == 3);
  CHECK(module.tables[0].limits.max == 3u);
  REQUIRE(module.elems.size() == 1);
  CHECK(module.elems[0].func_indices == std::vector<uint32_t>{0, 0, 0});
  REQUIRE(module.memories.size() == 1);
  CHECK(module.memories[0].limits.min == 1);
  REQUIRE(module.datas.size() == 1);
  CHECK(Hex(module.Bytes(module.datas[0].init)) == "616263");
}

TEST_CASE("data segments address memories by name and concatenate strings", "[text][wat]") {
  wasm::Module module = Decoded(
      "(memory 1) (memory $m 1) (data (memory $m) (offset (i32.const 8)) \"a\" \"\\62\")"
      " (data $p \"x\")");
  REQUIRE(module.datas.size() == 2);
  CHECK(module.datas[0].memory == 1);
  CHECK(Hex(module.Bytes(module.datas[0].init)) == "6162");
  CHECK(module.datas[1].mode == wasm::SegmentMode::kPassive);
}

TEST_CASE("parser rejects malformed modules with the spec's phrases", "[text][wat]") {
  CHECK_THAT(Error("(func (i32.frobnicate))"), StatusIs(kInvalid, "unknown operator"));
  CHECK_THAT(Error("(func (get_local 0))"), StatusIs(kInvalid, "unknown operator get_local"));
  CHECK_THAT(Error("(func (nop) (local i32))"), StatusIs(kInvalid, "unexpected token"));
  CHECK_THAT(Error("(func (result i32) (param i32))"), StatusIs(kInvalid, "unexpected token"));
  CHECK_THAT(Error("(func $a) (start $a) (start $a)"),
             StatusIs(kInvalid, "multiple start sections"));
  CHECK_THAT(Error("(memory 0x1_0000_0000)"), StatusIs(kInvalid, "i32 constant out of range"));
  CHECK_THAT(Error("(func (export \"\\ff\"))"), StatusIs(kInvalid, "malformed UTF-8 encoding"));
  CHECK_THAT(Error("(module) (module)"), StatusIs(kInvalid, "unexpected token"));
  // Errors end with the location.
  CHECK_THAT(Error("(module\n  (func (call $g)))"), StatusIs(kInvalid, "at 2:15"));
}

TEST_CASE("parser bounds the nesting of instructions", "[text][wat]") {
  std::string deep = "(func";
  for (int i = 0; i < 9000; ++i) deep += " (block";
  deep += std::string(9000, ')') + ")";
  CHECK(ParseWat(deep).ok());
  std::string too_deep = "(func (result i32)";
  for (int i = 0; i < 20000; ++i) too_deep += " (i32.eqz";
  too_deep += " (i32.const 0)" + std::string(20000, ')') + ")";
  CHECK_THAT(ParseWat(too_deep).status(),
             StatusIs(absl::StatusCode::kResourceExhausted, "nested too deeply"));
}

TEST_CASE("ParseModule reads text, binary and quote forms", "[text][wat]") {
  std::string source =
      "(module $a (func))\n(module binary \"\\00asm\" \"\\01\\00\\00\\00\")\n"
      "(module $q quote \"(func)\" \" (memory 1)\")";
  absl::StatusOr<std::vector<Token>> tokens = Tokenize(source);
  REQUIRE(tokens.ok());
  TokenCursor cursor(*tokens);

  absl::StatusOr<ParsedModule> text = ParseModule(cursor);
  REQUIRE(text.ok());
  CHECK(text->form == ModuleForm::kText);
  CHECK(text->id == "$a");
  CHECK(text->line == 1);
  CHECK(text->binary == Wat("(func)"));

  absl::StatusOr<ParsedModule> binary = ParseModule(cursor);
  REQUIRE(binary.ok());
  CHECK(binary->form == ModuleForm::kBinary);
  CHECK(Hex(binary->binary) == "0061736d01000000");
  CHECK(binary->line == 2);

  absl::StatusOr<ParsedModule> quote = ParseModule(cursor);
  REQUIRE(quote.ok());
  CHECK(quote->form == ModuleForm::kQuote);
  CHECK(quote->quote == "(func) (memory 1)");
  CHECK(cursor.AtEof());
}

// -- Name section (WatOptions::emit_name_section) ---------------------------------------------

std::vector<uint8_t> NamedWat(absl::string_view source) {
  WatOptions options;
  options.emit_name_section = true;
  absl::StatusOr<std::vector<uint8_t>> binary = ParseWat(source, options);
  INFO(source);
  if (!binary.ok()) FAIL(binary.status().ToString());
  return *binary;
}

TEST_CASE("names survive the trip through the name section and the decoder",
          "[text][wat][names]") {
  std::string source = R"((module $calc
    (type $binop (func (param $ignored i32) (param i32) (result i32)))
    (import "env" "log" (func $log (param $value i32)))
    (func $twice (import "env" "twice") (param i32) (param $n i32) (result i32))
    (func $add (export "add") (param $a i32) (param i32) (param $c i32) (result i32)
      (local i64) (local $sum i32) (local f32 f64) (local $"quoted name" i32)
      (local.get $a))
    (func (type $binop) (local $only i32) (local.get 0))
    (func $"odd \u{e9}t\u{e9}")
  ))";
  absl::StatusOr<wasm::Module> module = wasm::Decode(NamedWat(source));
  REQUIRE(module.ok());
  const wasm::NameSection& names = module->names;
  CHECK(names.module_name == "calc");
  // Imports come first in the function index space, named through either import form.
  CHECK(names.function_names ==
        std::map<uint32_t, std::string>{
            {0, "log"}, {1, "twice"}, {2, "add"}, {4, "odd \xc3\xa9t\xc3\xa9"}});
  // Locals count from the first parameter; unnamed ones leave gaps. Parameter names of a type
  // definition do not name the parameters of a function that uses it by (type $binop).
  CHECK(names.local_names ==
        std::map<uint32_t, std::map<uint32_t, std::string>>{
            {0, {{0, "value"}}},
            {1, {{1, "n"}}},
            {2, {{0, "a"}, {2, "c"}, {4, "sum"}, {7, "quoted name"}}},
            {3, {{2, "only"}}}});
}

TEST_CASE("name section bytes follow the spec's appendix", "[text][wat][names]") {
  // wat2wasm --debug-names writes the same subsections 0, 1 and 2 for these modules (it adds
  // an empty local map for every unnamed function, and subsections for type, table, memory and
  // global names, which kiln does not keep).
  CHECK(Hex(NamedWat("(module $only)")) ==
        "0061736d01000000"
        "000c046e616d65"   // custom section, 12 bytes, "name"
        "0005046f6e6c79");  // module name subsection: "only"
  std::string hex = Hex(NamedWat("(module (func $f (param $x i32) (local i64) (local $y f32)))"));
  CHECK_THAT(hex, Catch::EndsWith("0016046e616d65"  // custom section, 22 bytes, "name"
                                  "0104"            // function names, 4 bytes:
                                  "01" "000166"     //   1 entry: 0 "f"
                                  "0209"            // local names, 9 bytes:
                                  "01" "00"         //   1 function: function 0,
                                  "02" "000178"     //   with 2 entries: 0 "x",
                                  "020179"));       //   2 "y"
}

TEST_CASE("name section is last and only when asked for and when something is named",
          "[text][wat][names]") {
  // Without the option the $names change nothing, so the encoding matches wast2json's.
  CHECK(Wat("(module $m (func $f (param $p i32)))") == Wat("(module (func (param i32)))"));
  // Nothing named: no empty custom section either.
  CHECK(NamedWat("(module (func (param i32)) (memory 1))") ==
        Wat("(module (func (param i32)) (memory 1))"));
  // The custom section follows the data section, and the rest of the module is unchanged.
  std::string fields = "(memory 1) (func $f) (data (i32.const 0) \"hi\")";
  std::vector<uint8_t> plain = Wat(fields);
  std::vector<uint8_t> named = NamedWat(fields);
  REQUIRE(named.size() > plain.size());
  CHECK(std::vector<uint8_t>(named.begin(), named.begin() + plain.size()) == plain);
  CHECK(named[plain.size()] == 0x00);  // custom section id
  // A bare list of fields has no module name but still names its functions.
  absl::StatusOr<wasm::Module> module = wasm::Decode(named);
  REQUIRE(module.ok());
  CHECK_FALSE(module->names.module_name.has_value());
  CHECK(module->names.function_names == std::map<uint32_t, std::string>{{0, "f"}});
}

}  // namespace
}  // namespace kiln::text
