// Instruction and CodeReader: one decoded operator with its immediates, and the reader that
// walks a function body or constant expression one operator at a time. The decoder uses it to
// reject malformed code, the validator and the frontend to read operators; nothing allocates
// per instruction (br_table targets and select types live in the reader's buffers).
#ifndef KILN_COMPILER_WASM_INSTRUCTION_H_
#define KILN_COMPILER_WASM_INSTRUCTION_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "compiler/wasm/opcode.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

// BlockType is the type of a block, loop or if.
struct BlockType {
  enum class Kind : uint8_t { kEmpty, kValue, kTypeIndex };
  Kind kind = Kind::kEmpty;
  ValType value = ValType::kI32;  // kValue
  uint32_t type_index = 0;        // kTypeIndex
};

// MemArg is a load/store's alignment (log2 of bytes) and static offset.
struct MemArg {
  uint32_t align_log2 = 0;
  uint64_t offset = 0;
  uint32_t memory = 0;
};

// Instruction is one operator and its immediates. Only the fields its ImmKind names are set.
struct Instruction {
  Opcode opcode = Opcode::kUnreachable;
  uint32_t offset = 0;  // byte offset of the operator within the module

  // kLabel, kFunc, kLocal, kGlobal, kTable, kMemory, kData, kElem: the index.
  // kCallIndirect: type index. kMemoryInit: data index. kTableInit: elem index.
  // kMemoryCopy/kTableCopy: destination. kLane / kMemArgLane: the lane.
  uint32_t index = 0;
  // kCallIndirect: table. kMemoryInit: memory. kTableInit: table. kMemoryCopy/kTableCopy: source.
  uint32_t index2 = 0;

  BlockType block_type;              // kBlockType
  MemArg memarg;                     // kMemArg, kMemArgLane
  uint64_t bits = 0;                 // kI32/kI64 (sign-extended value), kF32/kF64 (raw bits)
  std::array<uint8_t, 16> v128{};    // kV128 (little-endian bytes), kShuffle (lane indices)
  ValType ref_type = ValType::kFuncRef;  // kRefType
  absl::Span<const uint32_t> br_table;   // kBrTable: targets, then the default last
  absl::Span<const ValType> select_types;  // kSelectTypes
};

// CodeReader decodes operators from `bytes[begin, end)` of a module. Errors carry the spec's
// malformed-module message first ("unexpected end", "illegal opcode", "integer too large",
// "integer representation too long", "zero byte expected", "malformed reference type") and then
// the byte offset.
class CodeReader {
 public:
  CodeReader(absl::Span<const uint8_t> bytes, uint32_t begin, uint32_t end)
      : bytes_(bytes), pos_(begin), end_(end) {}

  // AtEnd is true when every byte of the range has been read.
  bool AtEnd() const { return pos_ >= end_; }

  // Offset is the position of the next operator.
  uint32_t Offset() const { return pos_; }

  // Next decodes the next operator into `out`. Spans in `out` stay valid until the next call.
  absl::Status Next(Instruction* out);

 private:
  absl::Span<const uint8_t> bytes_;
  uint32_t pos_;
  uint32_t end_;
  std::vector<uint32_t> br_table_;
  std::vector<ValType> select_types_;
};

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_INSTRUCTION_H_
