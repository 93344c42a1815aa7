// Instance: lookups of exports and the api::Module methods. Creating instances is in
// instantiate.cc and host_instance.cc.
#include "runtime/instance/instance.h"

#include <cstdlib>

#include "compiler/vmctx/layout.h"
#include "runtime/instance/function.h"
#include "runtime/instance/global_view.h"

namespace kiln::runtime {

Instance::~Instance() = default;

std::optional<Extern> Instance::Export(absl::string_view name) const {
  auto it = exports_.find(name);
  if (it == exports_.end()) return std::nullopt;
  uint32_t index = it->second.index;
  switch (it->second.kind) {
    case wasm::ExternKind::kFunc:
      return Extern(functions_[index]);
    case wasm::ExternKind::kTable:
      return Extern(tables_[index]);
    case wasm::ExternKind::kMemory:
      return Extern(memories_[index]);
    case wasm::ExternKind::kGlobal:
      return Extern(globals_[index]);
  }
  return std::nullopt;
}

absl::Span<const uint8_t> Instance::data_segment(uint32_t index) const {
  if (data_dropped_[index]) return {};
  return compiled_->module().Bytes(compiled_->module().datas[index].init);
}

api::Function* Instance::ExportedFunction(absl::string_view name) {
  // Host instances have no entry trampolines: their functions are called from Wasm only.
  if (compiled_ == nullptr || IsClosed()) return nullptr;
  absl::MutexLock lock(&handles_mu_);
  auto handle = function_handles_.find(name);
  if (handle != function_handles_.end()) return handle->second.get();
  auto it = exports_.find(name);
  if (it == exports_.end() || it->second.kind != wasm::ExternKind::kFunc) return nullptr;
  const FunctionExtern& function = functions_[it->second.index];
  trap::TrampolineFn trampoline = code_->EntryTrampoline(*function.type);
  if (trampoline == nullptr) return nullptr;
  auto made = std::make_unique<WasmFunction>(
      this, function.record, function.definition, trampoline, code_->landing_pad(),
      SlotCount(function.type->params), SlotCount(function.type->results));
  api::Function* result = made.get();
  function_handles_.emplace(std::string(name), std::move(made));
  return result;
}

std::map<std::string, const api::FunctionDefinition*> Instance::ExportedFunctionDefinitions()
    const {
  std::map<std::string, const api::FunctionDefinition*> result;
  for (const auto& [name, entry] : exports_) {
    if (entry.kind == wasm::ExternKind::kFunc) {
      result.emplace(name, functions_[entry.index].definition);
    }
  }
  return result;
}

api::Memory* Instance::ExportedMemory(absl::string_view name) {
  auto it = exports_.find(name);
  if (it == exports_.end() || it->second.kind != wasm::ExternKind::kMemory) return nullptr;
  return memories_[it->second.index];
}

std::map<std::string, const api::MemoryDefinition*> Instance::ExportedMemoryDefinitions() const {
  std::map<std::string, const api::MemoryDefinition*> result;
  for (const auto& [name, entry] : exports_) {
    if (entry.kind == wasm::ExternKind::kMemory) {
      result.emplace(name, &memories_[entry.index]->Definition());
    }
  }
  return result;
}

api::Global* Instance::ExportedGlobal(absl::string_view name) {
  absl::MutexLock lock(&handles_mu_);
  auto handle = global_handles_.find(name);
  if (handle != global_handles_.end()) return handle->second.get();
  auto it = exports_.find(name);
  if (it == exports_.end() || it->second.kind != wasm::ExternKind::kGlobal) return nullptr;
  const GlobalExtern& global = globals_[it->second.index];
  std::unique_ptr<api::Global> made = MakeGlobalView(global.type, global.address);
  api::Global* result = made.get();
  global_handles_.emplace(std::string(name), std::move(made));
  return result;
}

absl::Status Instance::CloseWithExitCode(const Context& /*ctx*/, uint32_t exit_code) {
  // The store keeps the instance's memory alive: other instances may still import from it.
  Close(exit_code);
  return absl::OkStatus();
}

bool Instance::Close(uint32_t exit_code) {
  uint64_t open = 0;
  if (!close_state_.compare_exchange_strong(open, kClosedBit | exit_code)) return false;
  // A closed instance keeps its reason to stop for good.
  AddInterruptRequest();
  return true;
}

void Instance::AddInterruptRequest() {
  if (vmctx_block_ == nullptr) return;  // host instance: no compiled code polls
  vmctx_block_->AddInterruptRequest();
}

void Instance::RemoveInterruptRequest() {
  if (vmctx_block_ == nullptr) return;
  vmctx_block_->RemoveInterruptRequest();
}

}  // namespace kiln::runtime
