// CoreFeatures: which WebAssembly Core features a Runtime accepts, as a bit set. The C++ form of
// wazero's api.CoreFeatures. A module that uses a disabled feature fails CompileModule with
// "feature <name> is disabled" and the place it was found; nothing about a module changes
// when a feature is enabled but unused.
//   RuntimeConfig config = NewRuntimeConfig().WithCoreFeatures(
//       api::kCoreFeaturesV2.SetEnabled(api::kCoreFeatureSIMD, false));
//   config.core_features().String();  // "bulk-memory-operations|multi-value|..."
// kCoreFeaturesV1 is WebAssembly 1.0 (which already had mutable globals); kCoreFeaturesV2 adds
// every feature merged into WebAssembly 2.0 and is the default.
#ifndef KILN_API_CORE_FEATURES_H_
#define KILN_API_CORE_FEATURES_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kiln::api {

// CoreFeatures is a set of features; a single feature is a set with one bit. A plain value:
// copy it freely.
class CoreFeatures {
 public:
  constexpr CoreFeatures() = default;
  constexpr explicit CoreFeatures(uint64_t bits) : bits_(bits) {}

  // bits is the raw set (stable across releases: it is part of cache keys).
  constexpr uint64_t bits() const { return bits_; }

  // SetEnabled returns this set with every feature of `features` enabled or disabled.
  constexpr CoreFeatures SetEnabled(CoreFeatures features, bool enabled) const {
    return CoreFeatures(enabled ? (bits_ | features.bits_) : (bits_ & ~features.bits_));
  }

  // IsEnabled is true when every feature of `features` is in this set.
  constexpr bool IsEnabled(CoreFeatures features) const {
    return (bits_ & features.bits_) == features.bits_;
  }

  // RequireEnabled is OK when IsEnabled(features), else kInvalidArgument
  // "feature <name> is disabled" naming the first missing feature.
  absl::Status RequireEnabled(CoreFeatures features) const;

  // String names the features in the set, sorted and joined by '|' (e.g.
  // "multi-value|mutable-global"); unknown bits print as hex; the empty set is "".
  std::string String() const;

  friend constexpr CoreFeatures operator|(CoreFeatures a, CoreFeatures b) {
    return CoreFeatures(a.bits_ | b.bits_);
  }
  friend constexpr bool operator==(CoreFeatures a, CoreFeatures b) { return a.bits_ == b.bits_; }
  friend constexpr bool operator!=(CoreFeatures a, CoreFeatures b) { return a.bits_ != b.bits_; }

 private:
  uint64_t bits_ = 0;
};

// kCoreFeatureMutableGlobal allows importing and exporting mutable globals ("mutable-global").
inline constexpr CoreFeatures kCoreFeatureMutableGlobal{uint64_t{1} << 0};
// kCoreFeatureSignExtensionOps allows i32.extend8_s and friends ("sign-extension-ops").
inline constexpr CoreFeatures kCoreFeatureSignExtensionOps{uint64_t{1} << 1};
// kCoreFeatureMultiValue allows several results per function or block, and block params
// ("multi-value").
inline constexpr CoreFeatures kCoreFeatureMultiValue{uint64_t{1} << 2};
// kCoreFeatureNonTrappingFloatToIntConversion allows the saturating truncations
// i32.trunc_sat_f32_s etc. ("nontrapping-float-to-int-conversion").
inline constexpr CoreFeatures kCoreFeatureNonTrappingFloatToIntConversion{uint64_t{1} << 3};
// kCoreFeatureBulkMemoryOperations allows memory.copy/fill/init, data.drop, table.copy/init,
// elem.drop and passive segments ("bulk-memory-operations").
inline constexpr CoreFeatures kCoreFeatureBulkMemoryOperations{uint64_t{1} << 4};
// kCoreFeatureReferenceTypes allows externref, several tables, reference instructions and the
// table.get/set/size/grow/fill instructions ("reference-types").
inline constexpr CoreFeatures kCoreFeatureReferenceTypes{uint64_t{1} << 5};
// kCoreFeatureSIMD allows v128 and the 128-bit SIMD instructions ("simd").
inline constexpr CoreFeatures kCoreFeatureSIMD{uint64_t{1} << 6};

// kCoreFeaturesV1 is WebAssembly Core 1.0 (20191205).
inline constexpr CoreFeatures kCoreFeaturesV1 = kCoreFeatureMutableGlobal;
// kCoreFeaturesV2 is WebAssembly Core 2.0 (20220419): every feature above.
inline constexpr CoreFeatures kCoreFeaturesV2 =
    kCoreFeaturesV1 | kCoreFeatureSignExtensionOps | kCoreFeatureMultiValue |
    kCoreFeatureNonTrappingFloatToIntConversion | kCoreFeatureBulkMemoryOperations |
    kCoreFeatureReferenceTypes | kCoreFeatureSIMD;

// CoreFeatureName is the name of one feature bit ("simd"), or "" for an unknown or
// multi-bit value.
absl::string_view CoreFeatureName(CoreFeatures feature);

}  // namespace kiln::api

#endif  // KILN_API_CORE_FEATURES_H_
