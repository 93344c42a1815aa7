// Control operators: block, loop, if/else/end, br, br_if, br_table, return, unreachable, and
// the parametric nop/drop/select. See translator.h for how frames map to blocks; the rules
// that shape the output are:
// - a `block` creates no SSA block on entry; its merge block exists only if something branches
//   to it, otherwise code continues in place after `end`;
// - a `loop` always gets a header (unsealed until `end`, since back edges come later);
// - an `if` ends its block in a brif to a then-block and to the else-block or the merge;
// - a branch to the function's own label is a `return`;
// - after br, br_table, return and unreachable nothing is translated until the frame's
//   `else` or `end` (operators in between are skipped, nested blocks only counted).
#include "compiler/base/check.h"
#include "compiler/frontend/translator.h"

namespace kiln::frontend {

bool Translator::TranslateControl(const wasm::Instruction& inst) {
  switch (inst.opcode) {
    case wasm::Opcode::kUnreachable:
      builder_.Trap(trap::TrapCode::kUnreachable);
      MarkUnreachable();
      return true;
    case wasm::Opcode::kNop:
      return true;
    case wasm::Opcode::kBlock:
      EnterBlock(inst.block_type);
      return true;
    case wasm::Opcode::kLoop:
      EnterLoop(inst.block_type);
      return true;
    case wasm::Opcode::kIf:
      EnterIf(inst.block_type);
      return true;
    case wasm::Opcode::kElse:
      Else();
      return true;
    case wasm::Opcode::kEnd:
      End();
      return true;
    case wasm::Opcode::kBr:
      Branch(inst.index);
      return true;
    case wasm::Opcode::kBrIf:
      BranchIf(inst.index);
      return true;
    case wasm::Opcode::kBrTable:
      BranchTable(inst.br_table);
      return true;
    case wasm::Opcode::kReturn:
      ReturnFromFunction();
      return true;
    case wasm::Opcode::kDrop:
      Pop();
      return true;
    case wasm::Opcode::kSelect:
    case wasm::Opcode::kSelectT: {
      ssa::Value cond = Pop();
      ssa::Value if_false = Pop();
      ssa::Value if_true = Pop();
      Push(builder_.Select(cond, if_true, if_false));
      return true;
    }
    default:
      return false;
  }
}

bool Translator::SkipUnreachable(const wasm::Instruction& inst) {
  switch (inst.opcode) {
    case wasm::Opcode::kBlock:
    case wasm::Opcode::kLoop:
    case wasm::Opcode::kIf:
      ++skipped_depth_;
      return true;
    case wasm::Opcode::kElse:
      return skipped_depth_ > 0;
    case wasm::Opcode::kEnd:
      if (skipped_depth_ == 0) return false;
      --skipped_depth_;
      return true;
    default:
      return true;
  }
}

// -- Blocks and frames --------------------------------------------------------------------------

void Translator::BlockTypes(const wasm::BlockType& type, std::vector<ssa::Type>& params,
                            std::vector<ssa::Type>& results) const {
  switch (type.kind) {
    case wasm::BlockType::Kind::kEmpty:
      break;
    case wasm::BlockType::Kind::kValue:
      results.push_back(SsaType(type.value));
      break;
    case wasm::BlockType::Kind::kTypeIndex: {
      const wasm::FuncType& func_type = module_.types[type.type_index];
      for (wasm::ValType param : func_type.params) params.push_back(SsaType(param));
      for (wasm::ValType result : func_type.results) results.push_back(SsaType(result));
      break;
    }
  }
}

ssa::Block* Translator::NewBlock(absl::Span<const ssa::Type> label_types) {
  ssa::Block* block = fn_.CreateBlock();
  for (ssa::Type type : label_types) fn_.AddBlockParam(block, type);
  locals_.AddBlock(block->id());
  InfoOf(block->id()).num_label_params = static_cast<uint32_t>(label_types.size());
  return block;
}

void Translator::SwitchTo(ssa::Block* block) { builder_.SetInsertPoint(block); }

void Translator::AddPred(ssa::Block* target, ssa::Block* pred, uint32_t edge_index) {
  locals_.AddPred(target->id(), {pred->id(), edge_index});
}

ssa::Block* Translator::LabelBlock(Frame& frame) {
  KILN_DCHECK(frame.kind != FrameKind::kFunction);
  if (frame.label == nullptr) frame.label = NewBlock(frame.results);
  return frame.label;
}

Translator::PendingEdge Translator::EdgeTo(Frame& frame, uint32_t edge_index) {
  PendingEdge edge;
  edge.target = LabelBlock(frame);
  edge.label_args = TopN(LabelTypes(frame).size());
  AddPred(edge.target, current(), edge_index);
  return edge;
}

void Translator::MarkUnreachable() {
  Frame& frame = frames_.back();
  frame.unreachable = true;
  stack_.resize(frame.height);
}

void Translator::EnterBlock(const wasm::BlockType& type) {
  Frame frame;
  frame.kind = FrameKind::kBlock;
  BlockTypes(type, frame.params, frame.results);
  frame.height = stack_.size() - frame.params.size();
  frames_.push_back(std::move(frame));
}

void Translator::EnterLoop(const wasm::BlockType& type) {
  Frame frame;
  frame.kind = FrameKind::kLoop;
  BlockTypes(type, frame.params, frame.results);
  frame.height = stack_.size() - frame.params.size();
  ssa::Block* header = NewBlock(frame.params);
  frame.label = header;

  Pending& pending = InfoOf(current()->id()).pending;
  pending.kind = PendingKind::kJump;
  pending.edges.resize(1);
  pending.edges[0].target = header;
  pending.edges[0].label_args = PopN(frame.params.size());
  AddPred(header, current(), 0);

  SwitchTo(header);
  if (options_.interrupt_checks) EmitInterruptCheck();
  for (ssa::Value param : header->params()) Push(param);
  frames_.push_back(std::move(frame));
}

void Translator::EnterIf(const wasm::BlockType& type) {
  ssa::Value cond = Pop();
  Frame frame;
  frame.kind = FrameKind::kIf;
  BlockTypes(type, frame.params, frame.results);
  frame.height = stack_.size() - frame.params.size();
  frame.if_block = current();
  frame.if_params = TopN(frame.params.size());

  ssa::Block* then_block = NewBlock({});
  Pending& pending = InfoOf(current()->id()).pending;
  pending.kind = PendingKind::kBrif;
  pending.operand = cond;
  pending.edges.resize(2);
  pending.edges[0].target = then_block;
  // edges[1] (the false edge) gets its target at `else` or `end`.
  AddPred(then_block, current(), 0);
  locals_.Seal(then_block->id());
  SwitchTo(then_block);
  frames_.push_back(std::move(frame));
}

void Translator::Else() {
  Frame& frame = frames_.back();
  KILN_CHECK(frame.kind == FrameKind::kIf);
  if (!frame.unreachable) {
    Pending& pending = InfoOf(current()->id()).pending;
    pending.kind = PendingKind::kJump;
    pending.edges = {EdgeTo(frame, 0)};
  }
  ssa::Block* else_block = NewBlock({});
  PendingEdge& false_edge = InfoOf(frame.if_block->id()).pending.edges[1];
  false_edge.target = else_block;
  AddPred(else_block, frame.if_block, 1);
  locals_.Seal(else_block->id());

  SwitchTo(else_block);
  stack_.resize(frame.height);
  for (ssa::Value param : frame.if_params) Push(param);
  frame.kind = FrameKind::kElse;
  frame.unreachable = false;
}

void Translator::End() {
  Frame& frame = frames_.back();
  switch (frame.kind) {
    case FrameKind::kFunction:
      if (!frame.unreachable) builder_.Return(TopN(frame.results.size()));
      frames_.pop_back();
      return;
    case FrameKind::kLoop: {
      // All back edges are known now. A loop's end is no merge: code after it continues in
      // the block the body fell through in.
      locals_.Seal(frame.label->id());
      bool fell_through = !frame.unreachable;
      size_t height = frame.height;
      frames_.pop_back();
      if (!fell_through) {
        stack_.resize(height);
        MarkUnreachable();
      }
      return;
    }
    case FrameKind::kIf: {
      // Without an else, the false edge goes straight to the merge with the if's params.
      ssa::Block* label = LabelBlock(frame);
      PendingEdge& false_edge = InfoOf(frame.if_block->id()).pending.edges[1];
      false_edge.target = label;
      false_edge.label_args = frame.if_params;
      AddPred(label, frame.if_block, 1);
      break;
    }
    case FrameKind::kBlock:
    case FrameKind::kElse:
      break;
  }

  if (!frame.unreachable) {
    if (frame.label == nullptr) {
      // Nothing branches here: the results are already on the stack; continue in place.
      frames_.pop_back();
      return;
    }
    Pending& pending = InfoOf(current()->id()).pending;
    pending.kind = PendingKind::kJump;
    pending.edges = {EdgeTo(frame, 0)};
  }
  ssa::Block* label = frame.label;
  size_t height = frame.height;
  size_t num_results = frame.results.size();
  frames_.pop_back();
  stack_.resize(height);
  if (label == nullptr) {
    MarkUnreachable();  // the parent continues in unreachable code
    return;
  }
  locals_.Seal(label->id());
  SwitchTo(label);
  for (size_t i = 0; i < num_results; ++i) Push(label->params()[i]);
}

// -- Branches -----------------------------------------------------------------------------------

void Translator::Branch(uint32_t depth) {
  Frame& target = FrameAt(depth);
  if (target.kind == FrameKind::kFunction) {
    ReturnFromFunction();
    return;
  }
  Pending& pending = InfoOf(current()->id()).pending;
  pending.kind = PendingKind::kJump;
  pending.edges = {EdgeTo(target, 0)};
  MarkUnreachable();
}

void Translator::BranchIf(uint32_t depth) {
  ssa::Value cond = Pop();
  Frame& target = FrameAt(depth);
  ssa::Block* from = current();
  ssa::Block* continuation = NewBlock({});
  std::vector<PendingEdge> edges(2);
  if (target.kind == FrameKind::kFunction) {
    // A conditional return: branch to a block that returns.
    ssa::Block* exit = NewBlock({});
    edges[0].target = exit;
    AddPred(exit, from, 0);
    locals_.Seal(exit->id());
    SwitchTo(exit);
    builder_.Return(TopN(target.results.size()));
  } else {
    edges[0] = EdgeTo(target, 0);
  }
  edges[1].target = continuation;
  AddPred(continuation, from, 1);
  locals_.Seal(continuation->id());
  Pending& pending = InfoOf(from->id()).pending;
  pending.kind = PendingKind::kBrif;
  pending.operand = cond;
  pending.edges = std::move(edges);
  SwitchTo(continuation);
}

void Translator::BranchTable(absl::Span<const uint32_t> targets) {
  ssa::Value index = Pop();
  ssa::Block* from = current();
  ssa::Block* exit = nullptr;  // shared by every entry that returns from the function
  std::vector<PendingEdge> edges(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    // The reader lists the default last; br_table's SSA form lists it first.
    uint32_t depth = i == 0 ? targets.back() : targets[i - 1];
    uint32_t edge_index = static_cast<uint32_t>(i);
    Frame& target = FrameAt(depth);
    if (target.kind == FrameKind::kFunction) {
      if (exit == nullptr) exit = NewBlock({});
      edges[i].target = exit;
      AddPred(exit, from, edge_index);
    } else {
      edges[i] = EdgeTo(target, edge_index);
    }
  }
  Pending& pending = InfoOf(from->id()).pending;
  pending.kind = PendingKind::kBrTable;
  pending.operand = index;
  pending.edges = std::move(edges);
  if (exit != nullptr) {
    locals_.Seal(exit->id());
    SwitchTo(exit);
    builder_.Return(TopN(frames_.front().results.size()));
  }
  MarkUnreachable();
}

void Translator::ReturnFromFunction() {
  builder_.Return(TopN(frames_.front().results.size()));
  MarkUnreachable();
}

}  // namespace kiln::frontend
