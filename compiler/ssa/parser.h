// ParseFunction / ParseFunctions: read the text form that printer.h writes. Value and block
// ids are kept as written, so print(parse(text)) == text for printed text. Comments run from
// ';' to the end of the line (filetests keep directives and expectations in them).
//
// Errors are kInvalidArgument with the position: "3:17: expected ',' after operand".
// The parser checks syntax, names and that each value is defined once with a known type; the
// rest (operand types, dominance, block arity) is the verifier's job, so that filetests can
// feed the verifier broken functions.
#ifndef KILN_COMPILER_SSA_PARSER_H_
#define KILN_COMPILER_SSA_PARSER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/ssa/function.h"

namespace kiln::ssa {

// ParseFunction parses exactly one function.
absl::StatusOr<Function> ParseFunction(absl::string_view text);

// ParseFunctions parses zero or more functions.
absl::StatusOr<std::vector<Function>> ParseFunctions(absl::string_view text);

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_PARSER_H_
