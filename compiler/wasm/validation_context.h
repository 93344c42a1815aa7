// ValidationContext is the spec's validation context C for one module: what every index space
// holds once imports and definitions are combined. The module-level validator (validator.cc)
// builds it once; constant expressions (validate_const_expr.cc) and function bodies
// (validate_code.cc) only read it, so its vectors are indexed directly by Wasm indices.
#ifndef KILN_COMPILER_WASM_VALIDATION_CONTEXT_H_
#define KILN_COMPILER_WASM_VALIDATION_CONTEXT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "compiler/wasm/module.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

// ValidationContext is C: the types of functions, tables, memories, globals and segments by
// index, plus C.refs, the functions that ref.func may name inside function bodies.
struct ValidationContext {
  const Module* module = nullptr;
  std::vector<const FuncType*> funcs;  // the type of each function, imports first
  std::vector<TableType> tables;       // imports first
  uint32_t num_memories = 0;
  std::vector<GlobalType> globals;    // imports first
  uint32_t num_imported_globals = 0;  // constant expressions may read only these (Wasm 2.0)
  std::vector<ValType> elems;         // the element type of each element segment
  uint32_t num_datas = 0;             // the data count (the section, or the number of segments)
  std::vector<bool> refs;             // C.refs: refs[f] when f is declared outside code/start
};

// BuildValidationContext gathers C from `module`. It fails when an import or a function names
// a type index that does not exist ("unknown type"), since C cannot be built without it.
absl::StatusOr<ValidationContext> BuildValidationContext(const Module& module);

// UnknownIndex builds the spec's message for an index outside its space ("unknown global 3").
inline std::string UnknownIndex(absl::string_view space, uint32_t index) {
  return std::string("unknown ") + std::string(space) + " " + std::to_string(index);
}

// TypeList spells a list of value types as the spec interpreter does: "[i32 f64]".
std::string TypeList(absl::Span<const ValType> types);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_VALIDATION_CONTEXT_H_
