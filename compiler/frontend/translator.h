// Translator: the per-function driver of the Wasm → SSA frontend. It walks one body with
// wasm::CodeReader, keeps the Wasm operand stack as a stack of SSA values and the control
// stack as Frames, and hands each operator to the file of its family (control.cc,
// variables.cc, memory.cc, numeric.cc, conversion.cc, table.cc, calls.cc, simd.cc), as WAVM
// splits its Emit*.cpp.
//
// Control flow. Blocks are created only where control merges or splits: a `block` merge is
// created by the first branch to it (a block nobody branches to continues in place), a loop
// gets a header, an `if` a then-block, its false edge goes to the else-block or straight to
// the merge. Branch edges that carry values pass them as block arguments to "label"
// parameters. Code after an unconditional branch is skipped until its frame ends.
//
// Terminators that branch (jump, brif, br_table) are kept pending until the whole body is
// read, because block parameters for locals (LocalSsa, Braun et al.) can appear in a target
// after the branch was seen. Finish() then computes the local arguments, removes every
// trivial parameter (label or local: all incoming arguments equal, or the parameter itself),
// and only then builds the terminators.
#ifndef KILN_COMPILER_FRONTEND_TRANSLATOR_H_
#define KILN_COMPILER_FRONTEND_TRANSLATOR_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "compiler/frontend/frontend.h"
#include "compiler/frontend/local_ssa.h"
#include "compiler/ssa/builder.h"
#include "compiler/ssa/function.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/instruction.h"
#include "compiler/wasm/module.h"
#include "runtime/trap/trap_codes.h"

namespace kiln::frontend {

// SsaType maps a Wasm value type to its SSA type (funcref and externref are `ref`).
ssa::Type SsaType(wasm::ValType type);

// SimdOpcodeFor maps a Wasm vector operation (other than loads, stores and v128.const) to the
// IR opcode of the same name; nullopt for every other operator.
std::optional<ssa::Opcode> SimdOpcodeFor(wasm::Opcode op);

// SsaSignature is the SSA signature of a Wasm function type: the VM context, then the params.
ssa::Signature SsaSignature(const wasm::FuncType& type);

// Translator translates one function; make one per function.
class Translator : private LocalSsa::Host {
 public:
  Translator(const wasm::Module& module, const vmctx::Layout& layout,
             const TranslateOptions& options, uint32_t func_index, ssa::Function& fn);

  // Translate reads the body and fills the function. Errors are kInternal (a malformed body
  // that validation should have rejected) and leave the function unusable.
  absl::Status Translate();

 private:
  // -- Control frames --------------------------------------------------------------------
  enum class FrameKind : uint8_t { kFunction, kBlock, kLoop, kIf, kElse };

  struct Frame {
    FrameKind kind = FrameKind::kBlock;
    std::vector<ssa::Type> params;
    std::vector<ssa::Type> results;
    // height is the value-stack size below the frame's params.
    size_t height = 0;
    // label is where a branch to this frame goes: the loop header, or the merge block after
    // `end` (created by the first branch or the end, nullptr until then). Unused for kFunction.
    ssa::Block* label = nullptr;
    // The brif of an `if` and the values of its params, for the false edge and the else arm.
    ssa::Block* if_block = nullptr;
    std::vector<ssa::Value> if_params;
    // unreachable: the code being read in this frame cannot run (after br, return, ...).
    bool unreachable = false;
  };

  // LabelTypes are the types a branch to `frame` carries.
  static const std::vector<ssa::Type>& LabelTypes(const Frame& frame) {
    return frame.kind == FrameKind::kLoop ? frame.params : frame.results;
  }

  // -- Pending terminators ---------------------------------------------------------------
  struct PendingEdge {
    ssa::Block* target = nullptr;
    std::vector<ssa::Value> label_args;  // for the target's label parameters
    std::vector<ssa::Value> local_args;  // for its local parameters, filled by Finish
  };
  enum class PendingKind : uint8_t { kNone, kJump, kBrif, kBrTable };
  struct Pending {
    PendingKind kind = PendingKind::kNone;
    ssa::Value operand;              // brif condition, br_table index
    std::vector<PendingEdge> edges;  // jump: 1; brif: then, else; br_table: default, entries
  };
  struct BlockInfo {
    uint32_t num_label_params = 0;
    Pending pending;
  };

  // -- Dispatch (one per operator family; each returns false for operators not its own) ----
  absl::Status TranslateOperator(const wasm::Instruction& inst);
  bool TranslateControl(const wasm::Instruction& inst);
  bool TranslateVariable(const wasm::Instruction& inst);
  bool TranslateMemory(const wasm::Instruction& inst);
  bool TranslateNumeric(const wasm::Instruction& inst);
  bool TranslateConversion(const wasm::Instruction& inst);
  bool TranslateTable(const wasm::Instruction& inst);
  bool TranslateCall(const wasm::Instruction& inst);
  bool TranslateSimd(const wasm::Instruction& inst);

  // -- control.cc ------------------------------------------------------------------------
  // SkipUnreachable handles an operator read while the current frame is unreachable: only
  // nesting and the frame's own else/end matter. Returns false when the operator must be
  // translated after all (the frame's else or end).
  bool SkipUnreachable(const wasm::Instruction& inst);
  void BlockTypes(const wasm::BlockType& type, std::vector<ssa::Type>& params,
                  std::vector<ssa::Type>& results) const;
  void EnterBlock(const wasm::BlockType& type);
  void EnterLoop(const wasm::BlockType& type);
  void EnterIf(const wasm::BlockType& type);
  void Else();
  void End();
  void Branch(uint32_t depth);
  void BranchIf(uint32_t depth);
  void BranchTable(absl::Span<const uint32_t> targets);
  void ReturnFromFunction();
  void MarkUnreachable();
  // LabelBlock returns the block a branch to `frame` enters, creating a merge block with its
  // label parameters on first use.
  ssa::Block* LabelBlock(Frame& frame);
  // EdgeTo makes a pending edge to `frame`'s label from the current block, carrying the top
  // values of the stack, and records the predecessor.
  PendingEdge EdgeTo(Frame& frame, uint32_t edge_index);
  void AddPred(ssa::Block* target, ssa::Block* pred, uint32_t edge_index);
  // NewBlock creates a block with `label_types` parameters, registered with LocalSsa.
  ssa::Block* NewBlock(absl::Span<const ssa::Type> label_types);
  // SwitchTo makes `block` the current block.
  void SwitchTo(ssa::Block* block);
  Frame& FrameAt(uint32_t depth) { return frames_[frames_.size() - 1 - depth]; }

  // -- variables.cc ----------------------------------------------------------------------
  uint32_t NewLocalParam(uint32_t block, uint32_t local) override;
  uint32_t InitialValue(uint32_t local) override;
  ssa::Value Zero(ssa::Type type);
  ssa::Value GlobalAddress(uint32_t global, uint32_t* offset);
  // GlobalTypeOf / FuncTypeIndex look up imported and defined entities by index.
  wasm::GlobalType GlobalTypeOf(uint32_t index);
  uint32_t FuncTypeIndex(uint32_t func_index);

  // -- memory.cc / table.cc helpers -------------------------------------------------------
  // MemoryDefinition returns the ref through which memory `index`'s MemoryDefinition is
  // reached, and sets `*offset` to the record's offset from it.
  ssa::Value MemoryRecord(uint32_t index, uint32_t* offset);
  ssa::Value TableRecord(uint32_t index, uint32_t* offset);
  // TableElementAddress checks `index` against table `table`'s length (trapping with `code`)
  // and returns the address of the element.
  ssa::Value TableElementAddress(uint32_t table, ssa::Value index, trap::TrapCode code);
  ssa::Value ConstI32(uint32_t value) { return builder_.Iconst(ssa::Type::kI32, value); }
  ssa::Value ConstI64(uint64_t value) { return builder_.Iconst(ssa::Type::kI64, value); }

  // -- Interrupt polls (translator.cc) ----------------------------------------------------
  // EmitInterruptCheck loads the vmctx interrupt flag at the insertion point and traps with
  // `interrupted` when it is non-zero.
  void EmitInterruptCheck();
  // AddEntryInterruptCheck puts that check at the top of the entry block, when the function
  // makes calls (see TranslateOptions::interrupt_checks).
  void AddEntryInterruptCheck();

  // -- Finishing (translator.cc) -----------------------------------------------------------
  absl::Status Finish();
  void CompleteLocalArguments();
  void RemoveTrivialParams();
  void BuildPendingTerminators();
  // Resolve follows aliases_ to the value that replaces `value` (compressing the path).
  ssa::Value Resolve(ssa::Value value);

  // -- Value stack -----------------------------------------------------------------------
  void Push(ssa::Value value) { stack_.push_back(value); }
  ssa::Value Pop() {
    ssa::Value value = stack_.back();
    stack_.pop_back();
    return value;
  }
  ssa::Value Top() const { return stack_.back(); }
  // PopN removes the top `n` values and returns them in stack order (deepest first).
  std::vector<ssa::Value> PopN(size_t n);
  // TopN returns the top `n` values in stack order without removing them.
  std::vector<ssa::Value> TopN(size_t n) const;

  BlockInfo& InfoOf(uint32_t block_id) {
    if (block_id >= block_info_.size()) block_info_.resize(block_id + 1);
    return block_info_[block_id];
  }

  ssa::Block* current() const { return builder_.block(); }
  bool unreachable() const { return frames_.back().unreachable; }

  const wasm::Module& module_;
  const vmctx::Layout& layout_;
  TranslateOptions options_;
  // makes_calls is set by the first call or call_indirect translated.
  bool makes_calls_ = false;
  uint32_t func_index_;
  const wasm::FuncType& type_;
  ssa::Function& fn_;
  ssa::Builder builder_;
  ssa::Block* entry_ = nullptr;
  ssa::Value vmctx_;

  std::vector<ssa::Type> local_types_;
  // The types of imported functions and globals, filled on first use.
  std::vector<uint32_t> imported_func_types_;
  std::vector<wasm::GlobalType> imported_global_types_;
  LocalSsa locals_;
  // block_info_ is indexed by block id; a deque, so that references stay valid as blocks are
  // added (edges are often built while a reference to the branching block's info is held).
  std::deque<BlockInfo> block_info_;
  // zeros_ caches one zero constant per type at the start of the entry block.
  absl::flat_hash_map<ssa::Type, ssa::Value> zeros_;

  std::vector<ssa::Value> stack_;
  std::vector<Frame> frames_;
  // skipped_depth_ counts blocks opened inside unreachable code, which are not translated.
  uint32_t skipped_depth_ = 0;

  // aliases_ maps removed trivial parameters to their replacement (Finish).
  absl::flat_hash_map<ssa::Value, ssa::Value> aliases_;
  // While Finish completes arguments, blocks that get a new local parameter are queued here.
  bool finishing_ = false;
  std::vector<uint32_t> grown_blocks_;
};

}  // namespace kiln::frontend

#endif  // KILN_COMPILER_FRONTEND_TRANSLATOR_H_
