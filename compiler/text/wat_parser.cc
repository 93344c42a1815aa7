// Entry points of the text-format module parser: the `(module ...)` form in its three shapes
// (text fields, binary strings, quoted text) and whole .wat files; see wat_parser.h. The fields
// themselves are encoded by wat_module.cc.
#include "compiler/text/wat_parser.h"

#include "compiler/base/status_macros.h"
#include "compiler/text/wat_context.h"
#include "compiler/text/wat_module.h"

namespace kiln::text {

absl::StatusOr<ParsedModule> ParseModule(TokenCursor& cursor, const WatOptions& options) {
  ParsedModule parsed;
  parsed.line = cursor.Peek().line;
  KILN_RETURN_IF_ERROR(ExpectLParen(cursor));
  KILN_RETURN_IF_ERROR(ExpectKeyword(cursor, "module"));
  const Token* id = PeekIsId(cursor) ? &cursor.Next() : nullptr;
  if (id != nullptr) parsed.id = IdKey(*id);
  if (PeekKeyword(cursor, "binary")) {
    cursor.Next();
    parsed.form = ModuleForm::kBinary;
    std::string bytes = ParseStrings(cursor);
    parsed.binary.assign(bytes.begin(), bytes.end());
  } else if (PeekKeyword(cursor, "quote")) {
    cursor.Next();
    parsed.form = ModuleForm::kQuote;
    parsed.quote = ParseStrings(cursor);
  } else {
    KILN_ASSIGN_OR_RETURN(parsed.binary, EncodeModuleFields(cursor, id, options));
  }
  KILN_RETURN_IF_ERROR(ExpectRParen(cursor));
  return parsed;
}

absl::StatusOr<std::vector<uint8_t>> ParseWat(absl::string_view source,
                                              const WatOptions& options) {
  KILN_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(source));
  TokenCursor cursor(tokens);
  if (cursor.PeekIsListOf("module")) {
    KILN_ASSIGN_OR_RETURN(ParsedModule parsed, ParseModule(cursor, options));
    if (!cursor.AtEof()) return Unexpected(cursor.Peek(), "end of input");
    if (parsed.form == ModuleForm::kQuote) return ParseWat(parsed.quote, options);
    return std::move(parsed.binary);
  }
  // The spec allows a file to hold just the fields of one module.
  KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> binary,
                        EncodeModuleFields(cursor, /*module_id=*/nullptr, options));
  if (!cursor.AtEof()) return Unexpected(cursor.Peek(), "a module field");
  return binary;
}

}  // namespace kiln::text
