// Module is an instantiated module: what an embedder holds to call exports, reach memory and
// globals, and close the instance. (The spec calls this a module instance; a module before
// instantiation is a CompiledModule.) Closer is the one-method interface for releasing a
// resource.
//
// Only kiln implements these interfaces. Closing the runtime closes every module it
// instantiated.
#ifndef KILN_API_MODULE_H_
#define KILN_API_MODULE_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "api/context.h"
#include "api/definitions.h"
#include "api/function.h"
#include "api/global.h"
#include "api/memory.h"

namespace kiln::api {

// Closer releases a resource.
class Closer {
 public:
  virtual ~Closer() = default;

  // Close releases the resource. `ctx` only carries values (e.g. for logging): a cancelled or
  // expired context does not stop Close.
  virtual absl::Status Close(const Context& ctx) = 0;
};

// Module is an instance. Pointers it returns stay owned by it and are valid until it closes.
class Module : public Closer {
 public:
  // String describes the module for logs, e.g. "Module[env]".
  virtual std::string String() const = 0;

  // Name is the name this instance was given; other modules import its exports by this name.
  virtual absl::string_view Name() const = 0;

  // Memory returns the memory this module defines or imports, or nullptr when it has none.
  virtual api::Memory* Memory() = 0;

  // ExportedFunction returns the function exported as `name`, or nullptr.
  //
  // A module configured to run `_start` may have closed itself while starting; check IsClosed
  // before calling exports when that can happen. Host modules have no importing module to
  // give their functions, so their exports are not callable this way.
  virtual api::Function* ExportedFunction(absl::string_view name) = 0;

  // ExportedFunctionDefinitions maps each function export name to its definition.
  virtual std::map<std::string, const FunctionDefinition*> ExportedFunctionDefinitions()
      const = 0;

  // ExportedMemory returns the memory exported as `name`, or nullptr. A module that started
  // as a WASI command or reactor always exports "memory".
  virtual api::Memory* ExportedMemory(absl::string_view name) = 0;

  // ExportedMemoryDefinitions maps each memory export name to its definition (Wasm 2.0 has
  // at most one memory, possibly exported under several names).
  virtual std::map<std::string, const MemoryDefinition*> ExportedMemoryDefinitions() const = 0;

  // ExportedGlobal returns the global exported as `name`, or nullptr.
  virtual api::Global* ExportedGlobal(absl::string_view name) = 0;

  // CloseWithExitCode releases the instance. Later calls of its exports return
  // sys::ExitError(exit_code) (the first close's code stays), and so do calls in flight,
  // including the one running a host function that closes its own module: compiled code
  // stops at its next interrupt poll (function entries and loop headers, in code compiled
  // with interrupt checks, e.g. RuntimeConfig WithCloseOnContextDone); code without polls
  // runs to its end. The returned status only
  // reports trouble releasing resources (the last such error); either way the instance is
  // removed and its name can be reused.
  virtual absl::Status CloseWithExitCode(const Context& ctx, uint32_t exit_code) = 0;

  // Close is CloseWithExitCode with exit code zero.
  absl::Status Close(const Context& ctx) override { return CloseWithExitCode(ctx, 0); }

  // IsClosed is true once the module can no longer be used: Close was called, a guest
  // function closed it (e.g. `_start` calling WASI proc_exit), or a cancelled context closed
  // it. Check it before calling an export when any of these may have happened; an exit code
  // of zero closes a module without any ExitError to tell you.
  virtual bool IsClosed() const = 0;
};

}  // namespace kiln::api

#endif  // KILN_API_MODULE_H_
