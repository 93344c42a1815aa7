// Encoding script constants into api slots, decoding results, and the spec's comparison rules
// (see values.h).
#include "spectest/values.h"

#include <cmath>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace kiln::spectest {
namespace {

using text::ExpectedValue;
using text::LaneShape;
using text::NanPattern;
using wasm::ValType;

constexpr uint32_t kF32ExponentAndQuiet = 0x7fc00000;
constexpr uint32_t kF32SignMask = 0x80000000;
constexpr uint64_t kF64ExponentAndQuiet = 0x7ff8000000000000;
constexpr uint64_t kF64SignMask = 0x8000000000000000;

uint64_t Low64(absl::uint128 bits) { return absl::Uint128Low64(bits); }

// LaneBits is the width of one lane of `shape` in bits (0 for kNone).
int LaneBits(LaneShape shape) {
  switch (shape) {
    case LaneShape::kNone: return 0;
    case LaneShape::kI8x16: return 8;
    case LaneShape::kI16x8: return 16;
    case LaneShape::kI32x4: return 32;
    case LaneShape::kI64x2: return 64;
    case LaneShape::kF32x4: return 32;
    case LaneShape::kF64x2: return 64;
  }
  return 0;
}

absl::string_view ShapeName(LaneShape shape) {
  switch (shape) {
    case LaneShape::kNone: return "";
    case LaneShape::kI8x16: return "i8x16";
    case LaneShape::kI16x8: return "i16x8";
    case LaneShape::kI32x4: return "i32x4";
    case LaneShape::kI64x2: return "i64x2";
    case LaneShape::kF32x4: return "f32x4";
    case LaneShape::kF64x2: return "f64x2";
  }
  return "";
}

uint64_t Lane(absl::uint128 bits, int lane, int width) {
  absl::uint128 shifted = bits >> (lane * width);
  uint64_t low = Low64(shifted);
  return width == 64 ? low : low & ((uint64_t{1} << width) - 1);
}

// MatchesNan checks one float (scalar or lane) of `width` bits against a NaN pattern.
bool MatchesNan(NanPattern pattern, uint64_t bits, int width) {
  switch (pattern) {
    case NanPattern::kNone: return false;
    case NanPattern::kCanonical:
      return width == 32 ? IsCanonicalNan32(static_cast<uint32_t>(bits))
                         : IsCanonicalNan64(bits);
    case NanPattern::kArithmetic:
      return width == 32 ? IsArithmeticNan32(static_cast<uint32_t>(bits))
                         : IsArithmeticNan64(bits);
  }
  return false;
}

absl::string_view NanName(NanPattern pattern) {
  return pattern == NanPattern::kCanonical ? "nan:canonical" : "nan:arithmetic";
}

// FloatNote gives a readable float value next to its bits: "(-0)", "(1.5)", "(nan)".
std::string FloatNote(uint64_t bits, int width) {
  double value;
  if (width == 32) {
    float f;
    uint32_t b = static_cast<uint32_t>(bits);
    std::memcpy(&f, &b, sizeof f);
    value = f;
  } else {
    std::memcpy(&value, &bits, sizeof value);
  }
  if (std::isnan(value)) return " (nan)";
  return absl::StrFormat(" (%g)", value);
}

bool HasLanePattern(const ExpectedValue& expected) {
  for (NanPattern pattern : expected.nan) {
    if (pattern != NanPattern::kNone) return true;
  }
  return false;
}

bool MatchesV128(const ExpectedValue& expected, absl::uint128 actual) {
  bool float_shape =
      expected.shape == LaneShape::kF32x4 || expected.shape == LaneShape::kF64x2;
  if (!float_shape || !HasLanePattern(expected)) return expected.bits == actual;
  int width = LaneBits(expected.shape);
  int lanes = 128 / width;
  for (int lane = 0; lane < lanes; ++lane) {
    uint64_t got = Lane(actual, lane, width);
    NanPattern pattern = expected.nan[lane];
    if (pattern != NanPattern::kNone) {
      if (!MatchesNan(pattern, got, width)) return false;
    } else if (got != Lane(expected.bits, lane, width)) {
      return false;
    }
  }
  return true;
}

std::string FormatV128Lanes(LaneShape shape, absl::uint128 bits,
                            const std::array<NanPattern, 4>* patterns) {
  int width = LaneBits(shape);
  std::string out = absl::StrCat("v128:", ShapeName(shape));
  for (int lane = 0; lane < 128 / width; ++lane) {
    if (patterns != nullptr && (*patterns)[lane] != NanPattern::kNone) {
      absl::StrAppend(&out, " ", NanName((*patterns)[lane]));
    } else {
      absl::StrAppendFormat(&out, " 0x%0*x", width / 4, Lane(bits, lane, width));
    }
  }
  return out;
}

}  // namespace

bool IsCanonicalNan32(uint32_t bits) { return (bits & ~kF32SignMask) == kF32ExponentAndQuiet; }
bool IsArithmeticNan32(uint32_t bits) {
  return (bits & kF32ExponentAndQuiet) == kF32ExponentAndQuiet;
}
bool IsCanonicalNan64(uint64_t bits) { return (bits & ~kF64SignMask) == kF64ExponentAndQuiet; }
bool IsArithmeticNan64(uint64_t bits) {
  return (bits & kF64ExponentAndQuiet) == kF64ExponentAndQuiet;
}

std::vector<uint64_t> EncodeArgs(absl::Span<const text::Value> args) {
  std::vector<uint64_t> slots;
  slots.reserve(args.size());
  for (const text::Value& arg : args) {
    switch (arg.type) {
      case ValType::kI32:
      case ValType::kF32:
        slots.push_back(Low64(arg.bits) & 0xffffffff);
        break;
      case ValType::kI64:
      case ValType::kF64:
        slots.push_back(Low64(arg.bits));
        break;
      case ValType::kV128:
        slots.push_back(Low64(arg.bits));
        slots.push_back(absl::Uint128High64(arg.bits));
        break;
      case ValType::kExternRef:
        slots.push_back(arg.is_null ? 0 : ExternRefSlot(static_cast<uint32_t>(Low64(arg.bits))));
        break;
      case ValType::kFuncRef:
        // A script can only pass (ref.null func): function references have no literal form.
        slots.push_back(0);
        break;
    }
  }
  return slots;
}

absl::StatusOr<std::vector<RuntimeValue>> DecodeResults(absl::Span<const ValType> types,
                                                        absl::Span<const uint64_t> slots) {
  size_t needed = 0;
  for (ValType type : types) needed += SlotCount(type);
  if (slots.size() < needed) {
    return absl::InternalError(absl::StrCat("the runtime returned ", slots.size(),
                                            " result slots for ", types.size(),
                                            " results needing ", needed));
  }
  std::vector<RuntimeValue> values;
  size_t slot = 0;
  for (ValType type : types) {
    RuntimeValue value;
    value.type = type;
    if (type == ValType::kV128) {
      value.bits = absl::MakeUint128(slots[slot + 1], slots[slot]);
    } else if (type == ValType::kI32 || type == ValType::kF32) {
      value.bits = slots[slot] & 0xffffffff;
    } else {
      value.bits = slots[slot];
    }
    slot += SlotCount(type);
    values.push_back(value);
  }
  return values;
}

std::optional<std::string> MatchValue(const ExpectedValue& expected, const RuntimeValue& actual) {
  auto mismatch = [&]() -> std::optional<std::string> {
    return absl::StrCat("expected ", FormatExpected(expected), ", got ", FormatValue(actual));
  };
  if (expected.type != actual.type) return mismatch();
  uint64_t low = Low64(actual.bits);
  bool ok = false;
  switch (expected.type) {
    case ValType::kI32:
    case ValType::kI64:
      ok = expected.bits == actual.bits;
      break;
    case ValType::kF32:
    case ValType::kF64: {
      int width = expected.type == ValType::kF32 ? 32 : 64;
      ok = expected.nan[0] != NanPattern::kNone ? MatchesNan(expected.nan[0], low, width)
                                                 : expected.bits == actual.bits;
      break;
    }
    case ValType::kV128:
      ok = MatchesV128(expected, actual.bits);
      break;
    case ValType::kFuncRef:
      ok = expected.is_null ? actual.bits == 0 : actual.bits != 0;
      break;
    case ValType::kExternRef:
      if (expected.is_null) {
        ok = actual.bits == 0;
      } else if (expected.any_non_null) {
        ok = actual.bits != 0;
      } else {
        ok = actual.bits == ExternRefSlot(static_cast<uint32_t>(Low64(expected.bits)));
      }
      break;
  }
  if (ok) return std::nullopt;
  return mismatch();
}

std::optional<std::string> MatchResults(absl::Span<const ExpectedValue> expected,
                                        absl::Span<const RuntimeValue> actual) {
  if (expected.size() != actual.size()) {
    return absl::StrCat("expected ", expected.size(), " results, got ", actual.size());
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (std::optional<std::string> why = MatchValue(expected[i], actual[i])) {
      return expected.size() == 1 ? *why : absl::StrCat("result ", i, ": ", *why);
    }
  }
  return std::nullopt;
}

std::string FormatValue(const RuntimeValue& value) {
  uint64_t low = Low64(value.bits);
  switch (value.type) {
    case ValType::kI32: return absl::StrFormat("i32:0x%08x", low);
    case ValType::kI64: return absl::StrFormat("i64:0x%016x", low);
    case ValType::kF32: return absl::StrFormat("f32:0x%08x", low) + FloatNote(low, 32);
    case ValType::kF64: return absl::StrFormat("f64:0x%016x", low) + FloatNote(low, 64);
    case ValType::kV128:
      return absl::StrFormat("v128:0x%016x%016x", absl::Uint128High64(value.bits), low);
    case ValType::kFuncRef: return low == 0 ? "funcref:null" : "funcref:non-null";
    case ValType::kExternRef:
      return low == 0 ? "externref:null" : absl::StrCat("externref:", low - 1);
  }
  return "unknown";
}

std::string FormatExpected(const ExpectedValue& expected) {
  switch (expected.type) {
    case ValType::kF32:
    case ValType::kF64:
      if (expected.nan[0] != NanPattern::kNone) {
        return absl::StrCat(wasm::ValTypeName(expected.type), ":", NanName(expected.nan[0]));
      }
      break;
    case ValType::kV128:
      if (expected.shape != LaneShape::kNone) {
        return FormatV128Lanes(expected.shape, expected.bits, &expected.nan);
      }
      break;
    case ValType::kFuncRef:
    case ValType::kExternRef: {
      absl::string_view name = wasm::ValTypeName(expected.type);
      if (expected.is_null) return absl::StrCat(name, ":null");
      if (expected.any_non_null || expected.type == ValType::kFuncRef) {
        return absl::StrCat(name, ":non-null");
      }
      return absl::StrCat(name, ":", Low64(expected.bits));
    }
    case ValType::kI32:
    case ValType::kI64:
      break;
  }
  return FormatValue({expected.type, expected.bits});
}

}  // namespace kiln::spectest
