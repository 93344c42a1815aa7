#include "runtime/embedding/instance_config.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace kiln::embedding {
namespace {

// Registry maps live instances to their configs. Process-wide because a host function only
// has the instance in hand, not the Runtime that made it.
struct Record {
  std::shared_ptr<const ModuleConfig> config;
  // Host modules' per-instance state, by the key each host module chose.
  absl::flat_hash_map<const void*, std::shared_ptr<void>> states;
};

struct Registry {
  absl::Mutex mu;
  absl::flat_hash_map<const api::Module*, Record> records ABSL_GUARDED_BY(mu);
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();  // never destroyed: used until exit
  return *registry;
}

}  // namespace

std::shared_ptr<const ModuleConfig> InstanceConfigOf(const api::Module& module) {
  Registry& registry = GetRegistry();
  absl::MutexLock lock(&registry.mu);
  auto it = registry.records.find(&module);
  return it == registry.records.end() ? nullptr : it->second.config;
}

std::shared_ptr<void> InstanceStateOf(const api::Module& module, const void* key,
                                      absl::FunctionRef<std::shared_ptr<void>()> make) {
  Registry& registry = GetRegistry();
  absl::MutexLock lock(&registry.mu);
  auto it = registry.records.find(&module);
  if (it == registry.records.end()) return nullptr;
  std::shared_ptr<void>& state = it->second.states[key];
  if (state == nullptr) state = make();
  return state;
}

void RecordInstanceConfig(const api::Module* module, std::shared_ptr<const ModuleConfig> config) {
  Registry& registry = GetRegistry();
  absl::MutexLock lock(&registry.mu);
  registry.records[module] = Record{std::move(config), {}};
}

void ForgetInstanceConfig(const api::Module* module) {
  Registry& registry = GetRegistry();
  Record dropped;
  {
    absl::MutexLock lock(&registry.mu);
    auto it = registry.records.find(module);
    if (it == registry.records.end()) return;
    dropped = std::move(it->second);
    registry.records.erase(it);
  }
  // `dropped` is destroyed here, outside the lock: states may close host resources.
}

}  // namespace kiln::embedding
