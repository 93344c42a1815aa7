// Value and reference types of Wasm 2.0 with their binary encodings, shared by the decoder,
// validator, text parser and api.
#ifndef KILN_COMPILER_WASM_VALUE_TYPE_H_
#define KILN_COMPILER_WASM_VALUE_TYPE_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace kiln::wasm {

// ValType is a value type, numbered by its binary encoding.
enum class ValType : uint8_t {
  kI32 = 0x7f,
  kI64 = 0x7e,
  kF32 = 0x7d,
  kF64 = 0x7c,
  kV128 = 0x7b,
  kFuncRef = 0x70,
  kExternRef = 0x6f,
};

// IsValType is true when `byte` encodes a Wasm 2.0 value type.
inline bool IsValType(uint8_t byte) {
  switch (byte) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x7b: case 0x70: case 0x6f:
      return true;
    default:
      return false;
  }
}

// IsRefType is true for funcref and externref.
inline bool IsRefType(ValType type) {
  return type == ValType::kFuncRef || type == ValType::kExternRef;
}

// ValTypeName returns the text-format name ("i32", "funcref").
inline absl::string_view ValTypeName(ValType type) {
  switch (type) {
    case ValType::kI32: return "i32";
    case ValType::kI64: return "i64";
    case ValType::kF32: return "f32";
    case ValType::kF64: return "f64";
    case ValType::kV128: return "v128";
    case ValType::kFuncRef: return "funcref";
    case ValType::kExternRef: return "externref";
  }
  return "unknown";
}

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_VALUE_TYPE_H_
