// The module fields of the text format (types, imports, functions, tables, memories, globals,
// exports, start, element and data segments, with all their abbreviations), parsed in two
// passes and encoded as a binary module. Used by wat_parser.cc for `(module ...)` forms and
// for .wat files that list bare fields.
#ifndef KILN_COMPILER_TEXT_WAT_MODULE_H_
#define KILN_COMPILER_TEXT_WAT_MODULE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/text/lexer.h"
#include "compiler/text/wat_parser.h"

namespace kiln::text {

// EncodeModuleFields parses `field*` at the cursor up to (not including) the closing ")" or the
// end of input and returns the binary module they describe. `module_id` is the module's $id
// token, if it has one; it only matters for the name section that `options` may ask for.
absl::StatusOr<std::vector<uint8_t>> EncodeModuleFields(TokenCursor& cursor,
                                                        const Token* module_id,
                                                        const WatOptions& options);

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_WAT_MODULE_H_
