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

// DecodeOptions adjust Decode for callers that already know something about the bytes.
struct DecodeOptions {
  // trust_code_bodies delimits each function body by its declared size without reading its
  // operators, and records the bodies as valid (Module::code_validation is OK, so Validate
  // does not read them either). Only for bytes known to be a valid module: the compilation
  // cache uses it on a hit, where the entry's key holds the SHA-256 of exactly these bytes,
  // which were validated, with the same core features, before the entry was written (and
  // the bodies are not compiled again: the cached code is used).
  bool trust_code_bodies = false;
};

absl::StatusOr<Module> Decode(absl::Span<const uint8_t> bytes, const DecodeOptions& options);

// Decode of shared bytes: the module keeps `bytes` (Module::bytes) instead of a copy.
absl::StatusOr<Module> Decode(ModuleBytes bytes, const DecodeOptions& options);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_DECODER_H_
