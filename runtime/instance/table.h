// Table: one Wasm table of references (funcref: a pointer to a FuncRef record; externref: an
// opaque host pointer; 0 is null). Compiled code reads its record (base, length) through the
// vmctx for call_indirect; everything else (table.get/set/grow/fill/copy/init) goes through
// builtins that call these methods. A table the module defines keeps its record in the vmctx
// (MoveRecordTo), importers point at that record, so growth is seen by all of them.
#ifndef KILN_RUNTIME_INSTANCE_TABLE_H_
#define KILN_RUNTIME_INSTANCE_TABLE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "compiler/wasm/value_type.h"

namespace kiln::runtime {

// TableRecord is the vmctx::TableDefinition record (docs/vmctx.md).
struct TableRecord {
  uintptr_t* base = nullptr;
  uint32_t length = 0;
  uint32_t upper_zero = 0;
};

// Table is one table of references and its vmctx record.
class Table {
 public:
  // kMaxElements bounds every table, whatever its declared maximum: a resource limit, so a
  // module cannot make the runtime allocate gigabytes of references.
  static constexpr uint32_t kMaxElements = 10'000'000;

  // Table makes a table of `min` null elements (min <= kMaxElements, checked by the caller).
  Table(wasm::ValType element, uint32_t min, std::optional<uint32_t> max);
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  wasm::ValType element_type() const { return element_; }
  uint32_t size() const { return record_->length; }
  std::optional<uint32_t> declared_max() const { return max_; }

  TableRecord* record() { return record_; }
  // MoveRecordTo places the record at `where` (inside a vmctx) and keeps it updated there.
  void MoveRecordTo(TableRecord* where);

  // Get/Set are bounds-checked element accesses: nullopt / false when `index` >= size().
  std::optional<uintptr_t> Get(uint32_t index) const;
  bool Set(uint32_t index, uintptr_t value);

  // Grow is table.grow: the previous size, or nullopt when the new size would pass the
  // maximum (declared, or kMaxElements). New elements are `init`.
  std::optional<uint32_t> Grow(uint32_t delta, uintptr_t init);

  // Fill/Copy/Init are the bulk operations; each checks its whole range first and changes
  // nothing when it is out of bounds (returns false).
  bool Fill(uint32_t dst, uintptr_t value, uint32_t count);
  static bool Copy(Table& dst_table, uint32_t dst, const Table& src_table, uint32_t src,
                   uint32_t count);
  bool Init(uint32_t dst, const std::vector<uintptr_t>& segment, uint32_t src, uint32_t count);

 private:
  bool InBounds(uint32_t index, uint32_t count) const {
    return uint64_t{index} + count <= record_->length;
  }
  void Sync();  // points the record at the elements after they may have moved

  wasm::ValType element_;
  std::optional<uint32_t> max_;
  std::vector<uintptr_t> elements_;
  TableRecord own_record_;
  TableRecord* record_ = &own_record_;
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_TABLE_H_
