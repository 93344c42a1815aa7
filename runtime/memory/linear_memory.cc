// Guard-page linear memory: one PROT_NONE reservation per memory, pages opened with mprotect.
#include "runtime/memory/linear_memory.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "absl/base/casts.h"
#include "absl/strings/str_cat.h"
#include "compiler/vmctx/layout.h"

namespace kiln::runtime {

static_assert(offsetof(MemoryRecord, base) == vmctx::MemoryDefinition::kBaseOffset);
static_assert(offsetof(MemoryRecord, length) == vmctx::MemoryDefinition::kLengthOffset);
static_assert(sizeof(MemoryRecord) == vmctx::MemoryDefinition::kSize);

absl::StatusOr<std::unique_ptr<LinearMemory>> LinearMemory::Create(
    uint32_t min_pages, std::optional<uint32_t> max_pages,
    const api::MemoryDefinition* definition) {
  uint32_t limit = max_pages.value_or(kMaxPages32);
  if (min_pages > kMaxPages32 || limit > kMaxPages32) {
    return absl::InvalidArgumentError("memory size must be at most 65536 pages (4GiB)");
  }
  if (min_pages > limit) {
    return absl::InvalidArgumentError("size minimum must not be greater than maximum");
  }
  // MAP_NORESERVE: the reservation is address space only; pages count against memory once
  // opened and touched.
  void* reservation = mmap(nullptr, kReservationBytes, PROT_NONE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reservation == MAP_FAILED) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "cannot reserve address space for a linear memory: ", std::strerror(errno)));
  }
  std::unique_ptr<LinearMemory> memory(new LinearMemory(static_cast<uint8_t*>(reservation), limit,
                                                        max_pages, definition));
  if (min_pages > 0 && !memory->GrowPages(min_pages).has_value()) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot allocate ", min_pages, " pages of linear memory"));
  }
  return memory;
}

LinearMemory::LinearMemory(uint8_t* reservation, uint32_t max_pages,
                           std::optional<uint32_t> declared_max,
                           const api::MemoryDefinition* definition)
    : reservation_(reservation),
      max_pages_(max_pages),
      declared_max_(declared_max),
      definition_(definition) {
  own_record_.base = reservation;
  own_record_.length = 0;
}

LinearMemory::~LinearMemory() { munmap(reservation_, kReservationBytes); }

void LinearMemory::MoveRecordTo(MemoryRecord* where) {
  *where = *record_;
  record_ = where;
}

std::optional<uint32_t> LinearMemory::GrowPages(uint32_t delta_pages) {
  uint32_t old_pages = pages();
  if (delta_pages > max_pages_ - old_pages) return std::nullopt;
  if (delta_pages == 0) return old_pages;
  uint64_t old_length = record_->length;
  uint64_t new_length = old_length + uint64_t{delta_pages} * kWasmPageSize;
  if (mprotect(reservation_ + old_length, new_length - old_length, PROT_READ | PROT_WRITE) != 0) {
    return std::nullopt;
  }
  record_->length = new_length;
  return old_pages;
}

// -- Host access --------------------------------------------------------------------------------

// Values are stored little-endian and kiln targets are little-endian, so a memcpy is the load.
template <typename T>
std::optional<T> LinearMemory::Load(uint32_t offset) const {
  if (!InBounds(offset, sizeof(T))) return std::nullopt;
  T value;
  std::memcpy(&value, base() + offset, sizeof(T));
  return value;
}

template <typename T>
bool LinearMemory::Store(uint32_t offset, T value) {
  if (!InBounds(offset, sizeof(T))) return false;
  std::memcpy(base() + offset, &value, sizeof(T));
  return true;
}

std::optional<uint8_t> LinearMemory::ReadByte(uint32_t offset) const {
  return Load<uint8_t>(offset);
}
std::optional<uint16_t> LinearMemory::ReadUint16Le(uint32_t offset) const {
  return Load<uint16_t>(offset);
}
std::optional<uint32_t> LinearMemory::ReadUint32Le(uint32_t offset) const {
  return Load<uint32_t>(offset);
}
std::optional<float> LinearMemory::ReadFloat32Le(uint32_t offset) const {
  return Load<float>(offset);
}
std::optional<uint64_t> LinearMemory::ReadUint64Le(uint32_t offset) const {
  return Load<uint64_t>(offset);
}
std::optional<double> LinearMemory::ReadFloat64Le(uint32_t offset) const {
  return Load<double>(offset);
}

std::optional<absl::Span<uint8_t>> LinearMemory::Read(uint32_t offset, uint32_t byte_count) {
  if (!InBounds(offset, byte_count)) return std::nullopt;
  return absl::MakeSpan(base() + offset, byte_count);
}

bool LinearMemory::WriteByte(uint32_t offset, uint8_t value) { return Store(offset, value); }
bool LinearMemory::WriteUint16Le(uint32_t offset, uint16_t value) { return Store(offset, value); }
bool LinearMemory::WriteUint32Le(uint32_t offset, uint32_t value) { return Store(offset, value); }
bool LinearMemory::WriteFloat32Le(uint32_t offset, float value) { return Store(offset, value); }
bool LinearMemory::WriteUint64Le(uint32_t offset, uint64_t value) { return Store(offset, value); }
bool LinearMemory::WriteFloat64Le(uint32_t offset, double value) { return Store(offset, value); }

bool LinearMemory::Write(uint32_t offset, absl::Span<const uint8_t> bytes) {
  if (!InBounds(offset, bytes.size())) return false;
  if (!bytes.empty()) std::memcpy(base() + offset, bytes.data(), bytes.size());
  return true;
}

bool LinearMemory::WriteString(uint32_t offset, absl::string_view text) {
  return Write(offset, absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(text.data()),
                                           text.size()));
}

}  // namespace kiln::runtime
