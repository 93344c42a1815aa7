// Tests for Decode: each section lands in the right Module fields, custom and name sections are
// kept, and malformed binaries fail with the spec's message and a location. Modules are built
// here from small byte helpers (Section, Name, ...), so each case shows its exact bytes.
#include "compiler/wasm/decoder.h"

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::wasm {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;
using Bytes = std::vector<uint8_t>;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

// -- Builders -------------------------------------------------------------------------------

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

Bytes Leb(uint32_t value) {
  Bytes out;
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
  return out;
}

Bytes Name(const std::string& text) {
  Bytes out = Leb(static_cast<uint32_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

Bytes Section(uint8_t id, const Bytes& contents) {
  return Cat({{id}, Leb(static_cast<uint32_t>(contents.size())), contents});
}

Bytes Binary(std::initializer_list<Bytes> sections) {
  Bytes out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
  for (const Bytes& section : sections) out.insert(out.end(), section.begin(), section.end());
  return out;
}

// Function bodies: a size-prefixed entry of the code section.
Bytes Body(const Bytes& locals_and_code) {
  return Cat({Leb(static_cast<uint32_t>(locals_and_code.size())), locals_and_code});
}

const Bytes kTypeVoid = Section(1, {0x01, 0x60, 0x00, 0x00});  // one type: [] -> []
const Bytes kOneFunction = Section(3, {0x01, 0x00});
const Bytes kOneMemory = Section(5, {0x01, 0x00, 0x01});

absl::StatusOr<Module> DecodeBytes(const Bytes& bytes) { return Decode(bytes); }

// -- Sections -------------------------------------------------------------------------------

TEST_CASE("decoder accepts the empty module", "[wasm][decoder]") {
  absl::StatusOr<Module> module = DecodeBytes(Binary({}));
  REQUIRE_THAT(module.status(), IsOk());
  CHECK(module->types.empty());
  CHECK(module->codes.empty());
  CHECK(module->bytes.size() == 8);
}

TEST_CASE("decoder reads function types", "[wasm][decoder]") {
  absl::StatusOr<Module> module = DecodeBytes(Binary({
      Section(1, {0x02, 0x60, 0x02, 0x7f, 0x7e, 0x01, 0x7d,  // (i32 i64) -> f32
                  0x60, 0x00, 0x02, 0x7b, 0x6f}),            // () -> (v128 externref)
  }));
  REQUIRE_THAT(module.status(), IsOk());
  REQUIRE(module->types.size() == 2);
  CHECK(module->types[0].params == std::vector<ValType>{ValType::kI32, ValType::kI64});
  CHECK(module->types[0].results == std::vector<ValType>{ValType::kF32});
  CHECK(module->types[1].params.empty());
  CHECK(module->types[1].results == std::vector<ValType>{ValType::kV128, ValType::kExternRef});
}

TEST_CASE("decoder reads imports of every kind and counts them", "[wasm][decoder]") {
  absl::StatusOr<Module> module = DecodeBytes(Binary({
      kTypeVoid,
      Section(2, Cat({{0x04},
                      Name("env"), Name("f"), {0x00, 0x00},                   // func type 0
                      Name("env"), Name("t"), {0x01, 0x70, 0x01, 0x02, 0x0a}, // table 2..10
                      Name("env"), Name("m"), {0x02, 0x00, 0x01},             // memory 1..
                      Name("env"), Name("g"), {0x03, 0x7c, 0x01}})),          // mut f64
  }));
  REQUIRE_THAT(module.status(), IsOk());
  REQUIRE(module->imports.size() == 4);
  CHECK(module->imports[0].module == "env");
  CHECK(module->imports[0].name == "f");
  CHECK(module->imports[0].kind == ExternKind::kFunc);
  CHECK(module->imports[0].func_type == 0);
  CHECK(module->imports[1].kind == ExternKind::kTable);
  CHECK(module->imports[1].table.element == ValType::kFuncRef);
  CHECK(module->imports[1].table.limits.min == 2);
  CHECK(module->imports[1].table.limits.max == 10);
  CHECK(module->imports[2].kind == ExternKind::kMemory);
  CHECK(module->imports[2].memory.limits.min == 1);
  CHECK_FALSE(module->imports[2].memory.limits.max.has_value());
  CHECK(module->imports[3].kind == ExternKind::kGlobal);
  CHECK(module->imports[3].global.type == ValType::kF64);
  CHECK(module->imports[3].global.is_mutable);
  CHECK(module->num_imported_functions == 1);
  CHECK(module->num_imported_tables == 1);
  CHECK(module->num_imported_memories == 1);
  CHECK(module->num_imported_globals == 1);
}

TEST_CASE("decoder reads functions, tables, memories, globals, exports and start",
          "[wasm][decoder]") {
  const Bytes globals = Section(6, {0x02,
                                    0x7f, 0x00, 0x41, 0x2a, 0x0b,    // i32 const 42
                                    0x7e, 0x01, 0x42, 0x01, 0x0b});  // mut i64 = 1
  const Bytes bytes = Binary({
      kTypeVoid,
      Section(3, {0x02, 0x00, 0x00}),
      Section(4, {0x01, 0x6f, 0x00, 0x05}),      // externref table, min 5
      Section(5, {0x01, 0x01, 0x01, 0x80, 0x02}),  // memory 1..256
      globals,
      Section(7, Cat({{0x02}, Name("run"), {0x00, 0x01}, Name("mem"), {0x02, 0x00}})),
      Section(8, {0x01}),
      Section(10, Cat({{0x02}, Body({0x00, 0x0b}), Body({0x00, 0x0b})})),
  });
  absl::StatusOr<Module> module = DecodeBytes(bytes);
  REQUIRE_THAT(module.status(), IsOk());
  CHECK(module->functions == std::vector<uint32_t>{0, 0});
  REQUIRE(module->tables.size() == 1);
  CHECK(module->tables[0].element == ValType::kExternRef);
  CHECK(module->tables[0].limits.min == 5);
  REQUIRE(module->memories.size() == 1);
  CHECK(module->memories[0].limits.min == 1);
  CHECK(module->memories[0].limits.max == 256);
  REQUIRE(module->globals.size() == 2);
  CHECK(module->globals[0].type.type == ValType::kI32);
  CHECK_FALSE(module->globals[0].type.is_mutable);
  CHECK(module->globals[1].type.is_mutable);
  // The init expression is kept as bytes, `end` included.
  const auto init = module->Bytes(module->globals[0].init.code);
  CHECK(Bytes(init.begin(), init.end()) == Bytes{0x41, 0x2a, 0x0b});
  REQUIRE(module->exports.size() == 2);
  CHECK(module->exports[0].name == "run");
  CHECK(module->exports[0].kind == ExternKind::kFunc);
  CHECK(module->exports[0].index == 1);
  CHECK(module->exports[1].kind == ExternKind::kMemory);
  CHECK(module->start == 1);
  CHECK(module->num_functions() == 2);
}

TEST_CASE("decoder reads the eight forms of element segments", "[wasm][decoder]") {
  const Bytes offset = {0x41, 0x00, 0x0b};        // i32.const 0
  const Bytes ref_func = {0xd2, 0x00, 0x0b};      // ref.func 0
  const Bytes ref_null = {0xd0, 0x6f, 0x0b};      // ref.null extern
  const Bytes bytes = Binary({
      kTypeVoid,
      kOneFunction,
      Section(4, {0x01, 0x70, 0x00, 0x01}),
      Section(9, Cat({{0x08},
                      {0x00}, offset, {0x01, 0x00},                    // 0: active, indices
                      {0x01, 0x00, 0x01, 0x00},                        // 1: passive, indices
                      {0x02, 0x03}, offset, {0x00, 0x01, 0x00},        // 2: table 3, indices
                      {0x03, 0x00, 0x02, 0x00, 0x00},                  // 3: declarative
                      {0x04}, offset, {0x01}, ref_func,                // 4: active, exprs
                      {0x05, 0x6f, 0x01}, ref_null,                    // 5: passive, exprs
                      {0x06, 0x02}, offset, {0x70, 0x01}, ref_func,    // 6: table 2, exprs
                      {0x07, 0x70, 0x02}, ref_func, ref_func})),       // 7: declarative
      Section(10, Cat({{0x01}, Body({0x00, 0x0b})})),
  });
  absl::StatusOr<Module> module = DecodeBytes(bytes);
  REQUIRE_THAT(module.status(), IsOk());
  const std::vector<ElemSegment>& elems = module->elems;
  REQUIRE(elems.size() == 8);

  CHECK(elems[0].mode == SegmentMode::kActive);
  CHECK(elems[0].table == 0);
  CHECK(elems[0].uses_indices);
  CHECK(elems[0].func_indices == std::vector<uint32_t>{0});
  CHECK(elems[0].offset.code.size == 3);
  CHECK(elems[1].mode == SegmentMode::kPassive);
  CHECK(elems[1].type == ValType::kFuncRef);
  CHECK(elems[2].mode == SegmentMode::kActive);
  CHECK(elems[2].table == 3);
  CHECK(elems[3].mode == SegmentMode::kDeclarative);
  CHECK(elems[3].size() == 2);
  CHECK(elems[4].mode == SegmentMode::kActive);
  CHECK_FALSE(elems[4].uses_indices);
  CHECK(elems[4].items.size() == 1);
  CHECK(elems[4].type == ValType::kFuncRef);
  CHECK(elems[5].mode == SegmentMode::kPassive);
  CHECK(elems[5].type == ValType::kExternRef);
  CHECK(elems[6].table == 2);
  CHECK(elems[7].mode == SegmentMode::kDeclarative);
  CHECK(elems[7].size() == 2);
}

TEST_CASE("decoder reads code bodies, their locals and data segments", "[wasm][decoder]") {
  const Bytes body = {0x02,                      // two runs of locals
                      0x03, 0x7f, 0x01, 0x7e,    // 3 x i32, 1 x i64
                      0xfc, 0x09, 0x00, 0x0b};   // data.drop 0; end
  const Bytes bytes = Binary({
      kTypeVoid,
      kOneFunction,
      kOneMemory,
      Section(12, {0x03}),
      Section(10, Cat({{0x01}, Body(body)})),
      Section(11, Cat({{0x03},
                       {0x00, 0x41, 0x08, 0x0b}, Name("abc"),      // active, memory 0
                       {0x01}, Name("xy"),                          // passive
                       {0x02, 0x00, 0x41, 0x00, 0x0b}, Name("")})),  // active, explicit memory
  });
  absl::StatusOr<Module> module = DecodeBytes(bytes);
  REQUIRE_THAT(module.status(), IsOk());
  REQUIRE(module->codes.size() == 1);
  const Code& code = module->codes[0];
  REQUIRE(code.locals.size() == 2);
  CHECK(code.locals[0].count == 3);
  CHECK(code.locals[0].type == ValType::kI32);
  CHECK(code.locals[1].type == ValType::kI64);
  CHECK(code.local_count == 4);
  const auto instructions = module->Bytes(code.body);
  CHECK(Bytes(instructions.begin(), instructions.end()) == Bytes{0xfc, 0x09, 0x00, 0x0b});
  CHECK(code.whole.size == body.size());
  CHECK(code.body.offset == code.whole.offset + 5);

  CHECK(module->data_count == 3);
  REQUIRE(module->datas.size() == 3);
  CHECK(module->datas[0].mode == SegmentMode::kActive);
  const auto init = module->Bytes(module->datas[0].init);
  CHECK(std::string(init.begin(), init.end()) == "abc");
  CHECK(module->datas[1].mode == SegmentMode::kPassive);
  CHECK(module->datas[1].init.size == 2);
  CHECK(module->datas[2].init.size == 0);
}

TEST_CASE("decoder keeps local counts up to 2^32 - 1 in 64 bits", "[wasm][decoder]") {
  const Bytes bytes = Binary({
      kTypeVoid,
      kOneFunction,
      Section(10, Cat({{0x01}, Body({0x02, 0xff, 0xff, 0xff, 0xff, 0x07, 0x7f,  // 2^31 - 1
                                     0x80, 0x80, 0x80, 0x80, 0x08, 0x7e,        // 2^31
                                     0x0b})})),
  });
  absl::StatusOr<Module> module = DecodeBytes(bytes);
  REQUIRE_THAT(module.status(), IsOk());
  CHECK(module->codes[0].local_count == 0xffffffffull);
}

TEST_CASE("decoder keeps custom sections and parses the name section", "[wasm][decoder]") {
  const Bytes names = Cat({Name("name"),
                           {0x00}, Leb(4), Name("mod"),                                 // module
                           {0x01}, Leb(7), {0x02, 0x00}, Name("f"), {0x01}, Name("g"),  // funcs
                           {0x02}, Leb(6), {0x01, 0x01, 0x01, 0x00}, Name("x")});       // locals
  const Bytes bytes = Binary({
      Section(0, Cat({Name("first"), {0xde, 0xad}})),
      kTypeVoid,
      Section(0, names),
  });
  absl::StatusOr<Module> module = DecodeBytes(bytes);
  REQUIRE_THAT(module.status(), IsOk());
  REQUIRE(module->customs.size() == 2);
  CHECK(module->customs[0].name == "first");
  CHECK(module->customs[0].section_offset == 8);
  const auto payload = module->Bytes(module->customs[0].data);
  CHECK(Bytes(payload.begin(), payload.end()) == Bytes{0xde, 0xad});
  CHECK(module->customs[1].name == "name");
  CHECK(module->names.module_name == "mod");
  CHECK(module->names.function_names.at(0) == "f");
  CHECK(module->names.function_names.at(1) == "g");
  CHECK(module->names.local_names.at(1).at(0) == "x");
}

TEST_CASE("decoder tolerates a malformed name section and keeps what parsed",
          "[wasm][decoder]") {
  const Bytes names = Cat({Name("name"),
                           {0x00}, Leb(4), Name("mod"),
                           {0x01}, Leb(4), {0x01, 0x00, 0x01, 0xff}});  // a name in bad UTF-8
  absl::StatusOr<Module> module = DecodeBytes(Binary({Section(0, names)}));
  REQUIRE_THAT(module.status(), IsOk());
  CHECK(module->names.module_name == "mod");
  CHECK(module->names.function_names.empty());
  CHECK(module->customs.size() == 1);
}

TEST_CASE("decoder accepts custom sections between any two sections", "[wasm][decoder]") {
  const Bytes custom = Section(0, Name("c"));
  absl::StatusOr<Module> module = DecodeBytes(Binary({
      custom, kTypeVoid, custom, kOneFunction, custom, Section(12, {0x00}), custom,
      Section(10, Cat({{0x01}, Body({0x00, 0x0b})})), custom, Section(11, {0x00}), custom,
  }));
  REQUIRE_THAT(module.status(), IsOk());
  CHECK(module->customs.size() == 6);
}

// -- Malformed modules ----------------------------------------------------------------------

TEST_CASE("decoder rejects malformed modules with the spec's messages", "[wasm][decoder]") {
  const Bytes code_end = Section(10, Cat({{0x01}, Body({0x00, 0x0b})}));
  auto [what, bytes, message] = GENERATE_COPY(table<std::string, Bytes, std::string>({
      {"an empty file", {}, "unexpected end"},
      {"a short magic", {0x00, 0x61, 0x73}, "unexpected end"},
      {"a wrong magic", {0x00, 0x41, 0x53, 0x4d, 0x01, 0x00, 0x00, 0x00},
       "magic header not detected"},
      {"a short version", {0x00, 0x61, 0x73, 0x6d, 0x01}, "unexpected end"},
      {"a wrong version", {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00},
       "unknown binary version"},
      {"section id 13", Binary({{0x0d, 0x00}}), "malformed section id"},
      {"a duplicate section", Binary({kTypeVoid, kTypeVoid}),
       "unexpected content after last section"},
      {"sections out of order", Binary({kOneFunction, kTypeVoid}),
       "unexpected content after last section"},
      {"data count after code", Binary({code_end, Section(12, {0x00})}),
       "unexpected content after last section"},
      {"a section longer than the file", Binary({{0x01, 0x20, 0x00}}), "length out of bounds"},
      {"a section shorter than its contents", Binary({Section(1, {0x02, 0x60, 0x00, 0x00}),
                                                      {0x60, 0x00, 0x00}}),
       "section size mismatch"},
      {"trailing bytes in a section", Binary({Section(1, {0x00, 0x00})}),
       "section size mismatch"},
      {"a count too long", Binary({Section(1, {0x80, 0x80, 0x80, 0x80, 0x80, 0x00})}),
       "integer representation too long"},
      {"a count too large", Binary({Section(3, {0x80, 0x80, 0x80, 0x80, 0x10})}),
       "integer too large"},
      {"a function type form", Binary({Section(1, {0x01, 0x61, 0x00, 0x00})}),
       "malformed function type"},
      {"an unknown value type", Binary({Section(1, {0x01, 0x60, 0x01, 0x7a, 0x00})}),
       "malformed vector type"},
      {"an import kind", Binary({Section(2, Cat({{0x01}, Name("a"), Name("b"), {0x04}}))}),
       "malformed import kind"},
      {"an import name", Binary({Section(2, Cat({{0x01}, Name("a"), {0x01, 0xc0}, {0x00}}))}),
       "malformed UTF-8 encoding"},
      {"a table element type", Binary({Section(4, {0x01, 0x7f, 0x00, 0x00})}),
       "malformed reference type"},
      {"limits flags", Binary({Section(5, {0x01, 0x02, 0x00})}), "integer too large"},
      {"a global's mutability", Binary({Section(6, {0x01, 0x7f, 0x02, 0x41, 0x00, 0x0b})}),
       "malformed mutability"},
      {"an init expression without end", Binary({Section(6, {0x01, 0x7f, 0x00, 0x41, 0x00})}),
       "unexpected end"},
      {"an export kind", Binary({Section(7, Cat({{0x01}, Name("e"), {0x04, 0x00}}))}),
       "malformed export kind"},
      {"an element segment kind", Binary({Section(9, {0x01, 0x08})}),
       "malformed elements segment kind"},
      {"an element kind", Binary({Section(9, {0x01, 0x01, 0x01, 0x00})}),
       "malformed element kind"},
      {"a data segment kind", Binary({Section(11, {0x01, 0x03})}),
       "malformed data segment kind"},
      {"functions without code", Binary({kTypeVoid, kOneFunction}),
       "function and code section have inconsistent lengths"},
      {"code without functions", Binary({kTypeVoid, code_end}),
       "function and code section have inconsistent lengths"},
      {"a data count that disagrees", Binary({kOneMemory, Section(12, {0x02}),
                                              Section(11, {0x01, 0x01, 0x00})}),
       "data count and data section have inconsistent lengths"},
      {"data.drop without a data count",
       Binary({kTypeVoid, kOneFunction, kOneMemory,
               Section(10, Cat({{0x01}, Body({0x00, 0xfc, 0x09, 0x00, 0x0b})})),
               Section(11, {0x01, 0x01, 0x00})}),
       "data count section required"},
      {"an illegal opcode", Binary({kTypeVoid, kOneFunction,
                                    Section(10, Cat({{0x01}, Body({0x00, 0x06, 0x0b})}))}),
       "illegal opcode 06"},
      {"a nonzero memory index", Binary({kTypeVoid, kOneFunction, kOneMemory,
                                         Section(10, Cat({{0x01}, Body({0x00, 0x3f, 0x01,
                                                                        0x1a, 0x0b})}))}),
       "zero byte expected"},
      {"too many locals",
       Binary({kTypeVoid, kOneFunction,
               Section(10, Cat({{0x01}, Body({0x02, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f,
                                              0x01, 0x7e, 0x0b})}))}),
       "too many locals"},
      // The body ends before its `end`; the next bytes are another body's size, which the
      // spec reads as a misplaced `else` (0x05 is not `end`).
      {"a body missing its end between functions",
       Binary({kTypeVoid, Section(3, {0x02, 0x00, 0x00}),
               Section(10, Cat({{0x02}, Body({0x00, 0x01}), Body({0x00, 0x01, 0x01, 0x01, 0x0b})}))}),
       "END opcode expected"},
      {"a body missing its end at the end of the file",
       Binary({kTypeVoid, kOneFunction, Section(10, Cat({{0x01}, Body({0x00, 0x01})}))}),
       "unexpected end of section or function"},
      {"bytes after a body's end", Binary({kTypeVoid, kOneFunction,
                                           Section(10, Cat({{0x01}, Body({0x00, 0x0b, 0x01})}))}),
       "section size mismatch"},
      {"an else outside if", Binary({kTypeVoid, kOneFunction,
                                     Section(10, Cat({{0x01}, Body({0x00, 0x02, 0x40, 0x05,
                                                                    0x0b, 0x0b})}))}),
       "END opcode expected"},
      {"a custom section name beyond the section", Binary({{0x00, 0x01, 0x01, 'a'}}),
       "unexpected end"},
      {"a custom section name in bad UTF-8", Binary({Section(0, {0x01, 0xff})}),
       "malformed UTF-8 encoding"},
  }));
  CAPTURE(what);
  CHECK_THAT(DecodeBytes(bytes).status(), StatusIs(kInvalid, message));
  // The spec's message comes first, so assert_malformed text is a prefix.
  CHECK(std::string(DecodeBytes(bytes).status().message()).rfind(message, 0) == 0);
}

TEST_CASE("decoder errors end with the section, offset and function", "[wasm][decoder]") {
  const Bytes bytes = Binary({
      kTypeVoid,
      Section(3, {0x02, 0x00, 0x00}),
      Section(10, Cat({{0x02}, Body({0x00, 0x0b}), Body({0x00, 0x01, 0xf3, 0x0b})})),
  });
  // Offsets: header 8, type section 6, function section 5, code section id/size/count 3,
  // first body 3, second body's size and locals 2, nop 1: the bad opcode is at 0x1c.
  CHECK(DecodeBytes(bytes).status().message() ==
        "illegal opcode f3 (section code, offset 0x1c, func 1)");

  const Bytes type_error = Binary({Section(1, {0x01, 0x61})});
  CHECK(DecodeBytes(type_error).status().message() ==
        "malformed function type (section type, offset 0xb)");

  CHECK(DecodeBytes(Bytes{0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00}).status().message() ==
        "unknown binary version (offset 0x4)");
}

// -- Trusted code bodies -------------------------------------------------------------------

TEST_CASE("decoder trusting code bodies delimits them as a full decode does",
          "[wasm][decoder]") {
  const Bytes binary = Binary({kTypeVoid, Section(3, {0x02, 0x00, 0x00}),
                               Section(10, Cat({{0x02}, Body({0x01, 0x02, 0x7f, 0x01, 0x0b}),
                                                Body({0x00, 0x41, 0x07, 0x1a, 0x0b})}))});
  absl::StatusOr<Module> full = Decode(binary);
  REQUIRE_THAT(full.status(), IsOk());
  DecodeOptions options;
  options.trust_code_bodies = true;
  absl::StatusOr<Module> trusted = Decode(binary, options);
  REQUIRE_THAT(trusted.status(), IsOk());
  REQUIRE(trusted->codes.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    CHECK(trusted->codes[i].body.offset == full->codes[i].body.offset);
    CHECK(trusted->codes[i].body.size == full->codes[i].body.size);
    CHECK(trusted->codes[i].whole.offset == full->codes[i].whole.offset);
    CHECK(trusted->codes[i].whole.size == full->codes[i].whole.size);
    CHECK(trusted->codes[i].local_count == full->codes[i].local_count);
  }
  REQUIRE(trusted->code_validation.has_value());
  CHECK_THAT(*trusted->code_validation, IsOk());
}

TEST_CASE("decoder trusting code bodies does not read them, but still checks their sizes",
          "[wasm][decoder]") {
  DecodeOptions options;
  options.trust_code_bodies = true;
  // 0xff is no opcode: a full decode rejects it; a trusted one never looks.
  const Bytes bad_opcode =
      Binary({kTypeVoid, kOneFunction, Section(10, Cat({{0x01}, Body({0x00, 0xff, 0x0b})}))});
  CHECK_THAT(Decode(bad_opcode).status(), StatusIs(kInvalid, ""));
  CHECK_THAT(Decode(bad_opcode, options).status(), IsOk());
  // A body running past the section is still malformed.
  const Bytes overlong = Binary({kTypeVoid, kOneFunction, Section(10, {0x01, 0x09, 0x00, 0x0b})});
  CHECK_THAT(Decode(overlong, options).status(), StatusIs(kInvalid, ""));
}

}  // namespace
}  // namespace kiln::wasm
