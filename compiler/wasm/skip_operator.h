// SkipShape: how the decoder's walk of function bodies and constant expressions steps over a
// common one-byte operator without decoding it -- the walk only needs to know where each
// operator ends and which ones open or close constructs. A table built from opcodes.def at
// compile time gives each opcode byte the shape of its immediates.
//
// The helpers accept only encodings that are certainly well formed: a LEB128 number of at most
// five bytes that is in range for its kind. Anything else makes the walk decode that operator
// with ReadOperator (read_operator.h), which reports the error.
#ifndef KILN_COMPILER_WASM_SKIP_OPERATOR_H_
#define KILN_COMPILER_WASM_SKIP_OPERATOR_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "absl/base/optimization.h"
#include "compiler/wasm/opcode.h"
#include "compiler/wasm/read_operator.h"

namespace kiln::wasm {

// SkipShape is how the walk steps over a one-byte opcode without decoding it.
enum class SkipShape : uint8_t {
  kGeneral,    // decoded by ReadOperator: prefixes, unassigned bytes, rare or long immediates
  kPlain,      // no immediates
  kU32,        // one u32 LEB128 immediate (an index)
  kS32,        // i32.const
  kS64,        // i64.const  (kPlain..kS64 are the shapes the walk's common case handles)
  kTwoU32s,    // call_indirect: type and table
  kMemArg,     // alignment byte, u32 offset
  kFixed4,     // f32.const
  kFixed8,     // f64.const
  kBlock,      // block or loop: a one-byte block type, opens a construct
  kIf,         // if: the same, opens a construct that may take an else
  kElse,
  kEnd,
};

// IsPlainOrLeb is true for kPlain, kU32, kS32 and kS64: the shapes of most operators.
constexpr bool IsPlainOrLeb(SkipShape shape) {
  return static_cast<uint8_t>(static_cast<uint8_t>(shape) -
                              static_cast<uint8_t>(SkipShape::kPlain)) <=
         static_cast<uint8_t>(SkipShape::kS64) - static_cast<uint8_t>(SkipShape::kPlain);
}

constexpr SkipShape ShapeOf(Opcode opcode, ImmKind immediate) {
  switch (opcode) {
    case Opcode::kBlock:
    case Opcode::kLoop: return SkipShape::kBlock;
    case Opcode::kIf: return SkipShape::kIf;
    case Opcode::kElse: return SkipShape::kElse;
    case Opcode::kEnd: return SkipShape::kEnd;
    default: break;
  }
  switch (immediate) {
    case ImmKind::kNone: return SkipShape::kPlain;
    case ImmKind::kLabel:
    case ImmKind::kFunc:
    case ImmKind::kLocal:
    case ImmKind::kGlobal:
    case ImmKind::kTable: return SkipShape::kU32;
    case ImmKind::kI32: return SkipShape::kS32;
    case ImmKind::kI64: return SkipShape::kS64;
    case ImmKind::kCallIndirect: return SkipShape::kTwoU32s;
    case ImmKind::kMemArg: return SkipShape::kMemArg;
    case ImmKind::kF32: return SkipShape::kFixed4;
    case ImmKind::kF64: return SkipShape::kFixed8;
    default: return SkipShape::kGeneral;
  }
}

constexpr std::array<SkipShape, 256> BuildSkipShapes() {
  std::array<SkipShape, 256> shapes{};
  for (size_t byte = 0; byte < 256; ++byte) {
    const OpcodeEntry& entry = kOperatorEncodings.single[byte];
    shapes[byte] = entry.opcode == Opcode::kCount ? SkipShape::kGeneral
                                                  : ShapeOf(entry.opcode, entry.immediate);
  }
  return shapes;
}

inline constexpr std::array<SkipShape, 256> kSkipShapes = BuildSkipShapes();

// LebLength is the length of the LEB128 at p[0, available) when it ends within five bytes (the
// most any u32, s32 or s64 immediate the walk steps over may take), and 0 otherwise. Lengths
// of four bytes or less are in range for every kind; a fifth byte needs InRangeAsFifthByte.
inline uint32_t LebLength(const uint8_t* p, uint32_t available) {
  if (ABSL_PREDICT_TRUE(available >= 5)) {
    const uint32_t word = static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                          static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
    const uint32_t last_bytes = ~word & 0x80808080u;  // the high bit of each byte that ends it
    if (ABSL_PREDICT_TRUE(last_bytes != 0)) {
      return static_cast<uint32_t>(__builtin_ctz(last_bytes)) / 8 + 1;
    }
    return p[4] < 0x80 ? 5 : 0;
  }
  for (uint32_t i = 0; i < available && i < 5; ++i) {
    if (p[i] < 0x80) return i + 1;
  }
  return 0;
}

// InRangeAsFifthByte says whether `byte`, the last of a five-byte LEB128, keeps the number in
// range for `shape`: an s64 takes any, a u32 only its top four bits, and an s32 needs the
// unused bits to copy its sign bit (bit 3).
inline bool InRangeAsFifthByte(SkipShape shape, uint8_t byte) {
  switch (shape) {
    case SkipShape::kS64: return true;
    case SkipShape::kS32: return (byte & 0x78) == 0 || (byte & 0x78) == 0x78;
    default: return byte < 0x10;
  }
}

// SkipLeb returns the length of a well-formed LEB128 immediate of `shape` (kU32, kS32, kS64) at
// p[0, available), or 0 for ReadOperator to decode and diagnose.
inline uint32_t SkipLeb(SkipShape shape, const uint8_t* p, uint32_t available) {
  const uint32_t n = LebLength(p, available);
  if (ABSL_PREDICT_FALSE(n == 5) && !InRangeAsFifthByte(shape, p[4])) return 0;
  return n;
}

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_SKIP_OPERATOR_H_
