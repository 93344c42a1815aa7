// The .wast script parser: commands over the text format's tokens. Modules are delegated to
// ParseModule; when a module fails to parse, the cursor goes back to its "(" and skips the
// balanced list, so one malformed module costs one command, not the file.
#include "compiler/text/script.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "compiler/text/lexer.h"
#include "compiler/text/numbers.h"

namespace kiln::text {
namespace {

using wasm::ValType;

absl::Status Unexpected(const Token& token, absl::string_view expected) {
  absl::string_view got = token.kind == TokenKind::kEof ? "end of input" : token.text;
  return absl::InvalidArgumentError(
      absl::StrCat("unexpected token: expected ", expected, ", got ", got, " at ",
                   Location(token)));
}

// WithLocation appends the token's position to an error from a number parser.
absl::Status WithLocation(const absl::Status& status, const Token& token) {
  return absl::Status(status.code(), absl::StrCat(status.message(), " at ", Location(token)));
}

absl::Status ExpectKind(TokenCursor& cursor, TokenKind kind, absl::string_view what) {
  if (cursor.Peek().kind != kind) return Unexpected(cursor.Peek(), what);
  cursor.Next();
  return absl::OkStatus();
}

absl::Status ExpectLParen(TokenCursor& cursor) { return ExpectKind(cursor, TokenKind::kLParen, "("); }
absl::Status ExpectRParen(TokenCursor& cursor) { return ExpectKind(cursor, TokenKind::kRParen, ")"); }

absl::StatusOr<std::string> ExpectString(TokenCursor& cursor) {
  if (cursor.Peek().kind != TokenKind::kString) return Unexpected(cursor.Peek(), "a string");
  return cursor.Next().value;
}

std::optional<std::string> OptionalId(TokenCursor& cursor) {
  if (cursor.Peek().kind != TokenKind::kId) return std::nullopt;
  return cursor.Next().value;
}

// -- Constants ------------------------------------------------------------------------------

// LaneFormat describes one v128 shape: its lane count and width.
struct LaneFormat {
  LaneShape shape;
  int count;
  int bits;
  bool is_float;
};

std::optional<LaneFormat> FindLaneFormat(absl::string_view name) {
  static constexpr struct {
    absl::string_view name;
    LaneFormat format;
  } kFormats[] = {
      {"i8x16", {LaneShape::kI8x16, 16, 8, false}}, {"i16x8", {LaneShape::kI16x8, 8, 16, false}},
      {"i32x4", {LaneShape::kI32x4, 4, 32, false}}, {"i64x2", {LaneShape::kI64x2, 2, 64, false}},
      {"f32x4", {LaneShape::kF32x4, 4, 32, true}},  {"f64x2", {LaneShape::kF64x2, 2, 64, true}},
  };
  for (const auto& entry : kFormats) {
    if (entry.name == name) return entry.format;
  }
  return std::nullopt;
}

// ParseLane parses one lane literal of `bits` width (integer or float as the shape says).
absl::StatusOr<uint64_t> ParseLane(const Token& token, const LaneFormat& format) {
  if (token.kind != TokenKind::kNumber) return Unexpected(token, "a lane literal");
  absl::StatusOr<uint64_t> lane;
  switch (format.shape) {
    case LaneShape::kI8x16: {
      absl::StatusOr<uint8_t> v = ParseI8(token.text);
      lane = v.ok() ? absl::StatusOr<uint64_t>(*v) : v.status();
      break;
    }
    case LaneShape::kI16x8: {
      absl::StatusOr<uint16_t> v = ParseI16(token.text);
      lane = v.ok() ? absl::StatusOr<uint64_t>(*v) : v.status();
      break;
    }
    case LaneShape::kI32x4: {
      absl::StatusOr<uint32_t> v = ParseI32(token.text);
      lane = v.ok() ? absl::StatusOr<uint64_t>(*v) : v.status();
      break;
    }
    case LaneShape::kI64x2:
      lane = ParseI64(token.text);
      break;
    case LaneShape::kF32x4: {
      absl::StatusOr<uint32_t> v = ParseF32(token.text);
      lane = v.ok() ? absl::StatusOr<uint64_t>(*v) : v.status();
      break;
    }
    case LaneShape::kF64x2:
      lane = ParseF64(token.text);
      break;
    case LaneShape::kNone:
      return Unexpected(token, "a v128 shape");
  }
  if (!lane.ok()) return WithLocation(lane.status(), token);
  return *lane;
}

// ParseScalar parses the literal of an i32/i64/f32/f64 constant.
absl::StatusOr<absl::uint128> ParseScalar(ValType type, const Token& token) {
  if (token.kind != TokenKind::kNumber) return Unexpected(token, "a number");
  absl::Status error;
  switch (type) {
    case ValType::kI32: {
      absl::StatusOr<uint32_t> v = ParseI32(token.text);
      if (v.ok()) return absl::uint128(*v);
      error = v.status();
      break;
    }
    case ValType::kI64: {
      absl::StatusOr<uint64_t> v = ParseI64(token.text);
      if (v.ok()) return absl::uint128(*v);
      error = v.status();
      break;
    }
    case ValType::kF32: {
      absl::StatusOr<uint32_t> v = ParseF32(token.text);
      if (v.ok()) return absl::uint128(*v);
      error = v.status();
      break;
    }
    case ValType::kF64: {
      absl::StatusOr<uint64_t> v = ParseF64(token.text);
      if (v.ok()) return absl::uint128(*v);
      error = v.status();
      break;
    }
    case ValType::kV128:
    case ValType::kFuncRef:
    case ValType::kExternRef:
      return Unexpected(token, "a scalar type");
  }
  return WithLocation(error, token);
}

std::optional<ValType> ScalarConstType(absl::string_view keyword) {
  if (keyword == "i32.const") return ValType::kI32;
  if (keyword == "i64.const") return ValType::kI64;
  if (keyword == "f32.const") return ValType::kF32;
  if (keyword == "f64.const") return ValType::kF64;
  return std::nullopt;
}

std::optional<NanPattern> NanKeyword(const Token& token) {
  if (token.kind != TokenKind::kKeyword) return std::nullopt;
  if (token.text == "nan:canonical") return NanPattern::kCanonical;
  if (token.text == "nan:arithmetic") return NanPattern::kArithmetic;
  return std::nullopt;
}

absl::StatusOr<ValType> ParseHeapType(TokenCursor& cursor) {
  const Token& token = cursor.Peek();
  if (token.kind == TokenKind::kKeyword && token.text == "func") {
    cursor.Next();
    return ValType::kFuncRef;
  }
  if (token.kind == TokenKind::kKeyword && token.text == "extern") {
    cursor.Next();
    return ValType::kExternRef;
  }
  return Unexpected(token, "func or extern");
}

// ParseConstOrPattern parses "(" const ")" for both arguments and results; `expected` is set
// when nan patterns and index-less references are allowed (assert_return results).
absl::StatusOr<ExpectedValue> ParseConstOrPattern(TokenCursor& cursor, bool allow_patterns) {
  KILN_RETURN_IF_ERROR(ExpectLParen(cursor));
  const Token& head = cursor.Next();
  if (head.kind != TokenKind::kKeyword) return Unexpected(head, "a constant");
  ExpectedValue value;
  if (std::optional<ValType> type = ScalarConstType(head.text)) {
    value.type = *type;
    bool is_float = *type == ValType::kF32 || *type == ValType::kF64;
    if (std::optional<NanPattern> nan = NanKeyword(cursor.Peek());
        nan && is_float && allow_patterns) {
      cursor.Next();
      value.nan[0] = *nan;
    } else {
      KILN_ASSIGN_OR_RETURN(value.bits, ParseScalar(*type, cursor.Next()));
    }
  } else if (head.text == "v128.const") {
    value.type = ValType::kV128;
    const Token& shape_token = cursor.Next();
    std::optional<LaneFormat> format;
    if (shape_token.kind == TokenKind::kKeyword) format = FindLaneFormat(shape_token.text);
    if (!format) return Unexpected(shape_token, "a v128 shape");
    value.shape = format->shape;
    for (int lane = 0; lane < format->count; ++lane) {
      const Token& token = cursor.Next();
      uint64_t lane_bits = 0;
      if (std::optional<NanPattern> nan = NanKeyword(token);
          nan && format->is_float && allow_patterns) {
        value.nan[lane] = *nan;
      } else {
        if (token.kind == TokenKind::kRParen) {
          return absl::InvalidArgumentError(
              absl::StrCat("wrong number of lane literals at ", Location(token)));
        }
        KILN_ASSIGN_OR_RETURN(lane_bits, ParseLane(token, *format));
      }
      value.bits |= absl::uint128(lane_bits) << (lane * format->bits);
    }
  } else if (head.text == "ref.null") {
    KILN_ASSIGN_OR_RETURN(value.type, ParseHeapType(cursor));
    value.is_null = true;
  } else if (head.text == "ref.extern" || head.text == "ref.func") {
    value.type = head.text == "ref.extern" ? ValType::kExternRef : ValType::kFuncRef;
    const Token& token = cursor.Peek();
    if (token.kind == TokenKind::kNumber) {
      absl::StatusOr<uint32_t> index = ParseU32(token.text);
      if (!index.ok()) return WithLocation(index.status(), token);
      value.bits = *index;
      cursor.Next();
    } else if (allow_patterns) {
      value.any_non_null = true;
    } else {
      return Unexpected(token, "a reference index");
    }
  } else {
    return Unexpected(head, "a constant");
  }
  KILN_RETURN_IF_ERROR(ExpectRParen(cursor));
  return value;
}

absl::StatusOr<Value> ParseConst(TokenCursor& cursor) {
  KILN_ASSIGN_OR_RETURN(ExpectedValue parsed, ParseConstOrPattern(cursor, false));
  Value value;
  value.type = parsed.type;
  value.bits = parsed.bits;
  value.is_null = parsed.is_null;
  return value;
}

// -- Modules and actions --------------------------------------------------------------------

// ParseScriptModule parses a (module ...) at the cursor. A module that fails to parse keeps
// its error, and the cursor moves past the module's list either way.
absl::StatusOr<ScriptModule> ParseScriptModule(TokenCursor& cursor) {
  if (!cursor.PeekIsListOf("module")) return Unexpected(cursor.Peek(), "(module ...)");
  ScriptModule module;
  size_t start = cursor.Position();
  module.line = cursor.Peek().line;
  if (cursor.Peek(2).kind == TokenKind::kId) module.id = cursor.Peek(2).value;
  module.parsed = ParseModule(cursor);
  if (!module.parsed.ok()) {
    cursor.Reset(start);
    cursor.SkipList();
  }
  return module;
}

absl::StatusOr<Action> ParseAction(TokenCursor& cursor) {
  KILN_RETURN_IF_ERROR(ExpectLParen(cursor));
  const Token& head = cursor.Next();
  Action action;
  if (head.kind == TokenKind::kKeyword && head.text == "invoke") {
    action.type = ActionType::kInvoke;
  } else if (head.kind == TokenKind::kKeyword && head.text == "get") {
    action.type = ActionType::kGet;
  } else {
    return Unexpected(head, "invoke or get");
  }
  action.module_id = OptionalId(cursor);
  KILN_ASSIGN_OR_RETURN(action.name, ExpectString(cursor));
  if (action.type == ActionType::kInvoke) {
    while (cursor.Peek().kind == TokenKind::kLParen) {
      KILN_ASSIGN_OR_RETURN(Value arg, ParseConst(cursor));
      action.args.push_back(arg);
    }
  }
  KILN_RETURN_IF_ERROR(ExpectRParen(cursor));
  return action;
}

bool PeekIsAction(const TokenCursor& cursor) {
  return cursor.PeekIsListOf("invoke") || cursor.PeekIsListOf("get");
}

// -- Commands -------------------------------------------------------------------------------

// ParseCommandBody parses what follows the command keyword, up to (not including) the
// closing parenthesis.
absl::Status ParseCommandBody(TokenCursor& cursor, Command& command) {
  switch (command.type) {
    case CommandType::kModule:
      return absl::OkStatus();  // handled by the caller: the command is the module itself
    case CommandType::kRegister: {
      KILN_ASSIGN_OR_RETURN(command.register_name, ExpectString(cursor));
      command.register_module_id = OptionalId(cursor);
      return absl::OkStatus();
    }
    case CommandType::kInvoke:
    case CommandType::kGet:
      return absl::OkStatus();  // handled by the caller: the command is the action itself
    case CommandType::kAssertReturn: {
      KILN_ASSIGN_OR_RETURN(command.action, ParseAction(cursor));
      while (cursor.Peek().kind == TokenKind::kLParen) {
        KILN_ASSIGN_OR_RETURN(ExpectedValue expected, ParseConstOrPattern(cursor, true));
        command.expected.push_back(expected);
      }
      return absl::OkStatus();
    }
    case CommandType::kAssertTrap: {
      // The old form (assert_trap (module ...) "msg") means instantiation traps.
      if (cursor.PeekIsListOf("module")) {
        command.type = CommandType::kAssertUninstantiable;
        KILN_ASSIGN_OR_RETURN(command.module, ParseScriptModule(cursor));
      } else {
        KILN_ASSIGN_OR_RETURN(command.action, ParseAction(cursor));
      }
      KILN_ASSIGN_OR_RETURN(command.message, ExpectString(cursor));
      return absl::OkStatus();
    }
    case CommandType::kAssertExhaustion: {
      KILN_ASSIGN_OR_RETURN(command.action, ParseAction(cursor));
      KILN_ASSIGN_OR_RETURN(command.message, ExpectString(cursor));
      return absl::OkStatus();
    }
    case CommandType::kAssertInvalid:
    case CommandType::kAssertMalformed:
    case CommandType::kAssertUnlinkable:
    case CommandType::kAssertUninstantiable: {
      KILN_ASSIGN_OR_RETURN(command.module, ParseScriptModule(cursor));
      KILN_ASSIGN_OR_RETURN(command.message, ExpectString(cursor));
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

constexpr CommandType kAllCommandTypes[] = {
    CommandType::kModule,           CommandType::kRegister,
    CommandType::kInvoke,           CommandType::kGet,
    CommandType::kAssertReturn,     CommandType::kAssertTrap,
    CommandType::kAssertExhaustion, CommandType::kAssertInvalid,
    CommandType::kAssertMalformed,  CommandType::kAssertUnlinkable,
    CommandType::kAssertUninstantiable,
};

// StartsWithModuleField is true when the script opens with a module field such as
// "(func ...)": the whole script is then one inline module.
bool StartsWithModuleField(const TokenCursor& cursor) {
  for (absl::string_view field : {"type", "import", "func", "table", "memory", "global",
                                  "export", "start", "elem", "data"}) {
    if (cursor.PeekIsListOf(field)) return true;
  }
  return false;
}

absl::StatusOr<Command> ParseCommand(TokenCursor& cursor) {
  Command command;
  command.line = cursor.Peek().line;
  if (cursor.PeekIsListOf("module")) {
    command.type = CommandType::kModule;
    KILN_ASSIGN_OR_RETURN(command.module, ParseScriptModule(cursor));
    return command;
  }
  if (PeekIsAction(cursor)) {
    command.type =
        cursor.PeekIsListOf("invoke") ? CommandType::kInvoke : CommandType::kGet;
    KILN_ASSIGN_OR_RETURN(command.action, ParseAction(cursor));
    return command;
  }
  KILN_RETURN_IF_ERROR(ExpectLParen(cursor));
  const Token& head = cursor.Next();
  bool known = false;
  if (head.kind == TokenKind::kKeyword) {
    for (CommandType type : kAllCommandTypes) {
      if (CommandTypeName(type) == head.text) {
        command.type = type;
        known = true;
      }
    }
  }
  if (!known) return Unexpected(head, "a script command");
  KILN_RETURN_IF_ERROR(ParseCommandBody(cursor, command));
  KILN_RETURN_IF_ERROR(ExpectRParen(cursor));
  return command;
}

}  // namespace

absl::string_view CommandTypeName(CommandType type) {
  switch (type) {
    case CommandType::kModule: return "module";
    case CommandType::kRegister: return "register";
    case CommandType::kInvoke: return "invoke";
    case CommandType::kGet: return "get";
    case CommandType::kAssertReturn: return "assert_return";
    case CommandType::kAssertTrap: return "assert_trap";
    case CommandType::kAssertExhaustion: return "assert_exhaustion";
    case CommandType::kAssertInvalid: return "assert_invalid";
    case CommandType::kAssertMalformed: return "assert_malformed";
    case CommandType::kAssertUnlinkable: return "assert_unlinkable";
    case CommandType::kAssertUninstantiable: return "assert_uninstantiable";
  }
  return "unknown";
}

absl::StatusOr<Script> ParseScript(absl::string_view source) {
  KILN_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(source));
  TokenCursor cursor(tokens);
  Script script;
  if (StartsWithModuleField(cursor)) {
    // The spec allows a script that is just the fields of one module (inline-module.wast).
    Command command;
    command.type = CommandType::kModule;
    command.line = cursor.Peek().line;
    ScriptModule module;
    module.line = command.line;
    absl::StatusOr<std::vector<uint8_t>> binary = ParseWat(source);
    if (binary.ok()) {
      ParsedModule parsed;
      parsed.line = command.line;
      parsed.binary = *std::move(binary);
      module.parsed = std::move(parsed);
    } else {
      module.parsed = binary.status();
    }
    command.module = std::move(module);
    script.commands.push_back(std::move(command));
    return script;
  }
  while (!cursor.AtEof()) {
    KILN_ASSIGN_OR_RETURN(Command command, ParseCommand(cursor));
    script.commands.push_back(std::move(command));
  }
  return script;
}

}  // namespace kiln::text
