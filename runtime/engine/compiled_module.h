// CompiledModule: a validated Wasm module together with its native code, placed in executable
// memory and registered with the trap handler, ready to be instantiated any number of times
// by a Store. It keeps everything an instance needs that does not depend on the instance: the
// decoded module (segments, constant expressions, export names), the api definitions, the
// VM-context layout and the code (function entries, entry trampolines, host-call stubs and
// the trap table).
#ifndef KILN_RUNTIME_ENGINE_COMPILED_MODULE_H_
#define KILN_RUNTIME_ENGINE_COMPILED_MODULE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "backend/compile.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/module.h"
#include "runtime/definitions/definitions.h"

namespace kiln::runtime {

class CodeMemory;

// CompiledModule is immutable once built and shared by its instances.
class CompiledModule {
 public:
  ~CompiledModule();

  const wasm::Module& module() const { return module_; }
  const ModuleDefinitions& definitions() const { return definitions_; }
  const vmctx::Layout& layout() const { return layout_; }
  const CodeMemory& code() const { return *code_; }

 private:
  friend absl::StatusOr<std::shared_ptr<const CompiledModule>> CompileModule(
      wasm::Module module, const backend::CompileOptions& options);
  friend absl::StatusOr<std::shared_ptr<const CompiledModule>> LoadCompiledModule(
      wasm::Module module, backend::CompiledCode code);

  CompiledModule(wasm::Module module, std::unique_ptr<CodeMemory> code);

  wasm::Module module_;
  ModuleDefinitions definitions_;
  vmctx::Layout layout_;
  std::unique_ptr<CodeMemory> code_;
};

// CompileModule compiles `module` (decoded and validated by the caller) to native code for the
// host ISA and places it in executable memory. Errors are those of the compiler (kInternal for
// a compiler bug, kUnimplemented for an unsupported feature). `options` select optimization,
// per-pass verification and (in tests) the register allocator.
absl::StatusOr<std::shared_ptr<const CompiledModule>> CompileModule(
    wasm::Module module, const backend::CompileOptions& options = backend::CompileOptions());

// LoadCompiledModule places code compiled earlier for `module` (e.g. read from the compilation
// cache) without compiling anything. kInvalidArgument when `code` does not fit the module (a
// different function count, or missing trampolines for its types); kFailedPrecondition when it
// is for another ISA or needs CPU features this host lacks.
absl::StatusOr<std::shared_ptr<const CompiledModule>> LoadCompiledModule(
    wasm::Module module, backend::CompiledCode code);

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_ENGINE_COMPILED_MODULE_H_
