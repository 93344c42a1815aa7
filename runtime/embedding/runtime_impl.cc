#include "runtime/embedding/runtime_impl.h"

#include <sys/stat.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/sys.h"
#include "compiler/base/huge_pages.h"
#include "compiler/base/status_macros.h"
#include "runtime/embedding/compiled_module_impl.h"
#include "runtime/embedding/instance_config.h"
#include "runtime/embedding/module_compiler.h"
#include "runtime/instance/instance.h"

namespace kiln::embedding {
namespace {

absl::Status CheckEnv(const ModuleConfig& config) {
  for (const auto& [key, value] : config.env()) {
    if (key.empty() || absl::StrContains(key, '=') || absl::StrContains(key, '\0')) {
      return absl::InvalidArgumentError(
          absl::StrCat("environ key must not be empty or contain '=' or NUL: \"", key, "\""));
    }
    if (absl::StrContains(value, '\0')) {
      return absl::InvalidArgumentError(
          absl::StrCat("environ value of ", key, " must not contain NUL"));
    }
  }
  for (const FSConfig::DirMount& mount : config.fs_config().mounts()) {
    struct stat st;
    if (stat(mount.host_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(absl::StrCat("cannot mount \"", mount.host_dir, "\" at \"",
                                                     mount.guest_path, "\": not a directory"));
    }
  }
  return absl::OkStatus();
}

bool IsValueType(api::ValueType type) {
  switch (type) {
    case api::kValueTypeI32:
    case api::kValueTypeI64:
    case api::kValueTypeF32:
    case api::kValueTypeF64:
    case api::kValueTypeV128:
    case api::kValueTypeExternRef:
    case api::kValueTypeFuncRef:
      return true;
    default:
      return false;
  }
}

}  // namespace

namespace {

runtime::StoreOptions StoreOptionsFor(const RuntimeConfig& config) {
  runtime::StoreOptions options;
  options.close_on_context_done = config.close_on_context_done();
  return options;
}

}  // namespace

RuntimeImpl::RuntimeImpl(const RuntimeConfig& config)
    : config_(config), store_(StoreOptionsFor(config)) {}

RuntimeImpl::~RuntimeImpl() {
  absl::MutexLock lock(&mu_);
  for (api::Module* module : instances_) ForgetInstanceConfig(module);
}

absl::Status RuntimeImpl::CheckOpen() const {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError("runtime is closed");
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const kiln::CompiledModule>> RuntimeImpl::CompileModule(
    const Context& ctx, absl::Span<const uint8_t> binary) {
  KILN_RETURN_IF_ERROR(CheckOpen());
  // The compiled module keeps the binary (custom sections, data segments): a copy of it.
  auto copy = std::make_shared<std::vector<uint8_t>>();
  base::ReserveWithHugePages(*copy, binary.size());
  copy->assign(binary.begin(), binary.end());
  const absl::Span<const uint8_t> copied = absl::MakeConstSpan(*copy);
  return CompileModule(ctx, copied, std::move(copy));
}

absl::StatusOr<std::shared_ptr<const kiln::CompiledModule>> RuntimeImpl::CompileModule(
    const Context& /*ctx*/, absl::Span<const uint8_t> binary,
    std::shared_ptr<const void> keep_alive) {
  KILN_RETURN_IF_ERROR(CheckOpen());
  KILN_ASSIGN_OR_RETURN(std::shared_ptr<const runtime::CompiledModule> compiled,
                        CompileWasmModule(wasm::ModuleBytes(binary, std::move(keep_alive)),
                                          config_));
  return std::shared_ptr<const kiln::CompiledModule>(std::make_shared<WasmCompiledModule>(
      this, std::move(compiled), config_.custom_sections()));
}

absl::StatusOr<std::shared_ptr<const kiln::CompiledModule>> RuntimeImpl::CompileHostModule(
    const Context& /*ctx*/, std::string module_name, std::vector<HostFunctionSpec> functions) {
  KILN_RETURN_IF_ERROR(CheckOpen());
  for (const HostFunctionSpec& function : functions) {
    for (api::ValueType type : function.params) {
      if (!IsValueType(type)) {
        return absl::InvalidArgumentError(absl::StrCat("host function ", module_name, ".",
                                                       function.export_name,
                                                       ": invalid param type ",
                                                       api::ValueTypeName(type)));
      }
    }
    for (api::ValueType type : function.results) {
      if (!IsValueType(type)) {
        return absl::InvalidArgumentError(absl::StrCat("host function ", module_name, ".",
                                                       function.export_name,
                                                       ": invalid result type ",
                                                       api::ValueTypeName(type)));
      }
    }
  }
  return std::shared_ptr<const kiln::CompiledModule>(
      std::make_shared<HostCompiledModule>(this, std::move(module_name), std::move(functions)));
}

absl::Status RuntimeImpl::ReserveName(const std::string& name) {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::FailedPreconditionError("runtime is closed");
  if (name.empty()) return absl::OkStatus();
  auto it = names_.find(name);
  if (it != names_.end() && (it->second == nullptr || !it->second->IsClosed())) {
    return absl::AlreadyExistsError(
        absl::StrCat("module[", name, "] has already been instantiated"));
  }
  names_[name] = nullptr;
  return absl::OkStatus();
}

void RuntimeImpl::ReleaseName(const std::string& name) {
  if (name.empty()) return;
  absl::MutexLock lock(&mu_);
  names_.erase(name);
}

void RuntimeImpl::Publish(const std::string& name, api::Module* module) {
  absl::MutexLock lock(&mu_);
  instances_.push_back(module);
  if (!name.empty()) names_[name] = module;
}

absl::StatusOr<api::Module*> RuntimeImpl::InstantiateModule(
    const Context& ctx, std::shared_ptr<const kiln::CompiledModule> compiled,
    const ModuleConfig& config) {
  if (compiled == nullptr) return absl::InvalidArgumentError("compiled module is null");
  auto* base = dynamic_cast<const CompiledModuleBase*>(compiled.get());
  if (base == nullptr || base->owner() != this) {
    return absl::InvalidArgumentError("compiled module was not compiled by this runtime");
  }
  if (base->closed()) return absl::FailedPreconditionError("compiled module is closed");
  KILN_RETURN_IF_ERROR(CheckEnv(config));
  std::string name = config.has_name() ? config.name() : std::string(compiled->Name());
  KILN_RETURN_IF_ERROR(ReserveName(name));

  absl::StatusOr<api::Module*> instance;
  if (auto* host = dynamic_cast<const HostCompiledModule*>(base)) {
    instance = store_.InstantiateHost(host->MakeHostModule(name));
  } else {
    auto* wasm = static_cast<const WasmCompiledModule*>(base);
    instance = store_.Instantiate(ctx, wasm->compiled(), name);
    if (instance.ok() && !name.empty()) {
      absl::Status registered = store_.Register(name, *instance);
      if (!registered.ok()) instance = registered;
    }
  }
  if (!instance.ok()) {
    ReleaseName(name);
    return instance.status();
  }
  api::Module* module = *instance;
  RecordInstanceConfig(module, std::make_shared<const ModuleConfig>(config.ForInstance()));
  Publish(name, module);

  if (dynamic_cast<const HostCompiledModule*>(base) == nullptr) {
    absl::Status started = RunStartFunctions(ctx, module, config);
    if (!started.ok()) return started;
  }
  return module;
}

absl::Status RuntimeImpl::RunStartFunctions(const Context& ctx, api::Module* module,
                                            const ModuleConfig& config) {
  for (const std::string& start : config.start_functions()) {
    api::Function* function = module->ExportedFunction(start);
    if (function == nullptr) continue;  // not exported (or the module closed itself)
    absl::StatusOr<std::vector<uint64_t>> results = function->Call(ctx, {});
    if (results.ok()) continue;
    absl::Status status = results.status();
    std::optional<uint32_t> exit_code = sys::ExitCodeOf(status);
    if (!exit_code.has_value() && module->IsClosed()) {
      // The module exited during the call (a host function such as WASI proc_exit closed
      // it) and the code after that host call then trapped, as the `unreachable` compilers
      // put after a call that does not return does: the exit is what happened.
      if (auto* instance = dynamic_cast<runtime::Instance*>(module)) {
        exit_code = instance->exit_code();
        status = sys::ExitError(*exit_code);
      }
    }
    if (exit_code.has_value() && *exit_code == 0) {
      // A WASI command that exits with 0 succeeded; it is closed and stays so.
      if (!module->IsClosed()) module->CloseWithExitCode(ctx, 0).IgnoreError();
      return absl::OkStatus();
    }
    if (!module->IsClosed()) module->CloseWithExitCode(ctx, exit_code.value_or(0)).IgnoreError();
    return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<api::Module*> RuntimeImpl::InstantiateWithConfig(const Context& ctx,
                                                                absl::Span<const uint8_t> binary,
                                                                const ModuleConfig& config) {
  KILN_ASSIGN_OR_RETURN(std::shared_ptr<const kiln::CompiledModule> compiled,
                        CompileModule(ctx, binary));
  return InstantiateModule(ctx, std::move(compiled), config);
}

api::Module* RuntimeImpl::Module(absl::string_view name) const {
  if (name.empty()) return nullptr;
  absl::MutexLock lock(&mu_);
  auto it = names_.find(name);
  if (it == names_.end() || it->second == nullptr || it->second->IsClosed()) return nullptr;
  return it->second;
}

absl::Status RuntimeImpl::CloseWithExitCode(const Context& ctx, uint32_t exit_code) {
  std::vector<api::Module*> instances;
  {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    instances = instances_;
  }
  absl::Status first_error;
  for (api::Module* module : instances) {
    if (module->IsClosed()) continue;
    absl::Status closed = module->CloseWithExitCode(ctx, exit_code);
    if (first_error.ok()) first_error = closed;
  }
  return first_error;
}

}  // namespace kiln::embedding

namespace kiln {

std::unique_ptr<Runtime> NewRuntime(const Context& ctx) {
  return NewRuntimeWithConfig(ctx, NewRuntimeConfig());
}

std::unique_ptr<Runtime> NewRuntimeWithConfig(const Context& /*ctx*/,
                                              const RuntimeConfig& config) {
  return std::make_unique<embedding::RuntimeImpl>(config);
}

}  // namespace kiln
