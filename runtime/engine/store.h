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
// Threads: a Store is thread-safe. Several threads may instantiate, register and look up at
// once (a mutex guards the instance list, the registrations and the type registry; it is never
// held while Wasm runs, so a start function or host function may use the store too), and
// instances run concurrently on different threads, even one instance on several threads or
// instances sharing an imported one: the stack limit compiled code checks is per thread
// (runtime/trap/entry.h), and each thread traps independently on its own alternate signal
// stack. What the guest itself shares (a memory, a table, a mutable global) is as racy as the
// guest makes it.
#ifndef KILN_RUNTIME_ENGINE_STORE_H_
#define KILN_RUNTIME_ENGINE_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "api/context.h"
#include "api/module.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/host_module.h"

namespace kiln::runtime {

class Instance;
class TypeRegistry;
struct StoreContext;

// StoreOptions are the behaviours a store gives all its instances (RuntimeConfig sets them).
struct StoreOptions {
  // close_on_context_done (wazero's WithCloseOnContextDone): when the Context of a call into
  // an instance is cancelled or passes its deadline, the instance is closed with exit code
  // sys::kExitCodeContextCanceled or sys::kExitCodeDeadlineExceeded (the first close wins) and
  // interrupted, together with the Wasm instances it imports functions from (transitively)
  // for as long as the call runs; the call returns sys::ExitError(code). Compiled code notices
  // only at its interrupt polls, so the instances must have been compiled with
  // CompileOptions::interrupt_checks: without polls, the call runs to its end (and the
  // instance is closed all the same). Costs one ContextWatch registration per call (about
  // 60 ns; about 180 ns when the context has a deadline).
  bool close_on_context_done = false;
};

// Store owns every instance created through it; they live until the store is destroyed (or,
// for Close, until then: a closed instance only stops being callable and importable; calls on
// it return sys::ExitError with its exit code).
class Store {
 public:
  using Options = StoreOptions;

  Store();
  explicit Store(const StoreOptions& options);
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
  // Adopt takes ownership of `instance` and returns it.
  Instance* Adopt(std::unique_ptr<Instance> instance) ABSL_LOCKS_EXCLUDED(mu_);

  const StoreOptions options_;
  std::unique_ptr<TypeRegistry> types_;  // thread-safe itself
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Instance>> instances_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Instance*, std::less<>> registered_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_ENGINE_STORE_H_
