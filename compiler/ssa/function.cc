// Function's bookkeeping: the value table, block and instruction storage, the intrusive
// instruction lists, and whole-function use rewriting.
#include "compiler/ssa/function.h"

#include <algorithm>

#include "compiler/base/check.h"

namespace kiln::ssa {

// -- Signatures ---------------------------------------------------------------------------------

uint32_t Function::AddSignature(const Signature& signature) {
  for (size_t i = 0; i < signatures_.size(); ++i) {
    if (signatures_[i] == signature) return static_cast<uint32_t>(i);
  }
  signatures_.push_back(signature);
  return static_cast<uint32_t>(signatures_.size() - 1);
}

uint32_t Function::AppendSignature(Signature signature) {
  signatures_.push_back(std::move(signature));
  return static_cast<uint32_t>(signatures_.size() - 1);
}

// -- Values ---------------------------------------------------------------------------------------

bool Function::IsDefined(Value v) const {
  return v.valid() && v.id < values_.size() && values_[v.id].defined;
}

bool Function::IsValueIdFree(uint32_t id) const {
  return id >= values_.size() || (!values_[id].defined && values_[id].type == Type::kNone);
}

Value Function::NewValue(Type type, ValueDef def, uint32_t id) {
  if (id == Value::kInvalidId) id = static_cast<uint32_t>(values_.size());
  KILN_CHECK(IsValueIdFree(id));
  if (id >= values_.size()) values_.resize(id + 1);
  ValueData& data = values_[id];
  data.type = type;
  data.defined = true;
  data.def = def;
  return Value(id);
}

// -- Blocks ---------------------------------------------------------------------------------------

Block* Function::CreateBlock() { return CreateBlockWithId(num_block_ids()); }

Block* Function::CreateBlockWithId(uint32_t id) {
  KILN_CHECK(IsBlockIdFree(id));
  block_storage_.emplace_back();
  Block* block = &block_storage_.back();
  block->id_ = id;
  block->in_layout_ = true;
  if (id >= blocks_by_id_.size()) blocks_by_id_.resize(id + 1, nullptr);
  blocks_by_id_[id] = block;
  layout_.push_back(block);
  return block;
}

bool Function::IsBlockIdFree(uint32_t id) const {
  return id >= blocks_by_id_.size() || blocks_by_id_[id] == nullptr;
}

Block* Function::block(uint32_t id) const {
  return id < blocks_by_id_.size() ? blocks_by_id_[id] : nullptr;
}

void Function::RemoveBlock(Block* block) {
  auto it = std::find(layout_.begin(), layout_.end(), block);
  KILN_CHECK(it != layout_.end());
  layout_.erase(it);
  block->in_layout_ = false;
}

void Function::MoveBlockBefore(Block* block, Block* before) {
  KILN_CHECK(block != before);
  auto it = std::find(layout_.begin(), layout_.end(), block);
  KILN_CHECK(it != layout_.end());
  layout_.erase(it);
  auto pos = std::find(layout_.begin(), layout_.end(), before);
  KILN_CHECK(pos != layout_.end());
  layout_.insert(pos, block);
}

void Function::SetLayout(std::vector<Block*> order) {
  for (Block* block : layout_) block->in_layout_ = false;
  for (Block* block : order) {
    KILN_CHECK(block != nullptr && blocks_by_id_[block->id_] == block && !block->in_layout_);
    block->in_layout_ = true;
  }
  layout_ = std::move(order);
}

Value Function::AddBlockParam(Block* block, Type type) {
  return AddBlockParamWithId(block, type, Value::kInvalidId);
}

Value Function::AddBlockParamWithId(Block* block, Type type, uint32_t id) {
  ValueDef def{nullptr, block, static_cast<uint32_t>(block->params_.size())};
  Value v = NewValue(type, def, id);
  block->params_.push_back(v);
  return v;
}

void Function::RemoveBlockParam(Block* block, size_t index) {
  KILN_CHECK(index < block->params_.size());
  values_[block->params_[index].id].defined = false;
  block->params_.erase(block->params_.begin() + static_cast<std::ptrdiff_t>(index));
  for (size_t i = index; i < block->params_.size(); ++i) {
    values_[block->params_[i].id].def.index = static_cast<uint32_t>(i);
  }
}

// -- Instructions -------------------------------------------------------------------------------

Inst* Function::CreateInst(Opcode opcode, Type type) {
  inst_storage_.emplace_back();
  Inst* inst = &inst_storage_.back();
  inst->opcode_ = opcode;
  inst->type_ = type;
  return inst;
}

Value Function::AddResult(Inst* inst, Type type) {
  return AddResultWithId(inst, type, Value::kInvalidId);
}

Value Function::AddResultWithId(Inst* inst, Type type, uint32_t id) {
  ValueDef def{inst, nullptr, static_cast<uint32_t>(inst->results_.size())};
  Value v = NewValue(type, def, id);
  inst->results_.push_back(v);
  return v;
}

void Function::Link(Block* block, Inst* before, Inst* inst) {
  KILN_CHECK(inst->block_ == nullptr);
  inst->block_ = block;
  inst->next_ = before;
  inst->prev_ = before != nullptr ? before->prev_ : block->last_;
  if (inst->prev_ != nullptr) {
    inst->prev_->next_ = inst;
  } else {
    block->first_ = inst;
  }
  if (before != nullptr) {
    before->prev_ = inst;
  } else {
    block->last_ = inst;
  }
}

void Function::Append(Block* block, Inst* inst) { Link(block, nullptr, inst); }

void Function::InsertBefore(Inst* pos, Inst* inst) {
  KILN_CHECK(pos->block_ != nullptr);
  Link(pos->block_, pos, inst);
}

void Function::InsertAfter(Inst* pos, Inst* inst) {
  KILN_CHECK(pos->block_ != nullptr);
  Link(pos->block_, pos->next_, inst);
}

void Function::Detach(Inst* inst) {
  Block* block = inst->block_;
  KILN_CHECK(block != nullptr);
  if (inst->prev_ != nullptr) {
    inst->prev_->next_ = inst->next_;
  } else {
    block->first_ = inst->next_;
  }
  if (inst->next_ != nullptr) {
    inst->next_->prev_ = inst->prev_;
  } else {
    block->last_ = inst->prev_;
  }
  inst->block_ = nullptr;
  inst->prev_ = nullptr;
  inst->next_ = nullptr;
}

void Function::RemoveInst(Inst* inst) {
  if (inst->block_ != nullptr) Detach(inst);
  for (Value v : inst->results_) values_[v.id].defined = false;
}

size_t Function::NumInsts() const {
  size_t count = 0;
  for (const Block* block : layout_) {
    for (const Inst* inst = block->first(); inst != nullptr; inst = inst->next()) ++count;
  }
  return count;
}

// -- Uses ---------------------------------------------------------------------------------------

void Function::ReplaceAllUses(Value from, Value to) {
  absl::flat_hash_map<Value, Value> substitution;
  substitution.emplace(from, to);
  ReplaceUses(substitution);
}

void Function::ReplaceUses(const absl::flat_hash_map<Value, Value>& substitution) {
  if (substitution.empty()) return;
  auto resolve = [&](Value v) {
    // Follow chains; a cycle would be a caller bug, so bound the walk by the map's size.
    for (size_t steps = 0; steps <= substitution.size(); ++steps) {
      auto it = substitution.find(v);
      if (it == substitution.end()) return v;
      v = it->second;
    }
    KILN_CHECK(false && "ReplaceUses: cyclic substitution");
    return v;
  };
  for (Block* block : layout_) {
    for (Inst* inst = block->first_; inst != nullptr; inst = inst->next_) {
      for (Value& arg : inst->args) arg = resolve(arg);
      for (BlockCall& target : inst->targets) {
        for (Value& arg : target.args) arg = resolve(arg);
      }
    }
  }
}

std::vector<uint32_t> Function::CountUses() const {
  std::vector<uint32_t> counts(values_.size(), 0);
  for (const Block* block : layout_) {
    for (const Inst* inst = block->first_; inst != nullptr; inst = inst->next_) {
      for (Value arg : inst->args) {
        if (arg.valid() && arg.id < counts.size()) ++counts[arg.id];
      }
      for (const BlockCall& target : inst->targets) {
        for (Value arg : target.args) {
          if (arg.valid() && arg.id < counts.size()) ++counts[arg.id];
        }
      }
    }
  }
  return counts;
}

absl::InlinedVector<Block*, 2> Successors(const Block& block) {
  absl::InlinedVector<Block*, 2> succs;
  if (const Inst* term = block.terminator()) {
    for (const BlockCall& target : term->targets) succs.push_back(target.block);
  }
  return succs;
}

}  // namespace kiln::ssa
