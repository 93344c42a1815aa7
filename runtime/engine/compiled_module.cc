// Compiling a module for the host and placing its code.
#include "runtime/engine/compiled_module.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "runtime/code/code_memory.h"

namespace kiln::runtime {
namespace {

// FunctionNames names defined functions in backtraces as the module's own definitions do
// ("<module>.<name>").
std::vector<std::string> FunctionNames(const wasm::Module& module) {
  ModuleDefinitions definitions = BuildDefinitions(module);
  std::vector<std::string> names;
  for (uint32_t f = module.num_imported_functions; f < module.num_functions(); ++f) {
    names.emplace_back(definitions.Function(f).DebugName());
  }
  return names;
}

absl::StatusOr<std::unique_ptr<CodeMemory>> PlaceCode(const wasm::Module& module,
                                                      backend::CompiledCode code) {
  return CodeMemory::Place(std::move(code), FunctionNames(module));
}

std::string TypeText(const wasm::FuncType& type) {
  std::string text = "[";
  for (size_t i = 0; i < type.params.size(); ++i) {
    absl::StrAppend(&text, i > 0 ? " " : "", wasm::ValTypeName(type.params[i]));
  }
  absl::StrAppend(&text, "] -> [");
  for (size_t i = 0; i < type.results.size(); ++i) {
    absl::StrAppend(&text, i > 0 ? " " : "", wasm::ValTypeName(type.results[i]));
  }
  return absl::StrCat(text, "]");
}

// CheckCodeFitsHost: code for another ISA or using features this CPU lacks must not run.
absl::Status CheckCodeFitsHost(const backend::CompiledCode& code) {
  KILN_ASSIGN_OR_RETURN(const backend::Isa* host, backend::HostIsa());
  if (code.isa != host->target()) {
    return absl::FailedPreconditionError(
        "compiled code is for another instruction set than this host's");
  }
  const uint64_t missing = code.cpu_features & ~host->cpu_features();
  if (missing != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "compiled code needs CPU features this host lacks (feature bits 0x", absl::Hex(missing),
        ")"));
  }
  return absl::OkStatus();
}

// CheckCodeFitsModule: the runtime indexes functions[] by defined function and looks up a
// trampoline and a stub for every function type, so each must be there and inside the code.
absl::Status CheckCodeFitsModule(const wasm::Module& module, const backend::CompiledCode& code) {
  if (code.functions.size() != module.functions.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("compiled code has ", code.functions.size(),
                     " functions but the module defines ", module.functions.size()));
  }
  const uint64_t code_size = code.code.size();
  for (size_t i = 0; i < code.functions.size(); ++i) {
    if (uint64_t{code.functions[i].offset} + code.functions[i].size > code_size) {
      return absl::InvalidArgumentError(
          absl::StrCat("compiled code of defined function ", i, " lies outside the code"));
    }
  }
  for (const wasm::FuncType& type : module.types) {
    const backend::EntryTrampoline* trampoline = code.FindEntryTrampoline(type);
    const backend::HostCallStub* stub = code.FindHostCallStub(type);
    if (trampoline == nullptr || stub == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("compiled code has no ", trampoline == nullptr ? "entry trampoline"
                                                                       : "host-call stub",
                       " for the module's function type ", TypeText(type)));
    }
    if (trampoline->offset >= code_size || stub->offset >= code_size) {
      return absl::InvalidArgumentError(absl::StrCat(
          "compiled code's trampolines for ", TypeText(type), " lie outside the code"));
    }
  }
  if (code_size > 0 && code.landing_pad_offset >= code_size) {
    return absl::InvalidArgumentError("compiled code's landing pad lies outside the code");
  }
  for (size_t i = 0; i < code.trap_sites.size(); ++i) {
    if (code.trap_sites[i].code_offset >= code_size ||
        (i > 0 && code.trap_sites[i].code_offset <= code.trap_sites[i - 1].code_offset)) {
      return absl::InvalidArgumentError(
          "compiled code's trap table is unsorted or points outside the code");
    }
  }
  return absl::OkStatus();
}

}  // namespace

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
  KILN_ASSIGN_OR_RETURN(std::unique_ptr<CodeMemory> placed, PlaceCode(module, std::move(code)));
  return std::shared_ptr<const CompiledModule>(
      new CompiledModule(std::move(module), std::move(placed)));
}

absl::StatusOr<std::shared_ptr<const CompiledModule>> LoadCompiledModule(
    wasm::Module module, backend::CompiledCode code) {
  KILN_RETURN_IF_ERROR(CheckCodeFitsHost(code));
  KILN_RETURN_IF_ERROR(CheckCodeFitsModule(module, code));
  KILN_ASSIGN_OR_RETURN(std::unique_ptr<CodeMemory> placed, PlaceCode(module, std::move(code)));
  return std::shared_ptr<const CompiledModule>(
      new CompiledModule(std::move(module), std::move(placed)));
}

}  // namespace kiln::runtime
