// The Wasm operator set, generated from opcodes.def. Every consumer (decoder, validator, text
// parser, printer, spectest diagnostics) reads the same rows, so an operator is added in one place.
//
// opcodes.def rows:
//   WASM_OP(Name, prefix, code, text, immediate, signature)
//     Name       CamelCase of the text name, splitting on '.' and '_':
//                "i32.add" -> I32Add, "f32x4.convert_i32x4_s" -> F32x4ConvertI32x4S,
//                "br_table" -> BrTable. The typed select (0x1C) is SelectT.
//     prefix     0x00 for one-byte opcodes, 0xFC or 0xFD for prefixed ones.
//     code       the opcode byte, or the LEB128 u32 that follows the prefix.
//     text       the text-format mnemonic.
//     immediate  an ImmKind enumerator (below) naming how immediates are encoded.
//     signature  a row of signatures.def ([params] -> [results] for operators whose typing is
//                a fixed signature), or Special for operators the validator types by hand.
//
// signatures.def rows:
//   WASM_SIG(Name, "results", "params")  with one letter per type:
//     i = i32, l = i64, f = f32, d = f64, v = v128. Name spells results_params, using V for
//     none: I32_I32I32 is [i32 i32] -> [i32], V_I32I64 is [i32 i64] -> [].
#ifndef KILN_COMPILER_WASM_OPCODE_H_
#define KILN_COMPILER_WASM_OPCODE_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

// Opcode names every Wasm 2.0 operator.
enum class Opcode : uint16_t {
#define WASM_OP(name, prefix, code, text, imm, sig) k##name,
#include "compiler/wasm/opcodes.def"
  kCount
};

// ImmKind says how an operator's immediates are encoded in the binary format.
enum class ImmKind : uint8_t {
  kNone,
  kBlockType,     // block, loop, if: blocktype (empty, valtype or s33 type index)
  kLabel,         // br, br_if: labelidx
  kBrTable,       // br_table: vec(labelidx) labelidx
  kFunc,          // call, ref.func: funcidx
  kCallIndirect,  // call_indirect: typeidx tableidx
  kLocal,         // local.get/set/tee: localidx
  kGlobal,        // global.get/set: globalidx
  kTable,         // table.get/set/size/grow/fill: tableidx
  kMemArg,        // loads and stores: align offset
  kMemory,        // memory.size/grow/fill: memidx (a zero byte in 2.0)
  kI32,           // i32.const: s32
  kI64,           // i64.const: s64
  kF32,           // f32.const: 4 bytes
  kF64,           // f64.const: 8 bytes
  kSelectTypes,   // select t*: vec(valtype)
  kRefType,       // ref.null: reftype
  kMemoryInit,    // memory.init: dataidx memidx
  kData,          // data.drop: dataidx
  kMemoryCopy,    // memory.copy: memidx memidx
  kTableInit,     // table.init: elemidx tableidx
  kElem,          // elem.drop: elemidx
  kTableCopy,     // table.copy: tableidx tableidx
  kV128,          // v128.const: 16 bytes
  kShuffle,       // i8x16.shuffle: 16 lane bytes
  kLane,          // extract/replace_lane: lane byte
  kMemArgLane,    // v128.loadN_lane/storeN_lane: memarg lane byte
};

// Signature names a fixed operator type from signatures.def, or kSpecial.
enum class Signature : uint8_t {
  kSpecial,
#define WASM_SIG(name, results, params) k##name,
#include "compiler/wasm/signatures.def"
  kCount
};

// OpcodeInfo is one row of opcodes.def.
struct OpcodeInfo {
  Opcode opcode;
  uint8_t prefix;   // 0 when the operator has a one-byte encoding
  uint32_t code;
  absl::string_view text;
  ImmKind immediate;
  Signature signature;
};

// SignatureTypes is a fixed operator type: what it pops (params) and pushes (results).
struct SignatureTypes {
  absl::Span<const ValType> params;
  absl::Span<const ValType> results;
};

// Info returns the row of `op`.
const OpcodeInfo& Info(Opcode op);

// Types returns the params and results of a fixed signature; empty spans for kSpecial.
SignatureTypes Types(Signature sig);

// Name returns the text mnemonic of `op` ("i32.add").
inline absl::string_view Name(Opcode op) { return Info(op).text; }

// LookupSingleByte finds the operator encoded as the one byte `code` (not 0xFC/0xFD).
std::optional<Opcode> LookupSingleByte(uint8_t code);

// LookupPrefixed finds the operator encoded as `prefix` (0xFC or 0xFD) followed by `code`.
std::optional<Opcode> LookupPrefixed(uint8_t prefix, uint32_t code);

// LookupText finds the operator spelled `text` in the text format. "select" maps to kSelect;
// the text parser picks kSelectT itself when a result type follows.
std::optional<Opcode> LookupText(absl::string_view text);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_OPCODE_H_
