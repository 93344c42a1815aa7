// The two kinds of kiln::CompiledModule a Runtime hands out: WasmCompiledModule wraps native
// code compiled from a binary (runtime::CompiledModule), HostCompiledModule holds the functions
// a HostModuleBuilder collected. Both remember which runtime made them, so InstantiateModule
// can reject a module from another runtime, and whether they were closed.
#ifndef KILN_RUNTIME_EMBEDDING_COMPILED_MODULE_IMPL_H_
#define KILN_RUNTIME_EMBEDDING_COMPILED_MODULE_IMPL_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "api/compiled_module.h"
#include "api/custom_section.h"
#include "api/definitions.h"
#include "api/host_module_builder.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/host_module.h"

namespace kiln::embedding {

// CompiledModuleBase is what both kinds share: the owner and the closed flag.
class CompiledModuleBase : public kiln::CompiledModule {
 public:
  explicit CompiledModuleBase(const void* owner) : owner_(owner) {}

  absl::Status Close(const Context& ctx) const override;

  // owner identifies the Runtime that made this module.
  const void* owner() const { return owner_; }
  bool closed() const { return closed_.load(std::memory_order_acquire); }

 private:
  const void* owner_;
  mutable std::atomic<bool> closed_{false};
};

// WasmCompiledModule is a module compiled from a Wasm binary.
class WasmCompiledModule final : public CompiledModuleBase {
 public:
  // `keep_custom_sections` decides whether CustomSections reports the module's sections.
  WasmCompiledModule(const void* owner, std::shared_ptr<const runtime::CompiledModule> compiled,
                     bool keep_custom_sections);

  absl::string_view Name() const override { return name_; }
  std::vector<const api::FunctionDefinition*> ImportedFunctions() const override;
  std::map<std::string, const api::FunctionDefinition*> ExportedFunctions() const override;
  std::vector<const api::MemoryDefinition*> ImportedMemories() const override;
  std::map<std::string, const api::MemoryDefinition*> ExportedMemories() const override;
  std::vector<const api::CustomSection*> CustomSections() const override;

  const std::shared_ptr<const runtime::CompiledModule>& compiled() const { return compiled_; }

 private:
  // Section is one custom section, viewing the bytes the compiled module keeps.
  class Section final : public api::CustomSection {
   public:
    Section(absl::string_view name, absl::Span<const uint8_t> data) : name_(name), data_(data) {}
    absl::string_view Name() const override { return name_; }
    absl::Span<const uint8_t> Data() const override { return data_; }

   private:
    absl::string_view name_;
    absl::Span<const uint8_t> data_;
  };

  std::shared_ptr<const runtime::CompiledModule> compiled_;
  std::string name_;
  std::vector<Section> sections_;
};

// HostCompiledModule is a host module as HostModuleBuilder::Compile checked it.
class HostCompiledModule final : public CompiledModuleBase {
 public:
  HostCompiledModule(const void* owner, std::string name, std::vector<HostFunctionSpec> functions);
  ~HostCompiledModule() override;

  absl::string_view Name() const override { return name_; }
  std::vector<const api::FunctionDefinition*> ImportedFunctions() const override { return {}; }
  std::map<std::string, const api::FunctionDefinition*> ExportedFunctions() const override;
  std::vector<const api::MemoryDefinition*> ImportedMemories() const override { return {}; }
  std::map<std::string, const api::MemoryDefinition*> ExportedMemories() const override {
    return {};
  }
  std::vector<const api::CustomSection*> CustomSections() const override { return {}; }

  // MakeHostModule returns a fresh runtime::HostModule named `instance_name` whose functions
  // forward to this module's (which several instances share).
  runtime::HostModule MakeHostModule(const std::string& instance_name) const;

 private:
  std::string name_;
  std::vector<HostFunctionSpec> functions_;
  std::vector<std::unique_ptr<api::FunctionDefinition>> definitions_;
};

}  // namespace kiln::embedding

#endif  // KILN_RUNTIME_EMBEDDING_COMPILED_MODULE_IMPL_H_
