#include "runtime/embedding/module_compiler.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/compilation_cache.h"
#include "api/core_features.h"
#include "compiler/base/sha256.h"
#include "compiler/base/status_macros.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/features.h"
#include "compiler/wasm/validator.h"
#include "runtime/embedding/compilation_cache_impl.h"

namespace kiln::embedding {
namespace {

// The runtime passes api::CoreFeatures to the scan as raw bits: they must mean the same.
static_assert(api::kCoreFeatureMutableGlobal.bits() == wasm::kFeatureMutableGlobal);
static_assert(api::kCoreFeatureSignExtensionOps.bits() == wasm::kFeatureSignExtensionOps);
static_assert(api::kCoreFeatureMultiValue.bits() == wasm::kFeatureMultiValue);
static_assert(api::kCoreFeatureNonTrappingFloatToIntConversion.bits() ==
              wasm::kFeatureNonTrappingFloatToIntConversion);
static_assert(api::kCoreFeatureBulkMemoryOperations.bits() ==
              wasm::kFeatureBulkMemoryOperations);
static_assert(api::kCoreFeatureReferenceTypes.bits() == wasm::kFeatureReferenceTypes);
static_assert(api::kCoreFeatureSIMD.bits() == wasm::kFeatureSimd);
static_assert(api::kCoreFeaturesV2.bits() == wasm::kFeaturesAll);

// Prepare decodes and checks `binary` and shapes the module as the config asks. `trusted`
// bytes are those of a cache hit: the entry's key holds their SHA-256 and the core features
// they were checked with, so function bodies are neither read nor scanned again.
absl::StatusOr<wasm::Module> Prepare(const wasm::ModuleBytes& binary,
                                     const RuntimeConfig& config, bool trusted) {
  wasm::DecodeOptions decode_options;
  decode_options.trust_code_bodies = trusted;
  KILN_ASSIGN_OR_RETURN(wasm::Module module, wasm::Decode(binary, decode_options));
  KILN_RETURN_IF_ERROR(wasm::Validate(module));
  if (!trusted) {
    KILN_RETURN_IF_ERROR(wasm::CheckFeatures(module, config.core_features().bits()));
  }
  uint32_t limit = config.memory_limit_pages();
  for (size_t i = 0; i < module.memories.size(); ++i) {
    wasm::Limits& limits = module.memories[i].limits;
    if (limits.min > limit) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "memory min of ", limits.min, " pages exceeds the limit of ", limit, " pages (memory ",
          module.num_imported_memories + i, ")"));
    }
    if (!limits.max.has_value() || *limits.max > limit) limits.max = limit;
  }
  if (!config.debug_info_enabled()) {
    // Keep the module's own name (it names instances); drop what only debugging reads.
    module.names.function_names.clear();
    module.names.local_names.clear();
  }
  return module;
}

// MemoryKey extends the cache key with what shapes the in-process module beyond its code.
std::string MemoryKey(const runtime::cache::CacheKey& key, const RuntimeConfig& config) {
  return absl::StrCat(key.Manifest(), "memory-limit-pages: ", config.memory_limit_pages(),
                      "\ndebug-info: ", config.debug_info_enabled() ? "on" : "off", "\n");
}

}  // namespace

backend::CompileOptions CompileOptionsFor(const RuntimeConfig& config) {
  backend::CompileOptions options;
  options.optimize = config.optimization_level() >= 1;
  options.interrupt_checks = config.close_on_context_done();
  options.threads = config.compile_threads();
  return options;
}

absl::StatusOr<runtime::cache::CacheKey> CacheKeyFor(absl::Span<const uint8_t> binary,
                                                     const RuntimeConfig& config) {
  KILN_ASSIGN_OR_RETURN(const backend::Isa* isa, backend::HostIsa());
  runtime::cache::CacheKey key;
  key.module_sha256 = base::Sha256Of(binary);
  key.compiler_version = runtime::cache::CompilerVersion();
  key.isa = isa->target();
  key.cpu_features = isa->cpu_features();
  key.core_features = config.core_features().bits();
  key.memory_strategy = "guard-pages";
  key.interrupt_checks = config.close_on_context_done();
  key.optimization_level = config.optimization_level();
  return key;
}

absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> CompileWasmModule(
    wasm::ModuleBytes binary, const RuntimeConfig& config) {
  backend::CompileOptions options = CompileOptionsFor(config);
  auto* cache = dynamic_cast<CompilationCacheImpl*>(config.compilation_cache().get());
  if (cache == nullptr) {
    KILN_ASSIGN_OR_RETURN(wasm::Module module, Prepare(binary, config, /*trusted=*/false));
    return runtime::CompileModule(std::move(module), options);
  }
  KILN_ASSIGN_OR_RETURN(runtime::cache::CacheKey key, CacheKeyFor(binary, config));
  return cache->GetOrProduce(
      MemoryKey(key, config),
      [&](CacheOutcome* outcome) -> absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> {
        runtime::cache::DirCache* dir = cache->dir_cache();
        if (dir == nullptr) {
          KILN_ASSIGN_OR_RETURN(wasm::Module module, Prepare(binary, config, /*trusted=*/false));
          *outcome = CacheOutcome::kCompiled;
          return runtime::CompileModule(std::move(module), options);
        }
        // A valid entry means these exact bytes passed every check with this configuration.
        absl::StatusOr<backend::CompiledCode> cached = dir->Load(key);
        if (cached.ok()) {
          KILN_ASSIGN_OR_RETURN(wasm::Module module, Prepare(binary, config, /*trusted=*/true));
          absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> loaded =
              runtime::LoadCompiledModule(std::move(module), *std::move(cached));
          if (loaded.ok()) {
            *outcome = CacheOutcome::kDirHit;
            return loaded;
          }
          // Code that does not fit (e.g. needs CPU features this host lacks) is compiled anew.
        }
        KILN_ASSIGN_OR_RETURN(wasm::Module module, Prepare(binary, config, /*trusted=*/false));
        bool hit = false;
        absl::StatusOr<backend::CompiledCode> code = dir->GetOrCompile(
            key,
            [&]() -> absl::StatusOr<backend::CompiledCode> {
              return backend::CompileModule(module, vmctx::Layout::Compute(module), options);
            },
            &hit);
        if (!code.ok()) {
          if (dir->read_only() && absl::IsNotFound(code.status())) {
            return absl::NotFoundError(
                absl::StrCat("compilation cache miss: ", code.status().message()));
          }
          return code.status();
        }
        *outcome = hit ? CacheOutcome::kDirHit : CacheOutcome::kCompiled;
        return runtime::LoadCompiledModule(std::move(module), *std::move(code));
      });
}

}  // namespace kiln::embedding
