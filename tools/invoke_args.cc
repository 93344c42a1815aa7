// Command-line values for `kiln run --invoke`: parsing with the text format's literal parsers,
// printing in forms those parsers read back.
#include "tools/invoke_args.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "compiler/base/status_macros.h"
#include "compiler/text/numbers.h"

namespace kiln::tools {
namespace {

// IndefiniteArticle is "an" before i32/i64/f32/f64/externref ("an i32") and "a" otherwise.
absl::string_view IndefiniteArticle(api::ValueType type) {
  switch (type) {
    case api::kValueTypeI32:
    case api::kValueTypeI64:
    case api::kValueTypeF32:
    case api::kValueTypeF64:
    case api::kValueTypeExternRef:
      return "an";
    default:
      return "a";
  }
}

// IsNotA is the one error of a value that does not read as its type.
absl::Status IsNotA(absl::string_view text, api::ValueType type) {
  return absl::InvalidArgumentError(absl::StrCat("\"", absl::CHexEscape(text), "\" is not ",
                                                 IndefiniteArticle(type), " ",
                                                 api::ValueTypeName(type)));
}

absl::Status ParseV128(absl::string_view text, std::vector<uint64_t>* slots) {
  if (text.size() < 3 || text.size() > 34 ||
      (text.substr(0, 2) != "0x" && text.substr(0, 2) != "0X")) {
    return IsNotA(text, api::kValueTypeV128);
  }
  uint64_t high = 0, low = 0;
  for (char c : text.substr(2)) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c)))
      return IsNotA(text, api::kValueTypeV128);
    const uint64_t digit = absl::ascii_isdigit(static_cast<unsigned char>(c))
                               ? static_cast<uint64_t>(c - '0')
                               : static_cast<uint64_t>(absl::ascii_tolower(c) - 'a' + 10);
    high = (high << 4) | (low >> 60);
    low = (low << 4) | digit;
  }
  slots->push_back(low);  // the low 64 bits come first, as api/wasm.h says
  slots->push_back(high);
  return absl::OkStatus();
}

// FormatNan prints a NaN: "nan" for the canonical payload (only the quiet bit), otherwise
// "nan:0x<payload>", each with a "-" when the sign bit is set.
std::string FormatNan(bool negative, uint64_t payload, uint64_t canonical_payload) {
  std::string text = negative ? "-nan" : "nan";
  if (payload != canonical_payload) absl::StrAppend(&text, ":0x", absl::Hex(payload));
  return text;
}

// FormatShortest prints a finite or infinite float as the shortest decimal that reads back to
// the same value ("3.5", "1e+20", "-0", "inf").
template <typename Float>
std::string FormatShortest(Float value) {
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buffer[64];
  const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (result.ec != std::errc()) return "?";  // cannot happen: 64 chars hold any float
  return std::string(buffer, result.ptr);
}

std::string FormatF32(uint32_t bits) {
  constexpr uint32_t kExponent = 0x7f800000, kPayload = 0x007fffff;
  if ((bits & kExponent) == kExponent && (bits & kPayload) != 0) {
    return FormatNan(bits >> 31, bits & kPayload, 0x00400000);
  }
  return FormatShortest(absl::bit_cast<float>(bits));
}

std::string FormatF64(uint64_t bits) {
  constexpr uint64_t kExponent = 0x7ff0000000000000, kPayload = 0x000fffffffffffff;
  if ((bits & kExponent) == kExponent && (bits & kPayload) != 0) {
    return FormatNan(bits >> 63, bits & kPayload, 0x0008000000000000);
  }
  return FormatShortest(absl::bit_cast<double>(bits));
}

}  // namespace

size_t SlotCount(api::ValueType type) { return type == api::kValueTypeV128 ? 2 : 1; }

absl::Status ParseValue(api::ValueType type, absl::string_view text, std::vector<uint64_t>* slots) {
  switch (type) {
    case api::kValueTypeI32: {
      absl::StatusOr<uint32_t> bits = text::ParseI32(text);
      if (!bits.ok()) return IsNotA(text, type);
      slots->push_back(api::EncodeU32(*bits));
      return absl::OkStatus();
    }
    case api::kValueTypeI64: {
      absl::StatusOr<uint64_t> bits = text::ParseI64(text);
      if (!bits.ok()) return IsNotA(text, type);
      slots->push_back(*bits);
      return absl::OkStatus();
    }
    case api::kValueTypeF32: {
      absl::StatusOr<uint32_t> bits = text::ParseF32(text);
      if (!bits.ok()) return IsNotA(text, type);
      slots->push_back(api::EncodeU32(*bits));
      return absl::OkStatus();
    }
    case api::kValueTypeF64: {
      absl::StatusOr<uint64_t> bits = text::ParseF64(text);
      if (!bits.ok()) return IsNotA(text, type);
      slots->push_back(*bits);
      return absl::OkStatus();
    }
    case api::kValueTypeV128:
      return ParseV128(text, slots);
    case api::kValueTypeFuncRef:
    case api::kValueTypeExternRef:
      // A reference cannot be written down on a command line; only the null one can.
      if (text != "null") {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", absl::CHexEscape(text), "\" is not ", IndefiniteArticle(type), " ",
                         api::ValueTypeName(type), " (only null can be passed)"));
      }
      slots->push_back(0);
      return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("unsupported value type 0x", absl::Hex(type)));
}

absl::StatusOr<std::vector<uint64_t>> ParseInvokeArgs(absl::string_view function_name,
                                                      absl::Span<const api::ValueType> param_types,
                                                      absl::Span<const std::string> args) {
  if (args.size() != param_types.size()) {
    std::vector<std::string> type_names;
    for (api::ValueType type : param_types) {
      type_names.emplace_back(api::ValueTypeName(type));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        function_name, " takes ", param_types.size(),
        param_types.size() == 1 ? " argument" : " arguments",
        param_types.empty() ? "" : absl::StrCat(" (", absl::StrJoin(type_names, " "), ")"),
        ", got ", args.size()));
  }
  std::vector<uint64_t> slots;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::Status parsed = ParseValue(param_types[i], args[i], &slots);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("argument ", i + 1, " of ", function_name, ": ", parsed.message()));
    }
  }
  return slots;
}

std::string FormatValue(api::ValueType type, absl::Span<const uint64_t> slots) {
  switch (type) {
    case api::kValueTypeI32:
      return absl::StrCat(api::DecodeI32(slots[0]));
    case api::kValueTypeI64:
      return absl::StrCat(static_cast<int64_t>(slots[0]));
    case api::kValueTypeF32:
      return FormatF32(api::DecodeU32(slots[0]));
    case api::kValueTypeF64:
      return FormatF64(slots[0]);
    case api::kValueTypeV128:
      return absl::StrFormat("0x%016x%016x", slots[1], slots[0]);
    case api::kValueTypeFuncRef:
    case api::kValueTypeExternRef:
      if (slots[0] == 0) return "null";
      return absl::StrCat(api::ValueTypeName(type), ":0x", absl::Hex(slots[0]));
  }
  return absl::StrCat("?(type 0x", absl::Hex(type), ")");
}

std::string FormatResults(absl::Span<const api::ValueType> result_types,
                          absl::Span<const uint64_t> results) {
  std::string text;
  size_t slot = 0;
  for (api::ValueType type : result_types) {
    const size_t count = SlotCount(type);
    if (slot + count > results.size())
      break;  // fewer slots than the signature: print what is there
    absl::StrAppend(&text, FormatValue(type, results.subspan(slot, count)), "\n");
    slot += count;
  }
  return text;
}

}  // namespace kiln::tools
