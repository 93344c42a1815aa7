// Number literals of the text format: integers in decimal or hex with optional sign and `_`
// separators, and floats in decimal, hex (0x1.8p3), inf and nan / nan:0x<payload> forms, rounded
// to nearest-even as the spec requires. Errors are kInvalidArgument with the spec's message
// ("constant out of range" or "unknown operator"-style text left to the caller).
#ifndef KILN_COMPILER_TEXT_NUMBERS_H_
#define KILN_COMPILER_TEXT_NUMBERS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiln::text {

// IsNumberLiteral is true when `text` matches the grammar of any integer or float literal
// (range is not checked). The lexer uses it to tell number tokens from reserved ones.
bool IsNumberLiteral(absl::string_view text);

// ParseU32 parses an unsigned integer that fits in 32 bits (indices, alignments, lanes).
absl::StatusOr<uint32_t> ParseU32(absl::string_view text);

// ParseU64 parses an unsigned integer that fits in 64 bits (offsets, limits).
absl::StatusOr<uint64_t> ParseU64(absl::string_view text);

// ParseI32 accepts any integer in [-2^31, 2^32) and returns its two's-complement bits.
absl::StatusOr<uint32_t> ParseI32(absl::string_view text);

// ParseI64 accepts any integer in [-2^63, 2^64) and returns its two's-complement bits.
absl::StatusOr<uint64_t> ParseI64(absl::string_view text);

// ParseI8 and ParseI16 accept integers in [-2^(N-1), 2^N) for v128 lane shapes.
absl::StatusOr<uint8_t> ParseI8(absl::string_view text);
absl::StatusOr<uint16_t> ParseI16(absl::string_view text);

// ParseF32 returns the IEEE-754 bits of a float literal, correctly rounded.
absl::StatusOr<uint32_t> ParseF32(absl::string_view text);

// ParseF64 returns the IEEE-754 bits of a float literal, correctly rounded.
absl::StatusOr<uint64_t> ParseF64(absl::string_view text);

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_NUMBERS_H_
