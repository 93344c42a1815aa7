// Features: which WebAssembly Core features a decoded module uses, so a runtime configured with
// fewer than all of Wasm 2.0 can reject a module that needs more (RuntimeConfig
// WithCoreFeatures). The decoder and validator accept all of Wasm 2.0; this scan is the one
// place that knows which construct belongs to which feature:
//   mutable-global        import or export of a mutable global
//   sign-extension-ops    i32.extend8_s, i32.extend16_s, i64.extend{8,16,32}_s
//   multi-value           a function type with several results; a block type given as a type
//                         index
//   nontrapping-float-to-int-conversion   the *.trunc_sat_* operators
//   bulk-memory-operations  memory.init/copy/fill, data.drop, table.init/copy, elem.drop, the
//                         data count section, passive segments, element expressions
//   reference-types       funcref/externref values (params, results, locals, globals), externref
//                         tables, several tables, table.get/set/size/grow/fill, ref.*, typed
//                         select, call_indirect or element segments on a table other than 0,
//                         declarative element segments
//   simd                  v128 values and every 0xFD operator
// The bit values equal api::CoreFeatures' (api/core_features.h), which the runtime checks.
#ifndef KILN_COMPILER_WASM_FEATURES_H_
#define KILN_COMPILER_WASM_FEATURES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/wasm/module.h"

namespace kiln::wasm {

// Feature bits, one per Wasm 2.0 feature; a uint64_t holds a set.
inline constexpr uint64_t kFeatureMutableGlobal = uint64_t{1} << 0;
inline constexpr uint64_t kFeatureSignExtensionOps = uint64_t{1} << 1;
inline constexpr uint64_t kFeatureMultiValue = uint64_t{1} << 2;
inline constexpr uint64_t kFeatureNonTrappingFloatToIntConversion = uint64_t{1} << 3;
inline constexpr uint64_t kFeatureBulkMemoryOperations = uint64_t{1} << 4;
inline constexpr uint64_t kFeatureReferenceTypes = uint64_t{1} << 5;
inline constexpr uint64_t kFeatureSimd = uint64_t{1} << 6;
// kFeaturesAll is Wasm 2.0.
inline constexpr uint64_t kFeaturesAll = (uint64_t{1} << 7) - 1;

// FeatureName is the name of one feature bit ("simd"), or "" when `feature` is not one.
absl::string_view FeatureName(uint64_t feature);

// FeatureUse is one place a module uses a feature: what (e.g. "v128.const", "type 2 has 2
// results") and where (a function index in the function space with the operator's byte
// offset, or a section location such as "export 3").
struct FeatureUse {
  uint64_t feature = 0;
  std::string what;
  std::string where;
};

// FindDisabledFeatureUse returns the first use of a feature outside `enabled`, scanning types,
// imports, tables, globals, exports, segments and then every function body in order; nullopt
// when the module fits. kInvalidArgument when a body cannot be read (a module that did not
// pass Decode).
absl::StatusOr<std::optional<FeatureUse>> FindDisabledFeatureUse(const Module& module,
                                                                uint64_t enabled);

// CheckFeatures is OK when the module only uses `enabled` features, else kInvalidArgument
// "feature <name> is disabled: <what> (<where>)", e.g.
//   "feature simd is disabled: v128.const (func 3, offset 0x2a)".
absl::Status CheckFeatures(const Module& module, uint64_t enabled);

// UsedFeatures returns every feature the module uses.
absl::StatusOr<uint64_t> UsedFeatures(const Module& module);

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_FEATURES_H_
