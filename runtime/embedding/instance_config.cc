#include "runtime/embedding/instance_config.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace kiln::embedding {
namespace {

// Registry maps live instances to their configs. Process-wide because a host function only
// has the instance in hand, not the Runtime that made it.
struct Registry {
  absl::Mutex mu;
  absl::flat_hash_map<const api::Module*, std::shared_ptr<const ModuleConfig>> configs
      ABSL_GUARDED_BY(mu);
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();  // never destroyed: used until exit
  return *registry;
}

}  // namespace

std::shared_ptr<const ModuleConfig> InstanceConfigOf(const api::Module& module) {
  Registry& registry = GetRegistry();
  absl::MutexLock lock(&registry.mu);
  auto it = registry.configs.find(&module);
  return it == registry.configs.end() ? nullptr : it->second;
}

void RecordInstanceConfig(const api::Module* module, std::shared_ptr<const ModuleConfig> config) {
  Registry& registry = GetRegistry();
  absl::MutexLock lock(&registry.mu);
  registry.configs[module] = std::move(config);
}

void ForgetInstanceConfig(const api::Module* module) {
  Registry& registry = GetRegistry();
  absl::MutexLock lock(&registry.mu);
  registry.configs.erase(module);
}

}  // namespace kiln::embedding
