// The out-of-line parts of Reader: multi-byte LEB128, names and UTF-8 checking, and the error
// constructor. The rules mirror the spec's vuN/vsN definitions one byte at a time, so each
// malformed encoding gets the same message as in the reference interpreter.
#include "compiler/wasm/reader.h"

#include "absl/strings/str_cat.h"

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

namespace {

bool IsContinuation(uint8_t byte) { return (byte & 0xc0) == 0x80; }

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  const auto* p = reinterpret_cast<const uint8_t*>(text.data());
  const uint8_t* const end = p + text.size();
  while (p < end) {
    // Names are almost always ASCII: skip eight such bytes at a time.
    while (end - p >= 8) {
      uint64_t word = 0;
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ull) != 0) break;
      p += 8;
    }
    if (p >= end) break;
    const uint8_t lead = *p;
    if (lead < 0x80) {
      ++p;
      continue;
    }
    // The ranges allowed for the second byte exclude overlong forms (E0, F0), surrogates (ED)
    // and code points above U+10FFFF (F4); C0, C1 and F5..FF never start a sequence.
    size_t length = 0;
    uint8_t second_min = 0x80, second_max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead == 0xe0) second_min = 0xa0;
      if (lead == 0xed) second_max = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead == 0xf0) second_min = 0x90;
      if (lead == 0xf4) second_max = 0x8f;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < length) return false;
    if (p[1] < second_min || p[1] > second_max) return false;
    for (size_t i = 2; i < length; ++i) {
      if (!IsContinuation(p[i])) return false;
    }
    p += length;
  }
  return true;
}

const char* TypeByteError(uint8_t byte, bool reference_only) {
  if ((byte & 0x80) != 0) return kIntegerTooLong.data();
  if (reference_only || byte < 0x71) return "malformed reference type";
  if (byte < 0x7c) return "malformed vector type";
  return "malformed number type";
}

}  // namespace kiln::wasm
