// BinaryWriter appends the primitive encodings of the Wasm binary format (bytes, LEB128
// integers, little-endian floats, names) to a growing byte vector. The text parser builds each
// section in its own writer and then frames it with WriteSection.
#ifndef KILN_COMPILER_TEXT_BINARY_WRITER_H_
#define KILN_COMPILER_TEXT_BINARY_WRITER_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace kiln::text {

// BinaryWriter is an append-only byte buffer with the binary format's encodings. Integers use
// the shortest LEB128 form, as wat2wasm does by default.
class BinaryWriter {
 public:
  void U8(uint8_t byte) { bytes_.push_back(byte); }
  void U32(uint32_t value);  // unsigned LEB128
  void S32(int32_t value);   // signed LEB128
  void S33(int64_t value);   // signed LEB128 of a block type index
  void S64(int64_t value);   // signed LEB128
  void Fixed32(uint32_t bits);  // 4 little-endian bytes (f32 constants)
  void Fixed64(uint64_t bits);  // 8 little-endian bytes (f64 constants)
  void Bytes(absl::Span<const uint8_t> bytes);
  void Bytes(absl::string_view bytes);
  // Name writes a vec(byte): the length as u32 LEB128, then the bytes.
  void Name(absl::string_view name);
  // Append copies another writer's bytes to the end of this one.
  void Append(const BinaryWriter& other) { Bytes(other.bytes_); }

  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }
  std::vector<uint8_t> Release() { return std::move(bytes_); }

 private:
  std::vector<uint8_t> bytes_;
};

// WriteSection frames `contents` as section `id`: the id byte, the size, then the contents.
void WriteSection(BinaryWriter& out, uint8_t id, const BinaryWriter& contents);

// WriteVecSection writes a section whose contents are a vector of `count` already encoded
// entries; nothing at all when `count` is zero.
void WriteVecSection(BinaryWriter& out, uint8_t id, uint32_t count, const BinaryWriter& entries);

}  // namespace kiln::text

#endif  // KILN_COMPILER_TEXT_BINARY_WRITER_H_
