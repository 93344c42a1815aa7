// Instantiating a Wasm module, in the spec's order: resolve and type-check imports, allocate
// the vmctx and the entities the module defines (filling the vmctx per compiler/vmctx/layout.h),
// evaluate globals and element segments, then apply active element segments, active data
// segments and run the start function. Segments apply one by one and a trap stops there with
// earlier writes kept (Wasm 2.0).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/base/huge_pages.h"
#include "compiler/base/status_macros.h"
#include "compiler/vmctx/layout.h"
#include "runtime/instance/builtins.h"
#include "runtime/instance/function.h"
#include "runtime/instance/global_view.h"
#include "runtime/instance/instance.h"
#include "runtime/trap/entry.h"
#include "runtime/trap/trap_error.h"

namespace kiln::runtime {
namespace {

absl::Status Incompatible(const wasm::Import& import, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("incompatible import type: \"", import.module,
                                                 "\" \"", import.name, "\" (", why, ")"));
}

std::string TypeText(const wasm::FuncType& type) {
  std::string text = "[";
  for (size_t i = 0; i < type.params.size(); ++i) {
    absl::StrAppend(&text, i ? " " : "", wasm::ValTypeName(type.params[i]));
  }
  absl::StrAppend(&text, "] -> [");
  for (size_t i = 0; i < type.results.size(); ++i) {
    absl::StrAppend(&text, i ? " " : "", wasm::ValTypeName(type.results[i]));
  }
  return text + "]";
}

// LimitsMatch is the spec's import matching of limits: the actual minimum (current size)
// covers the expected one, and an expected maximum is met by an actual one no larger.
bool LimitsMatch(uint64_t actual_min, std::optional<uint64_t> actual_max,
                 const wasm::Limits& expected) {
  if (actual_min < expected.min) return false;
  if (!expected.max.has_value()) return true;
  return actual_max.has_value() && *actual_max <= *expected.max;
}

}  // namespace

// InstanceBuilder carries one instantiation through its steps.
class InstanceBuilder {
 public:
  InstanceBuilder(Instance* instance, const CompiledModule& compiled)
      : instance_(*instance),
        compiled_(compiled),
        module_(compiled.module()),
        layout_(compiled.layout()) {}

  absl::Status Link(ImportResolver resolve);
  absl::Status Allocate();
  absl::Status Initialize(const Context& ctx);
  // AdviseDataPages asks for huge pages where the active data segments will be written, when
  // they fill that part of a memory densely: the copy is the first touch of those pages, and
  // a program's data is tens of megabytes (one fault per 4 KiB page was most of a cached
  // start). Only advice: the segments are applied (and bounds-checked) afterwards as usual.
  void AdviseDataPages() const;

 private:
  template <typename T>
  T* At(uint32_t offset) {
    return reinterpret_cast<T*>(instance_.vmctx_ + offset);
  }
  Value ReadGlobalValue(uint32_t index) const;
  absl::StatusOr<Value> Eval(const wasm::ConstExpr& expr) const;

  Instance& instance_;
  const CompiledModule& compiled_;
  const wasm::Module& module_;
  const vmctx::Layout& layout_;
  // The resolved imports of each kind, in import order.
  std::vector<FunctionExtern> imported_functions_;
  std::vector<Table*> imported_tables_;
  std::vector<LinearMemory*> imported_memories_;
  std::vector<GlobalExtern> imported_globals_;
};

absl::Status InstanceBuilder::Link(ImportResolver resolve) {
  for (const wasm::Import& import : module_.imports) {
    KILN_ASSIGN_OR_RETURN(Extern found, resolve(import.module, import.name));
    switch (import.kind) {
      case wasm::ExternKind::kFunc: {
        const auto* function = std::get_if<FunctionExtern>(&found);
        if (function == nullptr) return Incompatible(import, "not a function");
        const wasm::FuncType& expected = module_.types[import.func_type];
        if (*function->type != expected) {
          return Incompatible(import, absl::StrCat("expected ", TypeText(expected), ", got ",
                                                   TypeText(*function->type)));
        }
        imported_functions_.push_back(*function);
        break;
      }
      case wasm::ExternKind::kTable: {
        Table* const* table = std::get_if<Table*>(&found);
        if (table == nullptr) return Incompatible(import, "not a table");
        if ((*table)->element_type() != import.table.element) {
          return Incompatible(import, "element type");
        }
        std::optional<uint64_t> max;
        if ((*table)->declared_max()) max = *(*table)->declared_max();
        if (!LimitsMatch((*table)->size(), max, import.table.limits)) {
          return Incompatible(import, "limits");
        }
        imported_tables_.push_back(*table);
        break;
      }
      case wasm::ExternKind::kMemory: {
        LinearMemory* const* memory = std::get_if<LinearMemory*>(&found);
        if (memory == nullptr) return Incompatible(import, "not a memory");
        std::optional<uint64_t> max;
        if ((*memory)->declared_max()) max = *(*memory)->declared_max();
        if (!LimitsMatch((*memory)->pages(), max, import.memory.limits)) {
          return Incompatible(import, "limits");
        }
        imported_memories_.push_back(*memory);
        break;
      }
      case wasm::ExternKind::kGlobal: {
        const auto* global = std::get_if<GlobalExtern>(&found);
        if (global == nullptr) return Incompatible(import, "not a global");
        if (global->type.type != import.global.type ||
            global->type.is_mutable != import.global.is_mutable) {
          return Incompatible(import, "global type");
        }
        imported_globals_.push_back(*global);
        break;
      }
    }
  }
  return absl::OkStatus();
}

Value InstanceBuilder::ReadGlobalValue(uint32_t index) const {
  const GlobalExtern& global = instance_.globals_[index];
  Value value;
  if (global.type.type == wasm::ValType::kV128) {
    std::memcpy(&value, global.address, 16);
  } else {
    value.low = ReadGlobal(global.type.type, global.address);
  }
  return value;
}

absl::StatusOr<Value> InstanceBuilder::Eval(const wasm::ConstExpr& expr) const {
  return EvalConstExpr(
      module_, expr,
      ConstExprEnv{[this](uint32_t index) { return ReadGlobalValue(index); },
                   [this](uint32_t index) { return instance_.func_ref_value(index); }});
}

absl::Status InstanceBuilder::Allocate() {
  const StoreContext& store = instance_.store_;
  // Page-aligned, zeroed, with the interrupt poll page in front (vmctx_block.h).
  KILN_ASSIGN_OR_RETURN(instance_.vmctx_block_, VmctxBlock::Map(layout_.size()));
  instance_.vmctx_ = instance_.vmctx_block_->vmctx();
  *At<Instance*>(vmctx::kInstanceOffset) = &instance_;
  *At<uintptr_t>(vmctx::kStackLimitTlsOffset) = trap::StackLimitTlsOffset();
  *At<const void* const*>(vmctx::kBuiltinsOffset) = BuiltinTable();

  std::vector<uint32_t> type_ids;
  for (uint32_t t = 0; t < module_.types.size(); ++t) {
    type_ids.push_back(store.types->Intern(module_.types[t]));
    *At<uint32_t>(layout_.type_id(t)) = type_ids.back();
  }

  // Functions: imports copy the exporter's record (host functions get a record naming this
  // instance as the caller); defined functions point into this blob with this vmctx.
  const ModuleDefinitions& definitions = compiled_.definitions();
  std::vector<uint32_t> imported_function_types;
  for (const wasm::Import& import : module_.imports) {
    if (import.kind == wasm::ExternKind::kFunc) imported_function_types.push_back(import.func_type);
  }
  uint32_t func_type_index = 0;
  instance_.functions_.reserve(module_.num_functions());
  for (uint32_t f = 0; f < module_.num_functions(); ++f) {
    auto* record = At<FuncRefRecord>(layout_.func_ref(f));
    if (f < module_.num_imported_functions) {
      const FunctionExtern& imported = imported_functions_[f];
      *record = *imported.record;
      if (imported.host != nullptr) {
        auto host_record = std::make_unique<HostFuncRecord>();
        host_record->call = &CallHostFunction;
        host_record->impl = imported.host;
        host_record->caller = &instance_;
        record->vmctx = host_record.get();
        instance_.host_records_.push_back(std::move(host_record));
      }
      func_type_index = imported_function_types[f];
    } else {
      uint32_t defined = f - module_.num_imported_functions;
      func_type_index = module_.functions[defined];
      record->code = instance_.code_->FunctionEntry(defined);
      record->vmctx = instance_.vmctx_;
      record->type_id = type_ids[func_type_index];
    }
    Instance* owner =
        f < module_.num_imported_functions ? imported_functions_[f].owner : &instance_;
    instance_.functions_.push_back(
        {record, &module_.types[func_type_index], &definitions.Function(f), nullptr, owner});
  }
  // The instances a call can run code of through imports: the exporters and theirs.
  std::vector<Instance*>& peers = instance_.interrupt_peers_;
  auto add_peer = [&](Instance* peer) {
    if (peer != nullptr && peer != &instance_ &&
        std::find(peers.begin(), peers.end(), peer) == peers.end()) {
      peers.push_back(peer);
    }
  };
  for (uint32_t f = 0; f < module_.num_imported_functions; ++f) {
    Instance* exporter = imported_functions_[f].owner;
    add_peer(exporter);
    if (exporter != nullptr) {
      for (Instance* peer : exporter->interrupt_peers()) add_peer(peer);
    }
  }

  for (uint32_t m = 0; m < module_.num_memories(); ++m) {
    vmctx::Location where = layout_.memory(m);
    if (m < module_.num_imported_memories) {
      LinearMemory* memory = imported_memories_[m];
      *At<MemoryRecord*>(where.offset) = memory->record();
      instance_.memories_.push_back(memory);
      continue;
    }
    const wasm::Limits& limits = module_.memories[m - module_.num_imported_memories].limits;
    std::optional<uint32_t> max;
    if (limits.max) max = static_cast<uint32_t>(*limits.max);
    KILN_ASSIGN_OR_RETURN(
        std::unique_ptr<LinearMemory> memory,
        LinearMemory::Create(static_cast<uint32_t>(limits.min), max, &definitions.Memory(m)));
    memory->MoveRecordTo(At<MemoryRecord>(where.offset));
    instance_.memories_.push_back(memory.get());
    instance_.owned_memories_.push_back(std::move(memory));
  }

  for (uint32_t t = 0; t < module_.num_tables(); ++t) {
    vmctx::Location where = layout_.table(t);
    if (t < module_.num_imported_tables) {
      Table* table = imported_tables_[t];
      *At<TableRecord*>(where.offset) = table->record();
      instance_.tables_.push_back(table);
      continue;
    }
    const wasm::TableType& type = module_.tables[t - module_.num_imported_tables];
    if (type.limits.min > Table::kMaxElements) {
      return absl::ResourceExhaustedError(
          absl::StrCat("table of ", type.limits.min, " elements exceeds the limit of ",
                       Table::kMaxElements));
    }
    std::optional<uint32_t> max;
    if (type.limits.max) max = static_cast<uint32_t>(*type.limits.max);
    auto table =
        std::make_unique<Table>(type.element, static_cast<uint32_t>(type.limits.min), max);
    table->MoveRecordTo(At<TableRecord>(where.offset));
    instance_.tables_.push_back(table.get());
    instance_.owned_tables_.push_back(std::move(table));
  }

  for (uint32_t g = 0; g < module_.num_globals(); ++g) {
    vmctx::Location where = layout_.global(g);
    if (g < module_.num_imported_globals) {
      const GlobalExtern& global = imported_globals_[g];
      *At<void*>(where.offset) = global.address;
      instance_.globals_.push_back(global);
      continue;
    }
    const wasm::Global& global = module_.globals[g - module_.num_imported_globals];
    KILN_ASSIGN_OR_RETURN(Value value, Eval(global.init));
    void* address = At<uint8_t>(where.offset);
    if (global.type.type == wasm::ValType::kV128) {
      std::memcpy(address, &value, 16);
    } else {
      WriteGlobal(global.type.type, address, value.low);
    }
    instance_.globals_.push_back({global.type, address});
  }

  for (const wasm::ElemSegment& segment : module_.elems) {
    std::vector<uintptr_t> refs;
    refs.reserve(segment.size());
    if (segment.uses_indices) {
      for (uint32_t f : segment.func_indices) refs.push_back(instance_.func_ref_value(f));
    } else {
      for (const wasm::ConstExpr& item : segment.items) {
        KILN_ASSIGN_OR_RETURN(Value value, Eval(item));
        refs.push_back(static_cast<uintptr_t>(value.low));
      }
    }
    instance_.elems_.push_back(std::move(refs));
  }
  instance_.data_dropped_.assign(module_.datas.size(), false);

  for (const wasm::Export& e : module_.exports) {
    instance_.exports_[e.name] = Instance::ExportEntry{e.kind, e.index};
  }
  return absl::OkStatus();
}

void InstanceBuilder::AdviseDataPages() const {
  struct Extent {
    uint64_t begin = UINT64_MAX;
    uint64_t end = 0;
    uint64_t bytes = 0;
  };
  std::vector<Extent> extents(instance_.memories_.size());
  for (const wasm::DataSegment& segment : module_.datas) {
    if (segment.mode != wasm::SegmentMode::kActive || segment.init.size == 0) continue;
    if (segment.memory >= extents.size()) continue;
    absl::StatusOr<Value> offset = Eval(segment.offset);
    if (!offset.ok()) continue;
    const uint64_t begin = static_cast<uint32_t>(offset->low);
    Extent& extent = extents[segment.memory];
    extent.begin = std::min(extent.begin, begin);
    extent.end = std::max(extent.end, begin + segment.init.size);
    extent.bytes += segment.init.size;
  }
  for (size_t m = 0; m < extents.size(); ++m) {
    const Extent& extent = extents[m];
    const LinearMemory* memory = instance_.memories_[m];
    if (extent.bytes == 0 || extent.end > memory->Size()) continue;  // Write traps instead
    // Sparse segments would turn untouched gaps into resident huge pages.
    if (extent.end - extent.begin > 2 * extent.bytes) continue;
    base::AdviseHugePages(memory->base() + extent.begin, extent.end - extent.begin);
  }
}

absl::Status InstanceBuilder::Initialize(const Context& ctx) {
  for (uint32_t i = 0; i < module_.elems.size(); ++i) {
    const wasm::ElemSegment& segment = module_.elems[i];
    if (segment.mode == wasm::SegmentMode::kActive) {
      KILN_ASSIGN_OR_RETURN(Value offset, Eval(segment.offset));
      const std::vector<uintptr_t>& refs = instance_.elems_[i];
      if (!instance_.tables_[segment.table]->Init(static_cast<uint32_t>(offset.low), refs, 0,
                                                  static_cast<uint32_t>(refs.size()))) {
        return trap::TrapError(trap::TrapCode::kOutOfBoundsTableAccess);
      }
    }
    if (segment.mode != wasm::SegmentMode::kPassive) instance_.DropElem(i);
  }
  AdviseDataPages();
  for (uint32_t i = 0; i < module_.datas.size(); ++i) {
    const wasm::DataSegment& segment = module_.datas[i];
    if (segment.mode != wasm::SegmentMode::kActive) continue;
    KILN_ASSIGN_OR_RETURN(Value offset, Eval(segment.offset));
    absl::Span<const uint8_t> bytes = module_.Bytes(segment.init);
    if (!instance_.memories_[segment.memory]->Write(static_cast<uint32_t>(offset.low), bytes)) {
      return trap::TrapError(trap::TrapCode::kOutOfBoundsMemoryAccess);
    }
    instance_.DropData(i);
  }
  if (module_.start.has_value()) {
    const FunctionExtern& start = instance_.functions_[*module_.start];
    trap::TrampolineFn trampoline = instance_.code_->EntryTrampoline(*start.type);
    if (trampoline == nullptr) return absl::InternalError("no entry trampoline for start");
    WasmFunction function(&instance_, start.record, start.definition, trampoline,
                          instance_.code_->landing_pad(), 0, 0);
    uint64_t unused_slot = 0;
    KILN_RETURN_IF_ERROR(function.CallWithStack(ctx, absl::MakeSpan(&unused_slot, 1)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Instance>> Instance::InstantiateWasm(
    const Context& ctx, std::shared_ptr<const CompiledModule> compiled, std::string name,
    ImportResolver resolve, const StoreContext& store, std::unique_ptr<Instance>* failed) {
  std::unique_ptr<Instance> instance(new Instance(std::move(name), store));
  instance->compiled_ = compiled;
  instance->code_ = &compiled->code();
  InstanceBuilder builder(instance.get(), *compiled);
  KILN_RETURN_IF_ERROR(builder.Link(resolve));
  KILN_RETURN_IF_ERROR(builder.Allocate());
  absl::Status initialized = builder.Initialize(ctx);
  if (!initialized.ok()) {
    *failed = std::move(instance);
    return initialized;
  }
  return instance;
}

}  // namespace kiln::runtime
