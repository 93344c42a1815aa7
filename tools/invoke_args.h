// Values on the command line for `kiln run --invoke NAME ARGS...`: each argument is read as
// the type the export's signature gives it, and each result is printed back in the same form,
// so a printed result can be passed as an argument again.
//
// The forms are the text format's number literals (the same parser reads `i32.const` in .wat):
//   i32, i64   decimal (42, -7), hex (0x2a, -0x1), `_` separators (1_000); any value from the
//              signed minimum to the unsigned maximum, stored as two's complement
//   f32, f64   decimal (1.5, -2e10), hex floats (0x1.8p3), inf, -inf, nan, nan:0x<payload>
//   v128       0x followed by up to 32 hex digits, the most significant first
//   funcref, externref   only `null`
// Results print i32/i64 in signed decimal and floats in the shortest decimal that reads back to
// the same bits (NaNs with a non-canonical payload as nan:0x...), for example
//   $ kiln run --invoke div examples/math.wat 7.0 2
//   3.5
#ifndef KILN_TOOLS_INVOKE_ARGS_H_
#define KILN_TOOLS_INVOKE_ARGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "api/wasm.h"

namespace kiln::tools {

// ParseInvokeArgs converts `args` to the call slots of a function named `function_name` with
// `param_types` (two slots for a v128). A wrong count or a value that does not fit its type is
// kInvalidArgument naming the position, e.g. `argument 2 of add: "x" is not an i32`.
absl::StatusOr<std::vector<uint64_t>> ParseInvokeArgs(absl::string_view function_name,
                                                      absl::Span<const api::ValueType> param_types,
                                                      absl::Span<const std::string> args);

// ParseValue reads one argument of type `type` into `slots` (one or two slots are appended).
absl::Status ParseValue(api::ValueType type, absl::string_view text, std::vector<uint64_t>* slots);

// FormatValue prints the value of type `type` held in `slots` (which must have the value's
// slot count: two for a v128, one otherwise).
std::string FormatValue(api::ValueType type, absl::Span<const uint64_t> slots);

// FormatResults prints `results` (as Function::Call returns them for `result_types`) one value
// per line, each line ending in '\n'; nothing for a function without results.
std::string FormatResults(absl::Span<const api::ValueType> result_types,
                          absl::Span<const uint64_t> results);

// SlotCount is how many uint64_t slots a value of `type` takes: 2 for v128, 1 otherwise.
size_t SlotCount(api::ValueType type);

}  // namespace kiln::tools

#endif  // KILN_TOOLS_INVOKE_ARGS_H_
