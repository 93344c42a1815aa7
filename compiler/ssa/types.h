// The value types of the SSA IR: the four Wasm number types, v128, and `ref`, a pointer-sized
// reference. `ref` carries the VM context, funcref and externref values (0 is null) and
// addresses computed from them; it is never an address into linear memory.
#ifndef KILN_COMPILER_SSA_TYPES_H_
#define KILN_COMPILER_SSA_TYPES_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace kiln::ssa {

// Type is the type of an SSA value. kNone marks "no type": the controlling type of an opcode
// that has none, and unused slots.
enum class Type : uint8_t {
  kNone,
  kI32,
  kI64,
  kF32,
  kF64,
  kV128,
  kRef,
};

// TypeName returns the text spelling ("i32", "ref"; "none" for kNone).
inline absl::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNone: return "none";
    case Type::kI32: return "i32";
    case Type::kI64: return "i64";
    case Type::kF32: return "f32";
    case Type::kF64: return "f64";
    case Type::kV128: return "v128";
    case Type::kRef: return "ref";
  }
  return "?";
}

// LookupType finds the value type spelled `name`; "none" is not a value type.
inline std::optional<Type> LookupType(absl::string_view name) {
  if (name == "i32") return Type::kI32;
  if (name == "i64") return Type::kI64;
  if (name == "f32") return Type::kF32;
  if (name == "f64") return Type::kF64;
  if (name == "v128") return Type::kV128;
  if (name == "ref") return Type::kRef;
  return std::nullopt;
}

// IsInt is true for i32 and i64.
inline bool IsInt(Type type) { return type == Type::kI32 || type == Type::kI64; }

// IsFloat is true for f32 and f64.
inline bool IsFloat(Type type) { return type == Type::kF32 || type == Type::kF64; }

// BitWidth is the size of a value of `type` in bits; `ref` is 64 bits on every kiln target.
inline int BitWidth(Type type) {
  switch (type) {
    case Type::kNone: return 0;
    case Type::kI32: case Type::kF32: return 32;
    case Type::kI64: case Type::kF64: case Type::kRef: return 64;
    case Type::kV128: return 128;
  }
  return 0;
}

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_TYPES_H_
