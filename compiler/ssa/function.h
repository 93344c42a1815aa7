// The SSA function: values, instructions, blocks with block parameters, and the function that
// owns them. Values are defined once, either as a block parameter or as an instruction result;
// there are no phi instructions. Each block ends in exactly one terminator (ssa_opcodes.def),
// whose block calls pass arguments to the target blocks' parameters.
//
// Ownership and identity. A Function owns its blocks and instructions; Block* and Inst* stay
// valid for the Function's lifetime (also after removal, and across moves of the Function), so
// passes may keep them in side tables. Values and blocks have small dense ids (v7, block3) that
// the text form prints and the parser keeps, so print(parse(text)) == text.
//
// Uses. There are no use lists: operands (Inst::args, BlockCall::args) are plain fields that
// passes rewrite directly. ReplaceAllUses/ReplaceUses walk the function once; a pass that
// substitutes many values collects them and calls ReplaceUses once. CountUses gives use counts.
#ifndef KILN_COMPILER_SSA_FUNCTION_H_
#define KILN_COMPILER_SSA_FUNCTION_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"
#include "compiler/ssa/builtin.h"
#include "compiler/ssa/opcode.h"
#include "compiler/ssa/types.h"
#include "runtime/trap/trap_codes.h"

namespace kiln::ssa {

class Block;
class Function;

// Value is an SSA value, printed `v<id>`. The default Value is invalid.
struct Value {
  static constexpr uint32_t kInvalidId = 0xffffffffu;

  constexpr Value() = default;
  constexpr explicit Value(uint32_t value_id) : id(value_id) {}

  bool valid() const { return id != kInvalidId; }

  friend bool operator==(Value a, Value b) { return a.id == b.id; }
  friend bool operator!=(Value a, Value b) { return a.id != b.id; }
  friend bool operator<(Value a, Value b) { return a.id < b.id; }
  template <typename H>
  friend H AbslHashValue(H h, Value v) {
    return H::combine(std::move(h), v.id);
  }

  uint32_t id = kInvalidId;
};

// V128Bytes is a 16-byte vector immediate in memory (little-endian lane) order.
using V128Bytes = std::array<uint8_t, 16>;

// Signature is a function type. For Wasm functions params[0] is the VM context (ref).
struct Signature {
  std::vector<Type> params;
  std::vector<Type> results;

  friend bool operator==(const Signature& a, const Signature& b) {
    return a.params == b.params && a.results == b.results;
  }
  friend bool operator!=(const Signature& a, const Signature& b) { return !(a == b); }
};

// BlockCall is a branch target with the arguments for the target's block parameters.
struct BlockCall {
  Block* block = nullptr;
  absl::InlinedVector<Value, 4> args;
};

// Inst is one instruction. Which immediates are meaningful is fixed by the opcode's Format
// (opcode.h); the others stay zero so that instructions compare field by field.
class Inst {
 public:
  Opcode opcode() const { return opcode_; }
  // type is the controlling type (Type::kNone for opcodes whose CtrlClass is kNone).
  Type type() const { return type_; }
  const OpInfo& info() const { return Info(opcode_); }
  bool is_terminator() const { return info().is_terminator(); }

  // set_opcode rewrites the instruction in place (e.g. a folded iadd becomes an iconst); the
  // caller keeps operands, immediates and results consistent with the new row.
  void set_opcode(Opcode opcode, Type type) {
    opcode_ = opcode;
    type_ = type;
  }

  absl::Span<const Value> results() const { return results_; }
  Value result(size_t i = 0) const { return results_[i]; }

  // block is the block the instruction is in, or nullptr when it is detached.
  Block* block() const { return block_; }
  Inst* prev() const { return prev_; }
  Inst* next() const { return next_; }

  // Operands, in the order of the table's operands column. Passes rewrite these freely.
  absl::InlinedVector<Value, 3> args;
  // Branch targets (kJump: 1, kBranch: 2, kBranchTable: default then table entries).
  absl::InlinedVector<BlockCall, 2> targets;

  // -- Immediates (see Format) --
  // imm: kIntConst value (zero-extended from the type's width), kFloatConst IEEE bits,
  // kMemory/kMemoryLane/kVmField byte offset.
  uint64_t imm = 0;
  // index: memory index (kMemory, kMemoryLane), function index (kCall), Builtin
  // (kCallBuiltin), trap::TrapCode (kTrap), IntCC (kIntCompare), FloatCC (kFloatCompare).
  uint32_t index = 0;
  // sig: the callee's signature, an index into Function::signatures() (kCall, kCallIndirect).
  uint32_t sig = 0;
  // lane: kLane, kMemoryLane.
  uint8_t lane = 0;
  // bytes: kV128Const value, kShuffle lane indices.
  V128Bytes bytes{};

  // Typed views of `index`.
  IntCC int_cc() const { return static_cast<IntCC>(index); }
  FloatCC float_cc() const { return static_cast<FloatCC>(index); }
  trap::TrapCode trap_code() const { return static_cast<trap::TrapCode>(index); }
  Builtin builtin() const { return static_cast<Builtin>(index); }

 private:
  friend class Function;
  friend class Block;

  Opcode opcode_ = Opcode::kIconst;
  Type type_ = Type::kNone;
  absl::InlinedVector<Value, 1> results_;
  Block* block_ = nullptr;
  Inst* prev_ = nullptr;
  Inst* next_ = nullptr;
};

// InstRange iterates the instructions of a block in order. It reads the next instruction
// before yielding the current one, so the current instruction may be removed or moved.
class InstRange {
 public:
  class Iterator {
   public:
    explicit Iterator(Inst* inst) : inst_(inst), next_(inst ? inst->next() : nullptr) {}
    Inst* operator*() const { return inst_; }
    Iterator& operator++() {
      inst_ = next_;
      next_ = inst_ ? inst_->next() : nullptr;
      return *this;
    }
    bool operator!=(const Iterator& other) const { return inst_ != other.inst_; }

   private:
    Inst* inst_;
    Inst* next_;
  };

  explicit InstRange(Inst* first) : first_(first) {}
  Iterator begin() const { return Iterator(first_); }
  Iterator end() const { return Iterator(nullptr); }

 private:
  Inst* first_;
};

// Block is a basic block: parameters, then instructions, the last of which is the terminator.
class Block {
 public:
  // id is printed `block<id>`.
  uint32_t id() const { return id_; }
  absl::Span<const Value> params() const { return params_; }

  Inst* first() const { return first_; }
  Inst* last() const { return last_; }
  bool empty() const { return first_ == nullptr; }
  // terminator is the last instruction when it is a terminator, else nullptr.
  Inst* terminator() const {
    return last_ != nullptr && last_->is_terminator() ? last_ : nullptr;
  }
  InstRange insts() const { return InstRange(first_); }
  // in_layout is false once the block was removed from its function.
  bool in_layout() const { return in_layout_; }

 private:
  friend class Function;

  uint32_t id_ = 0;
  std::vector<Value> params_;
  Inst* first_ = nullptr;
  Inst* last_ = nullptr;
  bool in_layout_ = false;
};

// ValueDef is where a value is defined: result `index` of `inst`, or parameter `index` of
// `block` (inst == nullptr).
struct ValueDef {
  Inst* inst = nullptr;
  Block* block = nullptr;
  uint32_t index = 0;
};

// Function is one SSA function: a name, its signature, the signatures it calls with, and its
// blocks in layout order. The first block of the layout is the entry block; its parameters are
// the function's parameters (the VM context first, for Wasm functions).
class Function {
 public:
  Function() = default;
  Function(std::string name, Signature signature)
      : name_(std::move(name)), signature_(std::move(signature)) {}
  Function(Function&&) = default;
  Function& operator=(Function&&) = default;
  Function(const Function&) = delete;
  Function& operator=(const Function&) = delete;

  // name is printed `%name`.
  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  const Signature& signature() const { return signature_; }
  void set_signature(Signature signature) { signature_ = std::move(signature); }

  // signatures is the table that call and call_indirect name by index (`sig0`).
  const std::vector<Signature>& signatures() const { return signatures_; }
  // AddSignature returns the index of `signature`, adding it when it is new.
  uint32_t AddSignature(const Signature& signature);
  // AppendSignature always adds `signature` at the end (the parser keeps the written numbering).
  uint32_t AppendSignature(Signature signature);

  // -- Values --
  // value_type is the type of a defined value.
  Type value_type(Value v) const { return values_[v.id].type; }
  // def is where `v` is defined.
  ValueDef def(Value v) const { return values_[v.id].def; }
  // IsDefined is true when `v` names a value of this function that still has a definition
  // (the result of a removed instruction is not).
  bool IsDefined(Value v) const;
  // num_value_ids bounds every value id: use it to size dense side tables.
  uint32_t num_value_ids() const { return static_cast<uint32_t>(values_.size()); }

  // -- Blocks --
  // CreateBlock makes an empty block at the end of the layout.
  Block* CreateBlock();
  // blocks are the blocks in layout order; entry() is the first.
  const std::vector<Block*>& blocks() const { return layout_; }
  Block* entry() const { return layout_.empty() ? nullptr : layout_.front(); }
  // block returns the block with `id`, or nullptr.
  Block* block(uint32_t id) const;
  // num_block_ids bounds every block id.
  uint32_t num_block_ids() const { return static_cast<uint32_t>(blocks_by_id_.size()); }
  // RemoveBlock takes `block` out of the layout; the caller removes the branches to it.
  // Its parameters and instruction results stay defined (but unreachable from the layout).
  void RemoveBlock(Block* block);
  // MoveBlockBefore places `block` (in the layout) right before `before`.
  void MoveBlockBefore(Block* block, Block* before);
  // SetLayout replaces the layout by `order`, blocks of this function listed once each; blocks
  // left out leave the layout (as RemoveBlock), listed blocks that had left it come back.
  void SetLayout(std::vector<Block*> order);
  // AddBlockParam appends a parameter of `type` to `block`.
  Value AddBlockParam(Block* block, Type type);
  // RemoveBlockParam removes parameter `index` of `block`; the caller removes the matching
  // argument from every block call to it. The value becomes undefined.
  void RemoveBlockParam(Block* block, size_t index);
  // vmctx is the first parameter of the entry block.
  Value vmctx() const { return entry()->params()[0]; }

  // -- Instructions --
  // CreateInst makes a detached instruction without results.
  Inst* CreateInst(Opcode opcode, Type type = Type::kNone);
  // AddResult appends a result of `type` to `inst`.
  Value AddResult(Inst* inst, Type type);
  // Append adds a detached `inst` at the end of `block`.
  void Append(Block* block, Inst* inst);
  // InsertBefore / InsertAfter add a detached `inst` next to `pos`, which is in a block.
  void InsertBefore(Inst* pos, Inst* inst);
  void InsertAfter(Inst* pos, Inst* inst);
  // Detach takes `inst` out of its block but keeps it (and its results) alive, for moving.
  void Detach(Inst* inst);
  // RemoveInst detaches `inst` for good; its results become undefined (their uses must be gone).
  void RemoveInst(Inst* inst);
  // NumInsts counts the instructions in the blocks of the layout.
  size_t NumInsts() const;

  // -- Uses --
  // ReplaceAllUses rewrites every use of `from` (operands and block-call arguments) to `to`.
  void ReplaceAllUses(Value from, Value to);
  // ReplaceUses applies a whole substitution in one walk; chains (a->b, b->c) are followed.
  void ReplaceUses(const absl::flat_hash_map<Value, Value>& substitution);
  // CountUses returns, per value id, how many operands and block-call arguments use it.
  std::vector<uint32_t> CountUses() const;

  // -- Numbering chosen by the text parser (print(parse(x)) == x keeps ids) --
  // CreateBlockWithId / AddBlockParamWithId / AddResultWithId use the given id, which must be
  // free (KILN_CHECK); later automatic ids continue above the largest one used.
  Block* CreateBlockWithId(uint32_t id);
  Value AddBlockParamWithId(Block* block, Type type, uint32_t id);
  Value AddResultWithId(Inst* inst, Type type, uint32_t id);
  // IsValueIdFree / IsBlockIdFree say whether an id is still unused.
  bool IsValueIdFree(uint32_t id) const;
  bool IsBlockIdFree(uint32_t id) const;

 private:
  struct ValueData {
    Type type = Type::kNone;
    bool defined = false;
    ValueDef def;
  };

  Value NewValue(Type type, ValueDef def, uint32_t id);
  void Link(Block* block, Inst* before, Inst* inst);

  std::string name_;
  Signature signature_;
  std::vector<Signature> signatures_;
  // Deques keep element addresses stable as they grow, and across a move of the Function.
  std::deque<Block> block_storage_;
  std::deque<Inst> inst_storage_;
  std::vector<Block*> blocks_by_id_;
  std::vector<Block*> layout_;
  std::vector<ValueData> values_;
};

// Successors returns the target blocks of `block`'s terminator in order (duplicates kept, so a
// br_table with two entries to one block lists it twice); empty without a terminator.
absl::InlinedVector<Block*, 2> Successors(const Block& block);

}  // namespace kiln::ssa

#endif  // KILN_COMPILER_SSA_FUNCTION_H_
