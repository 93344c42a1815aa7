// The module parser of the text format: a `(module ...)` form, with every abbreviation of the
// spec (inline imports/exports, inline type uses, folded instructions, named indices, data
// strings, offset/item forms, v128 shapes), encoded straight to the binary format. The binary
// then goes through the same decoder and validator as any .wasm file.
#ifndef KILN_COMPILER_TEXT_WAT_PARSER_H_
#define KILN_COMPILER_TEXT_WAT_PARSER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/text/lexer.h"

namespace kiln::text {

// WatOptions choose what the encoding holds beyond what the module means. The defaults give
// exactly the bytes wast2json writes (no custom sections), which the spec runner relies on.
struct WatOptions {
  // Append a `name` custom section with the module's $id, the functions' $ids and their
  // parameters' and locals' $ids (see wat_names.h), as `wat2wasm --debug-names` does, so that
  // tools and backtraces can show them.
  bool emit_name_section = false;
};

// ModuleForm says how a `(module ...)` was written.
enum class ModuleForm : uint8_t {
  kText,    // (module $id? field*)
  kBinary,  // (module $id? binary "..."*)
  kQuote,   // (module $id? quote "..."*)
};

// ParsedModule is one `(module ...)` of a .wat or .wast file.
struct ParsedModule {
  ModuleForm form = ModuleForm::kText;
  std::optional<std::string> id;  // "$name" when the module was named
  std::vector<uint8_t> binary;    // kText: the encoding; kBinary: the concatenated strings
  std::string quote;              // kQuote: the concatenated strings, to parse later
  uint32_t line = 0;              // line of the opening parenthesis
};

// ParseModule parses a `(module ...)` form at `cursor` (which must be at its "("), leaving the
// cursor after the closing ")". A text module that is malformed (bad syntax, unknown operator,
// unknown name, constant out of range, ...) is a kInvalidArgument error whose message starts
// with the spec's phrase when there is one, e.g. "unknown operator", "unknown type",
// "constant out of range", "alignment", "inline function type", "duplicate func",
// "unexpected token", and ends with "line:column". Instructions nested more than 10000 deep are
// kResourceExhausted. Quote modules are not parsed here (pass the same options to ParseWat
// when parsing their text later).
absl::StatusOr<ParsedModule> ParseModule(TokenCursor& cursor, const WatOptions& options = {});

// ParseWat parses a whole .wat file: either one `(module ...)` or a bare list of module fields
// as the spec allows, and returns the binary encoding.
absl::StatusOr<std::vector<uint8_t>> ParseWat(absl::string_view source,
                                              const WatOptions& options = {});

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_WAT_PARSER_H_
