// Runtime is where an embedder starts: it compiles Wasm binaries to native code, instantiates
// them (and host modules) into one namespace where modules import each other by name, and
// closes them all at the end. The C++ form of wazero's Runtime:
//   Context ctx;
//   std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
//   KILN_ASSIGN_OR_RETURN(api::Module* mod, runtime->Instantiate(ctx, wasm_bytes));
//   api::Function* add = mod->ExportedFunction("add");
//   KILN_ASSIGN_OR_RETURN(std::vector<uint64_t> sum,
//                         add->Call(ctx, {api::EncodeI32(1), api::EncodeI32(2)}));
//   KILN_RETURN_IF_ERROR(runtime->Close(ctx));
//
// Thread safety: every method of a Runtime may be called from several threads at once:
// compiling and instantiating in parallel is fine. Instances run concurrently on different
// threads, and each traps independently: a trap (or an ExitError) ends only the call that
// caused it, and the thread and runtime stay usable. An api::Function is not thread-safe
// (api/function.h): use one per thread, i.e. call each instance from one thread at a time, or
// give each thread its own instance. Close may run while calls are in flight; they return an
// ExitError.
//
// Errors (absl::Status codes):
//   kInvalidArgument     malformed or invalid Wasm, a disabled core feature, a bad config
//   kNotFound            an import nobody provides; a read-only cache miss
//   kAlreadyExists       an instance name in use
//   kResourceExhausted   a memory larger than WithMemoryLimitPages
//   kFailedPrecondition  use after Close, or a closed CompiledModule
//   kUnimplemented       a Wasm feature the compiler does not support yet
//   traps and exits      as described in api/function.h and api/sys.h
#ifndef KILN_API_RUNTIME_H_
#define KILN_API_RUNTIME_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "api/compiled_module.h"
#include "api/context.h"
#include "api/host_module_builder.h"
#include "api/module.h"
#include "api/module_config.h"
#include "api/runtime_config.h"

namespace kiln {

class Runtime {
 public:
  virtual ~Runtime() = default;

  // CompileModule decodes and validates `binary`, checks that it only uses enabled core
  // features and compiles it (or loads it from the configured CompilationCache). The result
  // can be instantiated any number of times.
  virtual absl::StatusOr<std::shared_ptr<const CompiledModule>> CompileModule(
      const Context& ctx, absl::Span<const uint8_t> binary) = 0;

  // CompileModule of a binary the runtime may keep instead of copying it (binaries of real
  // programs are tens of megabytes): `binary` must stay valid and unchanged as long as
  // `keep_alive` lives, and the compiled module holds `keep_alive` (e.g. the buffer or the
  // mapped file holding `binary`). Otherwise as above.
  virtual absl::StatusOr<std::shared_ptr<const CompiledModule>> CompileModule(
      const Context& ctx, absl::Span<const uint8_t> binary,
      std::shared_ptr<const void> keep_alive) = 0;

  // InstantiateModule links `compiled` (from this runtime) against the modules instantiated
  // so far, creates its memories, tables and globals, applies its segments, runs its Wasm
  // start function and then config's start functions (default "_start", when exported).
  //
  // The instance is named config.name() if set, else compiled->Name(); a non-empty name must
  // not be in use by another live instance (kAlreadyExists), and makes the instance
  // importable and findable with Module(name). A start function that exits with code 0
  // (sys::ExitError(0), e.g. WASI proc_exit(0)) is success, and the module is returned
  // closed; any other error, ExitErrors included, is returned and the instance closed. A
  // start function during which a host function closed the module (as proc_exit does) ends
  // with that exit code even if the code after the host call then traps.
  virtual absl::StatusOr<api::Module*> InstantiateModule(
      const Context& ctx, std::shared_ptr<const CompiledModule> compiled,
      const ModuleConfig& config) = 0;

  // Instantiate is InstantiateWithConfig with NewModuleConfig().
  absl::StatusOr<api::Module*> Instantiate(const Context& ctx, absl::Span<const uint8_t> binary) {
    return InstantiateWithConfig(ctx, binary, NewModuleConfig());
  }

  // InstantiateWithConfig compiles `binary` and instantiates it with `config`; the compiled
  // module is released with the instance.
  virtual absl::StatusOr<api::Module*> InstantiateWithConfig(const Context& ctx,
                                                            absl::Span<const uint8_t> binary,
                                                            const ModuleConfig& config) = 0;

  // NewHostModuleBuilder starts defining a host module named `module_name` (see
  // api/host_module_builder.h). The builder must not outlive this runtime.
  HostModuleBuilder NewHostModuleBuilder(std::string module_name) {
    return HostModuleBuilder(std::move(module_name), this);
  }

  // Module returns the live instance named `name`, or nullptr (also for closed instances
  // and the empty name).
  virtual api::Module* Module(absl::string_view name) const = 0;

  // Close is CloseWithExitCode(ctx, 0).
  absl::Status Close(const Context& ctx) { return CloseWithExitCode(ctx, 0); }

  // CloseWithExitCode closes every module this runtime instantiated (calls in flight return
  // an ExitError with `exit_code`; with WithCloseOnContextDone they stop at their next
  // interrupt poll, otherwise when they return); afterwards compiling and instantiating fail
  // with kFailedPrecondition. Returns the first error closing reported. Idempotent. Instances
  // stay valid memory until the Runtime object is destroyed.
  virtual absl::Status CloseWithExitCode(const Context& ctx, uint32_t exit_code) = 0;

  // config is the configuration this runtime was created with.
  virtual const RuntimeConfig& config() const = 0;

 private:
  friend class HostModuleBuilder;
  // CompileHostModule turns a builder's checked functions into a CompiledModule.
  virtual absl::StatusOr<std::shared_ptr<const CompiledModule>> CompileHostModule(
      const Context& ctx, std::string module_name, std::vector<HostFunctionSpec> functions) = 0;
};

// NewRuntime is NewRuntimeWithConfig(ctx, NewRuntimeConfig()).
std::unique_ptr<Runtime> NewRuntime(const Context& ctx);

// NewRuntimeWithConfig returns a runtime that compiles and runs modules as `config` says.
// `ctx` only carries values; the runtime does not keep it.
std::unique_ptr<Runtime> NewRuntimeWithConfig(const Context& ctx, const RuntimeConfig& config);

}  // namespace kiln

#endif  // KILN_API_RUNTIME_H_
