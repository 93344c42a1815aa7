// Store: the runtime's owner of module instances and the namespace imports are resolved in.
// A Store compiles nothing itself; it instantiates a CompiledModule (compiled_module.h) by
// linking its imports against instances registered by name, allocating its memories, tables,
// globals and VM context, applying its element and data segments and running its start
// function. This is the internal engine behind api::Module; the spec-suite runner and the
// embedding API (Runtime) sit on top of it:
//   Store store;
//   KILN_ASSIGN_OR_RETURN(api::Module* spectest, store.InstantiateHost(MakeSpectestModule()));
//   KILN_ASSIGN_OR_RETURN(auto compiled, CompileModule(std::move(decoded_and_validated)));
//   KILN_ASSIGN_OR_RETURN(api::Module* m, store.Instantiate(ctx, compiled, "M"));
//   KILN_RETURN_IF_ERROR(store.Register("M", m));  // now importable as "M"
//   absl::StatusOr<std::vector<uint64_t>> r = m->ExportedFunction("add")->Call(ctx, {1, 2});
//
// Errors:
//   link          kNotFound "unknown import: <module>.<name>" when nothing registered under the
//                 module name exports that name (or the export has another kind);
//                 kInvalidArgument "incompatible import type: <module>.<name> (...)" when the
//                 export's type does not match the import (functions: equal signatures;
//                 globals: equal type and mutability; memories/tables: limits per the spec's
//                 import matching, using the current size as the minimum).
//   instantiate   traps while applying active segments ("out of bounds table access",
//                 "out of bounds memory access") or in the start function, as trap statuses
//                 (runtime/trap/trap_error.h). Segments are applied in order and earlier
//                 writes stay (Wasm 2.0), so the store keeps the failed instance alive: a
//                 shared table may already hold references to its functions.
//   calls         a trap is a trap status: kAborted (kResourceExhausted for "call stack
//                 exhausted") whose message starts with the spec's text, followed by a
//                 backtrace; trap::TrapCodeOf(status) gives the code.
//
// A Store is not thread-safe, and neither are calls into its instances: like a wasmtime Store,
// it may move between threads, but only one thread may use it (instantiate, register or call)
// at a time. The reason is the stack limit compiled code checks: it lives in each vmctx, and a
// call from another thread than the previous one first rewrites it in every instance of the
// store to that thread's limit. Each thread that calls Wasm gets its own alternate signal
// stack.
#ifndef KILN_RUNTIME_ENGINE_STORE_H_
#define KILN_RUNTIME_ENGINE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/context.h"
#include "api/module.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/host_module.h"

namespace kiln::runtime {

class Instance;
class TypeRegistry;
struct StoreContext;

// Store owns every instance created through it; they live until the store is destroyed (or,
// for Close, until then: a closed instance only stops being callable and importable).
class Store {
 public:
  Store();
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Instantiate links `compiled` against the registered instances and creates an instance
  // named `name` (which may be empty and need not be unique; naming does not register it).
  absl::StatusOr<api::Module*> Instantiate(const Context& ctx,
                                           std::shared_ptr<const CompiledModule> compiled,
                                           absl::string_view name);

  // InstantiateHost creates an instance of a host module and registers it under its name.
  absl::StatusOr<api::Module*> InstantiateHost(HostModule host);

  // Register makes `instance` (one created by this store) importable as `name`, replacing
  // any earlier registration of that name (as the spec suite's `register` does).
  absl::Status Register(absl::string_view name, api::Module* instance);

  // Lookup returns the instance registered as `name`, or nullptr.
  api::Module* Lookup(absl::string_view name) const;

 private:
  StoreContext MakeStoreContext();

  std::unique_ptr<TypeRegistry> types_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::map<std::string, Instance*, std::less<>> registered_;
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_ENGINE_STORE_H_
