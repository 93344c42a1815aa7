// Values crossing between a .wast script and the runtime: script constants become the api's
// uint64_t slots (api/wasm.h), and results read back from slots are compared with
// assert_return's patterns by the spec's rules:
//   i32/i64/f32/f64   bit-exact (so -0.0 differs from 0.0, and one NaN payload from another);
//   nan:canonical     a NaN whose payload is exactly the top mantissa bit, either sign;
//   nan:arithmetic    a NaN with the top mantissa bit set, any other payload bits, either sign;
//   v128              all 128 bits, except that lanes of an f32x4/f64x2 pattern written as
//                     nan:canonical/nan:arithmetic are judged lane by lane as above;
//   ref.null          the null reference of the expected type;
//   ref.extern N      the host reference the script passed in as (ref.extern N);
//   ref.extern / ref.func (no index)  any non-null reference of that type. A (ref.func N)
//                     pattern is judged the same way: funcrefs are opaque to the embedder.
// The script's (ref.extern N) travels as the slot N + 1, because slot 0 is the null externref.
#ifndef KILN_SPECTEST_VALUES_H_
#define KILN_SPECTEST_VALUES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/numeric/int128.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "compiler/text/script.h"
#include "compiler/wasm/value_type.h"

namespace kiln::spectest {

// RuntimeValue is one value the runtime produced: its type and its bits (the slot value for
// scalars and references, both slots of a v128 with the first slot in the low half).
struct RuntimeValue {
  wasm::ValType type = wasm::ValType::kI32;
  absl::uint128 bits = 0;
};

// ExternRefSlot is the slot that carries the script's (ref.extern N).
inline uint64_t ExternRefSlot(uint32_t n) { return uint64_t{n} + 1; }

// SlotCount is how many api slots a value of `type` takes (2 for v128, else 1).
inline size_t SlotCount(wasm::ValType type) { return type == wasm::ValType::kV128 ? 2 : 1; }

// EncodeArgs turns an action's constant arguments into api slots, in order.
std::vector<uint64_t> EncodeArgs(absl::Span<const text::Value> args);

// DecodeResults reads values of `types` from `slots`. A slot count that does not fit the
// types is kInternal (the runtime broke its contract).
absl::StatusOr<std::vector<RuntimeValue>> DecodeResults(absl::Span<const wasm::ValType> types,
                                                        absl::Span<const uint64_t> slots);

// IsCanonicalNan32/IsArithmeticNan32 (and the 64-bit forms) are the spec's NaN classes.
bool IsCanonicalNan32(uint32_t bits);
bool IsArithmeticNan32(uint32_t bits);
bool IsCanonicalNan64(uint64_t bits);
bool IsArithmeticNan64(uint64_t bits);

// MatchValue returns nullopt when `actual` matches `expected`, otherwise why not
// ("expected f32:nan:canonical, got f32:0x7fa00000").
std::optional<std::string> MatchValue(const text::ExpectedValue& expected,
                                      const RuntimeValue& actual);

// MatchResults compares a whole result list (count first, then each value).
std::optional<std::string> MatchResults(absl::Span<const text::ExpectedValue> expected,
                                        absl::Span<const RuntimeValue> actual);

// FormatValue renders a runtime value for reports: "i32:0x0000002a", "f64:0x8000000000000000
// (-0)", "v128:0x...", "externref:null", "externref:3" (the script's N), "funcref:non-null".
std::string FormatValue(const RuntimeValue& value);

// FormatExpected renders a pattern in the same style.
std::string FormatExpected(const text::ExpectedValue& expected);

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_VALUES_H_
