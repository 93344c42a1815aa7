// The translator's driver: setting up the function, the operator loop, and Finish(), which
// completes block arguments, removes trivial parameters and builds the pending terminators.
#include "compiler/frontend/translator.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "compiler/base/check.h"

namespace kiln::frontend {
namespace {

const wasm::FuncType& FuncTypeOf(const wasm::Module& module, uint32_t func_index) {
  uint32_t defined = func_index - module.num_imported_functions;
  return module.types[module.functions[defined]];
}

ssa::Block* CreateEntryBlock(ssa::Function& fn) {
  ssa::Block* entry = fn.CreateBlock();
  for (ssa::Type type : fn.signature().params) fn.AddBlockParam(entry, type);
  return entry;
}

std::vector<ssa::Type> LocalTypes(const wasm::Module& module, uint32_t func_index) {
  std::vector<ssa::Type> types;
  for (wasm::ValType param : FuncTypeOf(module, func_index).params) {
    types.push_back(SsaType(param));
  }
  const wasm::Code& code = module.codes[func_index - module.num_imported_functions];
  types.reserve(types.size() + code.local_count);
  for (const wasm::LocalDecl& decl : code.locals) {
    types.insert(types.end(), decl.count, SsaType(decl.type));
  }
  return types;
}

}  // namespace

ssa::Type SsaType(wasm::ValType type) {
  switch (type) {
    case wasm::ValType::kI32: return ssa::Type::kI32;
    case wasm::ValType::kI64: return ssa::Type::kI64;
    case wasm::ValType::kF32: return ssa::Type::kF32;
    case wasm::ValType::kF64: return ssa::Type::kF64;
    case wasm::ValType::kV128: return ssa::Type::kV128;
    case wasm::ValType::kFuncRef:
    case wasm::ValType::kExternRef:
      return ssa::Type::kRef;
  }
  return ssa::Type::kNone;
}

ssa::Signature SsaSignature(const wasm::FuncType& type) {
  ssa::Signature signature;
  signature.params.push_back(ssa::Type::kRef);
  for (wasm::ValType param : type.params) signature.params.push_back(SsaType(param));
  for (wasm::ValType result : type.results) signature.results.push_back(SsaType(result));
  return signature;
}

Translator::Translator(const wasm::Module& module, const vmctx::Layout& layout,
                       const TranslateOptions& options, uint32_t func_index, ssa::Function& fn)
    : module_(module),
      layout_(layout),
      options_(options),
      func_index_(func_index),
      type_(FuncTypeOf(module, func_index)),
      fn_(fn),
      builder_(fn),
      entry_(CreateEntryBlock(fn)),
      vmctx_(entry_->params()[0]),
      local_types_(LocalTypes(module, func_index)),
      locals_(*this, static_cast<uint32_t>(local_types_.size()), entry_->id()) {
  InfoOf(entry_->id());
  builder_.SetInsertPoint(entry_);
}

std::vector<ssa::Value> Translator::PopN(size_t n) {
  KILN_CHECK(stack_.size() >= n);
  std::vector<ssa::Value> values(stack_.end() - n, stack_.end());
  stack_.resize(stack_.size() - n);
  return values;
}

std::vector<ssa::Value> Translator::TopN(size_t n) const {
  KILN_CHECK(stack_.size() >= n);
  return std::vector<ssa::Value>(stack_.end() - n, stack_.end());
}

// -- The operator loop --------------------------------------------------------------------------

absl::Status Translator::Translate() {
  const wasm::Code& code = module_.codes[func_index_ - module_.num_imported_functions];
  Frame function;
  function.kind = FrameKind::kFunction;
  for (wasm::ValType result : type_.results) function.results.push_back(SsaType(result));
  frames_.push_back(std::move(function));

  wasm::CodeReader reader(module_.bytes, code.body.offset, code.body.offset + code.body.size);
  wasm::Instruction inst;
  while (!frames_.empty()) {
    if (reader.AtEnd()) return absl::InternalError("frontend: the body ends inside a block");
    absl::Status read = reader.Next(&inst);
    if (!read.ok()) return absl::InternalError(absl::StrCat("frontend: ", read.message()));
    if (unreachable() && SkipUnreachable(inst)) continue;
    absl::Status status = TranslateOperator(inst);
    if (!status.ok()) return status;
  }
  return Finish();
}

absl::Status Translator::TranslateOperator(const wasm::Instruction& inst) {
  // Most frequent families first.
  if (TranslateVariable(inst) || TranslateNumeric(inst) || TranslateControl(inst) ||
      TranslateMemory(inst) || TranslateConversion(inst) || TranslateCall(inst) ||
      TranslateTable(inst) || TranslateSimd(inst)) {
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat("frontend: no translation for ",
                                          wasm::Name(inst.opcode), " (offset ",
                                          inst.offset, ")"));
}

// -- Interrupt polls ----------------------------------------------------------------------------

void Translator::EmitInterruptCheck() {
  ssa::Value flag = builder_.VmLoad(ssa::Type::kI32, vmctx_, vmctx::kInterruptFlagOffset);
  builder_.Trapnz(flag, trap::TrapCode::kInterrupted);
}

void Translator::AddEntryInterruptCheck() {
  if (!options_.interrupt_checks || !makes_calls_) return;
  if (ssa::Inst* first = entry_->first()) {
    builder_.SetInsertBefore(first);
  } else {
    builder_.SetInsertPoint(entry_);
  }
  EmitInterruptCheck();
}

// -- Finishing ----------------------------------------------------------------------------------

absl::Status Translator::Finish() {
  AddEntryInterruptCheck();
  CompleteLocalArguments();
  RemoveTrivialParams();
  BuildPendingTerminators();
  if (!aliases_.empty()) {
    absl::flat_hash_map<ssa::Value, ssa::Value> substitution;
    substitution.reserve(aliases_.size());
    for (const auto& [from, to] : aliases_) substitution[from] = Resolve(to);
    fn_.ReplaceUses(substitution);
  }
  return absl::OkStatus();
}

void Translator::CompleteLocalArguments() {
  // Reading a local at the end of a predecessor may create parameters in other blocks
  // (NewLocalParam queues them in grown_blocks_), which need arguments in turn.
  finishing_ = true;
  for (uint32_t block_id : locals_.Blocks()) {
    if (!locals_.LocalParams(block_id).empty()) grown_blocks_.push_back(block_id);
  }
  while (!grown_blocks_.empty()) {
    uint32_t block_id = grown_blocks_.back();
    grown_blocks_.pop_back();
    const std::vector<LocalSsa::Pred>& preds = locals_.Preds(block_id);
    for (size_t p = 0; p < preds.size(); ++p) {
      LocalSsa::Pred pred = preds[p];
      // block_info_ is a deque that does not grow here, so the reference stays valid.
      PendingEdge& edge = InfoOf(pred.block).pending.edges[pred.edge];
      while (edge.local_args.size() < locals_.LocalParams(block_id).size()) {
        LocalSsa::LocalParam param = locals_.LocalParams(block_id)[edge.local_args.size()];
        edge.local_args.push_back(ssa::Value(locals_.ArgumentFor(pred, param)));
      }
    }
  }
  finishing_ = false;
}

ssa::Value Translator::Resolve(ssa::Value value) {
  auto it = aliases_.find(value);
  if (it == aliases_.end()) return value;
  ssa::Value root = it->second;
  for (auto next = aliases_.find(root); next != aliases_.end(); next = aliases_.find(root)) {
    root = next->second;
  }
  // Path compression: chains (a loop nest whose parameters fall one after another) would
  // otherwise be walked again for every use.
  while (value != root) {
    auto link = aliases_.find(value);
    ssa::Value next = link->second;
    link->second = root;
    value = next;
  }
  return root;
}

void Translator::RemoveTrivialParams() {
  // Braun et al.'s tryRemoveTrivialPhi over all parameters: a parameter is trivial when every
  // incoming argument is one value or the parameter itself, and is then replaced by that value
  // (recorded in aliases_, which Resolve follows). Removing one can make others trivial.
  // Instead of the paper's recursion over users, which rewrites the same argument slots again
  // and again in deep loop nests, whole sweeps run until one changes nothing. Sweeps go from
  // the last block created to the first: inner blocks come later, and their parameters tend
  // to fall first (an inner header's parameter feeds the outer one's back edge), so a cascade
  // usually settles in one sweep.
  struct Param {
    ssa::Value value;
    std::vector<const ssa::Value*> args;  // one slot per incoming edge
  };
  std::vector<Param> params;
  for (uint32_t block_id : locals_.Blocks()) {
    ssa::Block* block = fn_.block(block_id);
    const std::vector<LocalSsa::Pred>& preds = locals_.Preds(block_id);
    if (block == entry_ || preds.empty()) continue;
    uint32_t num_label = InfoOf(block_id).num_label_params;
    for (size_t k = 0; k < block->params().size(); ++k) {
      Param param;
      param.value = block->params()[k];
      param.args.reserve(preds.size());
      for (const LocalSsa::Pred& pred : preds) {
        const PendingEdge& edge = InfoOf(pred.block).pending.edges[pred.edge];
        param.args.push_back(k < num_label ? &edge.label_args[k]
                                           : &edge.local_args[k - num_label]);
      }
      params.push_back(std::move(param));
    }
  }

  std::vector<bool> removed(params.size(), false);
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t q = params.size(); q-- > 0;) {
      if (removed[q]) continue;
      ssa::Value self = params[q].value;
      ssa::Value same;
      bool trivial = true;
      for (const ssa::Value* slot : params[q].args) {
        ssa::Value arg = Resolve(*slot);
        if (arg == self || arg == same) continue;
        if (same.valid()) {
          trivial = false;
          break;
        }
        same = arg;
      }
      if (!trivial || !same.valid()) continue;
      removed[q] = true;
      aliases_[self] = same;
      changed = true;
    }
  }
}

void Translator::BuildPendingTerminators() {
  // Which parameters survive, per block (parameters are removed from the IR here, last
  // first, so that indices stay valid).
  absl::flat_hash_map<uint32_t, std::vector<bool>> kept;
  for (uint32_t block_id : locals_.Blocks()) {
    ssa::Block* block = fn_.block(block_id);
    std::vector<bool>& keep = kept[block_id];
    keep.assign(block->params().size(), true);
    if (block == entry_) continue;
    for (size_t k = block->params().size(); k-- > 0;) {
      if (aliases_.contains(block->params()[k])) {
        keep[k] = false;
        fn_.RemoveBlockParam(block, k);
      }
    }
  }

  auto call_of = [&](const PendingEdge& edge) {
    ssa::BlockCall call;
    call.block = edge.target;
    const std::vector<bool>& keep = kept[edge.target->id()];
    size_t k = 0;
    for (ssa::Value arg : edge.label_args) {
      if (keep[k++]) call.args.push_back(Resolve(arg));
    }
    for (ssa::Value arg : edge.local_args) {
      if (keep[k++]) call.args.push_back(Resolve(arg));
    }
    return call;
  };

  for (uint32_t block_id : locals_.Blocks()) {
    Pending& pending = InfoOf(block_id).pending;
    if (pending.kind == PendingKind::kNone) continue;
    builder_.SetInsertPoint(fn_.block(block_id));
    switch (pending.kind) {
      case PendingKind::kNone:
        break;
      case PendingKind::kJump: {
        ssa::BlockCall target = call_of(pending.edges[0]);
        builder_.Jump(target.block, target.args);
        break;
      }
      case PendingKind::kBrif: {
        ssa::BlockCall then_call = call_of(pending.edges[0]);
        ssa::BlockCall else_call = call_of(pending.edges[1]);
        builder_.Brif(Resolve(pending.operand), then_call.block, then_call.args,
                      else_call.block, else_call.args);
        break;
      }
      case PendingKind::kBrTable: {
        std::vector<ssa::BlockCall> table;
        table.reserve(pending.edges.size() - 1);
        for (size_t i = 1; i < pending.edges.size(); ++i) {
          table.push_back(call_of(pending.edges[i]));
        }
        builder_.BrTable(Resolve(pending.operand), call_of(pending.edges[0]), std::move(table));
        break;
      }
    }
  }
}

}  // namespace kiln::frontend
