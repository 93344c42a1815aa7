// Builtin implementations. Each finds its instance at vmctx offset 0. Bulk operations check
// their whole range before touching anything (Wasm 2.0: no partial writes), and no builtin
// holds an object with a destructor when it raises a trap, since RaiseTrap abandons the frame.
#include "runtime/instance/builtins.h"

#include <cstdint>
#include <cstring>

#include "compiler/ssa/builtin.h"
#include "runtime/instance/instance.h"
#include "runtime/trap/entry.h"

namespace kiln::runtime {
namespace {

using trap::TrapCode;

Instance& InstanceOf(void* vmctx) { return **static_cast<Instance**>(vmctx); }

[[noreturn]] void OutOfBoundsMemory() { trap::RaiseTrap(TrapCode::kOutOfBoundsMemoryAccess); }
[[noreturn]] void OutOfBoundsTable() { trap::RaiseTrap(TrapCode::kOutOfBoundsTableAccess); }

uint32_t BuiltinMemorySize(void* vmctx, uint32_t memory) {
  return InstanceOf(vmctx).memory(memory)->pages();
}

uint32_t BuiltinMemoryGrow(void* vmctx, uint32_t memory, uint32_t delta) {
  std::optional<uint32_t> old_pages = InstanceOf(vmctx).memory(memory)->GrowPages(delta);
  return old_pages.has_value() ? *old_pages : 0xffffffffu;
}

void BuiltinMemoryCopy(void* vmctx, uint32_t dst_memory, uint32_t src_memory, uint32_t dst,
                       uint32_t src, uint32_t len) {
  Instance& instance = InstanceOf(vmctx);
  LinearMemory* to = instance.memory(dst_memory);
  LinearMemory* from = instance.memory(src_memory);
  if (!to->InBounds(dst, len) || !from->InBounds(src, len)) OutOfBoundsMemory();
  std::memmove(to->base() + dst, from->base() + src, len);
}

void BuiltinMemoryFill(void* vmctx, uint32_t memory, uint32_t dst, uint32_t byte,
                       uint32_t len) {
  LinearMemory* to = InstanceOf(vmctx).memory(memory);
  if (!to->InBounds(dst, len)) OutOfBoundsMemory();
  std::memset(to->base() + dst, static_cast<int>(byte & 0xff), len);
}

void BuiltinMemoryInit(void* vmctx, uint32_t memory, uint32_t segment, uint32_t dst,
                       uint32_t src, uint32_t len) {
  Instance& instance = InstanceOf(vmctx);
  LinearMemory* to = instance.memory(memory);
  absl::Span<const uint8_t> bytes = instance.data_segment(segment);
  if (!to->InBounds(dst, len) || uint64_t{src} + len > bytes.size()) OutOfBoundsMemory();
  if (len != 0) std::memcpy(to->base() + dst, bytes.data() + src, len);
}

void BuiltinDataDrop(void* vmctx, uint32_t segment) { InstanceOf(vmctx).DropData(segment); }

uintptr_t BuiltinTableGet(void* vmctx, uint32_t table, uint32_t index) {
  std::optional<uintptr_t> value = InstanceOf(vmctx).table(table)->Get(index);
  if (!value.has_value()) OutOfBoundsTable();
  return *value;
}

void BuiltinTableSet(void* vmctx, uint32_t table, uint32_t index, uintptr_t value) {
  if (!InstanceOf(vmctx).table(table)->Set(index, value)) OutOfBoundsTable();
}

uint32_t BuiltinTableSize(void* vmctx, uint32_t table) {
  return InstanceOf(vmctx).table(table)->size();
}

uint32_t BuiltinTableGrow(void* vmctx, uint32_t table, uintptr_t init, uint32_t delta) {
  std::optional<uint32_t> old_size = InstanceOf(vmctx).table(table)->Grow(delta, init);
  return old_size.has_value() ? *old_size : 0xffffffffu;
}

void BuiltinTableFill(void* vmctx, uint32_t table, uint32_t dst, uintptr_t value, uint32_t len) {
  if (!InstanceOf(vmctx).table(table)->Fill(dst, value, len)) OutOfBoundsTable();
}

void BuiltinTableCopy(void* vmctx, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                      uint32_t src, uint32_t len) {
  Instance& instance = InstanceOf(vmctx);
  if (!Table::Copy(*instance.table(dst_table), dst, *instance.table(src_table), src, len)) {
    OutOfBoundsTable();
  }
}

void BuiltinTableInit(void* vmctx, uint32_t table, uint32_t segment, uint32_t dst, uint32_t src,
                      uint32_t len) {
  Instance& instance = InstanceOf(vmctx);
  if (!instance.table(table)->Init(dst, instance.elem_segment(segment), src, len)) {
    OutOfBoundsTable();
  }
}

void BuiltinElemDrop(void* vmctx, uint32_t segment) { InstanceOf(vmctx).DropElem(segment); }

uintptr_t BuiltinRefFunc(void* vmctx, uint32_t function) {
  return InstanceOf(vmctx).func_ref_value(function);
}

const void* const kBuiltinTable[] = {
#define SSA_BUILTIN(name, text, results, params) reinterpret_cast<const void*>(&Builtin##name),
#include "compiler/ssa/builtins.def"
};
static_assert(sizeof(kBuiltinTable) / sizeof(kBuiltinTable[0]) == ssa::kNumBuiltins);

}  // namespace

const void* const* BuiltinTable() { return kBuiltinTable; }

}  // namespace kiln::runtime
