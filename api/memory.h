// Memory gives the embedder bounds-checked access to an instance's linear memory. Every
// multi-byte value is little-endian, as in Wasm itself. Every accessor checks the whole range
// and reports failure instead of trapping: nullopt for reads, false for writes.
//
// Only kiln implements this interface.
#ifndef KILN_API_MEMORY_H_
#define KILN_API_MEMORY_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "api/definitions.h"

namespace kiln::api {

// Memory is a linear memory of an instance.
class Memory {
 public:
  virtual ~Memory() = default;

  // Definition describes this memory as its defining module declares it.
  virtual const MemoryDefinition& Definition() const = 0;

  // Size returns the current size in bytes (65536 per page). Unlike wazero's uint32_t result,
  // uint64_t holds the size of a full 65536-page memory.
  virtual uint64_t Size() const = 0;

  // Grow adds `delta_pages` pages and returns the previous size in pages, or nullopt when the
  // memory would exceed its maximum (memory.grow's -1). After a successful Grow, spans from
  // Read may point to memory that moved: read them again.
  virtual std::optional<uint32_t> Grow(uint32_t delta_pages) = 0;

  // ReadByte reads the byte at `offset`.
  virtual std::optional<uint8_t> ReadByte(uint32_t offset) const = 0;

  // ReadUint16Le reads a little-endian uint16 at `offset`.
  virtual std::optional<uint16_t> ReadUint16Le(uint32_t offset) const = 0;

  // ReadUint32Le reads a little-endian uint32 at `offset`.
  virtual std::optional<uint32_t> ReadUint32Le(uint32_t offset) const = 0;

  // ReadFloat32Le reads a float from the IEEE 754 bits stored little-endian at `offset`.
  virtual std::optional<float> ReadFloat32Le(uint32_t offset) const = 0;

  // ReadUint64Le reads a little-endian uint64 at `offset`.
  virtual std::optional<uint64_t> ReadUint64Le(uint32_t offset) const = 0;

  // ReadFloat64Le reads a double from the IEEE 754 bits stored little-endian at `offset`.
  virtual std::optional<double> ReadFloat64Le(uint32_t offset) const = 0;

  // Read returns a view of `byte_count` bytes at `offset`: not a copy. Writes through the span
  // are seen by Wasm and Wasm's stores are seen through it. The view is only stable while the
  // memory does not grow (set min = max, or re-read after Grow or any call that may run
  // memory.grow); copy the bytes to keep them.
  virtual std::optional<absl::Span<uint8_t>> Read(uint32_t offset, uint32_t byte_count) = 0;

  // WriteByte stores `value` at `offset`.
  virtual bool WriteByte(uint32_t offset, uint8_t value) = 0;

  // WriteUint16Le stores `value` little-endian at `offset`.
  virtual bool WriteUint16Le(uint32_t offset, uint16_t value) = 0;

  // WriteUint32Le stores `value` little-endian at `offset`.
  virtual bool WriteUint32Le(uint32_t offset, uint32_t value) = 0;

  // WriteFloat32Le stores the IEEE 754 bits of `value` little-endian at `offset`.
  virtual bool WriteFloat32Le(uint32_t offset, float value) = 0;

  // WriteUint64Le stores `value` little-endian at `offset`.
  virtual bool WriteUint64Le(uint32_t offset, uint64_t value) = 0;

  // WriteFloat64Le stores the IEEE 754 bits of `value` little-endian at `offset`.
  virtual bool WriteFloat64Le(uint32_t offset, double value) = 0;

  // Write copies `bytes` to `offset`; nothing is written unless all of them fit.
  virtual bool Write(uint32_t offset, absl::Span<const uint8_t> bytes) = 0;

  // WriteString copies the bytes of `text` (no terminating NUL) to `offset`.
  virtual bool WriteString(uint32_t offset, absl::string_view text) = 0;
};

}  // namespace kiln::api

#endif  // KILN_API_MEMORY_H_
