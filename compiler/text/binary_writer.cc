// Primitive encodings of the Wasm binary format; see binary_writer.h.
#include "compiler/text/binary_writer.h"

namespace kiln::text {

void BinaryWriter::U32(uint32_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    bytes_.push_back(byte);
  } while (value != 0);
}

void BinaryWriter::S64(int64_t value) {
  // Arithmetic shift keeps the sign; stop once the rest is all sign bits and the last byte's
  // bit 6 agrees with the sign.
  while (true) {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    bool done = (value == 0 && (byte & 0x40) == 0) || (value == -1 && (byte & 0x40) != 0);
    if (!done) byte |= 0x80;
    bytes_.push_back(byte);
    if (done) return;
  }
}

void BinaryWriter::S32(int32_t value) { S64(value); }

void BinaryWriter::S33(int64_t value) { S64(value); }

void BinaryWriter::Fixed32(uint32_t bits) {
  for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

void BinaryWriter::Fixed64(uint64_t bits) {
  for (int i = 0; i < 8; ++i) bytes_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

void BinaryWriter::Bytes(absl::Span<const uint8_t> bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

void BinaryWriter::Bytes(absl::string_view bytes) {
  bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
}

void BinaryWriter::Name(absl::string_view name) {
  U32(static_cast<uint32_t>(name.size()));
  Bytes(name);
}

void WriteSection(BinaryWriter& out, uint8_t id, const BinaryWriter& contents) {
  out.U8(id);
  out.U32(static_cast<uint32_t>(contents.size()));
  out.Append(contents);
}

void WriteVecSection(BinaryWriter& out, uint8_t id, uint32_t count, const BinaryWriter& entries) {
  if (count == 0) return;
  BinaryWriter contents;
  contents.U32(count);
  contents.Append(entries);
  WriteSection(out, id, contents);
}

}  // namespace kiln::text
