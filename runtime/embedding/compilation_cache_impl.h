// CompilationCacheImpl: kiln's CompilationCache. Two layers: compiled modules already placed in
// executable memory in this process, keyed by everything that decides them (so Runtimes that
// share the cache share the code), and optionally a cache directory (runtime/cache/dir_cache.h)
// that other processes and later runs read.
//
// Inside one process a key is compiled once: a thread asking for a key another thread is
// compiling waits for that result instead of compiling it again.
#ifndef KILN_RUNTIME_EMBEDDING_COMPILATION_CACHE_IMPL_H_
#define KILN_RUNTIME_EMBEDDING_COMPILATION_CACHE_IMPL_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "api/compilation_cache.h"
#include "runtime/cache/dir_cache.h"
#include "runtime/engine/compiled_module.h"

namespace kiln::embedding {

// CacheOutcome says how a lookup was answered, for the statistics.
enum class CacheOutcome { kMemoryHit, kDirHit, kCompiled };

class CompilationCacheImpl final : public kiln::CompilationCache {
 public:
  // `dir` is null for an in-memory cache.
  explicit CompilationCacheImpl(std::unique_ptr<runtime::cache::DirCache> dir);

  absl::Status Close(const Context& ctx) override;
  absl::string_view Dir() const override;
  bool ReadOnly() const override;
  CompilationCacheStats Stats() const override;

  // dir_cache is the directory layer, or nullptr.
  runtime::cache::DirCache* dir_cache() const { return dir_.get(); }

  // Produce makes the module for `memory_key`: it sets `outcome` to kDirHit or kCompiled.
  using Produce = std::function<absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>>(
      CacheOutcome* outcome)>;

  // GetOrProduce returns the module kept under `memory_key`, or runs `produce` (once per key
  // at a time across threads) and keeps its result. After Close nothing is kept: every call
  // produces. Errors are not kept: the next call tries again.
  absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> GetOrProduce(
      const std::string& memory_key, const Produce& produce);

 private:
  // Entry is one key: its mutex is held while the module is produced.
  struct Entry {
    absl::Mutex mu;
    std::shared_ptr<const runtime::CompiledModule> module ABSL_GUARDED_BY(mu);
  };

  void Count(CacheOutcome outcome);

  std::unique_ptr<runtime::cache::DirCache> dir_;
  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, std::shared_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
  CompilationCacheStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kiln::embedding

#endif  // KILN_RUNTIME_EMBEDDING_COMPILATION_CACHE_IMPL_H_
