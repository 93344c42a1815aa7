// Builder appends instructions to a function at an insertion point, with one typed helper per
// instruction shape. Result types come from the opcode table's results column (or, for calls,
// from the signature or builtin), so a helper cannot build an instruction whose results
// disagree with its row; operand types are the caller's responsibility and the verifier's.
//
//   Builder b(fn);
//   b.SetInsertPoint(fn.CreateBlock());
//   Value x = b.Binary(Opcode::kIadd, a, c);   // type of a
//   b.Return({x});
#ifndef KILN_COMPILER_SSA_BUILDER_H_
#define KILN_COMPILER_SSA_BUILDER_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "compiler/ssa/builtin.h"
#include "compiler/ssa/function.h"
#include "compiler/ssa/opcode.h"
#include "compiler/ssa/types.h"
#include "runtime/trap/trap_codes.h"

namespace kiln::ssa {

// Builder inserts instructions into one Function.
class Builder {
 public:
  explicit Builder(Function& fn) : fn_(fn) {}

  Function& function() const { return fn_; }

  // SetInsertPoint appends to the end of `block` from now on.
  void SetInsertPoint(Block* block) {
    block_ = block;
    before_ = nullptr;
  }
  // SetInsertBefore inserts right before `inst` (which is in a block) from now on.
  void SetInsertBefore(Inst* inst) {
    block_ = inst->block();
    before_ = inst;
  }
  // block is the block instructions go into (nullptr before SetInsertPoint).
  Block* block() const { return block_; }

  // Insert places `inst` at the insertion point and adds its results: the fixed results of
  // its row resolved with its controlling type, or `variadic_results` for a "*" row.
  Inst* Insert(Inst* inst, absl::Span<const Type> variadic_results = {});

  // Build creates, fills and inserts a plain instruction; the general form behind the helpers.
  Inst* Build(Opcode opcode, Type type, absl::Span<const Value> args,
              absl::Span<const Type> variadic_results = {});

  // -- Constants --
  Value Iconst(Type type, uint64_t value);  // value is truncated to the type's width
  Value F32const(uint32_t bits);
  Value F64const(uint64_t bits);
  Value Vconst(const V128Bytes& bytes);
  Value RefNull();

  // -- Arithmetic, comparison, conversion --
  // Unary / Binary build an opcode whose controlling type is its first operand's type (or
  // none for kNone-class opcodes such as the SIMD rows).
  Value Unary(Opcode opcode, Value a);
  Value Binary(Opcode opcode, Value a, Value b);
  Value Ternary(Opcode opcode, Value a, Value b, Value c);
  Value Icmp(IntCC cc, Value a, Value b);
  Value Fcmp(FloatCC cc, Value a, Value b);
  // Convert builds a conversion whose controlling type (if its class has one) is `to`.
  Value Convert(Opcode opcode, Type to, Value a);
  Value Select(Value cond, Value if_true, Value if_false);

  // -- SIMD --
  // Simd builds a lane-free SIMD opcode (format kPlain).
  Value Simd(Opcode opcode, absl::Span<const Value> args);
  // Lane builds extract_lane (args = {v}) or replace_lane (args = {v, x}).
  Value Lane(Opcode opcode, absl::Span<const Value> args, uint8_t lane);
  Value Shuffle(Value a, Value b, const V128Bytes& lanes);

  // -- Linear memory --
  // Load builds any load of format kMemory; `type` is the controlling type (ignored for
  // opcodes without one, e.g. uload32 or the v128 extend loads).
  Value Load(Opcode opcode, Type type, uint32_t memory, Value index, uint64_t offset);
  void Store(Opcode opcode, uint32_t memory, Value index, uint64_t offset, Value value);
  Value LoadLane(Opcode opcode, uint32_t memory, Value index, uint64_t offset, Value vector,
                 uint8_t lane);
  void StoreLane(Opcode opcode, uint32_t memory, Value index, uint64_t offset, Value vector,
                 uint8_t lane);

  // -- VM data --
  Value VmLoad(Type type, Value base, uint32_t offset);
  Value VmLoadReadonly(Type type, Value base, uint32_t offset);
  void VmStore(Value base, uint32_t offset, Value value);
  Value PtrAdd(Value base, Value offset_i64);
  Value RefIsNull(Value ref);

  // -- Calls (results in signature order) --
  std::vector<Value> Call(uint32_t function_index, const Signature& signature,
                          absl::Span<const Value> args);
  std::vector<Value> CallIndirect(const Signature& signature, Value code,
                                  absl::Span<const Value> args);
  std::vector<Value> CallBuiltin(Builtin builtin, absl::Span<const Value> args);

  // -- Traps --
  void Trapz(Value cond, trap::TrapCode code);
  void Trapnz(Value cond, trap::TrapCode code);

  // -- Terminators --
  void Jump(Block* target, absl::Span<const Value> args);
  void Brif(Value cond, Block* then_block, absl::Span<const Value> then_args,
            Block* else_block, absl::Span<const Value> else_args);
  // BrTable: `table[i]` for index i, `default_target` when out of range.
  void BrTable(Value index, BlockCall default_target, std::vector<BlockCall> table);
  void Return(absl::Span<const Value> values);
  void Trap(trap::TrapCode code);

 private:
  Value One(Inst* inst) { return inst->result(0); }
  std::vector<Value> Results(const Inst* inst) const;

  Function& fn_;
  Block* block_ = nullptr;
  Inst* before_ = nullptr;
};

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_BUILDER_H_
