// The ModuleConfig an instance was created with, for the host code that implements WASI: a
// host function receives the calling api::Module and looks its configuration up here (args,
// environment, stdio, clocks, random source).
//   std::shared_ptr<const ModuleConfig> config = embedding::InstanceConfigOf(caller);
//   if (config == nullptr) { ... not instantiated by a Runtime ... }
//   config->stdout_writer()->Write(bytes);
// Runtime::InstantiateModule records each instance's ModuleConfig::ForInstance() here, and the
// runtime's destruction forgets them.
#ifndef KILN_RUNTIME_EMBEDDING_INSTANCE_CONFIG_H_
#define KILN_RUNTIME_EMBEDDING_INSTANCE_CONFIG_H_

#include <memory>

#include "absl/functional/function_ref.h"
#include "api/module.h"
#include "api/module_config.h"

namespace kiln::embedding {

// InstanceConfigOf returns the configuration of `module`, or nullptr when no Runtime
// recorded one (e.g. host modules, or instances made directly with a runtime::Store).
// Thread-safe.
std::shared_ptr<const ModuleConfig> InstanceConfigOf(const api::Module& module);

// InstanceStateOf returns the state that the host module identified by `key` keeps for the
// calling instance `module` (WASI keeps its file descriptor table this way), creating it with
// `make` on first use. Returns nullptr, without calling `make`, when `module` has no recorded
// config. The state lives as long as the config: until the Runtime that made `module` is
// destroyed. Thread-safe; `make` runs under the registry lock, so it must not call back here.
std::shared_ptr<void> InstanceStateOf(const api::Module& module, const void* key,
                                      absl::FunctionRef<std::shared_ptr<void>()> make);

// RecordInstanceConfig remembers `config` for `module` until ForgetInstanceConfig.
void RecordInstanceConfig(const api::Module* module, std::shared_ptr<const ModuleConfig> config);

// ForgetInstanceConfig drops what was recorded for `module`, its instance states included.
void ForgetInstanceConfig(const api::Module* module);

}  // namespace kiln::embedding

#endif  // KILN_RUNTIME_EMBEDDING_INSTANCE_CONFIG_H_
