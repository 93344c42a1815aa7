// Compiling a module for the host and placing its code.
#include "runtime/engine/compiled_module.h"

#include <string>
#include <vector>

#include "compiler/base/status_macros.h"
#include "runtime/code/code_memory.h"

namespace kiln::runtime {

CompiledModule::CompiledModule(wasm::Module module, std::unique_ptr<CodeMemory> code)
    : module_(std::move(module)),
      definitions_(BuildDefinitions(module_)),
      layout_(vmctx::Layout::Compute(module_)),
      code_(std::move(code)) {}

CompiledModule::~CompiledModule() = default;

absl::StatusOr<std::shared_ptr<const CompiledModule>> CompileModule(
    wasm::Module module, const backend::CompileOptions& options) {
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  KILN_ASSIGN_OR_RETURN(backend::CompiledCode code,
                        backend::CompileModule(module, layout, options));
  // Backtraces name functions as the module's own definitions do ("<module>.<name>").
  ModuleDefinitions definitions = BuildDefinitions(module);
  std::vector<std::string> names;
  for (uint32_t f = module.num_imported_functions; f < module.num_functions(); ++f) {
    names.emplace_back(definitions.Function(f).DebugName());
  }
  KILN_ASSIGN_OR_RETURN(std::unique_ptr<CodeMemory> placed,
                        CodeMemory::Place(std::move(code), std::move(names)));
  return std::shared_ptr<const CompiledModule>(
      new CompiledModule(std::move(module), std::move(placed)));
}

}  // namespace kiln::runtime
