// Liveness and live intervals on hand-built machine functions.
#include "backend/regalloc/live_intervals.h"

#include "backend/regalloc/fake_isa.h"
#include "catch2/catch.hpp"

namespace kiln::backend::regalloc {
namespace {

using fake::Int;

TEST_CASE("straight-line intervals start at defs and end after the last use",
          "[regalloc][liveness]") {
  fake::FakeTarget target(3, 2, 2);
  MachFunction fn;
  fake::Builder b(fn, target);
  b.SetBlock(b.NewBlock());
  Reg a = b.NewInt();
  Reg c = b.NewInt();
  Reg t = b.NewInt();
  b.Const(a, 1);         // slot 1: def at 3
  b.Const(c, 2);         // slot 2: def at 5
  b.Scratch(c, a, t);    // slot 3: uses at 6, defs at 7, temp from 6
  b.Return(c);           // slot 4: mov r0 <- c (use at 8); slot 5: return
  b.Finish();
  LiveIntervals li = LiveIntervals::Build(fn, target.register_info());

  const Interval& ia = li.intervals()[a.id()];
  REQUIRE(ia.ranges.size() == 1);
  CHECK(ia.ranges[0].from == 3);
  CHECK(ia.ranges[0].to == 7);
  CHECK(ia.uses == std::vector<uint32_t>{3, 6});

  // c is written twice; the first value dies unread (a one-position range).
  const Interval& ic = li.intervals()[c.id()];
  REQUIRE(ic.ranges.size() == 2);
  CHECK(ic.ranges[0].from == 5);
  CHECK(ic.ranges[0].to == 6);
  CHECK(ic.ranges[1].from == 7);
  CHECK(ic.ranges[1].to == 9);

  // The early-clobber temp overlaps the instruction's reads.
  const Interval& it = li.intervals()[t.id()];
  REQUIRE(it.ranges.size() == 1);
  CHECK(it.ranges[0].from == 6);
  CHECK(it.ranges[0].to == 8);
  CHECK(it.NextIntersection(ia, 0) == 6);

  // r0 is fixed from the move's def to the return's read.
  const Interval& r0 = li.intervals()[li.FixedIntervalIndex(RegClass::kInt, 0)];
  REQUIRE(r0.ranges.size() == 1);
  CHECK(r0.ranges[0].from == 9);
  CHECK(r0.ranges[0].to == 11);
}

TEST_CASE("liveness flows around a loop and calls block caller-saved registers",
          "[regalloc][liveness]") {
  fake::FakeTarget target(3, 2, 2);
  MachFunction fn;
  fake::Builder b(fn, target);
  uint32_t entry = b.NewBlock();
  uint32_t header = b.NewBlock(1);
  uint32_t body = b.NewBlock(1);
  uint32_t exit = b.NewBlock();
  Reg x = b.NewInt();
  Reg sum = b.NewInt();
  b.SetBlock(entry);
  b.Const(x, 7);
  b.Const(sum, 0);
  b.Jump(header);
  b.SetBlock(header);
  b.Branch(body, exit);
  b.SetBlock(body);
  b.AddTo(sum, x);
  b.Call(sum, sum);
  b.Jump(header);
  b.SetBlock(exit);
  b.Return(sum);
  b.Finish();
  LiveIntervals li = LiveIntervals::Build(fn, target.register_info());

  CHECK(li.LiveIn(header, x.id()));
  CHECK(li.LiveIn(body, x.id()));
  CHECK(li.LiveOut(body, x.id()));
  CHECK_FALSE(li.LiveIn(exit, x.id()));
  CHECK(li.LiveIn(exit, sum.id()));
  CHECK(li.LiveInVregs(entry).empty());

  // x lives from its def to the end of the loop body, without a hole.
  const Interval& ix = li.intervals()[x.id()];
  REQUIRE(ix.ranges.size() == 1);
  CHECK(ix.ranges[0].from == 3);
  CHECK(ix.ranges[0].to == li.blocks()[body].end);

  // The call (the body's third instruction) clobbers r0 and r1 for its def position, not r2.
  const uint32_t call_def = 2 * (li.blocks()[body].first_slot + 2) + 1;
  const Interval& r1 = li.intervals()[li.FixedIntervalIndex(RegClass::kInt, 1)];
  const Interval& r2 = li.intervals()[li.FixedIntervalIndex(RegClass::kInt, 2)];
  CHECK(r1.Covers(call_def));
  CHECK_FALSE(r2.Covers(call_def));
  CHECK(ix.Covers(call_def));
}

}  // namespace
}  // namespace kiln::backend::regalloc
