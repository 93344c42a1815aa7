// The value vocabulary of kiln's public API: how imports and exports are classified, which
// value types a function signature can carry, and how each value travels through the uint64_t
// slots of Function::Call and host-function stacks. This is the C++ form of the constants and
// helpers in wazero's api package; it includes nothing from kiln's internals.
#ifndef KILN_API_WASM_H_
#define KILN_API_WASM_H_

#include <cstdint>
#include <string>

#include "absl/base/casts.h"
#include "absl/strings/string_view.h"

namespace kiln::api {

// ExternType classifies an import or export. The values are the binary format's external-kind
// bytes, so a decoder can store them unchanged.
using ExternType = uint8_t;

inline constexpr ExternType kExternTypeFunc = 0x00;
inline constexpr ExternType kExternTypeTable = 0x01;
inline constexpr ExternType kExternTypeMemory = 0x02;
inline constexpr ExternType kExternTypeGlobal = 0x03;

// kExternType*Name are the text-format keywords of the external kinds, shared so that every
// parser and printer spells them the same way.
inline constexpr absl::string_view kExternTypeFuncName = "func";
inline constexpr absl::string_view kExternTypeTableName = "table";
inline constexpr absl::string_view kExternTypeMemoryName = "memory";
inline constexpr absl::string_view kExternTypeGlobalName = "global";

// ExternTypeName returns the text-format keyword of `type` ("func"), or its value in hex
// ("0x4") when it is not one of the four kinds.
std::string ExternTypeName(ExternType type);

// ValueType is the type of a parameter, result or global, numbered by its binary-format byte.
//
// Every value crosses the API as a uint64_t. The helpers below convert:
//   i32        EncodeI32/DecodeI32 for int32_t, EncodeU32/DecodeU32 for uint32_t
//   i64        EncodeI64, or a plain cast between int64_t and uint64_t
//   f32        EncodeF32/DecodeF32 (the IEEE 754 bits, zero-extended)
//   f64        EncodeF64/DecodeF64 (the IEEE 754 bits)
//   externref  EncodeExternref/DecodeExternref: an opaque host pointer, zero meaning null
//   funcref    an opaque reference kiln hands out; zero means null
//   v128       two consecutive slots, low 64 bits first
// For example, a function typed (param f64) (result f64) is called as
//   auto results = fn.Call(ctx, {EncodeF64(x)});  then  DecodeF64((*results)[0]).
// A plain byte (not an enum class) keeps ParamTypes() views cheap and lets binary-format bytes
// be compared directly.
using ValueType = uint8_t;

// kValueTypeI32 is a 32-bit integer.
inline constexpr ValueType kValueTypeI32 = 0x7f;
// kValueTypeI64 is a 64-bit integer.
inline constexpr ValueType kValueTypeI64 = 0x7e;
// kValueTypeF32 is a 32-bit IEEE 754 float.
inline constexpr ValueType kValueTypeF32 = 0x7d;
// kValueTypeF64 is a 64-bit IEEE 754 float.
inline constexpr ValueType kValueTypeF64 = 0x7c;
// kValueTypeV128 is a 128-bit SIMD vector (Wasm 2.0); it takes two uint64_t slots.
inline constexpr ValueType kValueTypeV128 = 0x7b;
// kValueTypeFuncRef is a nullable reference to a function.
inline constexpr ValueType kValueTypeFuncRef = 0x70;
// kValueTypeExternRef is a nullable reference to a host object. kiln treats it as an opaque
// pointer-sized value; a host function taking (param externref) reads it with
// DecodeExternref.
inline constexpr ValueType kValueTypeExternRef = 0x6f;

// ValueTypeName returns the text-format name of `type` ("i32", "funcref"), or "unknown" for a
// byte that is no value type.
absl::string_view ValueTypeName(ValueType type);

// EncodeExternref carries a host pointer (as uintptr_t) in an externref slot.
constexpr uint64_t EncodeExternref(uintptr_t input) { return static_cast<uint64_t>(input); }

// DecodeExternref recovers the host pointer stored by EncodeExternref.
constexpr uintptr_t DecodeExternref(uint64_t input) { return static_cast<uintptr_t>(input); }

// EncodeI32 stores a signed i32; the upper 32 bits of the slot are zero, not a sign extension.
constexpr uint64_t EncodeI32(int32_t input) {
  return static_cast<uint64_t>(static_cast<uint32_t>(input));
}

// DecodeI32 reads a signed i32 from the low 32 bits of a slot.
constexpr int32_t DecodeI32(uint64_t input) {
  return static_cast<int32_t>(static_cast<uint32_t>(input));
}

// EncodeU32 stores an unsigned i32.
constexpr uint64_t EncodeU32(uint32_t input) { return static_cast<uint64_t>(input); }

// DecodeU32 reads an unsigned i32 from the low 32 bits of a slot.
constexpr uint32_t DecodeU32(uint64_t input) { return static_cast<uint32_t>(input); }

// EncodeI64 stores a signed i64 (two's complement bits).
constexpr uint64_t EncodeI64(int64_t input) { return static_cast<uint64_t>(input); }

// EncodeF32 stores the bits of an f32 in the low half of a slot; NaN payloads are kept.
inline uint64_t EncodeF32(float input) {
  return static_cast<uint64_t>(absl::bit_cast<uint32_t>(input));
}

// DecodeF32 reads an f32 from the low 32 bits of a slot.
inline float DecodeF32(uint64_t input) {
  return absl::bit_cast<float>(static_cast<uint32_t>(input));
}

// EncodeF64 stores the bits of an f64; NaN payloads are kept.
inline uint64_t EncodeF64(double input) { return absl::bit_cast<uint64_t>(input); }

// DecodeF64 reads an f64 from a slot.
inline double DecodeF64(uint64_t input) { return absl::bit_cast<double>(input); }

}  // namespace kiln::api

#endif  // KILN_API_WASM_H_
