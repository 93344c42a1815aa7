// Shared pieces of the text-format module parser: error construction with the spec's phrases,
// token helpers, the per-space name tables (types, funcs, tables, memories, globals, elems,
// datas, locals), type uses, and the module state that field parsing (wat_module.cc) and
// instruction parsing (wat_instructions.cc) both read and extend.
#ifndef KILN_COMPILER_TEXT_WAT_CONTEXT_H_
#define KILN_COMPILER_TEXT_WAT_CONTEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/text/binary_writer.h"
#include "compiler/text/lexer.h"
#include "compiler/wasm/module.h"
#include "compiler/wasm/value_type.h"

namespace kiln::text {

// -- Errors -------------------------------------------------------------------------------------

// Malformed returns kInvalidArgument "<phrase>[: <detail>] at line:column".
absl::Status Malformed(const Token& at, absl::string_view phrase, absl::string_view detail = "");

// UnknownOperator returns "unknown operator <token text> at line:column".
absl::Status UnknownOperator(const Token& at);

// Unexpected reports a token that does not fit the grammar here. Tokens the lexer could not
// classify (kReserved) and keywords that are neither instructions nor part of the grammar are
// "unknown operator", as in the reference interpreter, whose lexer rejects them; anything else
// is "unexpected token".
absl::Status Unexpected(const Token& at, absl::string_view expected);

// IsStructuralKeyword is true for keywords of the module grammar that are not instructions
// (field names, `then`, `end`, value types, ...). Where an instruction could start, such a
// keyword ends the instruction sequence; any other non-instruction keyword is an unknown
// operator.
bool IsStructuralKeyword(absl::string_view keyword);

// NumberError turns a failed number-literal parse into "constant out of range" (the literal is
// well formed but does not fit) or "unknown operator" (it is not a literal of that kind).
// `range_phrase` lets callers say "i32 constant out of range" for limits and offsets.
absl::Status NumberError(const Token& at, const absl::Status& status,
                         absl::string_view range_phrase = "constant out of range");

// -- Token helpers ------------------------------------------------------------------------------

bool PeekKeyword(const TokenCursor& cursor, absl::string_view keyword, size_t ahead = 0);
bool PeekIsIndex(const TokenCursor& cursor);  // a number or an $id
bool PeekIsId(const TokenCursor& cursor);
absl::Status ExpectLParen(TokenCursor& cursor);
absl::Status ExpectRParen(TokenCursor& cursor);
absl::Status ExpectKeyword(TokenCursor& cursor, absl::string_view keyword);
absl::StatusOr<std::string> ExpectString(TokenCursor& cursor);
// ExpectName reads a string that names an import or export; its bytes must be valid UTF-8
// ("malformed UTF-8 encoding").
absl::StatusOr<std::string> ExpectName(TokenCursor& cursor);
// ParseStrings concatenates the string tokens at the cursor (possibly none).
std::string ParseStrings(TokenCursor& cursor);
// IdKey is the name an $id token binds: its text without '$', or the decoded quoted name.
std::string IdKey(const Token& id);

// ParseNat32 reads an unsigned 32-bit number token (limits, explicit indices, ...).
absl::StatusOr<uint32_t> ParseNat32(TokenCursor& cursor);
absl::StatusOr<wasm::ValType> ParseValType(TokenCursor& cursor);
absl::StatusOr<wasm::ValType> ParseRefType(TokenCursor& cursor);
// PeekValType is the value type named by the keyword at the cursor, if it is one.
std::optional<wasm::ValType> PeekValType(const TokenCursor& cursor);

// -- Name spaces --------------------------------------------------------------------------------

// IndexSpace is one of the module's index spaces with its optional $names.
class IndexSpace {
 public:
  explicit IndexSpace(absl::string_view kind) : kind_(kind) {}

  // Add appends an entry, binding `id` when given; a name bound twice is "duplicate <kind>".
  absl::StatusOr<uint32_t> Add(const Token* id);
  // Resolve turns a number or $id token into an index; unbound names are "unknown <kind>".
  absl::StatusOr<uint32_t> Resolve(const Token& token) const;
  // ResolveNext reads the index at the cursor.
  absl::StatusOr<uint32_t> ResolveNext(TokenCursor& cursor) const;
  uint32_t size() const { return size_; }

 private:
  absl::string_view kind_;
  absl::flat_hash_map<std::string, uint32_t> names_;
  uint32_t size_ = 0;
};

// -- Type uses ----------------------------------------------------------------------------------

// TypeUse is `(type x)? (param ...)* (result ...)*` as written.
struct TypeUse {
  const Token* type_token = nullptr;  // the x of (type x), when present
  bool has_inline = false;             // any (param) or (result) was written
  wasm::FuncType inline_type;
  std::vector<const Token*> param_ids;  // one per inline param; nullptr when unnamed
};

// ParseTypeUse reads a type use. Parameter names are allowed only for functions (not for
// blocks, call_indirect or types); a named param elsewhere is "unexpected token".
absl::StatusOr<TypeUse> ParseTypeUse(TokenCursor& cursor, bool allow_param_names);

// ParseParamsAndResults reads `(param ...)* (result ...)*` into `use`.
absl::Status ParseParamsAndResults(TokenCursor& cursor, bool allow_param_names, TypeUse& use);

// -- Module state -------------------------------------------------------------------------------

// WatModule is what is known about the module being parsed: every name space (filled by the
// first pass over the fields), the type section (explicit types first, then the types that
// inline type uses create, in order of appearance), and facts the encoder needs.
struct WatModule {
  std::vector<wasm::FuncType> types;
  IndexSpace type_names{"type"};
  IndexSpace funcs{"func"};
  IndexSpace tables{"table"};
  IndexSpace memories{"memory"};
  IndexSpace globals{"global"};
  IndexSpace elems{"elem"};
  IndexSpace datas{"data"};
  bool uses_data_count = false;  // memory.init or data.drop appeared: emit the datacount section

  // FindOrAddType returns the index of the first type equal to `type`, appending it if none is.
  uint32_t FindOrAddType(const wasm::FuncType& type);

  // ResolveTypeUse picks the type index of a use: (type x) checked against any inline
  // signature ("inline function type"), or the inline signature found or appended. `at` locates
  // errors. `resolved` receives the function type when it is known.
  absl::StatusOr<uint32_t> ResolveTypeUse(const TypeUse& use, const Token& at,
                                          wasm::FuncType* resolved);
};

// -- Instructions -------------------------------------------------------------------------------

// FunctionContext is the scope of a function body or constant expression: its locals and the
// labels of the enclosing blocks (innermost last; empty string for unnamed blocks).
struct FunctionContext {
  WatModule* module = nullptr;
  IndexSpace locals{"local"};
  std::vector<std::string> labels;
};

// ParseInstructions encodes `instr*` (plain and folded) until a ")" or a block's `end`/`else`,
// which it leaves at the cursor.
absl::Status ParseInstructions(TokenCursor& cursor, FunctionContext& context, BinaryWriter& out);

// ParseExpression encodes a constant expression's instructions followed by `end` (0x0B).
absl::Status ParseExpression(TokenCursor& cursor, WatModule& module, BinaryWriter& out);

// ParseFoldedInstruction encodes exactly one parenthesised instruction at the cursor.
absl::Status ParseFoldedInstruction(TokenCursor& cursor, FunctionContext& context,
                                    BinaryWriter& out);

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_WAT_CONTEXT_H_
