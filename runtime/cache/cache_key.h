// CacheKey: everything that decides the native code kiln produces for a module, so that a
// cached entry is used only when compiling again would give the same code. Each field is
// printed as one "name: value" line of the entry's readable manifest (the first bytes of every
// cache file), and `kiln cache explain FILE` names the fields that differ from the running
// configuration.
#ifndef KILN_RUNTIME_CACHE_CACHE_KEY_H_
#define KILN_RUNTIME_CACHE_CACHE_KEY_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "backend/common/compiled_code.h"

namespace kiln::runtime::cache {

// CacheKey describes one compilation. Two keys are equal exactly when their manifests are.
struct CacheKey {
  std::array<uint8_t, 32> module_sha256{};  // SHA-256 of the module's binary bytes
  std::string compiler_version;             // CompilerVersion(): kiln version + build id
  backend::TargetIsa isa = backend::TargetIsa::kX86_64;
  uint64_t cpu_features = 0;                // backend::CpuFeature bits the code may use
  uint64_t core_features = 0;               // api::CoreFeatures enabled for validation
  std::string memory_strategy = "guard-pages";  // how memory accesses are bounds-checked
  bool interrupt_checks = false;            // polls at function entries and loop headers
  int optimization_level = 1;               // 0: required passes only, 1: full pipeline

  // Manifest renders the key as "name: value" lines, one per field, in a fixed order.
  std::string Manifest() const;
  // ParseManifest reads what Manifest wrote (kInvalidArgument on anything else).
  static absl::StatusOr<CacheKey> ParseManifest(absl::string_view manifest);
  // FileName is the entry's file name in a cache directory: hex digest of the manifest plus
  // ".kiln" (a module compiled two ways has two entries).
  std::string FileName() const;
  // Differences names each field whose value differs from `other`, as "name: <this> vs
  // <other>" lines (empty when the keys are equal).
  std::vector<std::string> Differences(const CacheKey& other) const;

  bool operator==(const CacheKey& other) const { return Manifest() == other.Manifest(); }
};

// CompilerVersion is the compiler identity written into keys: kiln's version and the GNU build
// id of the running binary, so a rebuilt compiler never reuses entries of an older one.
const std::string& CompilerVersion();

}  // namespace kiln::runtime::cache

#endif  // KILN_RUNTIME_CACHE_CACHE_KEY_H_
