// Decoder: the Wasm binary format to a Module. It rejects malformed input with the spec's
// message first (as the spec suite's assert_malformed expects), then where the problem is:
//   "unexpected end of section or function (section code, offset 0x1f, func 3)"
// Function bodies are decoded operator by operator so that illegal opcodes and bad immediates
// are found here, not by the validator.
#ifndef KILN_COMPILER_WASM_DECODER_H_
#define KILN_COMPILER_WASM_DECODER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "compiler/wasm/module.h"

namespace kiln::wasm {

// Decode parses a module in the binary format. Errors are kInvalidArgument.
absl::StatusOr<Module> Decode(absl::Span<const uint8_t> bytes);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_DECODER_H_
