// Errors, token helpers, name spaces and type uses of the text-format module parser; see
// wat_context.h.
#include "compiler/text/wat_context.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "compiler/base/utf8.h"
#include "compiler/text/numbers.h"
#include "compiler/wasm/opcode.h"

namespace kiln::text {

// -- Errors -------------------------------------------------------------------------------------

absl::Status Malformed(const Token& at, absl::string_view phrase, absl::string_view detail) {
  if (detail.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(phrase, " at ", Location(at)));
  }
  return absl::InvalidArgumentError(absl::StrCat(phrase, ": ", detail, " at ", Location(at)));
}

absl::Status UnknownOperator(const Token& at) {
  return absl::InvalidArgumentError(
      absl::StrCat("unknown operator ", at.text, " at ", Location(at)));
}

namespace {

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEof:
      return "end of input";
    case TokenKind::kString:
      return "a string";
    default:
      return absl::StrCat("\"", token.text, "\"");
  }
}

}  // namespace

bool IsStructuralKeyword(absl::string_view keyword) {
  static constexpr absl::string_view kKeywords[] = {
      "end",     "else",    "then",      "param",    "result",         "local",
      "type",    "export",  "import",    "item",     "offset",         "func",
      "extern",  "mut",     "table",     "memory",   "global",         "elem",
      "data",    "start",   "declare",   "module",   "binary",         "quote",
      "i32",     "i64",     "f32",       "f64",      "v128",           "funcref",
      "externref", "i8x16", "i16x8",     "i32x4",    "i64x2",          "f32x4",
      "f64x2",   "nan:canonical", "nan:arithmetic", "ref.extern", "register", "invoke",
      "get",     "script",  "input",     "output",   "ref"};
  for (absl::string_view k : kKeywords) {
    if (k == keyword) return true;
  }
  return absl::StartsWith(keyword, "assert_") || absl::StartsWith(keyword, "offset=") ||
         absl::StartsWith(keyword, "align=");
}

absl::Status Unexpected(const Token& at, absl::string_view expected) {
  if (at.kind == TokenKind::kReserved ||
      (at.kind == TokenKind::kKeyword && !IsStructuralKeyword(at.text) &&
       !wasm::LookupText(at.text).has_value())) {
    return UnknownOperator(at);
  }
  return Malformed(at, "unexpected token",
                   absl::StrCat(Describe(at), ", expected ", expected));
}

absl::Status NumberError(const Token& at, const absl::Status& status,
                         absl::string_view range_phrase) {
  if (absl::StrContains(status.message(), "out of range")) {
    return Malformed(at, range_phrase, at.text);
  }
  return UnknownOperator(at);
}

// -- Token helpers ------------------------------------------------------------------------------

bool PeekKeyword(const TokenCursor& cursor, absl::string_view keyword, size_t ahead) {
  const Token& token = cursor.Peek(ahead);
  return token.kind == TokenKind::kKeyword && token.text == keyword;
}

bool PeekIsIndex(const TokenCursor& cursor) {
  TokenKind kind = cursor.Peek().kind;
  return kind == TokenKind::kNumber || kind == TokenKind::kId;
}

bool PeekIsId(const TokenCursor& cursor) { return cursor.Peek().kind == TokenKind::kId; }

absl::Status ExpectLParen(TokenCursor& cursor) {
  if (cursor.Peek().kind != TokenKind::kLParen) return Unexpected(cursor.Peek(), "\"(\"");
  cursor.Next();
  return absl::OkStatus();
}

absl::Status ExpectRParen(TokenCursor& cursor) {
  if (cursor.Peek().kind != TokenKind::kRParen) return Unexpected(cursor.Peek(), "\")\"");
  cursor.Next();
  return absl::OkStatus();
}

absl::Status ExpectKeyword(TokenCursor& cursor, absl::string_view keyword) {
  if (!PeekKeyword(cursor, keyword)) {
    return Unexpected(cursor.Peek(), absl::StrCat("\"", keyword, "\""));
  }
  cursor.Next();
  return absl::OkStatus();
}

absl::StatusOr<std::string> ExpectString(TokenCursor& cursor) {
  if (cursor.Peek().kind != TokenKind::kString) return Unexpected(cursor.Peek(), "a string");
  return cursor.Next().value;
}

absl::StatusOr<std::string> ExpectName(TokenCursor& cursor) {
  const Token& token = cursor.Peek();
  KILN_ASSIGN_OR_RETURN(std::string name, ExpectString(cursor));
  if (!base::IsValidUtf8(name)) return Malformed(token, "malformed UTF-8 encoding", "in a name");
  return name;
}

std::string ParseStrings(TokenCursor& cursor) {
  std::string result;
  while (cursor.Peek().kind == TokenKind::kString) result += cursor.Next().value;
  return result;
}

std::string IdKey(const Token& id) {
  return id.value.empty() ? std::string(id.text) : id.value;
}

absl::StatusOr<uint32_t> ParseNat32(TokenCursor& cursor) {
  const Token& token = cursor.Peek();
  if (token.kind != TokenKind::kNumber) return Unexpected(token, "a number");
  absl::StatusOr<uint32_t> value = ParseU32(token.text);
  if (!value.ok()) return NumberError(token, value.status(), "i32 constant out of range");
  cursor.Next();
  return *value;
}

std::optional<wasm::ValType> PeekValType(const TokenCursor& cursor) {
  const Token& token = cursor.Peek();
  if (token.kind != TokenKind::kKeyword) return std::nullopt;
  absl::string_view t = token.text;
  if (t == "i32") return wasm::ValType::kI32;
  if (t == "i64") return wasm::ValType::kI64;
  if (t == "f32") return wasm::ValType::kF32;
  if (t == "f64") return wasm::ValType::kF64;
  if (t == "v128") return wasm::ValType::kV128;
  if (t == "funcref") return wasm::ValType::kFuncRef;
  if (t == "externref") return wasm::ValType::kExternRef;
  return std::nullopt;
}

absl::StatusOr<wasm::ValType> ParseValType(TokenCursor& cursor) {
  std::optional<wasm::ValType> type = PeekValType(cursor);
  if (!type) {
    const Token& token = cursor.Peek();
    // An unknown keyword where a type belongs ("anyfunc") is reported like the reference
    // interpreter's lexer does: as an unknown operator.
    if (token.kind == TokenKind::kKeyword) return UnknownOperator(token);
    return Unexpected(token, "a value type");
  }
  cursor.Next();
  return *type;
}

absl::StatusOr<wasm::ValType> ParseRefType(TokenCursor& cursor) {
  std::optional<wasm::ValType> type = PeekValType(cursor);
  if (!type || !wasm::IsRefType(*type)) {
    const Token& token = cursor.Peek();
    if (token.kind == TokenKind::kKeyword && !type) {
      return UnknownOperator(token);
    }
    return Unexpected(token, "a reference type");
  }
  cursor.Next();
  return *type;
}

// -- Name spaces --------------------------------------------------------------------------------

absl::StatusOr<uint32_t> IndexSpace::Add(const Token* id) {
  if (id != nullptr) {
    bool inserted = names_.emplace(IdKey(*id), size_).second;
    if (!inserted) return Malformed(*id, absl::StrCat("duplicate ", kind_), id->text);
  }
  return size_++;
}

absl::StatusOr<uint32_t> IndexSpace::Resolve(const Token& token) const {
  if (token.kind == TokenKind::kId) {
    auto it = names_.find(IdKey(token));
    if (it == names_.end()) return Malformed(token, absl::StrCat("unknown ", kind_), token.text);
    return it->second;
  }
  if (token.kind == TokenKind::kNumber) {
    absl::StatusOr<uint32_t> value = ParseU32(token.text);
    if (!value.ok()) return NumberError(token, value.status(), "i32 constant out of range");
    return *value;
  }
  return Unexpected(token, absl::StrCat("a ", kind_, " index"));
}

absl::StatusOr<uint32_t> IndexSpace::ResolveNext(TokenCursor& cursor) const {
  KILN_ASSIGN_OR_RETURN(uint32_t index, Resolve(cursor.Peek()));
  cursor.Next();
  return index;
}

// -- Type uses ----------------------------------------------------------------------------------

absl::Status ParseParamsAndResults(TokenCursor& cursor, bool allow_param_names, TypeUse& use) {
  while (cursor.PeekIsListOf("param")) {
    use.has_inline = true;
    cursor.Next();
    cursor.Next();
    if (PeekIsId(cursor)) {
      // (param $x t) names exactly one parameter.
      const Token& id = cursor.Peek();
      if (!allow_param_names) return Unexpected(id, "a value type");
      cursor.Next();
      KILN_ASSIGN_OR_RETURN(wasm::ValType type, ParseValType(cursor));
      use.inline_type.params.push_back(type);
      use.param_ids.push_back(&id);
    } else {
      while (cursor.Peek().kind != TokenKind::kRParen) {
        KILN_ASSIGN_OR_RETURN(wasm::ValType type, ParseValType(cursor));
        use.inline_type.params.push_back(type);
        use.param_ids.push_back(nullptr);
      }
    }
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor));
  }
  while (cursor.PeekIsListOf("result")) {
    use.has_inline = true;
    cursor.Next();
    cursor.Next();
    while (cursor.Peek().kind != TokenKind::kRParen) {
      KILN_ASSIGN_OR_RETURN(wasm::ValType type, ParseValType(cursor));
      use.inline_type.results.push_back(type);
    }
    cursor.Next();
  }
  return absl::OkStatus();
}

absl::StatusOr<TypeUse> ParseTypeUse(TokenCursor& cursor, bool allow_param_names) {
  TypeUse use;
  if (cursor.PeekIsListOf("type")) {
    cursor.Next();
    cursor.Next();
    if (!PeekIsIndex(cursor)) return Unexpected(cursor.Peek(), "a type index");
    use.type_token = &cursor.Next();
    KILN_RETURN_IF_ERROR(ExpectRParen(cursor));
  }
  KILN_RETURN_IF_ERROR(ParseParamsAndResults(cursor, allow_param_names, use));
  // A clause out of order ((result) before (param), or (type) last) is a syntax error, which
  // the reference interpreter reports before comparing any signatures.
  for (absl::string_view clause : {"type", "param", "result"}) {
    if (cursor.PeekIsListOf(clause)) return Unexpected(cursor.Peek(1), "a type use in order");
  }
  return use;
}

// -- Module state -------------------------------------------------------------------------------

uint32_t WatModule::FindOrAddType(const wasm::FuncType& type) {
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i] == type) return static_cast<uint32_t>(i);
  }
  types.push_back(type);
  return static_cast<uint32_t>(types.size() - 1);
}

absl::StatusOr<uint32_t> WatModule::ResolveTypeUse(const TypeUse& use, const Token& at,
                                                   wasm::FuncType* resolved) {
  if (use.type_token == nullptr) {
    if (resolved != nullptr) *resolved = use.inline_type;
    return FindOrAddType(use.inline_type);
  }
  KILN_ASSIGN_OR_RETURN(uint32_t index, type_names.Resolve(*use.type_token));
  if (index >= types.size()) {
    // Without an inline signature this is left to the validator; with one, there is nothing to
    // compare it with.
    if (use.has_inline) return Malformed(*use.type_token, "unknown type", use.type_token->text);
    if (resolved != nullptr) *resolved = wasm::FuncType{};
    return index;
  }
  if (use.has_inline && use.inline_type != types[index]) {
    return Malformed(at, "inline function type", "does not match the type it names");
  }
  if (resolved != nullptr) *resolved = types[index];
  return index;
}

}  // namespace kiln::text
