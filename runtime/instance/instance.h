// Instance: one module instance, Wasm or host, as the runtime holds it. It owns the VM context
// (the block compiled code reads everything instance-specific through, filled per
// compiler/vmctx/layout.h), the memories, tables and globals it defines, the element and data
// segments that bulk instructions can still use, and the api objects it hands out. Imports
// point into the instances that export them, which the Store keeps alive.
//
// Creating one is instantiate.cc (Wasm: link, allocate, apply segments, run start) and
// host_instance.cc (host modules). The builtins (builtins.h) reach it through vmctx offset 0.
#ifndef KILN_RUNTIME_INSTANCE_INSTANCE_H_
#define KILN_RUNTIME_INSTANCE_INSTANCE_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "api/context.h"
#include "api/module.h"
#include "backend/common/compiled_code.h"
#include "compiler/wasm/module.h"
#include "runtime/code/code_memory.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/host_module.h"
#include "runtime/instance/const_expr.h"
#include "runtime/instance/table.h"
#include "runtime/instance/type_registry.h"
#include "runtime/instance/vmctx_block.h"
#include "runtime/memory/linear_memory.h"

namespace kiln::runtime {

class Instance;

// FuncRefRecord is the vmctx::FuncRef record: what a funcref value points at.
struct FuncRefRecord {
  const void* code = nullptr;
  void* vmctx = nullptr;
  uint32_t type_id = 0;
  uint32_t padding = 0;
};

// HostFunctionImpl is one function of a host instance: the embedder's object and its type.
struct HostFunctionImpl {
  std::variant<std::unique_ptr<api::HostModuleFunction>, std::unique_ptr<api::HostFunction>> fn;
  wasm::FuncType type;
  uint32_t slots = 0;  // max(param slots, result slots)
};

// HostFuncRecord is what a host-call stub receives as its vmctx (docs/calling_convention.md):
// the C entry first, then the function and the module that imported it (the `mod` a
// HostModuleFunction sees).
struct HostFuncRecord {
  backend::HostFunctionFn call = nullptr;
  const HostFunctionImpl* impl = nullptr;
  api::Module* caller = nullptr;
};

// The four kinds of entity an instance exports and another imports.
struct FunctionExtern {
  const FuncRefRecord* record = nullptr;      // code, vmctx and canonical type id
  const wasm::FuncType* type = nullptr;
  const api::FunctionDefinition* definition = nullptr;
  const HostFunctionImpl* host = nullptr;     // set for a host instance's own functions
  Instance* owner = nullptr;  // the Wasm instance whose code it is (nullptr: a host function)
};
struct GlobalExtern {
  wasm::GlobalType type;
  void* address = nullptr;  // the value, in its natural size
};
using Extern = std::variant<FunctionExtern, Table*, LinearMemory*, GlobalExtern>;

// ImportResolver finds what (module, name) resolves to, or an error status
// ("unknown import ..."). The kind and type are checked by the caller.
using ImportResolver =
    absl::FunctionRef<absl::StatusOr<Extern>(absl::string_view module, absl::string_view name)>;

// StoreContext is what an instance needs from its store.
struct StoreContext {
  TypeRegistry* types = nullptr;
  // close_on_context_done: a call whose Context is cancelled or passes its deadline
  // interrupts the instance and closes it (Store::Options).
  bool close_on_context_done = false;
};

// Instance is one module instance, Wasm or host; the Store owns it.
class Instance final : public api::Module {
 public:
  ~Instance() override;
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // InstantiateWasm links `compiled` through `resolve` and creates the instance. On a trap
  // while applying segments or running the start function, the instance is still returned in
  // `*failed` (it may be referenced from shared tables) together with the trap status.
  static absl::StatusOr<std::unique_ptr<Instance>> InstantiateWasm(
      const Context& ctx, std::shared_ptr<const CompiledModule> compiled, std::string name,
      ImportResolver resolve, const StoreContext& store, std::unique_ptr<Instance>* failed);

  // InstantiateHost creates a host instance from `host`.
  static absl::StatusOr<std::unique_ptr<Instance>> InstantiateHost(HostModule host,
                                                                   const StoreContext& store);

  // Export resolves an export of this instance by name.
  std::optional<Extern> Export(absl::string_view name) const;

  // -- State reached by builtins and the api objects ------------------------------------------
  uint8_t* vmctx() const { return vmctx_; }
  LinearMemory* memory(uint32_t index) const { return memories_[index]; }
  Table* table(uint32_t index) const { return tables_[index]; }
  const FunctionExtern& function(uint32_t index) const { return functions_[index]; }
  // elem_segment is the references of element segment `index` (empty once dropped).
  const std::vector<uintptr_t>& elem_segment(uint32_t index) const { return elems_[index]; }
  void DropElem(uint32_t index) { elems_[index] = {}; }
  // data_segment is the bytes of data segment `index` (empty once dropped).
  absl::Span<const uint8_t> data_segment(uint32_t index) const;
  void DropData(uint32_t index) { data_dropped_[index] = true; }
  // func_ref_value is the funcref `ref.func index` yields in this instance.
  uintptr_t func_ref_value(uint32_t index) const {
    return reinterpret_cast<uintptr_t>(functions_[index].record);
  }
  const CodeMemory* code() const { return code_; }
  const StoreContext& store() const { return store_; }

  // -- Closing and interrupting -----------------------------------------------------------------
  // The vmctx interrupt word (vmctx::kInterruptFlagOffset) counts the reasons for compiled
  // code to stop: one for a closed instance, plus one per interrupted call running in an
  // instance that imports from this one. Only code compiled with interrupt_checks polls,
  // through the poll page VmctxBlock closes while the word is non-zero.
  //
  // Close closes the instance with `exit_code` unless it is closed already (the first code
  // wins) and asks calls running in it to stop; true when this call closed it.
  bool Close(uint32_t exit_code);
  // exit_code is the code the instance was closed with (0 while open).
  uint32_t exit_code() const { return static_cast<uint32_t>(close_state_.load()); }
  // AddInterruptRequest / RemoveInterruptRequest add and remove one reason to stop.
  void AddInterruptRequest();
  void RemoveInterruptRequest();
  // interrupt_peers are the other Wasm instances whose code a call into this one can run
  // through function imports (transitively): an interrupted call stops them too.
  const std::vector<Instance*>& interrupt_peers() const { return interrupt_peers_; }

  // -- api::Module ------------------------------------------------------------------------------
  std::string String() const override { return "Module[" + name_ + "]"; }
  absl::string_view Name() const override { return name_; }
  api::Memory* Memory() override { return memories_.empty() ? nullptr : memories_[0]; }
  api::Function* ExportedFunction(absl::string_view name) override;
  std::map<std::string, const api::FunctionDefinition*> ExportedFunctionDefinitions()
      const override;
  api::Memory* ExportedMemory(absl::string_view name) override;
  std::map<std::string, const api::MemoryDefinition*> ExportedMemoryDefinitions() const override;
  api::Global* ExportedGlobal(absl::string_view name) override;
  absl::Status CloseWithExitCode(const Context& ctx, uint32_t exit_code) override;
  bool IsClosed() const override { return close_state_.load() != 0; }

 private:
  friend class InstanceBuilder;
  friend class HostInstanceBuilder;

  Instance(std::string name, const StoreContext& store) : name_(std::move(name)), store_(store) {}

  std::string name_;
  StoreContext store_;
  std::shared_ptr<const CompiledModule> compiled_;  // null for a host instance
  const CodeMemory* code_ = nullptr;                // the compiled module's or the stubs'
  std::unique_ptr<CodeMemory> host_stubs_;          // host instance: its host-call stubs
  std::unique_ptr<VmctxBlock> vmctx_block_;         // Wasm instance only: vmctx + poll page
  uint8_t* vmctx_ = nullptr;                        // vmctx_block_->vmctx(), or null

  std::vector<FunctionExtern> functions_;
  std::vector<LinearMemory*> memories_;
  std::vector<Table*> tables_;
  std::vector<GlobalExtern> globals_;
  std::vector<std::unique_ptr<LinearMemory>> owned_memories_;
  std::vector<std::unique_ptr<Table>> owned_tables_;
  std::vector<std::unique_ptr<Value>> host_globals_;
  std::vector<std::unique_ptr<HostFunctionImpl>> host_functions_;
  std::vector<std::unique_ptr<HostFuncRecord>> host_records_;
  std::vector<std::unique_ptr<FuncRefRecord>> host_func_refs_;
  std::vector<std::unique_ptr<api::FunctionDefinition>> host_function_definitions_;
  std::vector<std::unique_ptr<api::MemoryDefinition>> host_memory_definitions_;
  std::vector<std::vector<uintptr_t>> elems_;
  std::vector<bool> data_dropped_;

  struct ExportEntry {
    wasm::ExternKind kind;
    uint32_t index;
  };
  std::map<std::string, ExportEntry, std::less<>> exports_;
  // The api handles are made on first request; several threads may ask at once.
  absl::Mutex handles_mu_;
  std::map<std::string, std::unique_ptr<api::Function>, std::less<>> function_handles_
      ABSL_GUARDED_BY(handles_mu_);
  std::map<std::string, std::unique_ptr<api::Global>, std::less<>> global_handles_
      ABSL_GUARDED_BY(handles_mu_);
  // close_state_ is 0 while open, else kClosedBit | the exit code: one word, so that the first
  // closer's code wins.
  static constexpr uint64_t kClosedBit = uint64_t{1} << 32;
  std::atomic<uint64_t> close_state_{0};
  std::vector<Instance*> interrupt_peers_;
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_INSTANCE_H_
