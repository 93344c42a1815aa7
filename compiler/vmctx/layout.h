// The VM context ("vmctx"): the per-instance block of memory that compiled code receives as the
// first parameter of every function and reads everything instance-specific through. This file
// is the one place that fixes its layout; the frontend emits loads at these offsets and the
// runtime allocates and fills a block of Layout::size() bytes at the same offsets. docs/vmctx.md
// draws the picture.
//
// The layout depends only on the module (how many memories, tables, globals and functions it
// imports and defines, and the types of its globals), so it is computed once per module and is
// identical for every instance of it. Entities the module defines live inline; imported
// memories, tables and globals are reached through a pointer to the exporting instance's
// definition, so that growth and writes are seen by every instance that shares them.
// Targets are 64-bit (x86_64, aarch64): pointers and lengths are 8 bytes.
#ifndef KILN_COMPILER_VMCTX_LAYOUT_H_
#define KILN_COMPILER_VMCTX_LAYOUT_H_

#include <cstdint>
#include <vector>

#include "compiler/wasm/module.h"
#include "compiler/wasm/value_type.h"

namespace kiln::vmctx {

// kPointerSize is the size of a pointer, a length and a reference on every kiln target.
inline constexpr uint32_t kPointerSize = 8;

// MemoryDefinition is the record of one linear memory: where its bytes start and how many
// bytes are accessible now. With guard pages the base never moves; the length changes on grow.
struct MemoryDefinition {
  static constexpr uint32_t kBaseOffset = 0;    // uint8_t*
  static constexpr uint32_t kLengthOffset = 8;  // uint64_t, in bytes (pages * 65536)
  static constexpr uint32_t kSize = 16;
};

// TableDefinition is the record of one table: its elements (each a pointer-sized reference,
// 0 for null) and how many there are now.
struct TableDefinition {
  static constexpr uint32_t kBaseOffset = 0;    // uintptr_t* (one reference per element)
  static constexpr uint32_t kLengthOffset = 8;  // uint32_t element count (upper 4 bytes zero)
  static constexpr uint32_t kSize = 16;
};

// FuncRef is the record a funcref points at: what a call through it needs. The vmctx holds
// one per function index, so `ref.func f` is the address of record f inside the vmctx, and
// table elements of type funcref are pointers to such records (or 0 for null).
struct FuncRef {
  static constexpr uint32_t kCodeOffset = 0;    // native entry point (the Wasm calling convention)
  static constexpr uint32_t kVmctxOffset = 8;   // the callee instance's vmctx, passed as param 0
  static constexpr uint32_t kTypeIdOffset = 16; // uint32_t canonical signature id
  static constexpr uint32_t kSize = 24;
};

// Header fields, at fixed offsets in every vmctx.
inline constexpr uint32_t kInstanceOffset = 0;       // runtime instance (runtime-private type)
// kStackLimitTlsOffset holds, not the stack limit itself, but the offset from the thread
// pointer of the runtime's thread-local limit (runtime/trap/entry.h StackLimitTlsOffset), so
// one instance can run on several threads, each checking its own stack.
inline constexpr uint32_t kStackLimitTlsOffset = 8;  // uintptr_t: TLS offset of the limit
inline constexpr uint32_t kInterruptFlagOffset = 16; // uint32_t: non-zero asks code to stop
inline constexpr uint32_t kBuiltinsOffset = 24;      // const void* const*: builtin entry points
inline constexpr uint32_t kHeaderSize = 32;

// The interrupt poll page. Compiled code does not test the interrupt flag: it polls by loading
// a word from the page right before the vmctx (x86-64: `mov r11d, [r14 - 8]`, no compare, no
// branch), and that load is a trap site with code `interrupted`. The runtime maps every vmctx
// one page into a page-aligned mapping whose first page is the poll page; the page is readable
// while the flag is zero and PROT_NONE while it is not, so a poll in an interrupted instance
// faults and the trap handler turns the fault into the trap. The flag stays the truth (the
// runtime, builtins and host code read it); the page mirrors it.
inline constexpr int32_t kInterruptPollOffset = -8;  // from the vmctx: the poll page's last word

// Location is where compiled code finds an entity: either the entity's record itself lies at
// `offset` inside the vmctx, or (`through_pointer`) the vmctx holds at `offset` a pointer to
// the record, which lives in another instance.
struct Location {
  uint32_t offset = 0;
  bool through_pointer = false;
};

// Layout is the vmctx layout of one module. Indices are the module's index spaces (imports
// first). Accessors KILN_CHECK their index: the frontend only asks about validated indices.
class Layout {
 public:
  // Compute lays out the vmctx for `module` (which need not be validated beyond its counts).
  static Layout Compute(const wasm::Module& module);

  // size is the number of bytes of the whole vmctx; alignment is 16.
  uint32_t size() const { return size_; }

  // memory is where memory `index`'s MemoryDefinition is (or the pointer to it).
  Location memory(uint32_t index) const;
  // table is where table `index`'s TableDefinition is (or the pointer to it).
  Location table(uint32_t index) const;
  // global is where global `index`'s value is (or the pointer to it). Values are stored in
  // their natural size: 4 bytes for i32/f32, 8 for i64/f64 and references, 16 for v128.
  Location global(uint32_t index) const;
  // func_ref is the offset of the FuncRef record of function `index` (always inline).
  uint32_t func_ref(uint32_t index) const;
  // type_id is the offset of the uint32_t canonical signature id of type `index`; the runtime
  // fills it so that two types have equal ids exactly when they are the same function type
  // across the whole store (call_indirect compares it with FuncRef::kTypeIdOffset).
  uint32_t type_id(uint32_t index) const;

  uint32_t num_memories() const { return static_cast<uint32_t>(memories_.size()); }
  uint32_t num_tables() const { return static_cast<uint32_t>(tables_.size()); }
  uint32_t num_globals() const { return static_cast<uint32_t>(globals_.size()); }
  uint32_t num_functions() const { return num_functions_; }
  uint32_t num_types() const { return num_types_; }

 private:
  std::vector<Location> memories_;
  std::vector<Location> tables_;
  std::vector<Location> globals_;
  uint32_t func_refs_begin_ = 0;
  uint32_t num_functions_ = 0;
  uint32_t type_ids_begin_ = 0;
  uint32_t num_types_ = 0;
  uint32_t size_ = 0;
};

// GlobalValueSize is the number of bytes a global of `type` occupies in the vmctx.
uint32_t GlobalValueSize(wasm::ValType type);

}  // namespace kiln::vmctx

#endif  // KILN_COMPILER_VMCTX_LAYOUT_H_
