#include "runtime/embedding/compiled_module_impl.h"

#include <utility>

#include "runtime/definitions/definitions.h"
#include "runtime/instance/host_definitions.h"

namespace kiln::embedding {

absl::Status CompiledModuleBase::Close(const Context& /*ctx*/) const {
  closed_.store(true, std::memory_order_release);
  return absl::OkStatus();
}

// -- WasmCompiledModule ----------------------------------------------------------------------

WasmCompiledModule::WasmCompiledModule(const void* owner,
                                       std::shared_ptr<const runtime::CompiledModule> compiled,
                                       bool keep_custom_sections)
    : CompiledModuleBase(owner), compiled_(std::move(compiled)) {
  const wasm::Module& module = compiled_->module();
  name_ = module.names.module_name.value_or("");
  if (keep_custom_sections) {
    for (const wasm::CustomSection& section : module.customs) {
      if (section.name == "name") continue;  // kiln reads it itself
      sections_.emplace_back(section.name, module.Bytes(section.data));
    }
  }
}

std::vector<const api::FunctionDefinition*> WasmCompiledModule::ImportedFunctions() const {
  return compiled_->definitions().ImportedFunctions();
}

std::map<std::string, const api::FunctionDefinition*> WasmCompiledModule::ExportedFunctions()
    const {
  return compiled_->definitions().ExportedFunctions();
}

std::vector<const api::MemoryDefinition*> WasmCompiledModule::ImportedMemories() const {
  return compiled_->definitions().ImportedMemories();
}

std::map<std::string, const api::MemoryDefinition*> WasmCompiledModule::ExportedMemories() const {
  return compiled_->definitions().ExportedMemories();
}

std::vector<const api::CustomSection*> WasmCompiledModule::CustomSections() const {
  std::vector<const api::CustomSection*> sections;
  sections.reserve(sections_.size());
  for (const Section& section : sections_) sections.push_back(&section);
  return sections;
}

// -- HostCompiledModule ----------------------------------------------------------------------

namespace {

// HostImplementationOf is the implementation a builder's function spec holds.
api::HostImplementation HostImplementationOf(const HostFunctionSpec& spec) {
  if (auto* fn = std::get_if<std::shared_ptr<api::HostModuleFunction>>(&spec.impl)) {
    return static_cast<const api::HostModuleFunction*>(fn->get());
  }
  return static_cast<const api::HostFunction*>(
      std::get<std::shared_ptr<api::HostFunction>>(spec.impl).get());
}

}  // namespace

HostCompiledModule::HostCompiledModule(const void* owner, std::string name,
                                       std::vector<HostFunctionSpec> functions)
    : CompiledModuleBase(owner), name_(std::move(name)), functions_(std::move(functions)) {
  for (size_t i = 0; i < functions_.size(); ++i) {
    const HostFunctionSpec& spec = functions_[i];
    // The same definition an instance of this module reports (runtime/instance).
    definitions_.push_back(std::make_unique<runtime::HostFunctionDefinition>(
        name_, static_cast<uint32_t>(i), spec.export_name, spec.name, HostImplementationOf(spec),
        spec.params, spec.results, spec.param_names, spec.result_names));
  }
}

HostCompiledModule::~HostCompiledModule() = default;

std::map<std::string, const api::FunctionDefinition*> HostCompiledModule::ExportedFunctions()
    const {
  std::map<std::string, const api::FunctionDefinition*> exports;
  for (size_t i = 0; i < functions_.size(); ++i) {
    exports[functions_[i].export_name] = definitions_[i].get();
  }
  return exports;
}

namespace {

// Forwarders let several instances share one implementation object: runtime::HostModule
// takes ownership of its functions.
class ForwardHostFunction final : public api::HostFunction {
 public:
  explicit ForwardHostFunction(std::shared_ptr<api::HostFunction> target)
      : target_(std::move(target)) {}
  void Call(const Context& ctx, absl::Span<uint64_t> stack) override { target_->Call(ctx, stack); }

 private:
  std::shared_ptr<api::HostFunction> target_;
};

class ForwardHostModuleFunction final : public api::HostModuleFunction {
 public:
  explicit ForwardHostModuleFunction(std::shared_ptr<api::HostModuleFunction> target)
      : target_(std::move(target)) {}
  void Call(const Context& ctx, api::Module& mod, absl::Span<uint64_t> stack) override {
    target_->Call(ctx, mod, stack);
  }

 private:
  std::shared_ptr<api::HostModuleFunction> target_;
};

}  // namespace

runtime::HostModule HostCompiledModule::MakeHostModule(const std::string& instance_name) const {
  runtime::HostModule host(instance_name);
  for (const HostFunctionSpec& spec : functions_) {
    if (auto* fn = std::get_if<std::shared_ptr<api::HostModuleFunction>>(&spec.impl)) {
      host.AddFunction(spec.export_name, spec.params, spec.results,
                       std::unique_ptr<api::HostModuleFunction>(
                           std::make_unique<ForwardHostModuleFunction>(*fn)));
    } else {
      host.AddFunction(spec.export_name, spec.params, spec.results,
                       std::unique_ptr<api::HostFunction>(std::make_unique<ForwardHostFunction>(
                           std::get<std::shared_ptr<api::HostFunction>>(spec.impl))));
    }
    host.functions().back().param_names = spec.param_names;
    host.functions().back().result_names = spec.result_names;
    host.functions().back().own_name = spec.name;
  }
  return host;
}

}  // namespace kiln::embedding
