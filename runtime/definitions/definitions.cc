// Building function and memory definitions from a decoded module: one pass over the imports
// (which come first in each index space), one over the defined entities, then the exports and
// the name section are attached by index.
#include "runtime/definitions/definitions.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "compiler/base/check.h"

namespace kiln::runtime {
namespace {

std::vector<api::ValueType> ToValueTypes(const std::vector<wasm::ValType>& types) {
  std::vector<api::ValueType> out;
  out.reserve(types.size());
  // wasm::ValType is numbered by the binary encoding, as api::ValueType is.
  for (wasm::ValType type : types) out.push_back(static_cast<api::ValueType>(type));
  return out;
}

std::optional<api::ImportName> ImportNameOf(const std::optional<ImportOrigin>& origin) {
  if (!origin.has_value()) return std::nullopt;
  return api::ImportName{origin->module, origin->name};
}

// Memory limits are pages of a 32-bit memory (at most 65536), so they fit in uint32_t.
uint32_t Pages(uint64_t pages) {
  KILN_CHECK(pages <= UINT32_MAX);
  return static_cast<uint32_t>(pages);
}

}  // namespace

// DefinitionsBuilder fills the private fields of the definition classes.
class DefinitionsBuilder {
 public:
  DefinitionsBuilder(const wasm::Module& module, absl::string_view module_name)
      : module_(module), module_name_(module_name) {}

  ModuleDefinitions Build() {
    for (const wasm::Import& import : module_.imports) {
      ImportOrigin origin{import.module, import.name};
      if (import.kind == wasm::ExternKind::kFunc) {
        AddFunction(import.func_type, std::move(origin));
      } else if (import.kind == wasm::ExternKind::kMemory) {
        AddMemory(import.memory, std::move(origin));
      }
    }
    for (uint32_t type_index : module_.functions) AddFunction(type_index, std::nullopt);
    for (const wasm::MemoryType& memory : module_.memories) AddMemory(memory, std::nullopt);

    for (const wasm::Export& exported : module_.exports) {
      if (exported.kind == wasm::ExternKind::kFunc) {
        KILN_CHECK(exported.index < out_.functions_.size());
        out_.functions_[exported.index]->export_names_.push_back(exported.name);
      } else if (exported.kind == wasm::ExternKind::kMemory) {
        KILN_CHECK(exported.index < out_.memories_.size());
        out_.memories_[exported.index]->export_names_.push_back(exported.name);
      }
    }
    return std::move(out_);
  }

 private:
  void AddFunction(uint32_t type_index, std::optional<ImportOrigin> origin) {
    KILN_CHECK(type_index < module_.types.size());
    const wasm::FuncType& type = module_.types[type_index];
    auto def = std::make_unique<DecodedFunctionDefinition>();
    def->module_name_ = std::string(module_name_);
    def->index_ = static_cast<uint32_t>(out_.functions_.size());
    def->import_ = std::move(origin);
    def->param_types_ = ToValueTypes(type.params);
    def->result_types_ = ToValueTypes(type.results);
    const auto& function_names = module_.names.function_names;
    if (auto it = function_names.find(def->index_); it != function_names.end()) {
      def->name_ = it->second;
    }
    def->param_names_ = ParamNames(def->index_, type.params.size());
    def->debug_name_ = FunctionDebugName(module_name_, def->name_, def->index_);
    out_.functions_.push_back(std::move(def));
  }

  // ParamNames returns the local names of the parameters, or nothing unless all are named
  // (api::FunctionDefinition promises index-correlated names or none).
  std::vector<std::string> ParamNames(uint32_t function_index, size_t param_count) const {
    const auto& local_names = module_.names.local_names;
    auto it = local_names.find(function_index);
    if (param_count == 0 || it == local_names.end()) return {};
    std::vector<std::string> names;
    names.reserve(param_count);
    for (uint32_t i = 0; i < param_count; ++i) {
      auto name = it->second.find(i);
      if (name == it->second.end()) return {};
      names.push_back(name->second);
    }
    return names;
  }

  void AddMemory(const wasm::MemoryType& memory, std::optional<ImportOrigin> origin) {
    auto def = std::make_unique<DecodedMemoryDefinition>();
    def->module_name_ = std::string(module_name_);
    def->index_ = static_cast<uint32_t>(out_.memories_.size());
    def->import_ = std::move(origin);
    def->min_ = Pages(memory.limits.min);
    if (memory.limits.max.has_value()) def->max_ = Pages(*memory.limits.max);
    out_.memories_.push_back(std::move(def));
  }

  const wasm::Module& module_;
  absl::string_view module_name_;
  ModuleDefinitions out_;
};

std::optional<api::ImportName> DecodedFunctionDefinition::Import() const {
  return ImportNameOf(import_);
}

std::optional<api::ImportName> DecodedMemoryDefinition::Import() const {
  return ImportNameOf(import_);
}

const api::FunctionDefinition& ModuleDefinitions::Function(uint32_t index) const {
  KILN_CHECK(index < functions_.size());
  return *functions_[index];
}

const api::MemoryDefinition& ModuleDefinitions::Memory(uint32_t index) const {
  KILN_CHECK(index < memories_.size());
  return *memories_[index];
}

std::vector<const api::FunctionDefinition*> ModuleDefinitions::ImportedFunctions() const {
  std::vector<const api::FunctionDefinition*> out;
  for (const auto& def : functions_) {
    if (def->Import().has_value()) out.push_back(def.get());
  }
  return out;
}

std::map<std::string, const api::FunctionDefinition*> ModuleDefinitions::ExportedFunctions()
    const {
  std::map<std::string, const api::FunctionDefinition*> out;
  for (const auto& def : functions_) {
    for (const std::string& name : def->ExportNames()) out.emplace(name, def.get());
  }
  return out;
}

std::vector<const api::MemoryDefinition*> ModuleDefinitions::ImportedMemories() const {
  std::vector<const api::MemoryDefinition*> out;
  for (const auto& def : memories_) {
    if (def->Import().has_value()) out.push_back(def.get());
  }
  return out;
}

std::map<std::string, const api::MemoryDefinition*> ModuleDefinitions::ExportedMemories() const {
  std::map<std::string, const api::MemoryDefinition*> out;
  for (const auto& def : memories_) {
    for (const std::string& name : def->ExportNames()) out.emplace(name, def.get());
  }
  return out;
}

ModuleDefinitions BuildDefinitions(const wasm::Module& module, absl::string_view module_name) {
  return DefinitionsBuilder(module, module_name).Build();
}

ModuleDefinitions BuildDefinitions(const wasm::Module& module) {
  return BuildDefinitions(module, module.names.module_name.value_or(""));
}

std::string FunctionDebugName(absl::string_view module_name, absl::string_view name,
                              uint32_t index) {
  if (name.empty()) return absl::StrCat(module_name, ".$", index);
  return absl::StrCat(module_name, ".", name);
}

}  // namespace kiln::runtime
