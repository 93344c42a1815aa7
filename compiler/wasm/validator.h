// Validator: the Wasm 2.0 typing rules over a decoded Module. Errors are kInvalidArgument with
// the spec's message first (as assert_invalid expects) and the location after it:
//   "type mismatch: i32.add expects [i32 i32], got [i32 f32] (func 3, offset 0x1a)"
#ifndef KILN_COMPILER_WASM_VALIDATOR_H_
#define KILN_COMPILER_WASM_VALIDATOR_H_

#include "absl/status/status.h"
#include "compiler/wasm/module.h"

namespace kiln::wasm {

// Validate checks every rule of the Wasm 2.0 validation chapter.
absl::Status Validate(const Module& module);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_VALIDATOR_H_
