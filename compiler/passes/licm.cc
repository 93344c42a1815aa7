// licm: hoist loop-invariant pure instructions out of loops.
//
// An instruction is invariant in a loop when it is pure (no effect, never traps: see
// ssa_opcodes.def) and each operand is defined outside the loop or by an invariant
// instruction. Such an instruction computes the same value in every iteration, and since it
// cannot trap it may also run when the loop body would not have: it moves to the loop's
// preheader, the one block outside the loop from which the header is entered. Instructions
// that may trap (division, float→int conversion, loads) stay, even with invariant operands,
// because hoisting them would trap on paths that never executed them.
//
// Constants (pure instructions without operands) count as invariant but move only together
// with an instruction that uses them: a constant used only inside the loop is cheaper to
// rematerialise there than to keep live across the whole loop.
//
// Loops are processed inner first, so an expression hoisted out of an inner loop into its
// preheader (which belongs to the enclosing loop) can move again out of the outer loop.
// A header entered from a single outside block that has no other successor uses that block
// as its preheader; otherwise a new block with the header's parameters is inserted before
// the header and the outside branches are redirected to it.
//
// Preheaders that end up with nothing hoisted into them are removed again.
//
// Requires: the loop forest (PassContext). Invalidates: the CFG analyses when it inserts
// preheaders (the pass manager drops them afterwards; the pass recomputes them itself after
// inserting).
#include <vector>

#include "compiler/passes/passes.h"

namespace kiln::passes {
namespace {

using analysis::Loop;
using analysis::LoopForest;
using ssa::Block;
using ssa::BlockCall;
using ssa::Inst;
using ssa::Value;

// Preheader is the block a loop's header is entered from, and whether licm made it.
struct Preheader {
  Block* block = nullptr;
  bool created = false;
  std::vector<Block*> outside_preds;  // the blocks redirected to a created preheader
};

// FindOrMakePreheader returns the block from which the loop's header is entered, creating it
// when the header has several outside predecessors or the only one branches elsewhere too.
Preheader FindOrMakePreheader(ssa::Function& fn, const ssa::Cfg& cfg, const LoopForest& loops,
                              int loop_index) {
  Block* header = loops.loop(loop_index).header;
  Preheader result;
  for (Block* pred : cfg.preds(header)) {
    if (!loops.Contains(loop_index, pred)) result.outside_preds.push_back(pred);
  }
  // The entry block has no predecessors, so every loop has an outside one; be safe anyway.
  if (result.outside_preds.empty()) return result;
  if (result.outside_preds.size() == 1 && cfg.succs(result.outside_preds[0]).size() == 1) {
    result.block = result.outside_preds[0];
    return result;
  }

  Block* preheader = fn.CreateBlock();
  std::vector<Value> params;
  for (Value param : header->params()) {
    params.push_back(fn.AddBlockParam(preheader, fn.value_type(param)));
  }
  Inst* jump = fn.CreateInst(ssa::Opcode::kJump);
  jump->targets.push_back(BlockCall{header, {params.begin(), params.end()}});
  fn.Append(preheader, jump);
  for (Block* pred : result.outside_preds) {
    for (BlockCall& call : pred->terminator()->targets) {
      if (call.block == header) call.block = preheader;
    }
  }
  result.block = preheader;
  result.created = true;
  return result;
}

// UndoIfEmpty redirects the predecessors of a created preheader that received nothing back
// to the header, with the same arguments, which the preheader only forwarded. Returns whether
// it did; the block then leaves the layout in PlacePreheaders.
bool UndoIfEmpty(const Preheader& preheader) {
  Block* block = preheader.block;
  if (block->first() != block->terminator()) return false;
  Block* header = block->terminator()->targets[0].block;
  for (Block* pred : preheader.outside_preds) {
    for (BlockCall& call : pred->terminator()->targets) {
      if (call.block == block) call.block = header;
    }
  }
  return true;
}

// PlacePreheaders lays out each kept preheader right before its header and drops the undone
// ones, in one pass over the layout (created blocks start at its end).
void PlacePreheaders(ssa::Function& fn, const std::vector<Preheader>& preheaders,
                     const std::vector<bool>& keep) {
  std::vector<Block*> before_header(fn.num_block_ids(), nullptr);
  std::vector<bool> created(fn.num_block_ids(), false);
  for (size_t i = 0; i < preheaders.size(); ++i) {
    if (!preheaders[i].created) continue;
    Block* block = preheaders[i].block;
    created[block->id()] = true;
    if (keep[i]) before_header[block->terminator()->targets[0].block->id()] = block;
  }
  std::vector<Block*> layout;
  layout.reserve(fn.blocks().size());
  for (Block* block : fn.blocks()) {
    if (created[block->id()]) continue;
    if (Block* preheader = before_header[block->id()]) layout.push_back(preheader);
    layout.push_back(block);
  }
  fn.SetLayout(std::move(layout));
}

// Hoist moves the invariant instructions of one loop to `preheader`.
void Hoist(ssa::Function& fn, const LoopForest& loops, int loop_index, Block* preheader,
           PassContext& ctx) {
  auto defined_in_loop = [&](Value v) {
    const ssa::ValueDef def = fn.def(v);
    const Block* block = def.inst != nullptr ? def.inst->block() : def.block;
    return loops.Contains(loop_index, block);
  };
  Inst* const insert_before = preheader->terminator();
  for (Block* block : loops.loop(loop_index).blocks) {
    for (Inst* inst : block->insts()) {
      if (!inst->info().pure() || inst->args.empty()) continue;
      bool invariant = true;
      for (Value arg : inst->args) {
        if (!defined_in_loop(arg)) continue;
        // An operand from inside the loop is fine when it is a constant, which moves along.
        const Inst* def = fn.def(arg).inst;
        if (def == nullptr || !def->info().pure() || !def->args.empty()) {
          invariant = false;
          break;
        }
      }
      if (!invariant) continue;
      for (Value arg : inst->args) {
        if (!defined_in_loop(arg)) continue;
        Inst* constant = fn.def(arg).inst;
        fn.Detach(constant);
        fn.InsertBefore(insert_before, constant);
      }
      fn.Detach(inst);
      fn.InsertBefore(insert_before, inst);
      ctx.Count("hoisted");
    }
  }
}

}  // namespace

void RunLicm(ssa::Function& fn, PassContext& ctx) {
  if (ctx.Loops().loops().empty()) return;

  // Preheaders first, for every loop; then fresh loops, in which an inner loop's new
  // preheader belongs to the enclosing loop, so what is hoisted into it can move on out.
  std::vector<Preheader> preheaders;
  std::vector<int> preheader_of(fn.num_block_ids(), -1);  // by header id
  {
    const LoopForest& loops = ctx.Loops();
    const ssa::Cfg& cfg = ctx.Cfg();
    for (size_t i = 0; i < loops.loops().size(); ++i) {
      preheader_of[loops.loop(static_cast<int>(i)).header->id()] =
          static_cast<int>(preheaders.size());
      preheaders.push_back(FindOrMakePreheader(fn, cfg, loops, static_cast<int>(i)));
    }
  }
  ctx.InvalidateCfg();

  const LoopForest& loops = ctx.Loops();
  for (int i = static_cast<int>(loops.loops().size()) - 1; i >= 0; --i) {
    const Preheader& preheader = preheaders[preheader_of[loops.loop(i).header->id()]];
    if (preheader.block != nullptr) Hoist(fn, loops, i, preheader.block, ctx);
  }
  // A preheader that received nothing would only cost a jump.
  std::vector<bool> keep(preheaders.size(), false);
  bool any_created = false;
  for (size_t i = 0; i < preheaders.size(); ++i) {
    if (!preheaders[i].created) continue;
    any_created = true;
    keep[i] = !UndoIfEmpty(preheaders[i]);
    if (keep[i]) ctx.Count("preheaders");
  }
  if (any_created) PlacePreheaders(fn, preheaders, keep);
}

}  // namespace kiln::passes
