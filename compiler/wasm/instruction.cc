// CodeReader::Next: decodes one operator and its immediates. The immediate kind from
// opcodes.def picks how the bytes after the opcode are read, so no operator is named here.
// One-byte opcodes go through a table built at compile time from opcodes.def, so the common
// path is a load, a switch and, for most operators, one inline LEB128 read.
#include "compiler/wasm/instruction.h"

#include <array>
#include <cstddef>
#include <cstring>
#include <optional>

#include "absl/strings/str_format.h"
#include "compiler/wasm/reader.h"

namespace kiln::wasm {
namespace {

// SingleByteEntry is what Next needs to know about a one-byte opcode.
struct SingleByteEntry {
  Opcode opcode = Opcode::kCount;  // kCount: no operator has this byte
  ImmKind immediate = ImmKind::kNone;
};

constexpr std::array<SingleByteEntry, 256> BuildSingleByteTable() {
  std::array<SingleByteEntry, 256> table{};
  struct Row {
    Opcode opcode;
    uint8_t prefix;
    uint32_t code;
    ImmKind immediate;
  };
  constexpr Row kRows[] = {
#define WASM_OP(name, prefix, code, text, imm, sig) {Opcode::k##name, prefix, code, ImmKind::imm},
#include "compiler/wasm/opcodes.def"
  };
  for (const Row& row : kRows) {
    if (row.prefix == 0) table[row.code] = SingleByteEntry{row.opcode, row.immediate};
  }
  return table;
}

constexpr std::array<SingleByteEntry, 256> kSingleByte = BuildSingleByteTable();

constexpr uint8_t kMiscPrefix = 0xFC;
constexpr uint8_t kSimdPrefix = 0xFD;
// Wasm 2.0 accepts alignments below 2^32; anything larger is a malformed memarg.
constexpr uint32_t kMaxAlignLog2 = 32;

absl::Status ReadZeroByte(Reader& reader) {
  const size_t offset = reader.pos();
  uint8_t byte;
  absl::Status status = reader.ReadByte(&byte);
  if (ABSL_PREDICT_FALSE(!status.ok())) return status;
  if (ABSL_PREDICT_FALSE(byte != 0)) return MalformedError("zero byte expected", offset);
  return absl::OkStatus();
}

absl::Status ReadMemArg(Reader& reader, MemArg* out) {
  uint32_t align;
  absl::Status status = reader.ReadU32(&align);
  if (ABSL_PREDICT_FALSE(!status.ok())) return status;
  if (ABSL_PREDICT_FALSE(align >= kMaxAlignLog2)) {
    return MalformedError("malformed memop flags", reader.pos() - 1);
  }
  uint32_t offset;
  status = reader.ReadU32(&offset);
  if (ABSL_PREDICT_FALSE(!status.ok())) return status;
  out->align_log2 = align;
  out->offset = offset;
  out->memory = 0;
  return absl::OkStatus();
}

// ReadBlockType follows the spec's three-way encoding: 0x40 is empty, other bytes of the form
// 0b01xxxxxx are value types, and everything else starts a non-negative s33 type index.
absl::Status ReadBlockType(Reader& reader, BlockType* out) {
  uint8_t byte = 0;
  reader.Peek(&byte);
  if (byte == 0x40) {
    reader.Seek(reader.pos() + 1);
    out->kind = BlockType::Kind::kEmpty;
    return absl::OkStatus();
  }
  if ((byte & 0xc0) == 0x40) {
    out->kind = BlockType::Kind::kValue;
    return ReadValType(reader, &out->value);
  }
  const size_t offset = reader.pos();
  int64_t index;
  absl::Status status = reader.ReadS33(&index);
  if (ABSL_PREDICT_FALSE(!status.ok())) return status;
  if (ABSL_PREDICT_FALSE(index < 0)) {
    return MalformedError(absl::StrFormat("unknown type %d", index), offset);
  }
  out->kind = BlockType::Kind::kTypeIndex;
  out->type_index = static_cast<uint32_t>(index);
  return absl::OkStatus();
}

absl::Status ReadRawBytes(Reader& reader, absl::Span<const uint8_t> bytes,
                          std::array<uint8_t, 16>* out) {
  size_t begin;
  absl::Status status = reader.ReadBytes(out->size(), &begin);
  if (ABSL_PREDICT_FALSE(!status.ok())) return status;
  std::memcpy(out->data(), bytes.data() + begin, out->size());
  return absl::OkStatus();
}

}  // namespace

absl::Status CodeReader::Next(Instruction* out) {
  Reader reader(bytes_, pos_, end_);
  out->offset = pos_;
  uint8_t byte;
  absl::Status status = reader.ReadByte(&byte);
  if (ABSL_PREDICT_FALSE(!status.ok())) return status;

  Opcode opcode = kSingleByte[byte].opcode;
  ImmKind immediate = kSingleByte[byte].immediate;
  if (byte == kMiscPrefix || byte == kSimdPrefix) {
    uint32_t code;
    status = reader.ReadU32(&code);
    if (ABSL_PREDICT_FALSE(!status.ok())) return status;
    std::optional<Opcode> prefixed = LookupPrefixed(byte, code);
    if (ABSL_PREDICT_FALSE(!prefixed.has_value())) {
      return MalformedError(absl::StrFormat("illegal opcode %02x %x", byte, code), out->offset);
    }
    opcode = *prefixed;
    immediate = Info(opcode).immediate;
  } else if (ABSL_PREDICT_FALSE(opcode == Opcode::kCount)) {
    return MalformedError(absl::StrFormat("illegal opcode %02x", byte), out->offset);
  }
  out->opcode = opcode;

  switch (immediate) {
    case ImmKind::kNone:
      break;
    case ImmKind::kBlockType:
      status = ReadBlockType(reader, &out->block_type);
      break;
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable:
    case ImmKind::kData:
    case ImmKind::kElem:
      status = reader.ReadU32(&out->index);
      break;
    case ImmKind::kBrTable: {
      uint32_t count;
      status = reader.ReadLength(&count);
      if (!status.ok()) break;
      // The buffer keeps its capacity across operators, so only the first (or a longer)
      // br_table of a reader allocates.
      br_table_.resize(static_cast<size_t>(count) + 1);
      for (uint32_t i = 0; i <= count && status.ok(); ++i) {
        status = reader.ReadU32(&br_table_[i]);
      }
      out->br_table = absl::MakeConstSpan(br_table_);
      break;
    }
    case ImmKind::kCallIndirect:
    case ImmKind::kTableInit:
    case ImmKind::kTableCopy:
      status = reader.ReadU32(&out->index);
      if (status.ok()) status = reader.ReadU32(&out->index2);
      break;
    case ImmKind::kMemArg:
      status = ReadMemArg(reader, &out->memarg);
      break;
    case ImmKind::kMemArgLane: {
      status = ReadMemArg(reader, &out->memarg);
      uint8_t lane = 0;
      if (status.ok()) status = reader.ReadByte(&lane);
      out->index = lane;
      break;
    }
    case ImmKind::kLane: {
      uint8_t lane = 0;
      status = reader.ReadByte(&lane);
      out->index = lane;
      break;
    }
    case ImmKind::kMemory:
      out->index = 0;
      status = ReadZeroByte(reader);
      break;
    case ImmKind::kMemoryInit:
      status = reader.ReadU32(&out->index);
      out->index2 = 0;
      if (status.ok()) status = ReadZeroByte(reader);
      break;
    case ImmKind::kMemoryCopy:
      out->index = 0;
      out->index2 = 0;
      status = ReadZeroByte(reader);
      if (status.ok()) status = ReadZeroByte(reader);
      break;
    case ImmKind::kI32: {
      int32_t value = 0;
      status = reader.ReadS32(&value);
      out->bits = static_cast<uint64_t>(static_cast<int64_t>(value));
      break;
    }
    case ImmKind::kI64: {
      int64_t value = 0;
      status = reader.ReadS64(&value);
      out->bits = static_cast<uint64_t>(value);
      break;
    }
    case ImmKind::kF32: {
      uint32_t value = 0;
      status = reader.ReadFixed32(&value);
      out->bits = value;
      break;
    }
    case ImmKind::kF64:
      status = reader.ReadFixed64(&out->bits);
      break;
    case ImmKind::kV128:
    case ImmKind::kShuffle:
      status = ReadRawBytes(reader, bytes_, &out->v128);
      break;
    case ImmKind::kSelectTypes: {
      uint32_t count;
      status = reader.ReadLength(&count);
      if (!status.ok()) break;
      select_types_.resize(count);
      for (uint32_t i = 0; i < count && status.ok(); ++i) {
        status = ReadValType(reader, &select_types_[i]);
      }
      out->select_types = absl::MakeConstSpan(select_types_);
      break;
    }
    case ImmKind::kRefType:
      status = ReadRefType(reader, &out->ref_type);
      break;
  }
  if (ABSL_PREDICT_FALSE(!status.ok())) return status;
  pos_ = static_cast<uint32_t>(reader.pos());
  return absl::OkStatus();
}

}  // namespace kiln::wasm
