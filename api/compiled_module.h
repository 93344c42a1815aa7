// CompiledModule is a module decoded, validated and compiled to native code by a Runtime, ready
// to be instantiated any number of times, under different names and configurations. The C++
// form of wazero's CompiledModule:
//   KILN_ASSIGN_OR_RETURN(std::shared_ptr<const CompiledModule> compiled,
//                         runtime->CompileModule(ctx, wasm_bytes));
//   for (const auto& [name, def] : compiled->ExportedFunctions()) { ... def->ParamTypes() ... }
//   KILN_ASSIGN_OR_RETURN(api::Module* a, runtime->InstantiateModule(ctx, compiled,
//                                                                    NewModuleConfig()));
//
// Only kiln implements it. It is immutable and thread-safe; the definitions it returns live as
// long as it does.
#ifndef KILN_API_COMPILED_MODULE_H_
#define KILN_API_COMPILED_MODULE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "api/context.h"
#include "api/custom_section.h"
#include "api/definitions.h"

namespace kiln {

class CompiledModule {
 public:
  virtual ~CompiledModule() = default;

  // Name is the module's own name from its name section, or "" when it has none. An instance
  // takes it unless ModuleConfig::WithName says otherwise.
  virtual absl::string_view Name() const = 0;

  // ImportedFunctions describes each imported function, in import order.
  virtual std::vector<const api::FunctionDefinition*> ImportedFunctions() const = 0;

  // ExportedFunctions maps each function export name to its definition.
  virtual std::map<std::string, const api::FunctionDefinition*> ExportedFunctions() const = 0;

  // ImportedMemories describes each imported memory, in import order.
  virtual std::vector<const api::MemoryDefinition*> ImportedMemories() const = 0;

  // ExportedMemories maps each memory export name to its definition.
  virtual std::map<std::string, const api::MemoryDefinition*> ExportedMemories() const = 0;

  // CustomSections lists the module's custom sections in binary order (except the name
  // section), when the runtime was configured with RuntimeConfig::WithCustomSections(true);
  // otherwise it is empty.
  virtual std::vector<const api::CustomSection*> CustomSections() const = 0;

  // Close tells the runtime the module will not be instantiated again: InstantiateModule
  // rejects it afterwards. Instances made from it keep working; the code is freed with the
  // last of them. Idempotent.
  virtual absl::Status Close(const Context& ctx) const = 0;
};

}  // namespace kiln

#endif  // KILN_API_COMPILED_MODULE_H_
