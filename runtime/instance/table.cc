// Table storage as a vector whose data pointer and size are mirrored into the record.
#include "runtime/instance/table.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "compiler/vmctx/layout.h"

namespace kiln::runtime {

static_assert(offsetof(TableRecord, base) == vmctx::TableDefinition::kBaseOffset);
static_assert(offsetof(TableRecord, length) == vmctx::TableDefinition::kLengthOffset);
static_assert(sizeof(TableRecord) == vmctx::TableDefinition::kSize);

Table::Table(wasm::ValType element, uint32_t min, std::optional<uint32_t> max)
    : element_(element), max_(max), elements_(min, 0) {
  Sync();
}

void Table::Sync() {
  record_->base = elements_.data();
  record_->length = static_cast<uint32_t>(elements_.size());
  record_->upper_zero = 0;
}

void Table::MoveRecordTo(TableRecord* where) {
  record_ = where;
  Sync();
}

std::optional<uintptr_t> Table::Get(uint32_t index) const {
  if (index >= elements_.size()) return std::nullopt;
  return elements_[index];
}

bool Table::Set(uint32_t index, uintptr_t value) {
  if (index >= elements_.size()) return false;
  elements_[index] = value;
  return true;
}

std::optional<uint32_t> Table::Grow(uint32_t delta, uintptr_t init) {
  uint32_t old_size = size();
  uint64_t limit = std::min<uint64_t>(max_.value_or(kMaxElements), kMaxElements);
  if (uint64_t{old_size} + delta > limit) return std::nullopt;
  elements_.resize(old_size + delta, init);
  Sync();
  return old_size;
}

bool Table::Fill(uint32_t dst, uintptr_t value, uint32_t count) {
  if (!InBounds(dst, count)) return false;
  std::fill_n(elements_.begin() + dst, count, value);
  return true;
}

bool Table::Copy(Table& dst_table, uint32_t dst, const Table& src_table, uint32_t src,
                 uint32_t count) {
  if (!dst_table.InBounds(dst, count) || !src_table.InBounds(src, count)) return false;
  // memmove semantics: the ranges may overlap within one table.
  if (count != 0) {
    std::memmove(dst_table.elements_.data() + dst, src_table.elements_.data() + src,
                 count * sizeof(uintptr_t));
  }
  return true;
}

bool Table::Init(uint32_t dst, const std::vector<uintptr_t>& segment, uint32_t src,
                 uint32_t count) {
  if (!InBounds(dst, count) || uint64_t{src} + count > segment.size()) return false;
  std::copy_n(segment.begin() + src, count, elements_.begin() + dst);
  return true;
}

}  // namespace kiln::runtime
