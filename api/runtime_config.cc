#include "api/runtime_config.h"

#include <algorithm>
#include <utility>

namespace kiln {

RuntimeConfig NewRuntimeConfig() { return RuntimeConfig(); }

RuntimeConfig RuntimeConfig::WithCoreFeatures(api::CoreFeatures features) const {
  RuntimeConfig copy = *this;
  copy.core_features_ = features;
  return copy;
}

RuntimeConfig RuntimeConfig::WithMemoryLimitPages(uint32_t pages) const {
  RuntimeConfig copy = *this;
  copy.memory_limit_pages_ = std::min(pages, kMaxMemoryLimitPages);
  return copy;
}

RuntimeConfig RuntimeConfig::WithMemoryCapacityFromMax(bool enabled) const {
  RuntimeConfig copy = *this;
  copy.memory_capacity_from_max_ = enabled;
  return copy;
}

RuntimeConfig RuntimeConfig::WithCloseOnContextDone(bool enabled) const {
  RuntimeConfig copy = *this;
  copy.close_on_context_done_ = enabled;
  return copy;
}

RuntimeConfig RuntimeConfig::WithCompilationCache(std::shared_ptr<CompilationCache> cache) const {
  RuntimeConfig copy = *this;
  copy.cache_ = std::move(cache);
  return copy;
}

RuntimeConfig RuntimeConfig::WithCustomSections(bool enabled) const {
  RuntimeConfig copy = *this;
  copy.custom_sections_ = enabled;
  return copy;
}

RuntimeConfig RuntimeConfig::WithDebugInfoEnabled(bool enabled) const {
  RuntimeConfig copy = *this;
  copy.debug_info_enabled_ = enabled;
  return copy;
}

RuntimeConfig RuntimeConfig::WithOptimizationLevel(int level) const {
  RuntimeConfig copy = *this;
  copy.optimization_level_ = std::clamp(level, 0, 1);
  return copy;
}

RuntimeConfig RuntimeConfig::WithCompileThreads(int threads) const {
  RuntimeConfig copy = *this;
  copy.compile_threads_ = std::max(threads, 0);
  return copy;
}

}  // namespace kiln
