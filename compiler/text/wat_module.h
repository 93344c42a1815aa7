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

namespace kiln::text {

// EncodeModuleFields parses `field*` at the cursor up to (not including) the closing ")" or the
// end of input and returns the binary module they describe.
absl::StatusOr<std::vector<uint8_t>> EncodeModuleFields(TokenCursor& cursor);

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_WAT_MODULE_H_
