#include "api/core_features.h"

#include <algorithm>
#include <vector>

#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kiln::api {

absl::string_view CoreFeatureName(CoreFeatures feature) {
  if (feature == kCoreFeatureMutableGlobal) return "mutable-global";
  if (feature == kCoreFeatureSignExtensionOps) return "sign-extension-ops";
  if (feature == kCoreFeatureMultiValue) return "multi-value";
  if (feature == kCoreFeatureNonTrappingFloatToIntConversion) {
    return "nontrapping-float-to-int-conversion";
  }
  if (feature == kCoreFeatureBulkMemoryOperations) return "bulk-memory-operations";
  if (feature == kCoreFeatureReferenceTypes) return "reference-types";
  if (feature == kCoreFeatureSIMD) return "simd";
  return "";
}

absl::Status CoreFeatures::RequireEnabled(CoreFeatures features) const {
  uint64_t missing = features.bits_ & ~bits_;
  if (missing == 0) return absl::OkStatus();
  CoreFeatures first(uint64_t{1} << absl::countr_zero(missing));
  absl::string_view name = CoreFeatureName(first);
  return absl::InvalidArgumentError(
      absl::StrCat("feature ", name.empty() ? absl::StrCat("0x", absl::Hex(first.bits_))
                                            : std::string(name),
                   " is disabled"));
}

std::string CoreFeatures::String() const {
  std::vector<std::string> names;
  uint64_t unknown = 0;
  for (int bit = 0; bit < 64; ++bit) {
    CoreFeatures one(uint64_t{1} << bit);
    if (!IsEnabled(one)) continue;
    absl::string_view name = CoreFeatureName(one);
    if (name.empty()) {
      unknown |= one.bits_;
    } else {
      names.emplace_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  if (unknown != 0) names.push_back(absl::StrCat("0x", absl::Hex(unknown)));
  return absl::StrJoin(names, "|");
}

}  // namespace kiln::api
