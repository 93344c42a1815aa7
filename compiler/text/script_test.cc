// Tests of the .wast script parser: command kinds and lines, actions and their constants,
// assert_return result patterns, messages, and how malformed modules are kept per command.
#include "compiler/text/script.h"

#include <string>

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::text {
namespace {

using ::kiln::testing::StatusIs;
using wasm::ValType;

Script Parse(absl::string_view source) {
  absl::StatusOr<Script> script = ParseScript(source);
  INFO(source);
  INFO(script.status().ToString());
  REQUIRE(script.ok());
  return *std::move(script);
}

absl::uint128 U128(uint64_t high, uint64_t low) { return absl::MakeUint128(high, low); }

TEST_CASE("script parser names every command and its line", "[text][script]") {
  Script script = Parse(R"wast(
(module $m)
(register "m" $m)
(invoke "f")
(get $m "g")
(assert_return (invoke "f" (i32.const 1)) (i32.const 2))
(assert_trap (invoke "f") "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_invalid (module) "type mismatch")
(assert_malformed (module quote "(func") "unexpected token")
(assert_unlinkable (module) "unknown import")
(assert_uninstantiable (module) "unreachable")
(assert_trap (module) "out of bounds")
)wast");
  std::vector<std::pair<std::string, uint32_t>> seen;
  for (const Command& command : script.commands) {
    seen.emplace_back(std::string(CommandTypeName(command.type)), command.line);
  }
  CHECK(seen == std::vector<std::pair<std::string, uint32_t>>{
                    {"module", 2},
                    {"register", 3},
                    {"invoke", 4},
                    {"get", 5},
                    {"assert_return", 6},
                    {"assert_trap", 7},
                    {"assert_exhaustion", 8},
                    {"assert_invalid", 9},
                    {"assert_malformed", 10},
                    {"assert_unlinkable", 11},
                    {"assert_uninstantiable", 12},
                    {"assert_uninstantiable", 13},
                });
  CHECK(script.commands[0].module->id == "$m");
  CHECK(script.commands[1].register_name == "m");
  CHECK(script.commands[1].register_module_id == "$m");
  CHECK(script.commands[3].action->type == ActionType::kGet);
  CHECK(script.commands[3].action->module_id == "$m");
  CHECK(script.commands[3].action->name == "g");
  CHECK(script.commands[5].message == "unreachable");
  CHECK(script.commands[7].message == "type mismatch");
  CHECK(script.commands[11].message == "out of bounds");
  REQUIRE(script.commands[11].module.has_value());
}

TEST_CASE("script parser reads the three module forms", "[text][script]") {
  Script script = Parse(R"wast(
(module $a (func))
(module binary "\00asm" "\01\00\00\00")
(module $q quote "(func)" " (memory 1)")
)wast");
  REQUIRE(script.commands.size() == 3);
  for (const Command& command : script.commands) {
    REQUIRE(command.module.has_value());
    REQUIRE(command.module->parsed.ok());
  }
  CHECK(script.commands[0].module->parsed->form == ModuleForm::kText);
  CHECK(script.commands[0].module->id == "$a");
  CHECK(script.commands[1].module->parsed->form == ModuleForm::kBinary);
  CHECK(script.commands[1].module->parsed->binary ==
        std::vector<uint8_t>{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
  CHECK(script.commands[2].module->parsed->form == ModuleForm::kQuote);
  CHECK(script.commands[2].module->parsed->quote == "(func) (memory 1)");
  CHECK(script.commands[2].module->id == "$q");
}

TEST_CASE("a text module that fails to parse fails only its own command", "[text][script]") {
  Script script = Parse(R"wast(
(assert_malformed (module (func (i32.const 1x))) "unknown operator")
(assert_invalid (module $bad (func (nope (nested)))) "whatever")
(module)
)wast");
  REQUIRE(script.commands.size() == 3);
  REQUIRE(script.commands[0].module.has_value());
  CHECK_FALSE(script.commands[0].module->parsed.ok());
  CHECK(script.commands[0].message == "unknown operator");
  CHECK_FALSE(script.commands[1].module->parsed.ok());
  CHECK(script.commands[1].module->id == "$bad");
  CHECK(script.commands[1].line == 3);
  CHECK(script.commands[2].type == CommandType::kModule);
  CHECK(script.commands[2].module->parsed.ok());
}

TEST_CASE("script parser reads scalar and reference arguments", "[text][script]") {
  Script script = Parse(R"wast((invoke $m "f" (i32.const -1) (i64.const 0x10) (f32.const -0.0)
      (f64.const nan:0x1) (ref.null func) (ref.null extern) (ref.extern 7)))wast");
  REQUIRE(script.commands.size() == 1);
  const Action& action = *script.commands[0].action;
  CHECK(action.type == ActionType::kInvoke);
  CHECK(action.module_id == "$m");
  REQUIRE(action.args.size() == 7);
  CHECK(action.args[0].type == ValType::kI32);
  CHECK(action.args[0].bits == 0xffffffffu);
  CHECK(action.args[1].type == ValType::kI64);
  CHECK(action.args[1].bits == 16);
  CHECK(action.args[2].type == ValType::kF32);
  CHECK(action.args[2].bits == 0x80000000u);
  CHECK(action.args[3].type == ValType::kF64);
  CHECK(action.args[3].bits == 0x7ff0000000000001ull);
  CHECK(action.args[4].type == ValType::kFuncRef);
  CHECK(action.args[4].is_null);
  CHECK(action.args[5].type == ValType::kExternRef);
  CHECK(action.args[5].is_null);
  CHECK(action.args[6].type == ValType::kExternRef);
  CHECK_FALSE(action.args[6].is_null);
  CHECK(action.args[6].bits == 7);
}

TEST_CASE("script parser packs v128 lanes little-endian", "[text][script]") {
  Script script = Parse(R"wast((invoke "f"
      (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1)
      (v128.const i16x8 1 2 3 4 5 6 7 0xffff)
      (v128.const i32x4 1 2 3 -1)
      (v128.const i64x2 1 -1)
      (v128.const f32x4 1.0 -0 inf 0x1p-149)
      (v128.const f64x2 1.0 -nan)))wast");
  const std::vector<Value>& args = script.commands[0].action->args;
  REQUIRE(args.size() == 6);
  for (const Value& arg : args) CHECK(arg.type == ValType::kV128);
  CHECK(args[0].bits == U128(0xff0e0d0c0b0a0908, 0x0706050403020100));
  CHECK(args[1].bits == U128(0xffff000700060005, 0x0004000300020001));
  CHECK(args[2].bits == U128(0xffffffff00000003, 0x0000000200000001));
  CHECK(args[3].bits == U128(0xffffffffffffffff, 0x0000000000000001));
  CHECK(args[4].bits == U128(0x000000017f800000, 0x800000003f800000));
  CHECK(args[5].bits == U128(0xfff8000000000000, 0x3ff0000000000000));
}

TEST_CASE("assert_return accepts nan and reference patterns", "[text][script]") {
  Script script = Parse(R"wast((assert_return (invoke "f")
      (f32.const nan:canonical) (f64.const nan:arithmetic) (f32.const 1.5)
      (v128.const f32x4 nan:canonical 1 nan:arithmetic -1)
      (v128.const f64x2 2 nan:canonical)
      (ref.extern) (ref.func) (ref.extern 3) (ref.null func)))wast");
  const std::vector<ExpectedValue>& expected = script.commands[0].expected;
  REQUIRE(expected.size() == 9);
  CHECK(expected[0].type == ValType::kF32);
  CHECK(expected[0].nan[0] == NanPattern::kCanonical);
  CHECK(expected[1].type == ValType::kF64);
  CHECK(expected[1].nan[0] == NanPattern::kArithmetic);
  CHECK(expected[2].nan[0] == NanPattern::kNone);
  CHECK(expected[2].bits == 0x3fc00000u);
  CHECK(expected[3].shape == LaneShape::kF32x4);
  CHECK(expected[3].nan ==
        std::array<NanPattern, 4>{NanPattern::kCanonical, NanPattern::kNone,
                                  NanPattern::kArithmetic, NanPattern::kNone});
  CHECK(expected[3].bits == U128(0xbf80000000000000, 0x3f80000000000000));
  CHECK(expected[4].shape == LaneShape::kF64x2);
  CHECK(expected[4].nan[1] == NanPattern::kCanonical);
  CHECK(expected[4].bits == U128(0, 0x4000000000000000));
  CHECK(expected[5].type == ValType::kExternRef);
  CHECK(expected[5].any_non_null);
  CHECK(expected[6].type == ValType::kFuncRef);
  CHECK(expected[6].any_non_null);
  CHECK_FALSE(expected[7].any_non_null);
  CHECK(expected[7].bits == 3);
  CHECK(expected[8].is_null);
}

TEST_CASE("script syntax errors fail the whole script with a location", "[text][script]") {
  using absl::StatusCode;
  CHECK_THAT(ParseScript("(module)\n(frobnicate)").status(),
             StatusIs(StatusCode::kInvalidArgument, "unexpected token"));
  CHECK_THAT(ParseScript("(module)\n(frobnicate)").status(),
             StatusIs(StatusCode::kInvalidArgument, "at 2:2"));
  CHECK_THAT(ParseScript("(invoke \"f\" (i32.const 0x100000000))").status(),
             StatusIs(StatusCode::kInvalidArgument, "constant out of range"));
  CHECK_THAT(ParseScript("(invoke \"f\" (f32.const nan:canonical))").status(),
             StatusIs(StatusCode::kInvalidArgument, "unexpected token"));
  CHECK_THAT(ParseScript("(invoke \"f\" (ref.extern))").status(),
             StatusIs(StatusCode::kInvalidArgument, "unexpected token"));
  CHECK_THAT(ParseScript("(assert_return (invoke \"f\") (v128.const i32x4 1 2))").status(),
             StatusIs(StatusCode::kInvalidArgument, "wrong number of lane literals"));
  CHECK_THAT(ParseScript("(assert_invalid (module))").status(),
             StatusIs(StatusCode::kInvalidArgument, "expected a string"));
  CHECK_THAT(ParseScript("(module \"unclosed)").status(),
             StatusIs(StatusCode::kInvalidArgument, "unclosed string literal"));
  CHECK_THAT(ParseScript("(assert_return (invoke \"f\")").status(),
             StatusIs(StatusCode::kInvalidArgument, "end of input"));
}

TEST_CASE("a script of bare module fields is one inline module", "[text][script]") {
  Script script = Parse("\n(func) (memory 0) (func (export \"f\"))");
  REQUIRE(script.commands.size() == 1);
  CHECK(script.commands[0].type == CommandType::kModule);
  CHECK(script.commands[0].line == 2);
  REQUIRE(script.commands[0].module.has_value());
}

TEST_CASE("an empty script has no commands", "[text][script]") {
  CHECK(Parse("").commands.empty());
  CHECK(Parse(";; only a comment\n(; and another ;)").commands.empty());
}

}  // namespace
}  // namespace kiln::text
