// The spec test suite's script format (.wast): a sequence of commands (modules, register,
// actions and assertions) written over the text format's tokens. Modules inside commands are
// parsed with text::ParseModule; a text module that fails to parse does not stop the script:
// the command keeps the error (assert_malformed expects exactly that), and parsing goes on
// after the module's closing parenthesis.
#ifndef KILN_COMPILER_TEXT_SCRIPT_H_
#define KILN_COMPILER_TEXT_SCRIPT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/value_type.h"

namespace kiln::text {

// CommandType is the kind of a script command, named as in the .wast source.
enum class CommandType : uint8_t {
  kModule,
  kRegister,
  kInvoke,  // a bare (invoke ...) at top level
  kGet,     // a bare (get ...) at top level
  kAssertReturn,
  kAssertTrap,  // (assert_trap (invoke|get ...) "msg"); with a module it is kAssertUninstantiable
  kAssertExhaustion,
  kAssertInvalid,
  kAssertMalformed,
  kAssertUnlinkable,
  kAssertUninstantiable,
};

// CommandTypeName returns the keyword of `type` ("assert_return").
absl::string_view CommandTypeName(CommandType type);

// LaneShape is how a v128 constant was written; kNone for every other type.
enum class LaneShape : uint8_t { kNone, kI8x16, kI16x8, kI32x4, kI64x2, kF32x4, kF64x2 };

// Value is a constant argument of an action: i32/i64/f32/f64 bits in the low bits of `bits`,
// all 16 bytes of a v128 (lane 0 in the low bits), or a reference.
struct Value {
  wasm::ValType type = wasm::ValType::kI32;
  absl::uint128 bits = 0;  // for (ref.extern N): N
  bool is_null = false;    // (ref.null func|extern)
};

// NanPattern is what an expected float (or float lane) allows besides exact bits.
enum class NanPattern : uint8_t {
  kNone,        // the bits must match exactly
  kCanonical,   // nan:canonical: a canonical NaN of either sign
  kArithmetic,  // nan:arithmetic: any NaN with the top mantissa bit set
};

// ExpectedValue is one result pattern of assert_return.
struct ExpectedValue {
  wasm::ValType type = wasm::ValType::kI32;
  absl::uint128 bits = 0;                // exact bits of the value or of the non-NaN lanes
  LaneShape shape = LaneShape::kNone;    // v128 only
  std::array<NanPattern, 4> nan = {};    // scalar floats: nan[0]; f32x4/f64x2: per lane
  bool is_null = false;                  // (ref.null func|extern)
  bool any_non_null = false;             // (ref.func) or (ref.extern) without an index
};

// ScriptModule is a (module ...) as written in a script, with the result of parsing it.
struct ScriptModule {
  uint32_t line = 0;
  std::optional<std::string> id;  // "$name", known even when parsing failed
  absl::StatusOr<ParsedModule> parsed = ParsedModule{};
};

// ActionType says whether an action calls a function or reads a global.
enum class ActionType : uint8_t { kInvoke, kGet };

// Action is (invoke $module? "name" const*) or (get $module? "name").
struct Action {
  ActionType type = ActionType::kInvoke;
  std::optional<std::string> module_id;  // "$name"; the latest module when absent
  std::string name;                      // the export name
  std::vector<Value> args;
};

// Command is one top-level form of a script. Which fields are set depends on `type`:
// - kModule: module.
// - kRegister: register_name and (optionally) register_module_id.
// - kInvoke, kGet, kAssertReturn, kAssertTrap, kAssertExhaustion: action.
// - kAssertReturn: expected.
// - kAssertInvalid, kAssertMalformed, kAssertUnlinkable, kAssertUninstantiable: module.
// - every assertion except assert_return: message.
struct Command {
  CommandType type = CommandType::kModule;
  uint32_t line = 0;
  std::optional<ScriptModule> module;
  std::optional<Action> action;
  std::vector<ExpectedValue> expected;
  std::string message;
  std::string register_name;
  std::optional<std::string> register_module_id;
};

// Script is a parsed .wast file.
struct Script {
  std::vector<Command> commands;
};

// ParseScript parses a whole .wast source. Errors in the script's own syntax (an unknown
// command, a malformed constant, a lexical error anywhere) fail the whole script with a
// kInvalidArgument status ending in "line:column"; errors inside a module are kept in that
// command's ScriptModule::parsed instead.
absl::StatusOr<Script> ParseScript(absl::string_view source);

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_SCRIPT_H_
