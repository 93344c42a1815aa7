// CachedPath: the stages of instantiating a module from the compilation cache directory, timed
// one by one through kiln's internal interfaces, to show where the time of a cached
// CompileModule + InstantiateModule goes: hashing the module (the cache key needs its
// SHA-256), reading and checking the entry (runtime/cache/dir_cache.h), decoding and
// validating the module around its function bodies, which a hit does not read (the instance
// needs the module's segments, exports and types), placing the code
// in executable memory (runtime::LoadCompiledModule) and instantiating it (runtime::Store).
//
//   absl::StatusOr<CachedPathBreakdown> stages = MeasureCachedPath(dir, wasm, 5);
#ifndef KILN_BENCH_CACHED_PATH_H_
#define KILN_BENCH_CACHED_PATH_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace kiln::bench {

// CachedPathBreakdown holds the median seconds of each stage.
struct CachedPathBreakdown {
  double hash = 0;
  double read = 0;
  double decode = 0;
  double place = 0;
  double instantiate = 0;
  uint64_t entry_bytes = 0;  // size of the entry file
  size_t code_bytes = 0;     // native code in it
};

// MeasureCachedPath times each stage `runs` times for `wasm`, whose entry must be the only one
// in cache directory `dir`. kNotFound when the directory holds no single readable entry.
absl::StatusOr<CachedPathBreakdown> MeasureCachedPath(const std::string& dir,
                                                      absl::Span<const uint8_t> wasm, int runs);

}  // namespace kiln::bench

#endif  // KILN_BENCH_CACHED_PATH_H_
