// Computes the vmctx layout of a module; see layout.h for what each part holds and
// docs/vmctx.md for the picture. The order puts the most used records (memories, then tables,
// then globals) right after the header, so that the common offsets fit short displacements.
#include "compiler/vmctx/layout.h"

#include "compiler/base/check.h"

namespace kiln::vmctx {
namespace {

uint32_t AlignTo(uint32_t offset, uint32_t alignment) {
  return (offset + alignment - 1) / alignment * alignment;
}

// Builder hands out offsets in increasing order.
class Builder {
 public:
  explicit Builder(uint32_t start) : next_(start) {}

  uint32_t Take(uint32_t size, uint32_t alignment) {
    next_ = AlignTo(next_, alignment);
    uint32_t offset = next_;
    next_ += size;
    return offset;
  }

  uint32_t next() const { return next_; }

 private:
  uint32_t next_;
};

}  // namespace

uint32_t GlobalValueSize(wasm::ValType type) {
  switch (type) {
    case wasm::ValType::kI32:
    case wasm::ValType::kF32:
      return 4;
    case wasm::ValType::kI64:
    case wasm::ValType::kF64:
    case wasm::ValType::kFuncRef:
    case wasm::ValType::kExternRef:
      return 8;
    case wasm::ValType::kV128:
      return 16;
  }
  return 16;
}

Layout Layout::Compute(const wasm::Module& module) {
  Layout layout;
  Builder builder(kHeaderSize);

  // Imported entities come first in each index space and are reached through a pointer.
  for (const wasm::Import& import : module.imports) {
    if (import.kind == wasm::ExternKind::kMemory) {
      layout.memories_.push_back({builder.Take(kPointerSize, kPointerSize), true});
    }
  }
  for (size_t i = 0; i < module.memories.size(); ++i) {
    layout.memories_.push_back({builder.Take(MemoryDefinition::kSize, kPointerSize), false});
  }
  for (const wasm::Import& import : module.imports) {
    if (import.kind == wasm::ExternKind::kTable) {
      layout.tables_.push_back({builder.Take(kPointerSize, kPointerSize), true});
    }
  }
  for (size_t i = 0; i < module.tables.size(); ++i) {
    layout.tables_.push_back({builder.Take(TableDefinition::kSize, kPointerSize), false});
  }
  for (const wasm::Import& import : module.imports) {
    if (import.kind == wasm::ExternKind::kGlobal) {
      layout.globals_.push_back({builder.Take(kPointerSize, kPointerSize), true});
    }
  }
  for (const wasm::Global& global : module.globals) {
    uint32_t size = GlobalValueSize(global.type.type);
    layout.globals_.push_back({builder.Take(size, size), false});
  }

  layout.num_functions_ = module.num_functions();
  layout.func_refs_begin_ = builder.Take(layout.num_functions_ * FuncRef::kSize, kPointerSize);
  layout.num_types_ = static_cast<uint32_t>(module.types.size());
  layout.type_ids_begin_ = builder.Take(layout.num_types_ * 4, 4);
  layout.size_ = AlignTo(builder.next(), 16);
  return layout;
}

Location Layout::memory(uint32_t index) const {
  KILN_CHECK(index < memories_.size());
  return memories_[index];
}

Location Layout::table(uint32_t index) const {
  KILN_CHECK(index < tables_.size());
  return tables_[index];
}

Location Layout::global(uint32_t index) const {
  KILN_CHECK(index < globals_.size());
  return globals_[index];
}

uint32_t Layout::func_ref(uint32_t index) const {
  KILN_CHECK(index < num_functions_);
  return func_refs_begin_ + index * FuncRef::kSize;
}

uint32_t Layout::type_id(uint32_t index) const {
  KILN_CHECK(index < num_types_);
  return type_ids_begin_ + index * 4;
}

}  // namespace kiln::vmctx
