// Operator decoding shared by CodeReader::Next and the decoder's scan of function bodies: the
// encoding tables built from opcodes.def, an inline fast path for the common operators and the
// general out-of-line path. The decoder uses these directly so that it can scan a body with its
// own position and buffers, and inline the fast path into its loop.
#ifndef KILN_COMPILER_WASM_READ_OPERATOR_H_
#define KILN_COMPILER_WASM_READ_OPERATOR_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/opcode.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

// OpcodeEntry is what decoding needs to know about an opcode byte (or prefixed code).
struct OpcodeEntry {
  Opcode opcode = Opcode::kCount;  // kCount: no operator has this encoding
  ImmKind immediate = ImmKind::kNone;
};

inline constexpr uint8_t kMiscPrefix = 0xFC;
inline constexpr uint8_t kSimdPrefix = 0xFD;
// Prefixed codes of Wasm 2.0 stay below these bounds (0xFC: 0..17, 0xFD: 0..255).
inline constexpr uint32_t kMiscCodes = 32;
inline constexpr uint32_t kSimdCodes = 256;

// OpcodeTables maps encodings to entries, built at compile time from opcodes.def so that the
// hot path needs no call into opcode.cc.
struct OpcodeTables {
  std::array<OpcodeEntry, 256> single{};
  std::array<OpcodeEntry, kMiscCodes> misc{};
  std::array<OpcodeEntry, kSimdCodes> simd{};
};

constexpr OpcodeTables BuildOpcodeTables() {
  struct Row {
    Opcode opcode;
    uint8_t prefix = 0;
    uint32_t code = 0;
    ImmKind immediate;
  };
  constexpr Row kRows[] = {
#define WASM_OP(name, prefix, code, text, imm, sig) {Opcode::k##name, prefix, code, ImmKind::imm},
#include "compiler/wasm/opcodes.def"
  };
  OpcodeTables tables;
  for (const Row& row : kRows) {
    const OpcodeEntry entry{row.opcode, row.immediate};
    if (row.prefix == 0) {
      tables.single[row.code] = entry;
    } else if (row.prefix == kMiscPrefix) {
      tables.misc[row.code] = entry;
    } else {
      tables.simd[row.code] = entry;
    }
  }
  return tables;
}

inline constexpr OpcodeTables kOperatorEncodings = BuildOpcodeTables();

// kMaxAlignLog2 bounds a memarg's alignment: Wasm 2.0 accepts alignments below 2^32, anything
// larger is "malformed memop flags".
inline constexpr uint32_t kMaxAlignLog2 = 32;

// ScanLeb decodes the bits of a LEB128 of at most five bytes from p[0, available) without
// checking them against any width, and returns its length, or 0 when it is truncated or longer.
// Five-byte encodings are common: linkers pad relocatable indices and addresses to full width.
inline uint32_t ScanLeb(const uint8_t* p, uint32_t available, uint64_t* raw) {
  // Unrolled by hand: this runs once or twice per operator.
  if (ABSL_PREDICT_FALSE(available == 0)) return 0;
  uint64_t result = p[0];
  if (ABSL_PREDICT_TRUE(result < 0x80)) {
    *raw = result;
    return 1;
  }
  result &= 0x7f;
  for (uint32_t i = 1; i < 5; ++i) {
    if (i >= available) return 0;
    result |= static_cast<uint64_t>(p[i] & 0x7f) << (7 * i);
    if (p[i] < 0x80) {
      *raw = result;
      return i + 1;
    }
  }
  return 0;
}

// ReadShortLeb reads a u32 for the fast path: 0 means the general path must read it (and
// report the error, if there is one).
inline uint32_t ReadShortLeb(const uint8_t* p, uint32_t available, uint32_t* value) {
  uint64_t raw = 0;
  const uint32_t length = ScanLeb(p, available, &raw);
  if (length == 5 && p[4] >= 0x10) return 0;  // bits beyond 32: "integer too large"
  *value = static_cast<uint32_t>(raw);
  return length;
}

// ReadShortSignedLeb reads an s32 or s64 (`bits`) for the fast path, sign-extended to 64 bits.
inline uint32_t ReadShortSignedLeb(const uint8_t* p, uint32_t available, int bits,
                                   int64_t* value) {
  uint64_t raw = 0;
  const uint32_t length = ScanLeb(p, available, &raw);
  if (length == 0) return 0;
  // The fifth byte of an s32 must repeat its sign bit (bit 3) in bits 4..6.
  if (bits == 32 && length == 5 && (p[4] & 0x78) != 0 && (p[4] & 0x78) != 0x78) return 0;
  const uint32_t unused = 64 - 7 * length;  // bits above the encoded ones
  *value = static_cast<int64_t>(raw << unused) >> unused;
  if (bits == 32) *value = static_cast<int32_t>(*value);
  return length;
}

// ReadSimpleOperator decodes the operator at bytes[pos] when it is a one-byte opcode whose
// immediates are absent or short LEB128 numbers (at most four bytes each) -- most operators in
// practice. It returns the position after the operator, or 0 when the general path
// (ReadOperator) must decode it instead; it never fails, so every error is left to that path.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline uint32_t ReadSimpleOperator(const uint8_t* bytes,
                                                                uint32_t pos, uint32_t end,
                                                                Instruction* out) {
  if (ABSL_PREDICT_FALSE(pos >= end)) return 0;
  const uint8_t* p = bytes + pos;
  const uint32_t available = end - pos - 1;  // bytes after the opcode
  const OpcodeEntry entry = kOperatorEncodings.single[p[0]];
  uint32_t length = 0;
  switch (entry.immediate) {
    case ImmKind::kNone:
      // Prefix bytes and unassigned opcodes have no single-byte entry (kCount).
      if (entry.opcode == Opcode::kCount) return 0;
      break;
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable:
      length = ReadShortLeb(p + 1, available, &out->index);
      if (length == 0) return 0;
      break;
    case ImmKind::kI32:
    case ImmKind::kI64: {
      int64_t value = 0;
      length = ReadShortSignedLeb(p + 1, available,
                                  entry.immediate == ImmKind::kI32 ? 32 : 64, &value);
      if (length == 0) return 0;
      out->bits = static_cast<uint64_t>(value);
      break;
    }
    case ImmKind::kMemArg: {
      if (available < 2 || p[1] >= kMaxAlignLog2) return 0;
      uint32_t offset = 0;
      length = ReadShortLeb(p + 2, available - 1, &offset);
      if (length == 0) return 0;
      out->memarg.align_log2 = p[1];
      out->memarg.offset = offset;
      out->memarg.memory = 0;
      ++length;
      break;
    }
    case ImmKind::kBlockType:
      // The empty block type and single value types; type indices take the general path.
      if (available < 1) return 0;
      if (p[1] == 0x40) {
        out->block_type.kind = BlockType::Kind::kEmpty;
      } else if (IsValType(p[1])) {
        out->block_type.kind = BlockType::Kind::kValue;
        out->block_type.value = static_cast<ValType>(p[1]);
      } else {
        return 0;
      }
      length = 1;
      break;
    default:
      return 0;
  }
  out->offset = pos;
  out->opcode = entry.opcode;
  return pos + 1 + length;
}

// ReadOperator decodes any operator at bytes[*pos], reading no further than `end`, and advances
// *pos past it. br_table targets and typed-select types go into the given buffers, which keep
// their capacity across calls. Errors carry the spec's message and the offset, as
// CodeReader::Next documents.
absl::Status ReadOperator(absl::Span<const uint8_t> bytes, uint32_t* pos, uint32_t end,
                          std::vector<uint32_t>& br_table, std::vector<ValType>& select_types,
                          Instruction* out);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_READ_OPERATOR_H_
