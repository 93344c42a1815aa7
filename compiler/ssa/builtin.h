// Builtin: the runtime helpers reachable through `call_builtin`, generated from builtins.def
// (which documents each helper's parameters). Their types are fixed, so the verifier checks a
// call_builtin's arguments and results against the row.
#ifndef KILN_COMPILER_SSA_BUILTIN_H_
#define KILN_COMPILER_SSA_BUILTIN_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace kiln::ssa {

// Builtin names one row of builtins.def; its value indexes the runtime's builtin array.
enum class Builtin : uint8_t {
#define SSA_BUILTIN(name, text, results, params) k##name,
#include "compiler/ssa/builtins.def"
};

// kNumBuiltins is the number of rows in builtins.def.
inline constexpr int kNumBuiltins = 0
#define SSA_BUILTIN(name, text, results, params) +1
#include "compiler/ssa/builtins.def"
    ;

// BuiltinInfo is one row of builtins.def; results and params use the type letters of
// ssa_opcodes.def (fixed types only).
struct BuiltinInfo {
  Builtin builtin;
  absl::string_view text;
  absl::string_view results;
  absl::string_view params;
};

// Info returns the row of `builtin`.
const BuiltinInfo& Info(Builtin builtin);

// LookupBuiltin finds the builtin spelled `text` ("memory_grow").
std::optional<Builtin> LookupBuiltin(absl::string_view text);

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_BUILTIN_H_
