// The builtin table as data (one BuiltinInfo per row of builtins.def) and its text lookup.
#include "compiler/ssa/builtin.h"

namespace kiln::ssa {
namespace {

constexpr BuiltinInfo kBuiltinInfos[] = {
#define SSA_BUILTIN(name, text, results, params) \
  BuiltinInfo{Builtin::k##name, text, results, params},
#include "compiler/ssa/builtins.def"
};

static_assert(sizeof(kBuiltinInfos) / sizeof(kBuiltinInfos[0]) == kNumBuiltins);

}  // namespace

const BuiltinInfo& Info(Builtin builtin) { return kBuiltinInfos[static_cast<size_t>(builtin)]; }

std::optional<Builtin> LookupBuiltin(absl::string_view text) {
  for (const BuiltinInfo& info : kBuiltinInfos) {
    if (info.text == text) return info.builtin;
  }
  return std::nullopt;
}

}  // namespace kiln::ssa
