// The `name` custom section (the spec's appendix on custom sections): module, function and
// local names for diagnostics, trap backtraces and the api's FunctionDefinition names. The
// decoder calls ParseNameSection on the first `name` section it meets.
#ifndef KILN_COMPILER_WASM_NAME_SECTION_H_
#define KILN_COMPILER_WASM_NAME_SECTION_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "compiler/wasm/module.h"

namespace kiln::wasm {

// ParseNameSection reads the payload bytes[begin, end) of a `name` custom section into
// `names`: subsection 0 (module name), 1 (function names) and 2 (local names); other
// subsections are skipped. A custom section never makes a module malformed, so the decoder
// ignores the returned status and keeps whatever was parsed before the first problem; the
// status (with the usual "<message> (offset 0x..)" text) is for tests and tools.
absl::Status ParseNameSection(absl::Span<const uint8_t> bytes, size_t begin, size_t end,
                              NameSection* names);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_NAME_SECTION_H_
