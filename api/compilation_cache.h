// CompilationCache keeps compiled native code so that compiling the same module again costs a
// lookup instead of a compile. The C++ form of wazero's CompilationCache. A cache is shared
// with std::shared_ptr between any number of Runtimes (also concurrently), through
// RuntimeConfig::WithCompilationCache:
//   KILN_ASSIGN_OR_RETURN(std::shared_ptr<CompilationCache> cache,
//                         NewCompilationCacheWithDir("/var/cache/myapp/kiln"));
//   auto runtime = NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCompilationCache(cache));
//
// An entry is used only when everything that decides the code matches: the module's SHA-256,
// the compiler version, the target ISA and CPU features, the enabled core features, the
// memory strategy, interruption polling (WithCloseOnContextDone) and the optimization level.
// A directory entry that is truncated, damaged or from another kiln is a miss, recompiled and
// replaced, never run (docs/cache.md describes the files).
#ifndef KILN_API_COMPILATION_CACHE_H_
#define KILN_API_COMPILATION_CACHE_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/context.h"

namespace kiln {

// CompilationCacheStats counts how a cache answered CompileModule, to check that a cache is
// doing its job (e.g. a second process should see only hits).
struct CompilationCacheStats {
  // memory_hits were answered by code already loaded in this process.
  uint64_t memory_hits = 0;
  // dir_hits were loaded from the cache directory without compiling.
  uint64_t dir_hits = 0;
  // compiles are the lookups that compiled the module (and wrote it, unless read-only).
  uint64_t compiles = 0;

  friend bool operator==(const CompilationCacheStats& a, const CompilationCacheStats& b) {
    return a.memory_hits == b.memory_hits && a.dir_hits == b.dir_hits && a.compiles == b.compiles;
  }
  friend bool operator!=(const CompilationCacheStats& a, const CompilationCacheStats& b) {
    return !(a == b);
  }
};

// CompilationCache is an opaque handle; only kiln implements it. Thread-safe.
class CompilationCache {
 public:
  virtual ~CompilationCache() = default;

  // Close releases the code the cache holds in memory (code in use by a compiled module or an
  // instance stays until they are released). The directory keeps its files, and Runtimes
  // still configured with the cache keep reading and writing them, but nothing is kept in
  // memory any more. Idempotent.
  virtual absl::Status Close(const Context& ctx) = 0;

  // Dir is the cache directory, or "" for an in-memory cache.
  virtual absl::string_view Dir() const = 0;

  // ReadOnly is true for NewReadOnlyCompilationCacheWithDir caches.
  virtual bool ReadOnly() const = 0;

  // Stats counts the lookups answered so far.
  virtual CompilationCacheStats Stats() const = 0;
};

// NewCompilationCache returns a cache kept in memory only: Runtimes sharing it compile a given
// module (with a given configuration) once per process.
std::shared_ptr<CompilationCache> NewCompilationCache();

// NewCompilationCacheWithDir returns a cache kept in `dir` (created with its parents if
// missing) as well as in memory, so that other processes, and later runs, load code instead
// of compiling it. Entries are written atomically; several processes may share the directory.
// Errors: kInvalidArgument when `dir` is empty or not a directory; the file system's error
// (e.g. kPermissionDenied) when it cannot be created.
absl::StatusOr<std::shared_ptr<CompilationCache>> NewCompilationCacheWithDir(
    absl::string_view dir);

// NewReadOnlyCompilationCacheWithDir returns a cache that only reads `dir`, which must exist:
// a module whose entry is missing or unusable makes CompileModule fail with kNotFound
// ("compilation cache miss: ...") instead of compiling. For deployments that precompile with
// `kiln compile --cache-dir DIR` and must never run the compiler.
absl::StatusOr<std::shared_ptr<CompilationCache>> NewReadOnlyCompilationCacheWithDir(
    absl::string_view dir);

}  // namespace kiln

#endif  // KILN_API_COMPILATION_CACHE_H_
