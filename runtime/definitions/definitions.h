// The api::FunctionDefinition and api::MemoryDefinition of a decoded module, built once from a
// wasm::Module and independent of any runtime: a compiled module hands these out, and every
// instance of it shares them. They copy what they need (names, signatures, limits), so they
// outlive the wasm::Module they were built from.
//
// Names follow wazero: a function's Name comes from the name section, its DebugName is
// "<module>.<name>" or "<module>.$<index>", and ParamNames come from the name section's local
// names when every parameter is named.
#ifndef KILN_RUNTIME_DEFINITIONS_DEFINITIONS_H_
#define KILN_RUNTIME_DEFINITIONS_DEFINITIONS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "api/definitions.h"
#include "compiler/wasm/module.h"

namespace kiln::runtime {

// ImportOrigin is the owned form of api::ImportName.
struct ImportOrigin {
  std::string module;
  std::string name;
};

// DecodedFunctionDefinition is the definition of one function of a Wasm module (never a host
// function: Host() is always empty).
class DecodedFunctionDefinition final : public api::FunctionDefinition {
 public:
  DecodedFunctionDefinition() = default;

  absl::string_view ModuleName() const override { return module_name_; }
  uint32_t Index() const override { return index_; }
  std::optional<api::ImportName> Import() const override;
  absl::Span<const std::string> ExportNames() const override { return export_names_; }

  absl::string_view Name() const override { return name_; }
  absl::string_view DebugName() const override { return debug_name_; }
  api::HostImplementation Host() const override { return std::monostate(); }
  absl::Span<const api::ValueType> ParamTypes() const override { return param_types_; }
  absl::Span<const std::string> ParamNames() const override { return param_names_; }
  absl::Span<const api::ValueType> ResultTypes() const override { return result_types_; }
  absl::Span<const std::string> ResultNames() const override { return {}; }

 private:
  friend class DefinitionsBuilder;

  std::string module_name_;
  uint32_t index_ = 0;
  std::optional<ImportOrigin> import_;
  std::vector<std::string> export_names_;
  std::string name_;
  std::string debug_name_;
  std::vector<api::ValueType> param_types_;
  std::vector<std::string> param_names_;
  std::vector<api::ValueType> result_types_;
};

// DecodedMemoryDefinition is the definition of one linear memory of a Wasm module.
class DecodedMemoryDefinition final : public api::MemoryDefinition {
 public:
  DecodedMemoryDefinition() = default;

  absl::string_view ModuleName() const override { return module_name_; }
  uint32_t Index() const override { return index_; }
  std::optional<api::ImportName> Import() const override;
  absl::Span<const std::string> ExportNames() const override { return export_names_; }

  uint32_t Min() const override { return min_; }
  std::optional<uint32_t> Max() const override { return max_; }

 private:
  friend class DefinitionsBuilder;

  std::string module_name_;
  uint32_t index_ = 0;
  std::optional<ImportOrigin> import_;
  std::vector<std::string> export_names_;
  uint32_t min_ = 0;
  std::optional<uint32_t> max_;
};

// ModuleDefinitions holds the function and memory definitions of one module, in index order
// (imports first). Definitions have stable addresses: the pointers handed out stay valid as long
// as the ModuleDefinitions lives, even when it is moved.
class ModuleDefinitions {
 public:
  // Function returns the definition of function `index`; `index` < function_count().
  const api::FunctionDefinition& Function(uint32_t index) const;
  // Memory returns the definition of memory `index`; `index` < memory_count().
  const api::MemoryDefinition& Memory(uint32_t index) const;

  uint32_t function_count() const { return static_cast<uint32_t>(functions_.size()); }
  uint32_t memory_count() const { return static_cast<uint32_t>(memories_.size()); }

  // ImportedFunctions lists the imported functions in import order.
  std::vector<const api::FunctionDefinition*> ImportedFunctions() const;
  // ExportedFunctions maps every function export name to its definition.
  std::map<std::string, const api::FunctionDefinition*> ExportedFunctions() const;
  // ImportedMemories lists the imported memories in import order.
  std::vector<const api::MemoryDefinition*> ImportedMemories() const;
  // ExportedMemories maps every memory export name to its definition.
  std::map<std::string, const api::MemoryDefinition*> ExportedMemories() const;

 private:
  friend class DefinitionsBuilder;

  std::vector<std::unique_ptr<DecodedFunctionDefinition>> functions_;
  std::vector<std::unique_ptr<DecodedMemoryDefinition>> memories_;
};

// BuildDefinitions describes the functions and memories of `module`, which must have passed
// wasm::Validate (type indices are trusted). Every definition reports `module_name` as its
// ModuleName, and DebugName uses it too.
ModuleDefinitions BuildDefinitions(const wasm::Module& module, absl::string_view module_name);

// BuildDefinitions with the module's own name from its name section ("" without one), as
// wazero does for a compiled module.
ModuleDefinitions BuildDefinitions(const wasm::Module& module);

// FunctionDebugName formats "<module>.<name>", or "<module>.$<index>" when `name` is empty.
std::string FunctionDebugName(absl::string_view module_name, absl::string_view name,
                              uint32_t index);

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_DEFINITIONS_DEFINITIONS_H_
