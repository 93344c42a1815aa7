// Reader: a cursor over the bytes of a Wasm binary that reads the format's primitive values
// (bytes, LEB128 integers, fixed-width floats, lengths and UTF-8 names) and reports malformed
// input with the spec's messages. The decoder, the name-section parser and CodeReader are built
// on it.
//
// LEB128 follows the spec's vuN/vsN rules exactly, because the spec suite distinguishes them:
//   - more than ceil(N/7) bytes                      -> "integer representation too long"
//   - the last allowed byte sets bits beyond N       -> "integer too large"
//     (for signed reads those bits must all copy the sign bit)
//   - the input ends inside the number               -> "unexpected end of section or function"
// When both apply to the last allowed byte, "integer too large" wins, as in the reference
// interpreter. One-byte encodings, by far the most common, take an inline fast path; longer
// ones go to the out-of-line slow path in reader.cc.
//
// Every error is kInvalidArgument and reads "<spec message> (offset 0x1f)"; the decoder later
// adds the section and function to the parenthesis (see decoder.cc).
#ifndef KILN_COMPILER_WASM_READER_H_
#define KILN_COMPILER_WASM_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

// Spec messages shared by the reader, CodeReader and the decoder.
inline constexpr absl::string_view kUnexpectedEnd = "unexpected end of section or function";
inline constexpr absl::string_view kIntegerTooLong = "integer representation too long";
inline constexpr absl::string_view kIntegerTooLarge = "integer too large";
inline constexpr absl::string_view kLengthOutOfBounds = "length out of bounds";
inline constexpr absl::string_view kMalformedUtf8 = "malformed UTF-8 encoding";

// MalformedError builds the kInvalidArgument status "<message> (offset 0x<offset>)".
absl::Status MalformedError(absl::string_view message, size_t offset);

// IsValidUtf8 is true when `text` is well-formed UTF-8 as the spec defines it: no overlong
// forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
bool IsValidUtf8(absl::string_view text);

// Reader reads forward through bytes[pos, end). Reads past `end` fail with "unexpected end of
// section or function" and leave the position unspecified; after any error the reader should be
// abandoned. Offsets are always positions in `bytes`, so errors name module offsets.
class Reader {
 public:
  Reader(absl::Span<const uint8_t> bytes, size_t pos, size_t end)
      : bytes_(bytes.data()), pos_(pos), end_(end) {}
  explicit Reader(absl::Span<const uint8_t> bytes) : Reader(bytes, 0, bytes.size()) {}

  // pos is the offset of the next unread byte.
  size_t pos() const { return pos_; }
  // end is the offset just past the last readable byte.
  size_t end() const { return end_; }
  bool AtEnd() const { return pos_ >= end_; }
  size_t remaining() const { return pos_ < end_ ? end_ - pos_ : 0; }

  // Seek moves to `pos` (used after a sub-reader such as CodeReader consumed bytes).
  void Seek(size_t pos) { pos_ = pos; }

  // Peek reads the next byte without consuming it; false at the end.
  bool Peek(uint8_t* out) const {
    if (pos_ >= end_) return false;
    *out = bytes_[pos_];
    return true;
  }

  // ReadByte reads one raw byte.
  absl::Status ReadByte(uint8_t* out) {
    if (ABSL_PREDICT_FALSE(pos_ >= end_)) return MalformedError(kUnexpectedEnd, end_);
    *out = bytes_[pos_++];
    return absl::OkStatus();
  }

  // ReadU32 / ReadU64 read unsigned LEB128 (the spec's u32 and u64).
  absl::Status ReadU32(uint32_t* out) {
    if (ABSL_PREDICT_TRUE(pos_ < end_ && bytes_[pos_] < 0x80)) {
      *out = bytes_[pos_++];
      return absl::OkStatus();
    }
    uint64_t value = 0;
    absl::Status status = ReadUnsignedSlow(32, &value);
    *out = static_cast<uint32_t>(value);
    return status;
  }
  absl::Status ReadU64(uint64_t* out) {
    if (ABSL_PREDICT_TRUE(pos_ < end_ && bytes_[pos_] < 0x80)) {
      *out = bytes_[pos_++];
      return absl::OkStatus();
    }
    return ReadUnsignedSlow(64, out);
  }

  // ReadU1 reads a one-bit unsigned LEB128 (the flags of limits: the spec reads them as vu1).
  absl::Status ReadU1(uint32_t* out) {
    uint64_t value = 0;
    absl::Status status = ReadUnsignedSlow(1, &value);
    *out = static_cast<uint32_t>(value);
    return status;
  }

  // ReadS32 / ReadS33 / ReadS64 read signed LEB128 (s33 is the block type index encoding).
  absl::Status ReadS32(int32_t* out) {
    int64_t value = 0;
    absl::Status status = ReadSigned(32, &value);
    *out = static_cast<int32_t>(value);
    return status;
  }
  absl::Status ReadS33(int64_t* out) { return ReadSigned(33, out); }
  absl::Status ReadS64(int64_t* out) { return ReadSigned(64, out); }

  // ReadFixed32 / ReadFixed64 read little-endian words (f32 and f64 immediates).
  absl::Status ReadFixed32(uint32_t* out) {
    if (ABSL_PREDICT_FALSE(pos_ > end_ || end_ - pos_ < 4)) {
      return MalformedError(kUnexpectedEnd, end_);
    }
    uint32_t value;
    std::memcpy(&value, bytes_ + pos_, 4);
    *out = LittleEndian32(value);
    pos_ += 4;
    return absl::OkStatus();
  }
  absl::Status ReadFixed64(uint64_t* out) {
    if (ABSL_PREDICT_FALSE(pos_ > end_ || end_ - pos_ < 8)) {
      return MalformedError(kUnexpectedEnd, end_);
    }
    uint64_t value;
    std::memcpy(&value, bytes_ + pos_, 8);
    *out = LittleEndian64(value);
    pos_ += 8;
    return absl::OkStatus();
  }

  // ReadBytes consumes `count` raw bytes and returns where they start.
  absl::Status ReadBytes(size_t count, size_t* begin) {
    if (ABSL_PREDICT_FALSE(pos_ > end_ || end_ - pos_ < count)) {
      return MalformedError(kUnexpectedEnd, end_);
    }
    *begin = pos_;
    pos_ += count;
    return absl::OkStatus();
  }

  // ReadLength reads a u32 that counts bytes or vector elements still to come. As in the
  // reference interpreter, a length larger than what remains of the input counted from the
  // length's own first byte is "length out of bounds". This also bounds every allocation that
  // a count drives by the input size.
  absl::Status ReadLength(uint32_t* out) {
    const size_t start = pos_;
    uint32_t length;
    absl::Status status = ReadU32(&length);
    if (ABSL_PREDICT_FALSE(!status.ok())) return status;
    if (ABSL_PREDICT_FALSE(length > end_ - start)) {
      return MalformedError(kLengthOutOfBounds, start);
    }
    *out = length;
    return absl::OkStatus();
  }

  // ReadName reads a length-prefixed UTF-8 string ("malformed UTF-8 encoding" otherwise).
  // The view points into the reader's bytes.
  absl::Status ReadName(absl::string_view* out);

 private:
  static uint32_t LittleEndian32(uint32_t value) {
#if defined(ABSL_IS_BIG_ENDIAN)
    return __builtin_bswap32(value);
#else
    return value;
#endif
  }
  static uint64_t LittleEndian64(uint64_t value) {
#if defined(ABSL_IS_BIG_ENDIAN)
    return __builtin_bswap64(value);
#else
    return value;
#endif
  }

  absl::Status ReadSigned(int bits, int64_t* out) {
    if (ABSL_PREDICT_TRUE(pos_ < end_ && bytes_[pos_] < 0x80)) {
      // Bit 6 is the sign of a one-byte encoding.
      const uint8_t byte = bytes_[pos_++];
      *out = static_cast<int64_t>(static_cast<int8_t>(static_cast<uint8_t>(byte << 1)) >> 1);
      return absl::OkStatus();
    }
    return ReadSignedSlow(bits, out);
  }

  absl::Status ReadUnsignedSlow(int bits, uint64_t* out);
  absl::Status ReadSignedSlow(int bits, int64_t* out);

  const uint8_t* bytes_;
  size_t pos_;
  size_t end_;
};

// ReadValType reads a value type. Unknown types get the reference interpreter's messages:
// bytes that would start a longer signed LEB128 are "integer representation too long", the
// others "malformed number type", "malformed vector type" or "malformed reference type" by the
// range they fall in.
absl::Status ReadValType(Reader& reader, ValType* out);

// ReadRefType reads funcref or externref ("malformed reference type" otherwise).
absl::Status ReadRefType(Reader& reader, ValType* out);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_READER_H_
