// Instantiating a host module: its functions get host-call stubs (compiled for their types)
// and records, its globals, tables and memories are allocated here rather than in a vmctx.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "backend/compile.h"
#include "compiler/base/status_macros.h"
#include "runtime/instance/function.h"
#include "runtime/instance/global_view.h"
#include "runtime/instance/host_definitions.h"
#include "runtime/instance/instance.h"

namespace kiln::runtime {
namespace {

absl::StatusOr<wasm::ValType> ToValType(api::ValueType type) {
  if (!wasm::IsValType(type)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid value type 0x", absl::Hex(type)));
  }
  return static_cast<wasm::ValType>(type);
}

absl::StatusOr<wasm::FuncType> ToFuncType(const HostModule::Function& function) {
  wasm::FuncType type;
  for (api::ValueType param : function.params) {
    KILN_ASSIGN_OR_RETURN(wasm::ValType t, ToValType(param));
    type.params.push_back(t);
  }
  for (api::ValueType result : function.results) {
    KILN_ASSIGN_OR_RETURN(wasm::ValType t, ToValType(result));
    type.results.push_back(t);
  }
  // Names are optional, but a partial list would leave ParamNames/ResultNames ambiguous.
  auto names_fit = [](const std::vector<std::string>& names, size_t count) {
    return names.empty() || names.size() == count;
  };
  if (!names_fit(function.param_names, function.params.size()) ||
      !names_fit(function.result_names, function.results.size())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "host function ", function.name, ": names must be empty or name every param and result"));
  }
  return type;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Instance>> Instance::InstantiateHost(HostModule host,
                                                                    const StoreContext& store) {
  std::unique_ptr<Instance> instance(new Instance(host.name(), store));
  Instance& self = *instance;
  auto add_export = [&](const std::string& name, wasm::ExternKind kind, size_t index) {
    self.exports_[name] = ExportEntry{kind, static_cast<uint32_t>(index)};
  };

  std::vector<wasm::FuncType> stub_types;
  for (HostModule::Function& function : host.functions()) {
    KILN_ASSIGN_OR_RETURN(wasm::FuncType type, ToFuncType(function));
    if (std::find(stub_types.begin(), stub_types.end(), type) == stub_types.end()) {
      stub_types.push_back(type);
    }
    auto impl = std::make_unique<HostFunctionImpl>();
    impl->slots = std::max(SlotCount(type.params), SlotCount(type.results));
    impl->type = std::move(type);
    impl->fn = std::move(function.impl);
    self.host_functions_.push_back(std::move(impl));
  }
  if (!stub_types.empty()) {
    KILN_ASSIGN_OR_RETURN(backend::CompiledCode stubs, backend::CompileTrampolines(stub_types));
    KILN_ASSIGN_OR_RETURN(self.host_stubs_, CodeMemory::Place(std::move(stubs)));
    self.code_ = self.host_stubs_.get();
  }

  for (size_t i = 0; i < host.functions().size(); ++i) {
    const HostModule::Function& function = host.functions()[i];
    HostFunctionImpl* impl = self.host_functions_[i].get();
    api::HostImplementation implementation;
    if (auto* module_fn = std::get_if<std::unique_ptr<api::HostModuleFunction>>(&impl->fn)) {
      implementation = static_cast<const api::HostModuleFunction*>(module_fn->get());
    } else {
      implementation = static_cast<const api::HostFunction*>(
          std::get<std::unique_ptr<api::HostFunction>>(impl->fn).get());
    }
    auto definition = std::make_unique<HostFunctionDefinition>(
        host.name(), static_cast<uint32_t>(i), function.name,
        function.own_name.empty() ? function.name : function.own_name, implementation,
        function.params, function.results, function.param_names, function.result_names);
    auto record = std::make_unique<HostFuncRecord>();
    record->call = &CallHostFunction;
    record->impl = impl;
    record->caller = &self;
    auto func_ref = std::make_unique<FuncRefRecord>();
    func_ref->code = self.code_->HostCallStub(impl->type);
    if (func_ref->code == nullptr) return absl::InternalError("no host-call stub for a type");
    func_ref->vmctx = record.get();
    func_ref->type_id = store.types->Intern(impl->type);
    self.functions_.push_back({func_ref.get(), &impl->type, definition.get(), impl, nullptr});
    add_export(function.name, wasm::ExternKind::kFunc, i);
    self.host_records_.push_back(std::move(record));
    self.host_func_refs_.push_back(std::move(func_ref));
    self.host_function_definitions_.push_back(std::move(definition));
  }

  for (const HostModule::Global& global : host.globals()) {
    KILN_ASSIGN_OR_RETURN(wasm::ValType type, ToValType(global.type));
    auto cell = std::make_unique<Value>();
    WriteGlobal(type, cell.get(), global.value);
    add_export(global.name, wasm::ExternKind::kGlobal, self.globals_.size());
    self.globals_.push_back({wasm::GlobalType{type, global.is_mutable}, cell.get()});
    self.host_globals_.push_back(std::move(cell));
  }

  for (const HostModule::Table& table : host.tables()) {
    KILN_ASSIGN_OR_RETURN(wasm::ValType element, ToValType(table.element));
    if (!wasm::IsRefType(element) || table.min > Table::kMaxElements) {
      return absl::InvalidArgumentError(absl::StrCat("invalid host table ", table.name));
    }
    auto made = std::make_unique<Table>(element, table.min, table.max);
    add_export(table.name, wasm::ExternKind::kTable, self.tables_.size());
    self.tables_.push_back(made.get());
    self.owned_tables_.push_back(std::move(made));
  }

  for (const HostModule::Memory& memory : host.memories()) {
    auto definition = std::make_unique<HostMemoryDefinition>(
        host.name(), static_cast<uint32_t>(self.memories_.size()), memory.name, memory.min,
        memory.max);
    KILN_ASSIGN_OR_RETURN(std::unique_ptr<LinearMemory> made,
                          LinearMemory::Create(memory.min, memory.max, definition.get()));
    add_export(memory.name, wasm::ExternKind::kMemory, self.memories_.size());
    self.memories_.push_back(made.get());
    self.owned_memories_.push_back(std::move(made));
    self.host_memory_definitions_.push_back(std::move(definition));
  }
  return instance;
}

}  // namespace kiln::runtime
