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

absl::Status Reader::ReadUnsignedSlow(int bits, uint64_t* out) {
  uint64_t value = 0;
  int shift = 0;
  // `left` is how many value bits the encoding may still carry (N, N-7, N-14, ...).
  for (int left = bits;; left -= 7, shift += 7) {
    if (left <= 0) return MalformedError(kIntegerTooLong, pos_);
    if (pos_ >= end_) return MalformedError(kUnexpectedEnd, end_);
    const uint8_t byte = bytes_[pos_++];
    if (left < 7 && (byte & 0x7f) >= (1u << left)) {
      return MalformedError(kIntegerTooLarge, pos_ - 1);
    }
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
  }
  *out = value;
  return absl::OkStatus();
}

absl::Status Reader::ReadSignedSlow(int bits, int64_t* out) {
  uint64_t value = 0;
  int shift = 0;
  for (int left = bits;; left -= 7) {
    if (left <= 0) return MalformedError(kIntegerTooLong, pos_);
    if (pos_ >= end_) return MalformedError(kUnexpectedEnd, end_);
    const uint8_t byte = bytes_[pos_++];
    if (left < 7) {
      // The unused bits of the last byte, and the sign bit below them, must all be equal.
      const uint8_t mask = static_cast<uint8_t>((0x7f << (left - 1)) & 0x7f);
      const uint8_t used = byte & mask;
      if (used != 0 && used != mask) return MalformedError(kIntegerTooLarge, pos_ - 1);
    }
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) == 0) {
      if (shift < 64 && (byte & 0x40) != 0) value |= ~uint64_t{0} << shift;
      break;
    }
  }
  *out = static_cast<int64_t>(value);
  return absl::OkStatus();
}

absl::Status Reader::ReadName(absl::string_view* out) {
  const size_t start = pos_;
  uint32_t length;
  absl::Status status = ReadLength(&length);
  if (!status.ok()) return status;
  size_t begin;
  status = ReadBytes(length, &begin);
  if (!status.ok()) return status;
  absl::string_view text(reinterpret_cast<const char*>(bytes_ + begin), length);
  if (!IsValidUtf8(text)) return MalformedError(kMalformedUtf8, start);
  *out = text;
  return absl::OkStatus();
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
      uint64_t word;
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
    size_t length;
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

namespace {

// TypeByteError classifies a byte that is not a valid type. The spec reads types as a
// one-byte signed LEB128 (s7), so a set continuation bit makes the number too long.
absl::Status TypeByteError(uint8_t byte, absl::string_view message, size_t offset) {
  if ((byte & 0x80) != 0) return MalformedError(kIntegerTooLong, offset + 1);
  return MalformedError(message, offset);
}

}  // namespace

absl::Status ReadValType(Reader& reader, ValType* out) {
  const size_t offset = reader.pos();
  uint8_t byte;
  absl::Status status = reader.ReadByte(&byte);
  if (!status.ok()) return status;
  if (ABSL_PREDICT_TRUE(IsValType(byte))) {
    *out = static_cast<ValType>(byte);
    return absl::OkStatus();
  }
  // The reference interpreter picks the kind of type from the byte's range: 0x7c and above
  // are number types, 0x71..0x7b vector types, the rest reference types.
  if (byte >= 0x7c) return TypeByteError(byte, "malformed number type", offset);
  if (byte >= 0x71) return TypeByteError(byte, "malformed vector type", offset);
  return TypeByteError(byte, "malformed reference type", offset);
}

absl::Status ReadRefType(Reader& reader, ValType* out) {
  const size_t offset = reader.pos();
  uint8_t byte;
  absl::Status status = reader.ReadByte(&byte);
  if (!status.ok()) return status;
  if (byte == static_cast<uint8_t>(ValType::kFuncRef) ||
      byte == static_cast<uint8_t>(ValType::kExternRef)) {
    *out = static_cast<ValType>(byte);
    return absl::OkStatus();
  }
  return TypeByteError(byte, "malformed reference type", offset);
}

}  // namespace kiln::wasm
