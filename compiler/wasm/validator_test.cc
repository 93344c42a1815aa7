// Tests of the Wasm 2.0 validator: each rule with a module that passes and one that fails with
// the spec's message. Modules are assembled as bytes by a small builder (TestModule below) and
// go through the decoder first, as any module does.
#include "compiler/wasm/validator.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "catch2/catch.hpp"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/opcode.h"
#include "testing/status_matchers.h"

namespace kiln::wasm {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;
using Bytes = std::vector<uint8_t>;

constexpr ValType kI32 = ValType::kI32;
constexpr ValType kI64 = ValType::kI64;
constexpr ValType kF32 = ValType::kF32;
constexpr ValType kV128 = ValType::kV128;
constexpr ValType kFuncRef = ValType::kFuncRef;
constexpr ValType kExternRef = ValType::kExternRef;

// -- Building modules -------------------------------------------------------------------------

void AppendU32(Bytes& out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    out.push_back(value != 0 ? (byte | 0x80) : byte);
  } while (value != 0);
}

void AppendS64(Bytes& out, int64_t value) {
  while (true) {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    const bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
    out.push_back(done ? byte : (byte | 0x80));
    if (done) return;
  }
}

// Asm assembles instructions: opcodes come from the opcode table, immediates are appended
// with the helper that matches their encoding.
class Asm {
 public:
  Asm& Op(Opcode op) {
    const OpcodeInfo& info = Info(op);
    if (info.prefix != 0) {
      bytes_.push_back(info.prefix);
      AppendU32(bytes_, info.code);
    } else {
      bytes_.push_back(static_cast<uint8_t>(info.code));
    }
    return *this;
  }
  Asm& Op(Opcode op, uint32_t index) { return Op(op).U32(index); }
  Asm& U32(uint64_t value) {
    AppendU32(bytes_, value);
    return *this;
  }
  Asm& Byte(uint8_t value) {
    bytes_.push_back(value);
    return *this;
  }
  Asm& Type(ValType type) { return Byte(static_cast<uint8_t>(type)); }
  Asm& I32(int32_t value) {
    Op(Opcode::kI32Const);
    AppendS64(bytes_, value);
    return *this;
  }
  Asm& I64(int64_t value) {
    Op(Opcode::kI64Const);
    AppendS64(bytes_, value);
    return *this;
  }
  Asm& F32() { return Op(Opcode::kF32Const).Byte(0).Byte(0).Byte(0).Byte(0); }
  Asm& V128() {
    Op(Opcode::kV128Const);
    for (int i = 0; i < 16; ++i) Byte(0);
    return *this;
  }
  // MemArg appends align (log2) and offset, in that order.
  Asm& MemArg(uint32_t align_log2, uint32_t offset = 0) { return U32(align_log2).U32(offset); }
  Asm& End() { return Op(Opcode::kEnd); }

  const Bytes& bytes() const { return bytes_; }

 private:
  Bytes bytes_;
};

// TestModule collects section entries and encodes a module. Function bodies and constant
// expressions are given without their final `end`; the builder adds it.
class TestModule {
 public:
  uint32_t Type(std::vector<ValType> params, std::vector<ValType> results) {
    Bytes entry = {0x60};
    AppendTypes(entry, params);
    AppendTypes(entry, results);
    types_.push_back(entry);
    return static_cast<uint32_t>(types_.size() - 1);
  }
  void ImportFunc(uint32_t type) { Import(0x00, Bytes{}, type); }
  void ImportGlobal(ValType type, bool is_mutable) {
    Import(0x03, Bytes{static_cast<uint8_t>(type), uint8_t{is_mutable}}, std::nullopt);
  }
  void ImportMemory(uint32_t min) { Import(0x02, Limits(min, std::nullopt), std::nullopt); }
  void ImportTable(ValType element, uint32_t min) {
    Bytes desc = {static_cast<uint8_t>(element)};
    Bytes limits = Limits(min, std::nullopt);
    desc.insert(desc.end(), limits.begin(), limits.end());
    Import(0x01, desc, std::nullopt);
  }
  void Func(uint32_t type, const Asm& body, std::vector<std::pair<uint32_t, ValType>> locals = {}) {
    Bytes index;
    AppendU32(index, type);
    functions_.push_back(index);
    Bytes code;
    AppendU32(code, locals.size());
    for (const auto& [count, local_type] : locals) {
      AppendU32(code, count);
      code.push_back(static_cast<uint8_t>(local_type));
    }
    code.insert(code.end(), body.bytes().begin(), body.bytes().end());
    code.push_back(0x0b);
    Bytes entry;
    AppendU32(entry, code.size());
    entry.insert(entry.end(), code.begin(), code.end());
    codes_.push_back(entry);
  }
  void Table(ValType element, uint32_t min, std::optional<uint32_t> max = std::nullopt) {
    Bytes entry = {static_cast<uint8_t>(element)};
    Bytes limits = Limits(min, max);
    entry.insert(entry.end(), limits.begin(), limits.end());
    tables_.push_back(entry);
  }
  void Memory(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
    memories_.push_back(Limits(min, max));
  }
  void Global(ValType type, bool is_mutable, const Asm& init) {
    Bytes entry = {static_cast<uint8_t>(type), uint8_t{is_mutable}};
    entry.insert(entry.end(), init.bytes().begin(), init.bytes().end());
    entry.push_back(0x0b);
    globals_.push_back(entry);
  }
  void Export(const std::string& name, ExternKind kind, uint32_t index) {
    Bytes entry;
    AppendName(entry, name);
    entry.push_back(static_cast<uint8_t>(kind));
    AppendU32(entry, index);
    exports_.push_back(entry);
  }
  void Start(uint32_t func) { start_ = func; }
  // Elem adds an element segment given as its encoding (flags byte first).
  void Elem(const Asm& segment) { elems_.push_back(segment.bytes()); }
  // Data adds a data segment given as its encoding (flags byte first).
  void Data(const Asm& segment) { datas_.push_back(segment.bytes()); }
  void DataCount(uint32_t count) { data_count_ = count; }

  Bytes Encode() const {
    Bytes out = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
    AppendSection(out, 1, types_);
    AppendSection(out, 2, imports_);
    AppendSection(out, 3, functions_);
    AppendSection(out, 4, tables_);
    AppendSection(out, 5, memories_);
    AppendSection(out, 6, globals_);
    AppendSection(out, 7, exports_);
    if (start_.has_value()) {
      Bytes contents;
      AppendU32(contents, *start_);
      AppendRaw(out, 8, contents);
    }
    AppendSection(out, 9, elems_);
    if (data_count_.has_value()) {
      Bytes contents;
      AppendU32(contents, *data_count_);
      AppendRaw(out, 12, contents);
    }
    AppendSection(out, 10, codes_);
    AppendSection(out, 11, datas_);
    return out;
  }

 private:
  static void AppendTypes(Bytes& out, const std::vector<ValType>& types) {
    AppendU32(out, types.size());
    for (ValType type : types) out.push_back(static_cast<uint8_t>(type));
  }
  static void AppendName(Bytes& out, const std::string& name) {
    AppendU32(out, name.size());
    out.insert(out.end(), name.begin(), name.end());
  }
  static Bytes Limits(uint32_t min, std::optional<uint32_t> max) {
    Bytes out = {uint8_t{max.has_value()}};
    AppendU32(out, min);
    if (max.has_value()) AppendU32(out, *max);
    return out;
  }
  static void AppendRaw(Bytes& out, uint8_t id, const Bytes& contents) {
    out.push_back(id);
    AppendU32(out, contents.size());
    out.insert(out.end(), contents.begin(), contents.end());
  }
  static void AppendSection(Bytes& out, uint8_t id, const std::vector<Bytes>& entries) {
    if (entries.empty()) return;
    Bytes contents;
    AppendU32(contents, entries.size());
    for (const Bytes& entry : entries) contents.insert(contents.end(), entry.begin(), entry.end());
    AppendRaw(out, id, contents);
  }
  void Import(uint8_t kind, const Bytes& desc, std::optional<uint32_t> type) {
    Bytes entry;
    AppendName(entry, "env");
    AppendName(entry, "x" + std::to_string(imports_.size()));
    entry.push_back(kind);
    if (type.has_value()) AppendU32(entry, *type);
    entry.insert(entry.end(), desc.begin(), desc.end());
    imports_.push_back(entry);
  }

  std::vector<Bytes> types_, imports_, functions_, tables_, memories_, globals_, exports_, elems_,
      codes_, datas_;
  std::optional<uint32_t> start_;
  std::optional<uint32_t> data_count_;
};

// Check decodes `module` (which must succeed) and validates it. Decode validates the bodies
// on its way (Module::code_validation); validating them afresh must give the same answer.
absl::Status Check(const TestModule& module) {
  absl::StatusOr<Module> decoded = Decode(module.Encode());
  REQUIRE(decoded.ok());
  const absl::Status status = Validate(*decoded);
  Module fresh = *decoded;
  fresh.code_validation.reset();
  CHECK(Validate(fresh) == status);
  return status;
}

// CheckBody validates one function of type `params` -> `results` with `body`.
absl::Status CheckBody(std::vector<ValType> params, std::vector<ValType> results, const Asm& body,
                       std::vector<std::pair<uint32_t, ValType>> locals = {}) {
  TestModule module;
  module.Func(module.Type(std::move(params), std::move(results)), body, std::move(locals));
  return Check(module);
}

const absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

}  // namespace

// -- Operators with fixed signatures ----------------------------------------------------------

TEST_CASE("validator accepts an empty module", "[wasm][validator]") {
  CHECK_THAT(Check(TestModule()), IsOk());
}

TEST_CASE("decoder validates function bodies on its way and validator reuses the answer",
          "[wasm][validator]") {
  TestModule module;
  const uint32_t type = module.Type({}, {kI32});
  module.Func(type, Asm().I32(1));
  absl::StatusOr<Module> decoded = Decode(module.Encode());
  REQUIRE(decoded.ok());
  REQUIRE(decoded->code_validation.has_value());
  CHECK_THAT(*decoded->code_validation, IsOk());
  module.Func(type, Asm().F32());
  decoded = Decode(module.Encode());
  REQUIRE(decoded.ok());  // an invalid body is no malformed one
  REQUIRE(decoded->code_validation.has_value());
  CHECK_THAT(*decoded->code_validation, StatusIs(kInvalid, "type mismatch"));
  CHECK_THAT(*decoded->code_validation, StatusIs(kInvalid, "(func 1, offset"));
  CHECK(Validate(*decoded) == *decoded->code_validation);
}

TEST_CASE("validator types fixed-signature operators from the table", "[wasm][validator]") {
  CHECK_THAT(CheckBody({}, {kI32}, Asm().I32(1).I32(2).Op(Opcode::kI32Add)), IsOk());
  absl::Status status = CheckBody({}, {kI32}, Asm().I32(1).F32().Op(Opcode::kI32Add));
  CHECK_THAT(status, StatusIs(kInvalid, "type mismatch: i32.add expects [i32 i32], got [i32 f32]"));
  CHECK_THAT(status, StatusIs(kInvalid, "(func 0, offset 0x"));
  CHECK_THAT(CheckBody({}, {kI32}, Asm().I32(1).Op(Opcode::kI32Add)),
             StatusIs(kInvalid, "type mismatch: i32.add expects [i32 i32], got [i32]"));
}

TEST_CASE("validator requires a function to leave exactly its results", "[wasm][validator]") {
  CHECK_THAT(CheckBody({}, {kI32}, Asm()), StatusIs(kInvalid, "type mismatch"));
  CHECK_THAT(CheckBody({}, {}, Asm().I32(0)),
             StatusIs(kInvalid, "type mismatch: end expects [], got [i32]"));
  CHECK_THAT(CheckBody({}, {kI32, kI64}, Asm().I32(0).I64(0)), IsOk());
}

// -- The polymorphic stack --------------------------------------------------------------------

TEST_CASE("validator lets unreachable code pop any operand", "[wasm][validator]") {
  SECTION("after unreachable") {
    CHECK_THAT(CheckBody({}, {kI32}, Asm().Op(Opcode::kUnreachable).Op(Opcode::kI32Add)), IsOk());
  }
  SECTION("after return") {
    CHECK_THAT(CheckBody({}, {kI64}, Asm().I64(0).Op(Opcode::kReturn).Op(Opcode::kDrop)), IsOk());
  }
  SECTION("but still checks the operands that are there") {
    CHECK_THAT(CheckBody({}, {kI32}, Asm().Op(Opcode::kUnreachable).F32().Op(Opcode::kI32Add)),
               StatusIs(kInvalid, "type mismatch"));
  }
  SECTION("and untyped select keeps the known type") {
    CHECK_THAT(CheckBody({}, {kI32}, Asm().Op(Opcode::kUnreachable).I32(0).Op(Opcode::kSelect)),
               IsOk());
    CHECK_THAT(CheckBody({}, {kI64}, Asm().Op(Opcode::kUnreachable).I32(0).Op(Opcode::kSelect)),
               IsOk());
  }
}

// -- Blocks -----------------------------------------------------------------------------------

TEST_CASE("validator checks block results", "[wasm][validator]") {
  const Asm good = Asm().Op(Opcode::kBlock).Type(kI32).I32(0).End();
  CHECK_THAT(CheckBody({}, {kI32}, good), IsOk());
  const Asm bad = Asm().Op(Opcode::kBlock).Type(kI32).I64(0).End();
  CHECK_THAT(CheckBody({}, {kI32}, bad),
             StatusIs(kInvalid, "type mismatch: end expects [i32], got [i64]"));
  // A block cannot see operands pushed outside it.
  const Asm outside = Asm().I32(0).Op(Opcode::kBlock).Type(kI32).End();
  CHECK_THAT(CheckBody({}, {kI32}, outside), StatusIs(kInvalid, "type mismatch"));
}

TEST_CASE("validator passes params of type-index block types into the block", "[wasm][validator]") {
  TestModule module;
  const uint32_t func = module.Type({}, {kI64});
  const uint32_t block = module.Type({kI32, kI32}, {kI64});
  module.Func(func, Asm()
                        .I32(1)
                        .I32(2)
                        .Op(Opcode::kBlock, block)
                        .Op(Opcode::kI32Add)
                        .Op(Opcode::kI64ExtendI32U)
                        .End());
  CHECK_THAT(Check(module), IsOk());

  TestModule missing;
  missing.Func(missing.Type({}, {}), Asm().Op(Opcode::kBlock, 7).End());
  CHECK_THAT(Check(missing), StatusIs(kInvalid, "unknown type 7"));
}

TEST_CASE("validator requires an if without else to have equal params and results",
          "[wasm][validator]") {
  CHECK_THAT(CheckBody({}, {}, Asm().I32(1).Op(Opcode::kIf).Byte(0x40).End()), IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, Asm().I32(1).Op(Opcode::kIf).Type(kI32).I32(0).End()),
             StatusIs(kInvalid, "type mismatch"));
  CHECK_THAT(
      CheckBody({}, {kI32},
                Asm().I32(1).Op(Opcode::kIf).Type(kI32).I32(0).Op(Opcode::kElse).I32(1).End()),
      IsOk());
  CHECK_THAT(CheckBody({}, {}, Asm().F32().Op(Opcode::kIf).Byte(0x40).End()),
             StatusIs(kInvalid, "type mismatch: if expects [i32], got [f32]"));
}

TEST_CASE("validator checks both branches of an if", "[wasm][validator]") {
  TestModule module;
  const uint32_t func = module.Type({}, {kI64});
  const uint32_t branch = module.Type({kI64}, {kI64});
  // Each branch starts from the if's params.
  module.Func(func, Asm()
                        .I64(1)
                        .I32(1)
                        .Op(Opcode::kIf, branch)
                        .Op(Opcode::kElse)
                        .Op(Opcode::kI64Eqz)
                        .Op(Opcode::kI64ExtendI32U)
                        .End());
  CHECK_THAT(Check(module), IsOk());
  module.Func(
      func,
      Asm().I64(1).I32(1).Op(Opcode::kIf, branch).Op(Opcode::kElse).Op(Opcode::kI64Eqz).End());
  CHECK_THAT(Check(module), StatusIs(kInvalid, "type mismatch: end expects [i64], got [i32]"));

  // The then branch is checked when else closes it. (A stray else is malformed: the decoder
  // rejects it before validation.)
  CHECK_THAT(
      CheckBody({}, {kI32},
                Asm().I32(1).Op(Opcode::kIf).Type(kI32).F32().Op(Opcode::kElse).I32(0).End()),
      StatusIs(kInvalid, "type mismatch: else expects [i32], got [f32]"));
}

TEST_CASE("validator checks return against the function results", "[wasm][validator]") {
  CHECK_THAT(CheckBody({}, {kI32},
                       Asm().Op(Opcode::kBlock).Byte(0x40).I32(1).Op(Opcode::kReturn).End().I32(2)),
             IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, Asm().I64(1).Op(Opcode::kReturn)),
             StatusIs(kInvalid, "type mismatch: return expects [i32], got [i64]"));
  CHECK_THAT(CheckBody({kI32}, {}, Asm().Op(Opcode::kCall, 0)),
             StatusIs(kInvalid, "type mismatch: call expects [i32], got []"));
}

// -- Branches ---------------------------------------------------------------------------------

TEST_CASE("validator checks branch labels", "[wasm][validator]") {
  CHECK_THAT(CheckBody({}, {}, Asm().Op(Opcode::kBr, 1)), StatusIs(kInvalid, "unknown label 1"));
  CHECK_THAT(CheckBody({}, {kI32}, Asm().I32(0).Op(Opcode::kBr, 0)), IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, Asm().F32().Op(Opcode::kBr, 0)),
             StatusIs(kInvalid, "type mismatch: br expects [i32], got [f32]"));
  // A branch to a loop carries the loop's params, not its results.
  CHECK_THAT(CheckBody({}, {kI32}, Asm().Op(Opcode::kLoop).Type(kI32).Op(Opcode::kBr, 0).End()),
             IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, Asm().I32(7).I32(1).Op(Opcode::kBrIf, 0)), IsOk());
}

TEST_CASE("validator checks every br_table target against the operands", "[wasm][validator]") {
  auto table = [](std::vector<uint32_t> targets) {
    Asm code;
    code.Op(Opcode::kBrTable).U32(targets.size() - 1);
    for (uint32_t target : targets) code.U32(target);
    return code;
  };
  // Targets 0 (block [] -> [i64]) and 1 (the function, [] -> [i32]).
  auto body = [&](Asm operands, std::vector<uint32_t> targets) {
    Asm code = Asm().Op(Opcode::kBlock).Type(kI64);
    Bytes ops = operands.bytes();
    for (uint8_t b : ops) code.Byte(b);
    Bytes jump = table(targets).bytes();
    for (uint8_t b : jump) code.Byte(b);
    return code.End().Op(Opcode::kDrop).I32(0);
  };
  CHECK_THAT(CheckBody({}, {kI32}, body(Asm().I64(0).I32(0), {0, 0})), IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, body(Asm().I64(0).I32(0), {0, 1})),
             StatusIs(kInvalid, "type mismatch"));
  // With a polymorphic stack, targets of one arity but different types are fine (Wasm 2.0).
  CHECK_THAT(CheckBody({}, {kI32}, body(Asm().Op(Opcode::kUnreachable).I32(0), {0, 1})), IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, body(Asm().I32(0), {0, 2})),
             StatusIs(kInvalid, "unknown label 2"));
  // Different arities never match.
  Asm arity = Asm()
                  .Op(Opcode::kBlock)
                  .Byte(0x40)
                  .Op(Opcode::kUnreachable)
                  .I32(0)
                  .Op(Opcode::kBrTable)
                  .U32(1)
                  .U32(0)
                  .U32(1)
                  .End()
                  .I32(0);
  CHECK_THAT(CheckBody({}, {kI32}, arity), StatusIs(kInvalid, "type mismatch"));
}

// -- Calls ------------------------------------------------------------------------------------

TEST_CASE("validator checks calls", "[wasm][validator]") {
  TestModule module;
  const uint32_t unary = module.Type({kI32}, {kI32});
  module.Func(unary, Asm().Op(Opcode::kLocalGet, 0).Op(Opcode::kCall, 0));
  CHECK_THAT(Check(module), IsOk());

  CHECK_THAT(CheckBody({}, {}, Asm().Op(Opcode::kCall, 3)),
             StatusIs(kInvalid, "unknown function 3"));

  TestModule no_table;
  no_table.Func(no_table.Type({}, {}), Asm().I32(0).Op(Opcode::kCallIndirect).U32(0).U32(0));
  CHECK_THAT(Check(no_table), StatusIs(kInvalid, "unknown table 0"));

  TestModule extern_table;
  extern_table.Table(kExternRef, 1);
  extern_table.Func(extern_table.Type({}, {}),
                    Asm().I32(0).Op(Opcode::kCallIndirect).U32(0).U32(0));
  CHECK_THAT(Check(extern_table), StatusIs(kInvalid, "type mismatch"));

  TestModule bad_type;
  bad_type.Table(kFuncRef, 1);
  bad_type.Func(bad_type.Type({}, {}), Asm().I32(0).Op(Opcode::kCallIndirect).U32(5).U32(0));
  CHECK_THAT(Check(bad_type), StatusIs(kInvalid, "unknown type 5"));

  TestModule good;
  good.Table(kFuncRef, 1);
  good.Func(good.Type({}, {}), Asm().I32(0).Op(Opcode::kCallIndirect).U32(0).U32(0));
  CHECK_THAT(Check(good), IsOk());
}

// -- Variables --------------------------------------------------------------------------------

TEST_CASE("validator types locals from params and declarations", "[wasm][validator]") {
  CHECK_THAT(CheckBody({kI32}, {kI64}, Asm().Op(Opcode::kLocalGet, 1), {{2, kF32}, {1, kI64}}),
             StatusIs(kInvalid, "type mismatch"));
  CHECK_THAT(CheckBody({kI32}, {kI64}, Asm().Op(Opcode::kLocalGet, 3), {{2, kF32}, {1, kI64}}),
             IsOk());
  CHECK_THAT(CheckBody({kI32}, {}, Asm().Op(Opcode::kLocalGet, 4), {{2, kF32}, {1, kI64}}),
             StatusIs(kInvalid, "unknown local 4"));
  CHECK_THAT(CheckBody({}, {kF32}, Asm().F32().Op(Opcode::kLocalTee, 0), {{1, kF32}}), IsOk());
  // Huge local runs are looked up without being expanded.
  CHECK_THAT(
      CheckBody({}, {kI64}, Asm().Op(Opcode::kLocalGet, 200000), {{100000, kI32}, {150000, kI64}}),
      IsOk());
}

TEST_CASE("validator requires global.set to target a mutable global", "[wasm][validator]") {
  TestModule module;
  module.Global(kI32, false, Asm().I32(0));
  module.Global(kI32, true, Asm().I32(0));
  module.Func(module.Type({}, {}), Asm().I32(1).Op(Opcode::kGlobalSet, 1));
  CHECK_THAT(Check(module), IsOk());
  module.Func(0, Asm().I32(1).Op(Opcode::kGlobalSet, 0));
  CHECK_THAT(Check(module), StatusIs(kInvalid, "global is immutable"));

  CHECK_THAT(CheckBody({}, {kI32}, Asm().Op(Opcode::kGlobalGet, 0)),
             StatusIs(kInvalid, "unknown global 0"));
}

// -- Constant expressions ---------------------------------------------------------------------

TEST_CASE("validator checks constant expressions", "[wasm][validator]") {
  SECTION("only constant operators") {
    TestModule module;
    module.Global(kI32, false, Asm().I32(1).I32(2).Op(Opcode::kI32Add));
    CHECK_THAT(Check(module), StatusIs(kInvalid, "constant expression required"));
  }
  SECTION("one value of the global's type") {
    TestModule module;
    module.Global(kI32, false, Asm().I64(1));
    CHECK_THAT(Check(module), StatusIs(kInvalid, "type mismatch"));
    TestModule empty;
    empty.Global(kI32, false, Asm());
    CHECK_THAT(Check(empty), StatusIs(kInvalid, "type mismatch"));
  }
  SECTION("global.get of an immutable imported global") {
    TestModule module;
    module.ImportGlobal(kI32, false);
    module.Global(kI32, false, Asm().Op(Opcode::kGlobalGet, 0));
    CHECK_THAT(Check(module), IsOk());

    TestModule mut;
    mut.ImportGlobal(kI32, true);
    mut.Global(kI32, false, Asm().Op(Opcode::kGlobalGet, 0));
    CHECK_THAT(Check(mut), StatusIs(kInvalid, "constant expression required"));

    // Wasm 2.0 does not let initializers read globals defined by the module.
    TestModule defined;
    defined.Global(kI32, false, Asm().I32(0));
    defined.Global(kI32, false, Asm().Op(Opcode::kGlobalGet, 0));
    CHECK_THAT(Check(defined), StatusIs(kInvalid, "unknown global 0"));
  }
  SECTION("ref.null and ref.func") {
    TestModule module;
    module.Func(module.Type({}, {}), Asm());
    module.Global(kFuncRef, false, Asm().Op(Opcode::kRefFunc, 0));
    module.Global(kExternRef, false, Asm().Op(Opcode::kRefNull).Type(kExternRef));
    CHECK_THAT(Check(module), IsOk());
    module.Global(kFuncRef, false, Asm().Op(Opcode::kRefFunc, 1));
    CHECK_THAT(Check(module), StatusIs(kInvalid, "unknown function 1"));
  }
}

// -- Tables, element segments and references --------------------------------------------------

TEST_CASE("validator checks tables and element segments", "[wasm][validator]") {
  SECTION("table limits") {
    TestModule module;
    module.Table(kFuncRef, 2, 1);
    CHECK_THAT(Check(module), StatusIs(kInvalid, "size minimum must not be greater than maximum"));
  }
  SECTION("an active segment needs its table") {
    TestModule module;
    module.Func(module.Type({}, {}), Asm());
    module.Elem(Asm().Byte(0x00).I32(0).End().U32(1).U32(0));
    CHECK_THAT(Check(module), StatusIs(kInvalid, "unknown table 0"));
    TestModule with_table = module;
    with_table.Table(kFuncRef, 1);
    CHECK_THAT(Check(with_table), IsOk());
  }
  SECTION("segment and table element types match") {
    TestModule module;
    module.Table(kExternRef, 1);
    module.Elem(Asm().Byte(0x06).U32(0).I32(0).End().Type(kFuncRef).U32(0));
    CHECK_THAT(Check(module), StatusIs(kInvalid, "type mismatch"));
  }
  SECTION("items are constant expressions of the segment type") {
    TestModule module;
    module.Elem(Asm().Byte(0x05).Type(kExternRef).U32(1).Op(Opcode::kRefNull).Type(kFuncRef).End());
    CHECK_THAT(Check(module), StatusIs(kInvalid, "type mismatch"));
  }
  SECTION("the segment offset is an i32") {
    TestModule module;
    module.Table(kFuncRef, 1);
    module.Elem(Asm().Byte(0x00).I64(0).End().U32(0));
    CHECK_THAT(Check(module), StatusIs(kInvalid, "type mismatch"));
  }
  SECTION("table operators") {
    TestModule module;
    module.Table(kExternRef, 1);
    module.Table(kFuncRef, 1);
    module.Elem(Asm().Byte(0x05).Type(kExternRef).U32(0));
    const uint32_t type = module.Type({}, {});
    module.Func(type, Asm().I32(0).Op(Opcode::kTableGet, 0).Op(Opcode::kDrop));
    module.Func(type, Asm().I32(0).I32(0).I32(0).Op(Opcode::kTableInit).U32(0).U32(0));
    CHECK_THAT(Check(module), IsOk());
    TestModule bad_init = module;
    bad_init.Func(type, Asm().I32(0).I32(0).I32(0).Op(Opcode::kTableInit).U32(0).U32(1));
    CHECK_THAT(Check(bad_init), StatusIs(kInvalid, "type mismatch"));
    TestModule bad_copy = module;
    bad_copy.Func(type, Asm().I32(0).I32(0).I32(0).Op(Opcode::kTableCopy).U32(0).U32(1));
    CHECK_THAT(Check(bad_copy), StatusIs(kInvalid, "type mismatch"));
    TestModule bad_elem = module;
    bad_elem.Func(type, Asm().Op(Opcode::kElemDrop, 4));
    CHECK_THAT(Check(bad_elem), StatusIs(kInvalid, "unknown elem segment 4"));
    TestModule bad_set = module;
    bad_set.Func(type, Asm().I32(0).Op(Opcode::kRefNull).Type(kFuncRef).Op(Opcode::kTableSet, 0));
    CHECK_THAT(Check(bad_set), StatusIs(kInvalid, "type mismatch"));
  }
}

TEST_CASE("validator requires ref.func in code to name a declared function", "[wasm][validator]") {
  TestModule module;
  const uint32_t type = module.Type({}, {});
  module.Func(type, Asm().Op(Opcode::kRefFunc, 0).Op(Opcode::kDrop));
  CHECK_THAT(Check(module), StatusIs(kInvalid, "undeclared function reference"));

  SECTION("declared by an export") {
    module.Export("f", ExternKind::kFunc, 0);
    CHECK_THAT(Check(module), IsOk());
  }
  SECTION("declared by a declarative element segment") {
    module.Elem(Asm().Byte(0x03).Byte(0x00).U32(1).U32(0));
    CHECK_THAT(Check(module), IsOk());
  }
  SECTION("declared by a global initializer") {
    module.Global(kFuncRef, false, Asm().Op(Opcode::kRefFunc, 0));
    CHECK_THAT(Check(module), IsOk());
  }
}

TEST_CASE("validator types reference operators", "[wasm][validator]") {
  CHECK_THAT(
      CheckBody({}, {kI32}, Asm().Op(Opcode::kRefNull).Type(kExternRef).Op(Opcode::kRefIsNull)),
      IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, Asm().I32(0).Op(Opcode::kRefIsNull)),
             StatusIs(kInvalid, "type mismatch"));
}

// -- Memories and data ------------------------------------------------------------------------

TEST_CASE("validator checks memories", "[wasm][validator]") {
  SECTION("at most one") {
    TestModule module;
    module.ImportMemory(1);
    module.Memory(1);
    CHECK_THAT(Check(module), StatusIs(kInvalid, "multiple memories"));
  }
  SECTION("limits") {
    TestModule big;
    big.Memory(65537);
    CHECK_THAT(Check(big), StatusIs(kInvalid, "memory size must be at most 65536 pages (4GiB)"));
    TestModule big_max;
    big_max.Memory(0, 65537);
    CHECK_THAT(Check(big_max),
               StatusIs(kInvalid, "memory size must be at most 65536 pages (4GiB)"));
    TestModule inverted;
    inverted.Memory(2, 1);
    CHECK_THAT(Check(inverted),
               StatusIs(kInvalid, "size minimum must not be greater than maximum"));
    TestModule largest;
    largest.Memory(65536, 65536);
    CHECK_THAT(Check(largest), IsOk());
  }
  SECTION("memory operators need a memory") {
    CHECK_THAT(CheckBody({}, {kI32}, Asm().I32(0).Op(Opcode::kI32Load).MemArg(2)),
               StatusIs(kInvalid, "unknown memory 0"));
    CHECK_THAT(CheckBody({}, {kI32}, Asm().Op(Opcode::kMemorySize).Byte(0)),
               StatusIs(kInvalid, "unknown memory 0"));
  }
  SECTION("alignment is at most natural") {
    TestModule module;
    module.Memory(1);
    const uint32_t type = module.Type({}, {kI32});
    module.Func(type, Asm().I32(0).Op(Opcode::kI32Load).MemArg(2));
    module.Func(type, Asm().I32(0).Op(Opcode::kI32Load16S).MemArg(1));
    CHECK_THAT(Check(module), IsOk());
    module.Func(type, Asm().I32(0).Op(Opcode::kI32Load16S).MemArg(2));
    CHECK_THAT(Check(module), StatusIs(kInvalid, "alignment must not be larger than natural"));
  }
}

TEST_CASE("validator checks data segments and their operators", "[wasm][validator]") {
  TestModule module;
  module.Data(Asm().Byte(0x00).I32(0).End().U32(0));
  CHECK_THAT(Check(module), StatusIs(kInvalid, "unknown memory 0"));
  module.Memory(1);
  CHECK_THAT(Check(module), IsOk());

  TestModule passive;
  passive.Memory(1);
  passive.DataCount(1);
  passive.Data(Asm().Byte(0x01).U32(0));
  const uint32_t type = passive.Type({}, {});
  passive.Func(
      type,
      Asm().I32(0).I32(0).I32(0).Op(Opcode::kMemoryInit).U32(0).Byte(0).Op(Opcode::kDataDrop, 0));
  CHECK_THAT(Check(passive), IsOk());
  passive.Func(type, Asm().Op(Opcode::kDataDrop, 1));
  CHECK_THAT(Check(passive), StatusIs(kInvalid, "unknown data segment 1"));
}

// -- Parametric operators ---------------------------------------------------------------------

TEST_CASE("validator checks select", "[wasm][validator]") {
  CHECK_THAT(CheckBody({}, {kV128}, Asm().V128().V128().I32(0).Op(Opcode::kSelect)), IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, Asm().I32(0).I64(0).I32(0).Op(Opcode::kSelect)),
             StatusIs(kInvalid, "type mismatch"));
  // Untyped select does not choose between references; the typed form does.
  const Asm refs =
      Asm().Op(Opcode::kRefNull).Type(kFuncRef).Op(Opcode::kRefNull).Type(kFuncRef).I32(0);
  Asm untyped = refs;
  CHECK_THAT(CheckBody({}, {kFuncRef}, untyped.Op(Opcode::kSelect)),
             StatusIs(kInvalid, "type mismatch"));
  Asm typed = refs;
  CHECK_THAT(CheckBody({}, {kFuncRef}, typed.Op(Opcode::kSelectT).U32(1).Type(kFuncRef)), IsOk());
  Asm two = refs;
  CHECK_THAT(
      CheckBody({}, {kFuncRef}, two.Op(Opcode::kSelectT).U32(2).Type(kFuncRef).Type(kFuncRef)),
      StatusIs(kInvalid, "invalid result arity"));
}

// -- SIMD lanes -------------------------------------------------------------------------------

TEST_CASE("validator checks lane indices", "[wasm][validator]") {
  CHECK_THAT(CheckBody({}, {kI32}, Asm().V128().Op(Opcode::kI8x16ExtractLaneS).Byte(15)), IsOk());
  CHECK_THAT(CheckBody({}, {kI32}, Asm().V128().Op(Opcode::kI8x16ExtractLaneS).Byte(16)),
             StatusIs(kInvalid, "invalid lane index"));
  CHECK_THAT(CheckBody({}, {kI64}, Asm().V128().Op(Opcode::kI64x2ExtractLane).Byte(2)),
             StatusIs(kInvalid, "invalid lane index"));
  Asm shuffle = Asm().V128().V128().Op(Opcode::kI8x16Shuffle);
  for (int i = 0; i < 15; ++i) shuffle.Byte(31);
  CHECK_THAT(CheckBody({}, {kV128}, Asm(shuffle).Byte(31)), IsOk());
  CHECK_THAT(CheckBody({}, {kV128}, Asm(shuffle).Byte(32)),
             StatusIs(kInvalid, "invalid lane index"));
}

TEST_CASE("validator checks lane loads and stores", "[wasm][validator]") {
  TestModule module;
  module.Memory(1);
  const uint32_t type = module.Type({}, {kV128});
  module.Func(type, Asm().I32(0).V128().Op(Opcode::kV128Load16Lane).MemArg(1).Byte(7));
  CHECK_THAT(Check(module), IsOk());
  TestModule lane = module;
  lane.Func(type, Asm().I32(0).V128().Op(Opcode::kV128Load16Lane).MemArg(1).Byte(8));
  CHECK_THAT(Check(lane), StatusIs(kInvalid, "invalid lane index"));
  TestModule align = module;
  align.Func(type, Asm().I32(0).V128().Op(Opcode::kV128Load16Lane).MemArg(2).Byte(0));
  CHECK_THAT(Check(align), StatusIs(kInvalid, "alignment must not be larger than natural"));
}

TEST_CASE("validator types table.size, table.grow and table.fill by the table",
          "[wasm][validator]") {
  TestModule module;
  module.Table(kExternRef, 1);
  const uint32_t type = module.Type({}, {kI32});
  module.Func(type, Asm().Op(Opcode::kTableSize, 0));
  module.Func(type, Asm().Op(Opcode::kRefNull).Type(kExternRef).I32(1).Op(Opcode::kTableGrow, 0));
  module.Func(
      type,
      Asm().I32(0).Op(Opcode::kRefNull).Type(kExternRef).I32(1).Op(Opcode::kTableFill, 0).I32(0));
  CHECK_THAT(Check(module), IsOk());
  TestModule grow = module;
  grow.Func(type, Asm().Op(Opcode::kRefNull).Type(kFuncRef).I32(1).Op(Opcode::kTableGrow, 0));
  CHECK_THAT(
      Check(grow),
      StatusIs(kInvalid, "type mismatch: table.grow expects [externref i32], got [funcref i32]"));
  TestModule missing = module;
  missing.Func(type, Asm().Op(Opcode::kTableSize, 1));
  CHECK_THAT(Check(missing), StatusIs(kInvalid, "unknown table 1"));
}

// -- Module-level rules -----------------------------------------------------------------------

TEST_CASE("validator checks the start function", "[wasm][validator]") {
  TestModule module;
  module.Func(module.Type({}, {}), Asm());
  module.Func(module.Type({kI32}, {}), Asm());
  module.Start(0);
  CHECK_THAT(Check(module), IsOk());
  module.Start(1);
  CHECK_THAT(Check(module), StatusIs(kInvalid, "start function"));
  module.Start(2);
  CHECK_THAT(Check(module), StatusIs(kInvalid, "unknown function 2"));
}

TEST_CASE("validator checks exports", "[wasm][validator]") {
  TestModule module;
  module.Func(module.Type({}, {}), Asm());
  module.Memory(1);
  module.Export("f", ExternKind::kFunc, 0);
  module.Export("m", ExternKind::kMemory, 0);
  CHECK_THAT(Check(module), IsOk());

  SECTION("names are unique") {
    module.Export("f", ExternKind::kMemory, 0);
    CHECK_THAT(Check(module), StatusIs(kInvalid, "duplicate export name"));
  }
  SECTION("indices exist") {
    module.Export("g", ExternKind::kGlobal, 0);
    CHECK_THAT(Check(module), StatusIs(kInvalid, "unknown global 0"));
  }
}

TEST_CASE("validator checks imported function types", "[wasm][validator]") {
  TestModule module;
  module.ImportFunc(3);
  CHECK_THAT(Check(module), StatusIs(kInvalid, "unknown type 3"));
}

TEST_CASE("validator checks many functions with one set of stacks", "[wasm][validator]") {
  TestModule module;
  const uint32_t deep = module.Type({}, {kI32});
  for (int i = 0; i < 20; ++i) {
    Asm body;
    for (int depth = 0; depth < i; ++depth) body.Op(Opcode::kBlock).Type(kI32);
    body.I32(i);
    for (int depth = 0; depth < i; ++depth) body.End();
    module.Func(deep, body);
  }
  CHECK_THAT(Check(module), IsOk());
  module.Func(deep, Asm().Op(Opcode::kBlock).Type(kI32).End());
  absl::Status status = Check(module);
  CHECK_THAT(status, StatusIs(kInvalid, "type mismatch"));
  CHECK_THAT(status, StatusIs(kInvalid, "(func 20, offset"));
}

}  // namespace kiln::wasm
