// Differential test of the passes: random integer functions (random CFGs with loops, block
// parameters, trapping divisions, explicit traps, repeated expressions and interesting
// constants) run in the reference interpreter before and after each pass and the full
// pipeline, on several inputs. The results, or the trap codes, must be the same. Generation
// is seeded, so a failure names the seed and prints both functions.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "catch2/catch.hpp"
#include "compiler/analysis/dominators.h"
#include "compiler/passes/pipeline.h"
#include "compiler/passes/scalar_interpreter.h"
#include "compiler/ssa/builder.h"
#include "compiler/ssa/cfg.h"
#include "compiler/ssa/parser.h"
#include "compiler/ssa/printer.h"
#include "compiler/ssa/verifier.h"
#include "testing/status_matchers.h"

namespace kiln::passes {
namespace {

using ::kiln::testing::IsOk;
using ssa::Block;
using ssa::Inst;
using ssa::Opcode;
using ssa::Type;
using ssa::Value;

constexpr Opcode kBinaryOps[] = {
    Opcode::kIadd, Opcode::kIsub, Opcode::kImul, Opcode::kSdiv, Opcode::kUdiv,
    Opcode::kSrem, Opcode::kUrem, Opcode::kBand, Opcode::kBor,  Opcode::kBxor,
    Opcode::kIshl, Opcode::kSshr, Opcode::kUshr, Opcode::kRotl, Opcode::kRotr,
};
constexpr Opcode kUnaryOps[] = {Opcode::kClz, Opcode::kCtz, Opcode::kPopcnt, Opcode::kSextend8,
                                Opcode::kSextend16};
constexpr uint64_t kInteresting[] = {0, 1, 2, 7, 31, 32, 33, 63, 64, 0x80000000u,
                                     0x7fffffffu, 0xffffffffu, 0x8000000000000000u,
                                     ~uint64_t{0}};

// Generator builds one random, verifiable function of signature (i32, i32, i64) -> (i32, i64).
class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  ssa::Function Generate() {
    ssa::Function fn("random", ssa::Signature{{Type::kI32, Type::kI32, Type::kI64},
                                              {Type::kI32, Type::kI64}});
    Block* entry = fn.CreateBlock();
    for (Type type : fn.signature().params) fn.AddBlockParam(entry, type);
    const int extra_blocks = Uniform(0, 6);
    for (int i = 0; i < extra_blocks; ++i) {
      Block* block = fn.CreateBlock();
      const int params = Uniform(0, 2);
      for (int p = 0; p < params; ++p) fn.AddBlockParam(block, RandomType());
    }
    // Terminators first, with their targets, so that dominators are known before operands
    // are chosen; their operands and arguments are filled in afterwards.
    const std::vector<Block*> blocks = fn.blocks();
    for (Block* block : blocks) {
      const bool last = block == blocks.back();
      const int kind = last ? 0 : Uniform(0, 9);
      Inst* term;
      if (kind <= 1 || blocks.size() == 1) {
        term = fn.CreateInst(Opcode::kReturn);
      } else if (kind <= 4) {
        term = fn.CreateInst(Opcode::kJump);
        term->targets.push_back({RandomTarget(blocks), {}});
      } else if (kind <= 8) {
        term = fn.CreateInst(Opcode::kBrif);
        term->targets.push_back({RandomTarget(blocks), {}});
        term->targets.push_back({RandomTarget(blocks), {}});
      } else {
        term = fn.CreateInst(Opcode::kBrTable);
        const int entries = Uniform(0, 3);
        for (int i = 0; i <= entries; ++i) term->targets.push_back({RandomTarget(blocks), {}});
      }
      fn.Append(block, term);
    }

    const ssa::Cfg cfg = ssa::Cfg::Compute(fn);
    const analysis::DominatorTree dominators = analysis::DominatorTree::Compute(fn, cfg);
    std::vector<std::vector<Value>> available_at_end(fn.num_block_ids());
    std::vector<std::vector<Inst*>> insts_at_end(fn.num_block_ids());
    std::vector<Block*> order = cfg.rpo();
    for (Block* block : blocks) {
      if (!cfg.IsReachable(block)) order.push_back(block);
    }
    for (Block* block : order) {
      // What dominates the block is available in it; unreachable blocks see the entry's.
      const Block* idom = dominators.idom(block);
      available_ = idom != nullptr ? available_at_end[idom->id()]
                                   : std::vector<Value>(entry->params().begin(),
                                                        entry->params().end());
      insts_ = idom != nullptr ? insts_at_end[idom->id()] : std::vector<Inst*>{};
      if (block != entry) {
        for (Value param : block->params()) available_.push_back(param);
      }
      ssa::Builder builder(fn);
      builder.SetInsertBefore(block->terminator());
      const int count = Uniform(0, 8);
      for (int i = 0; i < count; ++i) AddInstruction(fn, builder);
      FillTerminator(fn, block->terminator());
      available_at_end[block->id()] = available_;
      insts_at_end[block->id()] = insts_;
    }
    return fn;
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  Type RandomType() { return Uniform(0, 1) == 0 ? Type::kI32 : Type::kI64; }
  // The entry block has no predecessors, so it is never a target.
  Block* RandomTarget(const std::vector<Block*>& blocks) {
    return blocks[Uniform(1, static_cast<int>(blocks.size()) - 1)];
  }

  Value Pick(const ssa::Function& fn, Type type) {
    std::vector<Value> candidates;
    for (Value v : available_) {
      if (fn.value_type(v) == type) candidates.push_back(v);
    }
    return candidates[Uniform(0, static_cast<int>(candidates.size()) - 1)];
  }

  void Add(Inst* inst) {
    available_.push_back(inst->result());
    insts_.push_back(inst);
  }

  void AddInstruction(ssa::Function& fn, ssa::Builder& b) {
    const int choice = Uniform(0, 19);
    const Type type = RandomType();
    if (choice <= 3) {
      const uint64_t value = Uniform(0, 3) == 0
                                 ? std::uniform_int_distribution<uint64_t>()(rng_)
                                 : kInteresting[Uniform(0, std::size(kInteresting) - 1)];
      Add(fn.def(b.Iconst(type, value)).inst);
    } else if (choice <= 9) {
      const Opcode op = kBinaryOps[Uniform(0, std::size(kBinaryOps) - 1)];
      Add(fn.def(b.Binary(op, Pick(fn, type), Pick(fn, type))).inst);
    } else if (choice <= 11) {
      const auto cc = static_cast<ssa::IntCC>(Uniform(0, ssa::kNumIntCC - 1));
      Add(fn.def(b.Icmp(cc, Pick(fn, type), Pick(fn, type))).inst);
    } else if (choice == 12) {
      const Opcode op = kUnaryOps[Uniform(0, std::size(kUnaryOps) - 1)];
      Add(fn.def(b.Unary(op, Pick(fn, type))).inst);
    } else if (choice == 13) {
      const int which = Uniform(0, 2);
      if (which == 0) {
        Add(fn.def(b.Convert(Opcode::kIreduce, Type::kI32, Pick(fn, Type::kI64))).inst);
      } else {
        const Opcode op = which == 1 ? Opcode::kUextend : Opcode::kSextend;
        Add(fn.def(b.Convert(op, Type::kI64, Pick(fn, Type::kI32))).inst);
      }
    } else if (choice == 14) {
      Add(fn.def(b.Select(Pick(fn, Type::kI32), Pick(fn, type), Pick(fn, type))).inst);
    } else if (choice == 15) {
      const Value cond = Pick(fn, type);
      const auto code = Uniform(0, 1) == 0 ? trap::TrapCode::kUnreachable
                                           : trap::TrapCode::kIntegerOverflow;
      if (Uniform(0, 1) == 0) {
        b.Trapz(cond, code);
      } else {
        b.Trapnz(cond, code);
      }
    } else if (!insts_.empty()) {
      // Repeat an earlier, dominating instruction exactly: work for gvn.
      const Inst* original = insts_[Uniform(0, static_cast<int>(insts_.size()) - 1)];
      Inst* copy = fn.CreateInst(original->opcode(), original->type());
      copy->args = original->args;
      copy->imm = original->imm;
      copy->index = original->index;
      Add(b.Insert(copy));
    }
  }

  void FillTerminator(const ssa::Function& fn, Inst* term) {
    if (term->opcode() == Opcode::kReturn) {
      term->args = {Pick(fn, Type::kI32), Pick(fn, Type::kI64)};
      return;
    }
    if (term->opcode() != Opcode::kJump) term->args = {Pick(fn, Type::kI32)};
    for (ssa::BlockCall& call : term->targets) {
      for (Value param : call.block->params()) call.args.push_back(Pick(fn, fn.value_type(param)));
    }
  }

  std::mt19937 rng_;
  std::vector<Value> available_;
  std::vector<Inst*> insts_;
};

std::vector<std::vector<uint64_t>> Inputs(uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<uint64_t>> inputs = {
      {0, 0, 0}, {1, 2, 3}, {0xffffffffu, 1, ~uint64_t{0}}, {0x80000000u, 0xffffffffu, 5}};
  for (int i = 0; i < 4; ++i) {
    inputs.push_back({rng() & 0xffu, rng(), (uint64_t{rng()} << 32) | rng()});
  }
  return inputs;
}

// Compare runs `original` and `optimized` on every input; returns the number of inputs on which
// the original finished (so the comparison meant something).
int Compare(const ssa::Function& original, const ssa::Function& optimized, uint32_t seed,
            absl::string_view what) {
  constexpr int64_t kFuel = 2000;
  int finished = 0;
  for (const std::vector<uint64_t>& args : Inputs(seed)) {
    const RunResult before = Interpret(original, args, kFuel);
    REQUIRE(before.kind != RunResult::Kind::kUnsupported);
    if (before.kind == RunResult::Kind::kOutOfFuel) continue;
    ++finished;
    // Hoisting may add a few instructions per loop entry; give the optimized code room.
    const RunResult after = Interpret(optimized, args, 10 * kFuel);
    if (before == after) continue;
    INFO("seed " << seed << ", after " << what << ", inputs " << args[0] << ", " << args[1]
                 << ", " << args[2]);
    INFO("before: " << ToString(before) << "\n" << ssa::Print(original));
    INFO("after: " << ToString(after) << "\n" << ssa::Print(optimized));
    FAIL_CHECK("the optimized function computes something else");
  }
  return finished;
}

TEST_CASE("passes keep what random integer functions compute and how they trap",
          "[passes][differential]") {
  constexpr uint32_t kFunctions = 1500;
  std::vector<std::string> runs = {"pipeline"};
  for (const PassInfo& pass : Pipeline()) runs.emplace_back(pass.name);
  int finished = 0;
  int trapped = 0;
  int64_t changes = 0;
  for (uint32_t seed = 0; seed < kFunctions; ++seed) {
    const ssa::Function original = Generator(seed).Generate();
    const std::string text = ssa::Print(original);
    INFO("seed " << seed << "\n" << text);
    REQUIRE_THAT(ssa::Verify(original), IsOk());
    for (const std::vector<uint64_t>& args : Inputs(seed)) {
      trapped += Interpret(original, args, 2000).kind == RunResult::Kind::kTrapped;
    }
    for (const std::string& run : runs) {
      absl::StatusOr<ssa::Function> optimized = ssa::ParseFunction(text);
      REQUIRE(optimized.ok());
      PipelineStats stats;
      PipelineOptions options;
      options.verify_each = true;
      options.stats = &stats;
      const absl::Status status =
          run == "pipeline" ? RunPipeline(*optimized, options)
                            : RunPasses(std::vector<std::string>{run}, *optimized, options);
      INFO("after " << run << ":\n" << ssa::Print(*optimized));
      REQUIRE_THAT(status, IsOk());
      for (const PassStats& pass : stats.passes) changes += pass.changes;
      finished += Compare(original, *optimized, seed, run);
    }
  }
  // The comparison is only worth something if many runs end and the passes had work.
  CAPTURE(finished, trapped, changes);
  CHECK(finished > static_cast<int>(kFunctions * runs.size() * 8 / 3));
  CHECK(trapped > static_cast<int>(kFunctions * 8 / 20));
  CHECK(changes > kFunctions * 5);
}

}  // namespace
}  // namespace kiln::passes
