// The allocator on hand-built fake-ISA functions: spilling under pressure, values across
// calls, fixed registers, two-address and early-clobber operands, spill placement around
// loops, register cycles on edges, contract errors, and the checker rejecting broken results.
#include "backend/regalloc/regalloc.h"

#include <string>

#include "backend/regalloc/checker.h"
#include "backend/regalloc/fake_isa.h"
#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::backend::regalloc {
namespace {

using fake::Int;
using kiln::testing::StatusIs;

// Allocated is the result of allocating a copy of `fn` and checking it.
struct Allocated {
  MachFunction fn;
  AllocationStats stats;
};

Allocated AllocateAndCheck(const MachFunction& fn, const fake::FakeTarget& target) {
  Allocated out{fn, {}};
  AllocateOptions options;
  options.keep_identity_moves = true;
  absl::StatusOr<AllocationStats> stats = AllocateRegisters(out.fn, target, options);
  INFO(target.Print(fn));
  REQUIRE(stats.status() == absl::OkStatus());
  out.stats = *stats;
  INFO(target.Print(out.fn));
  REQUIRE(CheckAllocation(fn, out.fn, target.register_info()) == absl::OkStatus());
  return out;
}

// CountOps counts the instructions with `opcode` in blocks of loop depth >= min_depth.
int CountOps(const MachFunction& fn, uint16_t opcode, uint32_t min_depth = 0) {
  int n = 0;
  for (const MachBlock& block : fn.blocks) {
    if (block.loop_depth < min_depth) continue;
    for (const MachInst& inst : block.insts) n += inst.opcode == opcode;
  }
  return n;
}

TEST_CASE("straight-line pressure spills and reloads correctly", "[regalloc]") {
  fake::FakeTarget target(3, 2, 3);  // r0..r2, all caller-saved
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg v[6];
  for (int i = 0; i < 6; ++i) {
    v[i] = b.NewInt();
    b.Const(v[i], i);
  }
  Reg sum = b.NewInt();
  b.Add(sum, v[0], v[1]);
  for (int i = 2; i < 6; ++i) b.AddTo(sum, v[i]);
  for (int i = 0; i < 6; ++i) b.AddTo(sum, v[i]);
  b.Return(sum);
  b.Finish();
  Allocated a = AllocateAndCheck(fn, target);
  CHECK(a.stats.spill_stores > 0);
  CHECK(a.stats.reloads > 0);
  CHECK(a.stats.spill_slots > 0);
  CHECK(a.fn.frame.num_slots() == a.stats.spill_slots);
  CHECK(a.stats.used_callee_saved == 0);
}

TEST_CASE("a value live across a call goes to a callee-saved register", "[regalloc]") {
  fake::FakeTarget target(3, 2, 2);  // r2 is callee-saved
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg x = b.NewInt();
  Reg y = b.NewInt();
  b.Const(x, 1);
  b.Call(y, x);
  b.AddTo(y, x);
  b.Return(y);
  b.Finish();
  Allocated a = AllocateAndCheck(fn, target);
  CHECK(a.stats.spill_stores == 0);
  CHECK(a.stats.used_callee_saved == Int(2).mask_bit());
  CHECK(UsedCalleeSaved(a.fn, target.register_info()) == Int(2).mask_bit());
}

TEST_CASE("values across a call beyond the callee-saved registers are spilled", "[regalloc]") {
  fake::FakeTarget target(3, 2, 2);
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg x = b.NewInt();
  Reg y = b.NewInt();
  Reg f = b.NewFloat();
  Reg r = b.NewInt();
  b.Const(x, 1);
  b.Const(y, 2);
  b.Const(f, 3);
  b.Call(r, x);
  b.AddTo(r, x);
  b.AddTo(r, y);
  b.AddTo(f, f);  // floats have no callee-saved register at all
  b.Return(r);
  b.Finish();
  Allocated a = AllocateAndCheck(fn, target);
  CHECK(a.stats.spill_stores >= 2);  // one of x, y, and f
  CHECK(a.stats.reloads >= 2);
}

TEST_CASE("fixed registers of a division keep other values out of them", "[regalloc]") {
  fake::FakeTarget target(3, 2, 3);
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg n = b.NewInt();
  Reg d = b.NewInt();
  Reg q = b.NewInt();
  b.Const(n, 100);
  b.Const(d, 7);
  b.Div(q, n, d);
  b.AddTo(q, d);
  b.AddTo(q, n);
  b.Return(q);
  b.Finish();
  Allocated a = AllocateAndCheck(fn, target);
  // The divisor must be in r2: r0 and r1 hold the dividend pair.
  for (const MachInst& inst : a.fn.blocks[0].insts) {
    if (inst.opcode == fake::kDiv) CHECK(inst.operands[2].reg == Int(2));
  }
}

TEST_CASE("two-address and early-clobber operands get legal registers", "[regalloc]") {
  fake::FakeTarget target(3, 2, 3);
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg x = b.NewInt();
  Reg y = b.NewInt();
  Reg t = b.NewInt();
  b.Const(x, 1);
  b.Scratch(y, x, t);  // t must not share a register with x
  b.AddTo(y, x);       // y is read and written in one register
  b.Return(y);
  b.Finish();
  Allocated a = AllocateAndCheck(fn, target);
  for (const MachInst& inst : a.fn.blocks[0].insts) {
    if (inst.opcode == fake::kScratch) CHECK(inst.operands[2].reg != inst.operands[1].reg);
  }
}

// A value defined before a loop and read only after it, while the loop needs every register:
// it is stored once before the loop and reloaded once after it.
TEST_CASE("a value unused in a loop is spilled and reloaded outside the loop", "[regalloc]") {
  fake::FakeTarget target(3, 2, 2);
  MachFunction fn;
  fake::Builder b(fn, target);
  uint32_t entry = b.NewBlock();
  uint32_t header = b.NewBlock(1);
  uint32_t body = b.NewBlock(1);
  uint32_t exit = b.NewBlock();
  Reg v = b.NewInt();
  Reg i = b.NewInt();
  Reg x = b.NewInt();
  Reg y = b.NewInt();
  b.SetBlock(entry);
  b.Const(v, 42);
  b.Const(i, 0);
  b.Jump(header);
  b.SetBlock(header);
  b.Branch(body, exit);
  b.SetBlock(body);
  b.Load(x, i);
  b.Add(y, x, i);
  b.Add(i, y, x);
  b.Call(x, i);  // i and v both live across: one callee-saved register for two values
  b.AddTo(i, x);
  b.Jump(header);
  b.SetBlock(exit);
  b.AddTo(v, i);
  b.Return(v);
  b.Finish();
  Allocated a = AllocateAndCheck(fn, target);
  INFO(target.Print(a.fn));
  CHECK(a.stats.spill_stores >= 1);
  CHECK(CountOps(a.fn, fake::kSpill, 1) == 0);
  CHECK(CountOps(a.fn, fake::kReload, 1) == 0);
}

// A value read inside the loop, evicted by pressure there: the reload in the loop is needed,
// but its store happens before the loop and is not repeated on the back edge.
TEST_CASE("a value read in a loop is stored before the loop, not in it", "[regalloc]") {
  fake::FakeTarget target(3, 2, 3);
  MachFunction fn;
  fake::Builder b(fn, target);
  uint32_t entry = b.NewBlock();
  uint32_t header = b.NewBlock(1);
  uint32_t body = b.NewBlock(1);
  uint32_t exit = b.NewBlock();
  Reg v = b.NewInt();
  Reg i = b.NewInt();
  Reg x = b.NewInt();
  Reg y = b.NewInt();
  Reg z = b.NewInt();
  b.SetBlock(entry);
  b.Const(v, 42);
  b.Const(i, 0);
  b.Jump(header);
  b.SetBlock(header);
  b.Branch(body, exit);
  b.SetBlock(body);
  b.AddTo(i, v);    // v read in the loop
  b.Load(x, i);     // then three values at once: i, x, y (and z) need every register
  b.Load(y, x);
  b.Add(z, x, y);
  b.AddTo(i, z);
  b.Jump(header);
  b.SetBlock(exit);
  b.AddTo(i, v);
  b.Return(i);
  b.Finish();
  Allocated a = AllocateAndCheck(fn, target);
  INFO(target.Print(a.fn));
  CHECK(a.stats.spill_stores >= 1);
  CHECK(CountOps(a.fn, fake::kSpill, 1) == 0);
}

TEST_CASE("register cycles on CFG edges are resolved correctly", "[regalloc]") {
  // Search a fixed range of small random programs for ones whose edge moves form cycles;
  // the checker proves each result.
  fake::FakeTarget target(4, 2, 3);
  fake::RandomProgramOptions options;
  options.blocks = 5;
  options.max_insts = 8;
  options.int_values = 6;
  options.float_values = 2;
  int with_cycles = 0;
  for (uint64_t seed = 0; seed < 400; ++seed) {
    MachFunction fn = fake::RandomProgram(seed, target, options);
    CAPTURE(seed);
    Allocated a = AllocateAndCheck(fn, target);
    with_cycles += a.stats.cycles_broken > 0;
  }
  CHECK(with_cycles > 0);
}

TEST_CASE("identity moves disappear after coalescing", "[regalloc]") {
  fake::FakeTarget target(3, 2, 3);
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg x = b.NewInt();
  Reg y = b.NewInt();
  b.Const(x, 1);
  b.Mov(y, x);
  b.AddTo(y, y);
  b.Return(y);
  b.Finish();
  absl::StatusOr<AllocationStats> stats = AllocateRegisters(fn, target);
  REQUIRE(stats.ok());
  // x -> y and y -> r0 both coalesce.
  CHECK(stats->removed_moves == 2);
  CHECK(CountOps(fn, fake::kMov) == 0);
}

TEST_CASE("reading a vreg that is never written is a contract error", "[regalloc]") {
  fake::FakeTarget target(3, 2, 3);
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg x = b.NewInt();
  b.Return(x);
  b.Finish();
  CHECK_THAT(Allocate(fn, target),
             StatusIs(absl::StatusCode::kInternal, "is read before it is written"));
}

TEST_CASE("an instruction needing more registers than exist is a contract error",
          "[regalloc]") {
  fake::FakeTarget target(2, 2, 2);
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg x = b.NewInt();
  Reg y = b.NewInt();
  Reg t = b.NewInt();
  b.Const(x, 1);
  b.Const(y, 1);
  b.Scratch(y, x, t);
  b.AddTo(y, x);  // x, t and y all live at the scratch: three values, two registers
  b.Return(y);
  b.Finish();
  CHECK_THAT(Allocate(fn, target), StatusIs(absl::StatusCode::kInternal, "register"));
}

TEST_CASE("the checker rejects a corrupted allocation", "[regalloc][checker]") {
  fake::FakeTarget target(3, 2, 3);
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg v[5];
  for (int i = 0; i < 5; ++i) {
    v[i] = b.NewInt();
    b.Const(v[i], i);
  }
  for (int i = 1; i < 5; ++i) b.AddTo(v[0], v[i]);
  for (int i = 1; i < 5; ++i) b.AddTo(v[0], v[i]);
  b.Return(v[0]);
  b.Finish();
  Allocated a = AllocateAndCheck(fn, target);
  REQUIRE(a.stats.reloads > 0);

  SECTION("a dropped reload") {
    std::vector<MachInst>& insts = a.fn.blocks[0].insts;
    auto reload = std::find_if(insts.begin(), insts.end(),
                               [](const MachInst& i) { return i.opcode == fake::kReload; });
    insts.erase(reload);
    CHECK_THAT(CheckAllocation(fn, a.fn, target.register_info()),
               StatusIs(absl::StatusCode::kInternal, "reads v"));
  }
  SECTION("a use reading the wrong register") {
    for (MachInst& inst : a.fn.blocks[0].insts) {
      if (inst.opcode != fake::kAddTo) continue;
      Reg& src = inst.operands[1].reg;
      src = Int((src.id() + 1) % 3);
      break;
    }
    CHECK_THAT(CheckAllocation(fn, a.fn, target.register_info()),
               StatusIs(absl::StatusCode::kInternal, "reads v"));
  }
  SECTION("a value left in a clobbered register") {
    MachFunction g;
    fake::Builder gb(g, target);
    gb.SetBlock(gb.NewBlock());
    Reg x = gb.NewInt();
    Reg y = gb.NewInt();
    gb.Const(x, 1);
    gb.Call(y, x);
    gb.AddTo(y, x);
    gb.Return(y);
    gb.Finish();
    // Hand-"allocate": x in r1 (caller-saved) across the call.
    MachFunction bad = g;
    for (MachInst& inst : bad.blocks[0].insts) {
      RewriteRegs(inst, [&](Reg r, uint8_t) {
        if (r == x) return Int(1);
        if (r == y) return Int(2);
        return r;
      });
    }
    CHECK_THAT(CheckAllocation(g, bad, target.register_info()),
               StatusIs(absl::StatusCode::kInternal, "reads v0 from register 1"));
  }
}

}  // namespace
}  // namespace kiln::backend::regalloc
