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
// adds the section and function to the parenthesis (see decoder.cc). No Status is built unless
// the input is malformed.
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

// LebDecoding is the result of decoding a LEB128 number that did not fit the one-byte fast
// path: its value and the position after it, or a spec message and the offset it applies to.
// It is returned by value so that a Reader's address never escapes its inline fast paths,
// which lets the compiler keep a local Reader entirely in registers (see CodeReader::Next).
struct LebDecoding {
  uint64_t value = 0;
  size_t pos = 0;
  const char* error = nullptr;  // nullptr on success
};

// DecodeUnsignedLeb / DecodeSignedLeb decode an N-bit LEB128 from bytes[pos, end). Signed
// values come back sign-extended to 64 bits.
LebDecoding DecodeUnsignedLeb(const uint8_t* bytes, size_t pos, size_t end, int bits);
LebDecoding DecodeSignedLeb(const uint8_t* bytes, size_t pos, size_t end, int bits);

// TypeByteError is the message for a byte that is not a valid type. The spec reads types as a
// one-byte signed LEB128 (s7), so a byte with its continuation bit set makes the number too
// long; otherwise the reference interpreter picks the kind of type from the byte's range.
// `reference_only` is for places where only funcref and externref may appear.
const char* TypeByteError(uint8_t byte, bool reference_only);

// Reader reads forward through bytes[pos, end). The Read* methods are the hot path of the
// decoder and CodeReader, so they return bool rather than absl::Status: on malformed input they
// return false and record the spec message and offset, and error() turns the record into the
// status. After a failure the position is unspecified and the reader should be abandoned.
// Offsets are always positions in `bytes`, so errors name module offsets.
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

  // Fail records `message` (which must outlive the reader: a literal) at `offset` and returns
  // false, so that callers can write `return reader.Fail(...)`.
  bool Fail(absl::string_view message, size_t offset) {
    error_message_ = message;
    error_offset_ = offset;
    return false;
  }

  // error is the recorded failure as "<message> (offset 0x..)" (kInvalidArgument).
  absl::Status error() const { return MalformedError(error_message_, error_offset_); }

  // Peek reads the next byte without consuming it; false at the end (nothing is recorded).
  bool Peek(uint8_t* out) const {
    if (pos_ >= end_) return false;
    *out = bytes_[pos_];
    return true;
  }

  // ReadByte reads one raw byte.
  bool ReadByte(uint8_t* out) {
    if (ABSL_PREDICT_FALSE(pos_ >= end_)) return Fail(kUnexpectedEnd, end_);
    *out = bytes_[pos_++];
    return true;
  }

  // ReadU32 / ReadU64 read unsigned LEB128 (the spec's u32 and u64).
  bool ReadU32(uint32_t* out) {
    if (ABSL_PREDICT_TRUE(pos_ < end_ && bytes_[pos_] < 0x80)) {
      *out = bytes_[pos_++];
      return true;
    }
    // Two-byte encodings (128..16383: indices, offsets) are common enough to stay inline.
    if (end_ - pos_ >= 2 && pos_ < end_ && bytes_[pos_ + 1] < 0x80) {
      *out = (bytes_[pos_] & 0x7fu) | (static_cast<uint32_t>(bytes_[pos_ + 1]) << 7);
      pos_ += 2;
      return true;
    }
    uint64_t value = 0;
    if (!ReadSlow(DecodeUnsignedLeb(bytes_, pos_, end_, 32), &value)) return false;
    *out = static_cast<uint32_t>(value);
    return true;
  }
  bool ReadU64(uint64_t* out) {
    if (ABSL_PREDICT_TRUE(pos_ < end_ && bytes_[pos_] < 0x80)) {
      *out = bytes_[pos_++];
      return true;
    }
    return ReadSlow(DecodeUnsignedLeb(bytes_, pos_, end_, 64), out);
  }

  // ReadU1 reads a one-bit unsigned LEB128 (the flags of limits: the spec reads them as vu1).
  bool ReadU1(uint32_t* out) {
    uint64_t value = 0;
    if (!ReadSlow(DecodeUnsignedLeb(bytes_, pos_, end_, 1), &value)) return false;
    *out = static_cast<uint32_t>(value);
    return true;
  }

  // ReadS32 / ReadS33 / ReadS64 read signed LEB128 (s33 is the block type index encoding).
  bool ReadS32(int32_t* out) {
    int64_t value = 0;
    if (!ReadSigned(32, &value)) return false;
    *out = static_cast<int32_t>(value);
    return true;
  }
  bool ReadS33(int64_t* out) { return ReadSigned(33, out); }
  bool ReadS64(int64_t* out) { return ReadSigned(64, out); }

  // ReadFixed32 / ReadFixed64 read little-endian words (f32 and f64 immediates).
  bool ReadFixed32(uint32_t* out) {
    size_t begin = 0;
    if (!ReadBytes(4, &begin)) return false;
    uint32_t value = 0;
    std::memcpy(&value, bytes_ + begin, 4);
    *out = LittleEndian32(value);
    return true;
  }
  bool ReadFixed64(uint64_t* out) {
    size_t begin = 0;
    if (!ReadBytes(8, &begin)) return false;
    uint64_t value = 0;
    std::memcpy(&value, bytes_ + begin, 8);
    *out = LittleEndian64(value);
    return true;
  }

  // ReadBytes consumes `count` raw bytes and returns where they start.
  bool ReadBytes(size_t count, size_t* begin) {
    if (ABSL_PREDICT_FALSE(pos_ > end_ || end_ - pos_ < count)) {
      return Fail(kUnexpectedEnd, end_);
    }
    *begin = pos_;
    pos_ += count;
    return true;
  }

  // ReadLength reads a u32 that counts bytes or vector elements still to come. As in the
  // reference interpreter, a length larger than what remains of the input counted from the
  // length's own first byte is "length out of bounds" (so a length may still overshoot by its
  // own encoded size; the reads that follow catch that). This bounds every allocation that a
  // count drives by the input size.
  bool ReadLength(uint32_t* out) {
    const size_t start = pos_;
    uint32_t length = 0;
    if (!ReadU32(&length)) return false;
    if (ABSL_PREDICT_FALSE(length > end_ - start)) return Fail(kLengthOutOfBounds, start);
    *out = length;
    return true;
  }

  // ReadName reads a length-prefixed UTF-8 string ("malformed UTF-8 encoding" otherwise).
  // The view points into the reader's bytes.
  bool ReadName(absl::string_view* out);

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

  bool ReadSigned(int bits, int64_t* out) {
    if (ABSL_PREDICT_TRUE(pos_ < end_ && bytes_[pos_] < 0x80)) {
      // Bit 6 is the sign of a one-byte encoding.
      const uint8_t byte = bytes_[pos_++];
      *out = static_cast<int64_t>(static_cast<int8_t>(static_cast<uint8_t>(byte << 1)) >> 1);
      return true;
    }
    if (end_ - pos_ >= 2 && pos_ < end_ && bytes_[pos_ + 1] < 0x80) {
      // Fourteen bits, sign-extended from bit 13 (the second byte's bit 6).
      const uint32_t bits14 = (bytes_[pos_] & 0x7fu) | (static_cast<uint32_t>(bytes_[pos_ + 1]) << 7);
      *out = static_cast<int64_t>(static_cast<int32_t>(bits14 << 18) >> 18);
      pos_ += 2;
      return true;
    }
    uint64_t value = 0;
    if (!ReadSlow(DecodeSignedLeb(bytes_, pos_, end_, bits), &value)) return false;
    *out = static_cast<int64_t>(value);
    return true;
  }

  bool ReadSlow(const LebDecoding& decoding, uint64_t* out) {
    if (ABSL_PREDICT_FALSE(decoding.error != nullptr)) return Fail(decoding.error, decoding.pos);
    pos_ = decoding.pos;
    *out = decoding.value;
    return true;
  }

  const uint8_t* bytes_;
  size_t pos_ = 0;
  size_t end_ = 0;
  absl::string_view error_message_;
  size_t error_offset_ = 0;
};

// KILN_READ_OR_RETURN(reader, expr) evaluates `expr`, a read on `reader` that returns bool,
// and returns reader.error() from the enclosing function (which returns absl::Status) when the
// read fails.
#define KILN_READ_OR_RETURN(reader, expr)                        \
  do {                                                           \
    if (ABSL_PREDICT_FALSE(!(expr))) return (reader).error();    \
  } while (false)

// ReadValType reads a value type. Unknown types get the reference interpreter's messages (see
// TypeByteError).
inline bool ReadValType(Reader& reader, ValType* out) {
  uint8_t byte = 0;
  if (!reader.ReadByte(&byte)) return false;
  if (ABSL_PREDICT_FALSE(!IsValType(byte))) {
    // A continuation bit means the error is found when reading the next byte.
    return reader.Fail(TypeByteError(byte, false), reader.pos() - ((byte & 0x80) ? 0 : 1));
  }
  *out = static_cast<ValType>(byte);
  return true;
}

// ReadRefType reads funcref or externref ("malformed reference type" otherwise).
inline bool ReadRefType(Reader& reader, ValType* out) {
  uint8_t byte = 0;
  if (!reader.ReadByte(&byte)) return false;
  if (ABSL_PREDICT_FALSE(byte != static_cast<uint8_t>(ValType::kFuncRef) &&
                         byte != static_cast<uint8_t>(ValType::kExternRef))) {
    return reader.Fail(TypeByteError(byte, true), reader.pos() - ((byte & 0x80) ? 0 : 1));
  }
  *out = static_cast<ValType>(byte);
  return true;
}

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_READER_H_
