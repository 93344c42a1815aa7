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

#include "api/module.h"
#include "api/module_config.h"

namespace kiln::embedding {

// InstanceConfigOf returns the configuration of `module`, or nullptr when no Runtime
// recorded one (e.g. host modules, or instances made directly with a runtime::Store).
// Thread-safe.
std::shared_ptr<const ModuleConfig> InstanceConfigOf(const api::Module& module);

// RecordInstanceConfig remembers `config` for `module` until ForgetInstanceConfig.
void RecordInstanceConfig(const api::Module* module, std::shared_ptr<const ModuleConfig> config);

// ForgetInstanceConfig drops what was recorded for `module`.
void ForgetInstanceConfig(const api::Module* module);

}  // namespace kiln::embedding

#endif  // KILN_RUNTIME_EMBEDDING_INSTANCE_CONFIG_H_
