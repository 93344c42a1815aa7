// Number literals of the text format. A literal is first scanned against the spec's grammar
// (signs, `_` only between digits, hex and decimal mantissas, exponents, inf/nan forms) into a
// cleaned copy without separators; integers are then accumulated with overflow checks, and
// floats are handed to glibc's strtof/strtod, which round correctly (to nearest, ties to even)
// for both decimal and hex input. f32 is parsed with strtof directly, never through a double,
// because rounding twice can be off by one ulp.
#include "compiler/text/numbers.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace kiln::text {
namespace {

// -- Scanning -------------------------------------------------------------------------------

enum class LiteralKind { kInteger, kFloat, kInf, kNan, kNanPayload };

// ScannedLiteral is a literal that matched the grammar, with separators removed.
struct ScannedLiteral {
  LiteralKind kind = LiteralKind::kInteger;
  bool negative = false;
  bool has_sign = false;
  bool hex = false;
  std::string cleaned;  // sign, mantissa and exponent without '_' (floats), or the digits (ints)
  std::string payload;  // kNanPayload: the hex digits after "nan:0x"
};

bool IsDecDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) {
  return IsDecDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// ScanDigits consumes `digit ('_'? digit)*` at `pos`, appending the digits to `out`. It fails
// (returns false) when there is no first digit or when a '_' is not followed by a digit.
bool ScanDigits(absl::string_view text, size_t& pos, bool hex, std::string& out) {
  auto is_digit = hex ? IsHexDigit : IsDecDigit;
  if (pos >= text.size() || !is_digit(text[pos])) return false;
  while (pos < text.size()) {
    char c = text[pos];
    if (is_digit(c)) {
      out.push_back(c);
      ++pos;
    } else if (c == '_') {
      if (pos + 1 >= text.size() || !is_digit(text[pos + 1])) return false;
      ++pos;
    } else {
      break;
    }
  }
  return true;
}

// ScanLiteral matches `text` against the number grammar of the spec's text format.
std::optional<ScannedLiteral> ScanLiteral(absl::string_view text) {
  ScannedLiteral lit;
  size_t pos = 0;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    lit.has_sign = true;
    lit.negative = text[0] == '-';
    pos = 1;
  }
  absl::string_view magnitude = text.substr(pos);
  if (magnitude == "inf") {
    lit.kind = LiteralKind::kInf;
    return lit;
  }
  if (magnitude == "nan") {
    lit.kind = LiteralKind::kNan;
    return lit;
  }
  if (magnitude.substr(0, 6) == "nan:0x") {
    lit.kind = LiteralKind::kNanPayload;
    size_t p = 0;
    absl::string_view digits = magnitude.substr(6);
    if (!ScanDigits(digits, p, /*hex=*/true, lit.payload) || p != digits.size()) {
      return std::nullopt;
    }
    return lit;
  }

  if (lit.negative) lit.cleaned.push_back('-');
  lit.hex = magnitude.substr(0, 2) == "0x";
  if (lit.hex) {
    pos += 2;
    lit.cleaned += "0x";
  }
  std::string digits;
  if (!ScanDigits(text, pos, lit.hex, digits)) return std::nullopt;
  lit.cleaned += digits;
  lit.kind = LiteralKind::kInteger;
  if (pos < text.size() && text[pos] == '.') {
    lit.kind = LiteralKind::kFloat;
    lit.cleaned.push_back('.');
    ++pos;
    // The fraction may be empty ("1." and "1.e5" are floats), but must not start with '_'.
    if (pos < text.size() && (lit.hex ? IsHexDigit(text[pos]) : IsDecDigit(text[pos]))) {
      if (!ScanDigits(text, pos, lit.hex, lit.cleaned)) return std::nullopt;
    }
  }
  if (pos < text.size()) {
    char c = text[pos];
    bool is_exponent = lit.hex ? (c == 'p' || c == 'P') : (c == 'e' || c == 'E');
    if (!is_exponent) return std::nullopt;
    lit.kind = LiteralKind::kFloat;
    lit.cleaned.push_back(c);
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      lit.cleaned.push_back(text[pos]);
      ++pos;
    }
    if (!ScanDigits(text, pos, /*hex=*/false, lit.cleaned)) return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  if (lit.kind == LiteralKind::kInteger) {
    // Integers keep only their digits; the sign and base live in the other fields.
    lit.cleaned = digits;
  }
  return lit;
}

absl::Status Malformed(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat("unknown operator: malformed number ", text));
}

absl::Status OutOfRange(absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat("constant out of range: ", text));
}

// -- Integers -------------------------------------------------------------------------------

// Magnitude accumulates the digits of an integer literal; nullopt when it exceeds 64 bits.
std::optional<uint64_t> Magnitude(const ScannedLiteral& lit) {
  uint64_t base = lit.hex ? 16 : 10;
  uint64_t value = 0;
  for (char c : lit.cleaned) {
    uint64_t digit = IsDecDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    if (value > (UINT64_MAX - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  return value;
}

// ScanInteger checks that `text` is an integer literal, failing with "unexpected token" for a
// well-formed literal of another kind (a float where an integer belongs).
absl::StatusOr<ScannedLiteral> ScanInteger(absl::string_view text) {
  std::optional<ScannedLiteral> lit = ScanLiteral(text);
  if (!lit) return Malformed(text);
  if (lit->kind != LiteralKind::kInteger) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected token: expected an integer, got ", text));
  }
  return *lit;
}

// ParseUnsigned accepts digits without a sign whose value is at most `max`.
absl::StatusOr<uint64_t> ParseUnsigned(absl::string_view text, uint64_t max) {
  absl::StatusOr<ScannedLiteral> lit = ScanInteger(text);
  if (!lit.ok()) return lit.status();
  if (lit->has_sign) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected token: expected an unsigned integer, got ", text));
  }
  std::optional<uint64_t> value = Magnitude(*lit);
  if (!value || *value > max) return OutOfRange(text);
  return *value;
}

// ParseSigned accepts an integer in [-2^(bits-1), 2^bits) and returns its two's-complement
// bits, truncated to `bits`.
absl::StatusOr<uint64_t> ParseSigned(absl::string_view text, int bits) {
  absl::StatusOr<ScannedLiteral> lit = ScanInteger(text);
  if (!lit.ok()) return lit.status();
  std::optional<uint64_t> value = Magnitude(*lit);
  if (!value) return OutOfRange(text);
  uint64_t unsigned_max = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  uint64_t negative_max = uint64_t{1} << (bits - 1);
  if (lit->negative) {
    if (*value > negative_max) return OutOfRange(text);
    return (uint64_t{0} - *value) & unsigned_max;
  }
  if (*value > unsigned_max) return OutOfRange(text);
  return *value;
}

// -- Floats ---------------------------------------------------------------------------------

// FloatTraits describes one IEEE-754 binary format for ParseFloat.
template <typename Bits>
struct FloatTraits;

template <>
struct FloatTraits<uint32_t> {
  static constexpr int kMantissaBits = 23;
  static constexpr uint32_t kExponentMask = 0x7f800000u;
  static constexpr uint32_t kSignBit = 0x80000000u;
  // Convert rounds the cleaned literal straight to f32.
  static std::optional<uint32_t> Convert(const std::string& cleaned) {
    float value = std::strtof(cleaned.c_str(), nullptr);
    if (std::isinf(value)) return std::nullopt;
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
  }
};

template <>
struct FloatTraits<uint64_t> {
  static constexpr int kMantissaBits = 52;
  static constexpr uint64_t kExponentMask = 0x7ff0000000000000ull;
  static constexpr uint64_t kSignBit = 0x8000000000000000ull;
  static std::optional<uint64_t> Convert(const std::string& cleaned) {
    double value = std::strtod(cleaned.c_str(), nullptr);
    if (std::isinf(value)) return std::nullopt;
    uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    return bits;
  }
};

template <typename Bits>
absl::StatusOr<Bits> ParseFloat(absl::string_view text) {
  using Traits = FloatTraits<Bits>;
  std::optional<ScannedLiteral> lit = ScanLiteral(text);
  if (!lit) return Malformed(text);
  Bits sign = lit->negative ? Traits::kSignBit : 0;
  constexpr Bits kMantissaMask = (Bits{1} << Traits::kMantissaBits) - 1;
  switch (lit->kind) {
    case LiteralKind::kInf:
      return sign | Traits::kExponentMask;
    case LiteralKind::kNan:
      // The canonical NaN: only the top mantissa bit set.
      return sign | Traits::kExponentMask | (Bits{1} << (Traits::kMantissaBits - 1));
    case LiteralKind::kNanPayload: {
      ScannedLiteral payload_digits = *lit;
      payload_digits.hex = true;
      payload_digits.cleaned = lit->payload;
      std::optional<uint64_t> payload = Magnitude(payload_digits);
      if (!payload || *payload == 0 || *payload > kMantissaMask) return OutOfRange(text);
      return sign | Traits::kExponentMask | static_cast<Bits>(*payload);
    }
    case LiteralKind::kInteger:
    case LiteralKind::kFloat: {
      std::string cleaned = lit->cleaned;
      if (lit->kind == LiteralKind::kInteger) {
        cleaned = absl::StrCat(lit->negative ? "-" : "", lit->hex ? "0x" : "", lit->cleaned);
      }
      // strtod never sees a locale-dependent decimal point here: kiln never calls setlocale.
      std::optional<Bits> bits = Traits::Convert(cleaned);
      if (!bits) return OutOfRange(text);
      return *bits;
    }
  }
  return Malformed(text);
}

}  // namespace

bool IsNumberLiteral(absl::string_view text) { return ScanLiteral(text).has_value(); }

absl::StatusOr<uint32_t> ParseU32(absl::string_view text) {
  absl::StatusOr<uint64_t> value = ParseUnsigned(text, UINT32_MAX);
  if (!value.ok()) return value.status();
  return static_cast<uint32_t>(*value);
}

absl::StatusOr<uint64_t> ParseU64(absl::string_view text) {
  return ParseUnsigned(text, UINT64_MAX);
}

absl::StatusOr<uint32_t> ParseI32(absl::string_view text) {
  absl::StatusOr<uint64_t> value = ParseSigned(text, 32);
  if (!value.ok()) return value.status();
  return static_cast<uint32_t>(*value);
}

absl::StatusOr<uint64_t> ParseI64(absl::string_view text) { return ParseSigned(text, 64); }

absl::StatusOr<uint8_t> ParseI8(absl::string_view text) {
  absl::StatusOr<uint64_t> value = ParseSigned(text, 8);
  if (!value.ok()) return value.status();
  return static_cast<uint8_t>(*value);
}

absl::StatusOr<uint16_t> ParseI16(absl::string_view text) {
  absl::StatusOr<uint64_t> value = ParseSigned(text, 16);
  if (!value.ok()) return value.status();
  return static_cast<uint16_t>(*value);
}

absl::StatusOr<uint32_t> ParseF32(absl::string_view text) { return ParseFloat<uint32_t>(text); }

absl::StatusOr<uint64_t> ParseF64(absl::string_view text) { return ParseFloat<uint64_t>(text); }

}  // namespace kiln::text
