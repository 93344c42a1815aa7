// CodeReader::Next and ReadOperator: decoding one operator and its immediates. The immediate
// kind from opcodes.def picks how the bytes after the opcode are read, so no operator is named
// here. Next tries the inline fast path of read_operator.h first.
#include "compiler/wasm/instruction.h"

#include <array>
#include <cstddef>
#include <cstring>
#include <optional>

#include "absl/strings/str_format.h"
#include "compiler/wasm/read_operator.h"
#include "compiler/wasm/reader.h"

namespace kiln::wasm {
namespace {

// The immediate readers below return false with the error recorded in `reader`. They are
// small and inlined, so the reader's position stays in a register across an operator.

inline bool ReadZeroByte(Reader& reader) {
  const size_t offset = reader.pos();
  uint8_t byte = 0;
  if (!reader.ReadByte(&byte)) return false;
  if (ABSL_PREDICT_FALSE(byte != 0)) return reader.Fail("zero byte expected", offset);
  return true;
}

inline bool ReadMemArg(Reader& reader, MemArg* out) {
  uint32_t align = 0;
  uint32_t offset = 0;
  if (!reader.ReadU32(&align)) return false;
  if (ABSL_PREDICT_FALSE(align >= kMaxAlignLog2)) {
    return reader.Fail("malformed memop flags", reader.pos() - 1);
  }
  if (!reader.ReadU32(&offset)) return false;
  out->align_log2 = align;
  out->offset = offset;
  out->memory = 0;
  return true;
}

// ReadBlockType follows the spec's three-way encoding: 0x40 is empty, other bytes of the form
// 0b01xxxxxx are value types, and everything else starts a non-negative s33 type index.
inline bool ReadBlockType(Reader& reader, BlockType* out) {
  uint8_t byte = 0;
  reader.Peek(&byte);
  if (byte == 0x40) {
    reader.Seek(reader.pos() + 1);
    out->kind = BlockType::Kind::kEmpty;
    return true;
  }
  if ((byte & 0xc0) == 0x40) {
    out->kind = BlockType::Kind::kValue;
    return ReadValType(reader, &out->value);
  }
  const size_t offset = reader.pos();
  int64_t index = 0;
  if (!reader.ReadS33(&index)) return false;
  // A negative index names no type; the validator would say the same of a large one.
  if (ABSL_PREDICT_FALSE(index < 0)) return reader.Fail("unknown type", offset);
  out->kind = BlockType::Kind::kTypeIndex;
  out->type_index = static_cast<uint32_t>(index);
  return true;
}

inline bool ReadLaneBytes(Reader& reader, absl::Span<const uint8_t> bytes,
                          std::array<uint8_t, 16>* out) {
  size_t begin = 0;
  if (!reader.ReadBytes(out->size(), &begin)) return false;
  std::memcpy(out->data(), bytes.data() + begin, out->size());
  return true;
}

inline bool ReadLane(Reader& reader, uint32_t* out) {
  uint8_t lane = 0;
  if (!reader.ReadByte(&lane)) return false;
  *out = lane;
  return true;
}

// The helpers below are kept out of line so that ReadOperator stays small: they handle rare
// operators (br_table, typed select) and errors.

ABSL_ATTRIBUTE_NOINLINE absl::Status IllegalOpcode(uint8_t byte, std::optional<uint32_t> code,
                                                   uint32_t offset) {
  if (code.has_value()) {
    return MalformedError(absl::StrFormat("illegal opcode %02x %x", byte, *code), offset);
  }
  return MalformedError(absl::StrFormat("illegal opcode %02x", byte), offset);
}

// ReadBrTable reads vec(labelidx) labelidx into `targets`, whose capacity is kept across
// operators, so only the first (or a longer) br_table of a reader allocates.
ABSL_ATTRIBUTE_NOINLINE bool ReadBrTable(Reader& reader, std::vector<uint32_t>& targets) {
  uint32_t count = 0;
  if (!reader.ReadLength(&count)) return false;
  targets.resize(static_cast<size_t>(count) + 1);
  for (uint32_t& target : targets) {
    if (!reader.ReadU32(&target)) return false;
  }
  return true;
}

ABSL_ATTRIBUTE_NOINLINE bool ReadSelectTypes(Reader& reader, std::vector<ValType>& types) {
  uint32_t count = 0;
  if (!reader.ReadLength(&count)) return false;
  types.resize(count);
  for (ValType& type : types) {
    if (!ReadValType(reader, &type)) return false;
  }
  return true;
}

}  // namespace

absl::Status ReadOperator(absl::Span<const uint8_t> bytes, uint32_t* pos, uint32_t end,
                          std::vector<uint32_t>& br_table, std::vector<ValType>& select_types,
                          Instruction* out) {
  Reader reader(bytes, *pos, end);
  const uint32_t offset = *pos;
  out->offset = offset;
  uint8_t byte = 0;
  KILN_READ_OR_RETURN(reader, reader.ReadByte(&byte));

  OpcodeEntry entry = kOperatorEncodings.single[byte];
  if (byte == kMiscPrefix || byte == kSimdPrefix) {
    uint32_t code = 0;
    KILN_READ_OR_RETURN(reader, reader.ReadU32(&code));
    const bool misc = byte == kMiscPrefix;
    if (code < (misc ? kMiscCodes : kSimdCodes)) {
      entry = misc ? kOperatorEncodings.misc[code] : kOperatorEncodings.simd[code];
    }
    if (ABSL_PREDICT_FALSE(entry.opcode == Opcode::kCount)) {
      return IllegalOpcode(byte, code, offset);
    }
  } else if (ABSL_PREDICT_FALSE(entry.opcode == Opcode::kCount)) {
    return IllegalOpcode(byte, std::nullopt, offset);
  }
  out->opcode = entry.opcode;

  bool ok = true;
  switch (entry.immediate) {
    case ImmKind::kNone:
      break;
    case ImmKind::kBlockType:
      ok = ReadBlockType(reader, &out->block_type);
      break;
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable:
    case ImmKind::kData:
    case ImmKind::kElem:
      ok = reader.ReadU32(&out->index);
      break;
    case ImmKind::kBrTable: {
      // A copy goes to the out-of-line helper so that `reader` itself never has its address
      // taken and can live in registers.
      Reader copy = reader;
      ok = ReadBrTable(copy, br_table);
      reader = copy;
      out->br_table = absl::MakeConstSpan(br_table);
      break;
    }
    case ImmKind::kCallIndirect:
    case ImmKind::kTableInit:
    case ImmKind::kTableCopy:
      ok = reader.ReadU32(&out->index) && reader.ReadU32(&out->index2);
      break;
    case ImmKind::kMemArg:
      ok = ReadMemArg(reader, &out->memarg);
      break;
    case ImmKind::kMemArgLane:
      ok = ReadMemArg(reader, &out->memarg) && ReadLane(reader, &out->index);
      break;
    case ImmKind::kLane:
      ok = ReadLane(reader, &out->index);
      break;
    case ImmKind::kMemory:
      out->index = 0;
      ok = ReadZeroByte(reader);
      break;
    case ImmKind::kMemoryInit:
      out->index2 = 0;
      ok = reader.ReadU32(&out->index) && ReadZeroByte(reader);
      break;
    case ImmKind::kMemoryCopy:
      out->index = 0;
      out->index2 = 0;
      ok = ReadZeroByte(reader) && ReadZeroByte(reader);
      break;
    case ImmKind::kI32: {
      int32_t value = 0;
      ok = reader.ReadS32(&value);
      out->bits = static_cast<uint64_t>(static_cast<int64_t>(value));
      break;
    }
    case ImmKind::kI64: {
      int64_t value = 0;
      ok = reader.ReadS64(&value);
      out->bits = static_cast<uint64_t>(value);
      break;
    }
    case ImmKind::kF32: {
      uint32_t value = 0;
      ok = reader.ReadFixed32(&value);
      out->bits = value;
      break;
    }
    case ImmKind::kF64:
      ok = reader.ReadFixed64(&out->bits);
      break;
    case ImmKind::kV128:
    case ImmKind::kShuffle:
      ok = ReadLaneBytes(reader, bytes, &out->v128);
      break;
    case ImmKind::kSelectTypes: {
      Reader copy = reader;
      ok = ReadSelectTypes(copy, select_types);
      reader = copy;
      out->select_types = absl::MakeConstSpan(select_types);
      break;
    }
    case ImmKind::kRefType:
      ok = ReadRefType(reader, &out->ref_type);
      break;
  }
  if (ABSL_PREDICT_FALSE(!ok)) return reader.error();
  *pos = static_cast<uint32_t>(reader.pos());
  return absl::OkStatus();
}

absl::Status CodeReader::Next(Instruction* out) {
  const uint32_t next = ReadSimpleOperator(bytes_.data(), pos_, end_, out);
  if (ABSL_PREDICT_TRUE(next != 0)) {
    pos_ = next;
    return absl::OkStatus();
  }
  return ReadOperator(bytes_, &pos_, end_, br_table_, select_types_, out);
}

}  // namespace kiln::wasm
