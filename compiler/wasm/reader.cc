// The out-of-line parts of Reader: multi-byte LEB128, names and UTF-8 checking, and the error
// constructor. The rules mirror the spec's vuN/vsN definitions one byte at a time, so each
// malformed encoding gets the same message as in the reference interpreter.
#include "compiler/wasm/reader.h"

#include "absl/strings/str_cat.h"
#include "compiler/base/utf8.h"

namespace kiln::wasm {

absl::Status MalformedError(absl::string_view message, size_t offset) {
  return absl::InvalidArgumentError(
      absl::StrCat(message, " (offset 0x", absl::Hex(offset), ")"));
}

LebDecoding DecodeUnsignedLeb(const uint8_t* bytes, size_t pos, size_t end, int bits) {
  LebDecoding result;
  int shift = 0;
  // `left` is how many value bits the encoding may still carry (N, N-7, N-14, ...).
  for (int left = bits;; left -= 7, shift += 7) {
    if (left <= 0) return LebDecoding{0, pos, kIntegerTooLong.data()};
    if (pos >= end) return LebDecoding{0, end, kUnexpectedEnd.data()};
    const uint8_t byte = bytes[pos++];
    if (left < 7 && (byte & 0x7f) >= (1u << left)) {
      return LebDecoding{0, pos - 1, kIntegerTooLarge.data()};
    }
    result.value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  result.pos = pos;
  return result;
}

LebDecoding DecodeSignedLeb(const uint8_t* bytes, size_t pos, size_t end, int bits) {
  LebDecoding result;
  int shift = 0;
  for (int left = bits;; left -= 7) {
    if (left <= 0) return LebDecoding{0, pos, kIntegerTooLong.data()};
    if (pos >= end) return LebDecoding{0, end, kUnexpectedEnd.data()};
    const uint8_t byte = bytes[pos++];
    if (left < 7) {
      // The unused bits of the last byte, and the sign bit below them, must all be equal.
      const uint8_t mask = static_cast<uint8_t>((0x7f << (left - 1)) & 0x7f);
      const uint8_t used = byte & mask;
      if (used != 0 && used != mask) return LebDecoding{0, pos - 1, kIntegerTooLarge.data()};
    }
    result.value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) == 0) {
      if (shift < 64 && (byte & 0x40) != 0) result.value |= ~uint64_t{0} << shift;
      break;
    }
  }
  result.pos = pos;
  return result;
}

bool Reader::ReadName(absl::string_view* out) {
  const size_t start = pos_;
  uint32_t length = 0;
  size_t begin = 0;
  if (!ReadLength(&length) || !ReadBytes(length, &begin)) return false;
  absl::string_view text(reinterpret_cast<const char*>(bytes_ + begin), length);
  if (!IsValidUtf8(text)) return Fail(kMalformedUtf8, start);
  *out = text;
  return true;
}

bool IsValidUtf8(absl::string_view text) { return base::IsValidUtf8(text); }

const char* TypeByteError(uint8_t byte, bool reference_only) {
  if ((byte & 0x80) != 0) return kIntegerTooLong.data();
  if (reference_only || byte < 0x71) return "malformed reference type";
  if (byte < 0x7c) return "malformed vector type";
  return "malformed number type";
}

}  // namespace kiln::wasm
