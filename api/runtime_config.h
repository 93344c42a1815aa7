// RuntimeConfig: how a Runtime compiles and runs modules. The C++ form of wazero's
// RuntimeConfig, plus the compiler's own knobs (optimization level, compile threads).
//
// It is an immutable value: every With* returns a modified copy.
//   RuntimeConfig config = NewRuntimeConfig()
//                              .WithCloseOnContextDone(true)      // deadlines stop guests
//                              .WithMemoryLimitPages(256)         // 16 MiB per memory
//                              .WithCompilationCache(cache);
//   std::unique_ptr<Runtime> runtime = NewRuntimeWithConfig(ctx, config);
//
// Defaults (NewRuntimeConfig): every WebAssembly 2.0 feature (api::kCoreFeaturesV2), a limit
// of 65536 pages (4 GiB, the most a 32-bit memory can address), no capacity-from-max, no
// interruption, no cache, custom sections dropped, debug info (function names in trap
// backtraces) on, optimization level 1, and one compile thread per hardware thread.
#ifndef KILN_API_RUNTIME_CONFIG_H_
#define KILN_API_RUNTIME_CONFIG_H_

#include <cstdint>
#include <memory>

#include "api/core_features.h"

namespace kiln {

class CompilationCache;

// kMaxMemoryLimitPages is the largest memory a 32-bit address space holds, in 64 KiB pages.
inline constexpr uint32_t kMaxMemoryLimitPages = 65536;

class RuntimeConfig {
 public:
  // A default RuntimeConfig is NewRuntimeConfig().
  RuntimeConfig() = default;

  // WithCoreFeatures selects the WebAssembly features modules may use. CompileModule rejects a
  // module that uses any other with kInvalidArgument "feature <name> is disabled" and where
  // the use is (e.g. "... (func 3, offset 0x2a)").
  RuntimeConfig WithCoreFeatures(api::CoreFeatures features) const;

  // WithMemoryLimitPages caps every memory of every module at `pages` 64 KiB pages
  // (values above kMaxMemoryLimitPages are kMaxMemoryLimitPages). CompileModule rejects a
  // module whose memory starts larger (kResourceExhausted "memory min ... exceeds the limit
  // of N pages"); a memory without a maximum, or with a larger one, gets the cap as its
  // maximum, so memory.grow beyond it returns -1.
  RuntimeConfig WithMemoryLimitPages(uint32_t pages) const;

  // WithMemoryCapacityFromMax asks to reserve a memory's maximum up front rather than
  // growing it. kiln always reserves the whole 32-bit range as address space with guard
  // pages and commits pages as the memory grows, so the base never moves and nothing is ever
  // copied: the setting is accepted for compatibility and changes nothing.
  RuntimeConfig WithMemoryCapacityFromMax(bool enabled) const;

  // WithCloseOnContextDone makes compiled code poll for interruption at every function entry
  // and loop back-edge, so that cancelling a call's Context, or passing its deadline, stops
  // the call: it returns sys::ExitError (kExitCodeContextCanceled or
  // kExitCodeDeadlineExceeded) and closes the module. Off by default because polling costs a
  // little time (a few percent on loop-heavy code); with it off a deadline is only checked
  // when a call starts.
  RuntimeConfig WithCloseOnContextDone(bool enabled) const;

  // WithCompilationCache makes CompileModule look up and store code in `cache` (nullptr:
  // no cache). See api/compilation_cache.h.
  RuntimeConfig WithCompilationCache(std::shared_ptr<CompilationCache> cache) const;

  // WithCustomSections keeps custom sections so CompiledModule::CustomSections returns them
  // (off by default: they are dropped after decoding to save memory).
  RuntimeConfig WithCustomSections(bool enabled) const;

  // WithDebugInfoEnabled keeps the name section's function names so that trap backtraces and
  // FunctionDefinition::DebugName name functions (on by default). Off, functions are reported
  // by index only.
  RuntimeConfig WithDebugInfoEnabled(bool enabled) const;

  // WithOptimizationLevel selects the compiler's effort: 0 runs only the passes code
  // generation needs (fastest compile), 1 (the default) runs the whole optimizing pipeline.
  // Other values are clamped to 0..1.
  RuntimeConfig WithOptimizationLevel(int level) const;

  // WithCompileThreads sets how many threads compile one module's functions in parallel;
  // 0 (the default) means one per hardware thread. The code is the same for every count.
  // Negative values mean 0.
  RuntimeConfig WithCompileThreads(int threads) const;

  // -- Getters -----------------------------------------------------------------------------

  api::CoreFeatures core_features() const { return core_features_; }
  uint32_t memory_limit_pages() const { return memory_limit_pages_; }
  bool memory_capacity_from_max() const { return memory_capacity_from_max_; }
  bool close_on_context_done() const { return close_on_context_done_; }
  const std::shared_ptr<CompilationCache>& compilation_cache() const { return cache_; }
  bool custom_sections() const { return custom_sections_; }
  bool debug_info_enabled() const { return debug_info_enabled_; }
  int optimization_level() const { return optimization_level_; }
  // compile_threads is the configured count (0: one per hardware thread).
  int compile_threads() const { return compile_threads_; }

 private:
  api::CoreFeatures core_features_ = api::kCoreFeaturesV2;
  uint32_t memory_limit_pages_ = kMaxMemoryLimitPages;
  bool memory_capacity_from_max_ = false;
  bool close_on_context_done_ = false;
  std::shared_ptr<CompilationCache> cache_;
  bool custom_sections_ = false;
  bool debug_info_enabled_ = true;
  int optimization_level_ = 1;
  int compile_threads_ = 0;
};

// NewRuntimeConfig returns the defaults described at the top of this file.
RuntimeConfig NewRuntimeConfig();

}  // namespace kiln

#endif  // KILN_API_RUNTIME_CONFIG_H_
