// LinearMemory: one Wasm linear memory with guard pages. It reserves kReservationBytes of
// address space up front with no access (8 GiB covers every `base + zext32(index) + offset32`
// compiled code can form, plus a guard for the widest access), and opens pages with mprotect
// as the memory grows, so the base never moves and compiled loads and stores need no bounds
// check: an access past the accessible length faults and the trap handler turns it into
// "out of bounds memory access".
//
// The memory's record (base, length) is what compiled code reads through the vmctx. A memory
// that a module defines keeps its record inside that instance's vmctx (MoveRecordTo); every
// importer holds a pointer to the same record, so growth is seen everywhere at once.
//
// LinearMemory is also the api::Memory the embedder sees: every host access is bounds-checked.
#ifndef KILN_RUNTIME_MEMORY_LINEAR_MEMORY_H_
#define KILN_RUNTIME_MEMORY_LINEAR_MEMORY_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "api/definitions.h"
#include "api/memory.h"

namespace kiln::runtime {

// MemoryRecord is the vmctx::MemoryDefinition record (docs/vmctx.md).
struct MemoryRecord {
  uint8_t* base = nullptr;
  uint64_t length = 0;  // accessible bytes
};

// kWasmPageSize is the size of a Wasm page.
inline constexpr uint64_t kWasmPageSize = 65536;
// kMaxPages32 is the page limit of a 32-bit memory (4 GiB).
inline constexpr uint32_t kMaxPages32 = 65536;

// LinearMemory is one guard-page linear memory and the api::Memory over it.
class LinearMemory final : public api::Memory {
 public:
  // kReservationBytes is the address space reserved per memory: 8 GiB, plus 64 KiB so that a
  // 16-byte access at the largest address compiled code forms still lands in the reservation.
  static constexpr uint64_t kReservationBytes = (uint64_t{8} << 30) + kWasmPageSize;

  // Create reserves a memory of `min_pages`, growable to `max_pages` (nullopt: to 65536).
  // `definition` describes it to the embedder and must outlive it. kResourceExhausted when the
  // address space cannot be reserved or the pages cannot be opened; kInvalidArgument when the
  // limits exceed 65536 pages or min > max.
  static absl::StatusOr<std::unique_ptr<LinearMemory>> Create(
      uint32_t min_pages, std::optional<uint32_t> max_pages,
      const api::MemoryDefinition* definition);

  ~LinearMemory() override;
  LinearMemory(const LinearMemory&) = delete;
  LinearMemory& operator=(const LinearMemory&) = delete;

  // record is the (base, length) record compiled code reads; its address never changes after
  // MoveRecordTo.
  MemoryRecord* record() { return record_; }
  // MoveRecordTo places the record at `where` (inside a vmctx) and keeps it updated there.
  void MoveRecordTo(MemoryRecord* where);

  uint8_t* base() const { return record_->base; }
  uint32_t pages() const { return static_cast<uint32_t>(record_->length / kWasmPageSize); }
  // max_pages is the effective limit: the declared maximum, or 65536.
  uint32_t max_pages() const { return max_pages_; }
  // declared_max is the maximum as declared (for import matching).
  std::optional<uint32_t> declared_max() const { return declared_max_; }

  // GrowPages is memory.grow: the previous size in pages, or nullopt when the new size would
  // pass max_pages() or the pages cannot be opened.
  std::optional<uint32_t> GrowPages(uint32_t delta_pages);

  // InBounds is true when [offset, offset + size) lies within the accessible length.
  bool InBounds(uint64_t offset, uint64_t size) const {
    return offset <= record_->length && size <= record_->length - offset;
  }

  // -- api::Memory ------------------------------------------------------------------------------
  const api::MemoryDefinition& Definition() const override { return *definition_; }
  uint64_t Size() const override { return record_->length; }
  std::optional<uint32_t> Grow(uint32_t delta_pages) override { return GrowPages(delta_pages); }
  std::optional<uint8_t> ReadByte(uint32_t offset) const override;
  std::optional<uint16_t> ReadUint16Le(uint32_t offset) const override;
  std::optional<uint32_t> ReadUint32Le(uint32_t offset) const override;
  std::optional<float> ReadFloat32Le(uint32_t offset) const override;
  std::optional<uint64_t> ReadUint64Le(uint32_t offset) const override;
  std::optional<double> ReadFloat64Le(uint32_t offset) const override;
  std::optional<absl::Span<uint8_t>> Read(uint32_t offset, uint32_t byte_count) override;
  bool WriteByte(uint32_t offset, uint8_t value) override;
  bool WriteUint16Le(uint32_t offset, uint16_t value) override;
  bool WriteUint32Le(uint32_t offset, uint32_t value) override;
  bool WriteFloat32Le(uint32_t offset, float value) override;
  bool WriteUint64Le(uint32_t offset, uint64_t value) override;
  bool WriteFloat64Le(uint32_t offset, double value) override;
  bool Write(uint32_t offset, absl::Span<const uint8_t> bytes) override;
  bool WriteString(uint32_t offset, absl::string_view text) override;

 private:
  LinearMemory(uint8_t* reservation, uint32_t max_pages, std::optional<uint32_t> declared_max,
               const api::MemoryDefinition* definition);

  template <typename T>
  std::optional<T> Load(uint32_t offset) const;
  template <typename T>
  bool Store(uint32_t offset, T value);

  uint8_t* reservation_;
  uint32_t max_pages_;
  std::optional<uint32_t> declared_max_;
  const api::MemoryDefinition* definition_;
  MemoryRecord own_record_;
  MemoryRecord* record_ = &own_record_;
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_MEMORY_LINEAR_MEMORY_H_
