// Module is the decoded form of a Wasm binary: the decoder fills it, the validator checks it,
// and later stages (frontend, runtime, api definitions) read it. Function bodies and constant
// expressions stay as byte ranges of `bytes`; CodeReader (instruction.h) walks them.
#ifndef KILN_COMPILER_WASM_MODULE_H_
#define KILN_COMPILER_WASM_MODULE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "compiler/wasm/value_type.h"

namespace kiln::wasm {

// FuncType is a function signature.
struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;

  friend bool operator==(const FuncType& a, const FuncType& b) {
    return a.params == b.params && a.results == b.results;
  }
  friend bool operator!=(const FuncType& a, const FuncType& b) { return !(a == b); }
};

// Limits bound a memory (in 64 KiB pages) or a table (in elements).
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
};

// TableType is a table's element type and size limits.
struct TableType {
  ValType element = ValType::kFuncRef;
  Limits limits;
};

// MemoryType is a linear memory's size limits in pages.
struct MemoryType {
  Limits limits;
};

// GlobalType is a global's value type and mutability.
struct GlobalType {
  ValType type = ValType::kI32;
  bool is_mutable = false;
};

// ExternKind classifies imports and exports, numbered by the binary encoding.
enum class ExternKind : uint8_t { kFunc = 0, kTable = 1, kMemory = 2, kGlobal = 3 };

// ByteRange is a span of Module::bytes: [offset, offset + size).
struct ByteRange {
  uint32_t offset = 0;
  uint32_t size = 0;
};

// ConstExpr is a constant expression: its instructions including the final `end`.
struct ConstExpr {
  ByteRange code;
};

// Import is one entry of the import section; only the field matching `kind` is meaningful.
struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t func_type = 0;  // kFunc: type index
  TableType table;         // kTable
  MemoryType memory;       // kMemory
  GlobalType global;       // kGlobal
};

// Global is a global defined by the module.
struct Global {
  GlobalType type;
  ConstExpr init;
};

// Export is one entry of the export section.
struct Export {
  std::string name;
  ExternKind kind = ExternKind::kFunc;
  uint32_t index = 0;
};

// SegmentMode says when an element or data segment is applied.
enum class SegmentMode : uint8_t { kActive, kPassive, kDeclarative };

// ElemSegment is an element segment. Items are constant expressions; the binary forms that list
// function indices are kept as indices in `func_indices` instead (then `items` is empty).
struct ElemSegment {
  SegmentMode mode = SegmentMode::kPassive;
  ValType type = ValType::kFuncRef;
  uint32_t table = 0;  // kActive only
  ConstExpr offset;    // kActive only
  std::vector<uint32_t> func_indices;
  std::vector<ConstExpr> items;
  bool uses_indices = true;  // true when the segment was encoded as function indices

  uint32_t size() const {
    return static_cast<uint32_t>(uses_indices ? func_indices.size() : items.size());
  }
};

// DataSegment is a data segment; `init` is its bytes within Module::bytes.
struct DataSegment {
  SegmentMode mode = SegmentMode::kPassive;
  uint32_t memory = 0;  // kActive only
  ConstExpr offset;     // kActive only
  ByteRange init;
};

// LocalDecl is a run of `count` locals of one type, as declared in a function body.
struct LocalDecl {
  uint32_t count = 0;
  ValType type = ValType::kI32;
};

// Code is a function body: its local declarations and its instructions (up to and including
// the final `end`).
struct Code {
  std::vector<LocalDecl> locals;
  uint64_t local_count = 0;  // sum of the declared counts
  ByteRange body;            // the instructions
  ByteRange whole;           // the entry as it appears in the code section (size excluded)
};

// CustomSection is a custom section's name and contents.
struct CustomSection {
  std::string name;
  ByteRange data;
  uint32_t section_offset = 0;  // offset of the section id byte
};

// NameSection is the parsed `name` custom section (what could be parsed of it).
struct NameSection {
  std::optional<std::string> module_name;
  std::map<uint32_t, std::string> function_names;
  std::map<uint32_t, std::map<uint32_t, std::string>> local_names;
};

// ModuleBytes is the binary a module was decoded from: immutable and shared by every copy of
// the Module, so that a runtime can keep the buffer its caller read a module into instead of
// copying it (binaries of real programs are tens of megabytes). Reads like a
// std::vector<uint8_t> and converts to absl::Span<const uint8_t>.
class ModuleBytes {
 public:
  ModuleBytes() = default;
  // Shares `bytes` (null is empty).
  explicit ModuleBytes(std::shared_ptr<const std::vector<uint8_t>> bytes) {
    if (bytes != nullptr) span_ = absl::MakeConstSpan(*bytes);
    owner_ = std::move(bytes);
  }
  // Views `bytes`, which stay valid as long as `owner` lives (e.g. a mapped file).
  ModuleBytes(absl::Span<const uint8_t> bytes, std::shared_ptr<const void> owner)
      : owner_(std::move(owner)), span_(bytes) {}

  const uint8_t* data() const { return span_.data(); }
  size_t size() const { return span_.size(); }
  bool empty() const { return span_.empty(); }
  const uint8_t* begin() const { return span_.begin(); }
  const uint8_t* end() const { return span_.end(); }
  uint8_t operator[](size_t i) const { return span_[i]; }
  operator absl::Span<const uint8_t>() const { return span_; }  // NOLINT: reads as a span

 private:
  std::shared_ptr<const void> owner_;  // keeps span_ valid
  absl::Span<const uint8_t> span_;
};

// Module is a decoded Wasm module. Index spaces put imports first, as the spec does.
struct Module {
  ModuleBytes bytes;  // the binary it was decoded from

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<uint32_t> functions;  // type index of each defined function
  std::vector<TableType> tables;    // defined tables
  std::vector<MemoryType> memories; // defined memories
  std::vector<Global> globals;      // defined globals
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::optional<uint32_t> data_count;
  std::vector<Code> codes;
  std::vector<DataSegment> datas;
  std::vector<CustomSection> customs;
  NameSection names;

  // What validating every function body gives (OK or the first failing body's error), when
  // Decode already found out on its way through the bodies, so that each body is read once for
  // both. Validate then checks the bodies no further. Code that changes the types, imports,
  // functions, tables, memories, globals, elements, exports, codes or bytes of a decoded
  // module must reset it.
  std::optional<absl::Status> code_validation;

  // Counts of imports of each kind; the index of the first defined entity of that kind.
  uint32_t num_imported_functions = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  uint32_t num_functions() const {
    return num_imported_functions + static_cast<uint32_t>(functions.size());
  }
  uint32_t num_tables() const {
    return num_imported_tables + static_cast<uint32_t>(tables.size());
  }
  uint32_t num_memories() const {
    return num_imported_memories + static_cast<uint32_t>(memories.size());
  }
  uint32_t num_globals() const {
    return num_imported_globals + static_cast<uint32_t>(globals.size());
  }

  absl::Span<const uint8_t> Bytes(ByteRange range) const {
    return absl::MakeConstSpan(bytes).subspan(range.offset, range.size);
  }
};

}  // namespace kiln::wasm

#endif  // KILN_COMPILER_WASM_MODULE_H_
