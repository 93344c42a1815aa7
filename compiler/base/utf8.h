// UTF-8 well-formedness as the WebAssembly spec defines it (names in the binary format, strings
// and comments in the text format): no overlong forms, no surrogates, nothing above U+10FFFF.
// One implementation for the decoder, the lexer, the text parser and the spec runner's JSON.
#ifndef KILN_COMPILER_BASE_UTF8_H_
#define KILN_COMPILER_BASE_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace kiln::base {

// Utf8SequenceLength returns the length (1 to 4) of the well-formed UTF-8 sequence that starts
// at `pos` of `text`, or 0 when it is malformed or truncated. `pos` must be inside `text`.
size_t Utf8SequenceLength(absl::string_view text, size_t pos);

// IsValidUtf8 is true when all of `text` is well-formed UTF-8.
bool IsValidUtf8(absl::string_view text);

}  // namespace kiln::base

#endif  // KILN_COMPILER_BASE_UTF8_H_
