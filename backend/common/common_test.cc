// Tests of the shared backend data structures: register encoding, operand walking, frame
// layout offsets and the trap-table lookup.
#include "backend/common/compiled_code.h"
#include "backend/common/frame_layout.h"
#include "backend/common/machine_ir.h"
#include "catch2/catch.hpp"

namespace kiln::backend {
namespace {

TEST_CASE("virtual and physical registers keep class and id", "[backend][common]") {
  Reg v = Reg::Virtual(RegClass::kFloat, 12345);
  CHECK(v.valid());
  CHECK(v.is_virtual());
  CHECK_FALSE(v.is_physical());
  CHECK(v.reg_class() == RegClass::kFloat);
  CHECK(v.id() == 12345);
  Reg p = Reg::Physical(RegClass::kInt, 14);
  CHECK(p.is_physical());
  CHECK(p.id() == 14);
  CHECK(p.mask_bit() == (RegMask{1} << 14));
  CHECK(Reg::Physical(RegClass::kFloat, 3).mask_bit() == (RegMask{1} << 35));
  CHECK_FALSE(Reg().valid());
  CHECK(v != p);
}

TEST_CASE("ForEachRegOperand reports memory base and index as uses", "[backend][common]") {
  MachFunction fn;
  Reg a = fn.NewVReg(RegClass::kInt);
  Reg b = fn.NewVReg(RegClass::kInt);
  Reg c = fn.NewVReg(RegClass::kInt);
  MachInst inst;
  inst.operands = {Operand::Def(a), Operand::Mem(b, c, 1, 16)};
  std::vector<std::pair<uint32_t, uint8_t>> seen;
  ForEachRegOperand(inst, [&](Reg r, uint8_t role) { seen.push_back({r.id(), role}); });
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == std::make_pair(a.id(), uint8_t{kDef}));
  CHECK(seen[1] == std::make_pair(b.id(), uint8_t{kUse}));
  CHECK(seen[2] == std::make_pair(c.id(), uint8_t{kUse}));
  RewriteRegs(inst, [](Reg r, uint8_t) { return Reg::Physical(r.reg_class(), r.id() + 1); });
  CHECK(inst.operands[0].reg == Reg::Physical(RegClass::kInt, a.id() + 1));
  CHECK(inst.operands[1].index == Reg::Physical(RegClass::kInt, c.id() + 1));
}

TEST_CASE("frame layout aligns slots and keeps the stack 16-byte aligned", "[backend][common]") {
  FrameLayout frame;
  SlotId s8 = frame.AddSpillSlot(RegClass::kInt);
  SlotId s16 = frame.AddSpillSlot(RegClass::kFloat);
  SlotId t8 = frame.AddSlot(8);
  frame.NeedOutgoingArea(24);
  frame.Finalize(/*callee_saved_bytes=*/8);
  // The outgoing area rounds up to 32; the 16-byte slot comes first.
  CHECK(frame.SlotOffset(s16) == 32);
  CHECK(frame.SlotOffset(s8) == 48);
  CHECK(frame.SlotOffset(t8) == 56);
  CHECK((frame.frame_size() + 8) % 16 == 0);
  CHECK(frame.frame_size() >= 64);
}

TEST_CASE("the trap table finds exact offsets only", "[backend][common]") {
  CompiledCode code;
  code.trap_sites = {{4, trap::TrapCode::kOutOfBoundsMemoryAccess},
                     {10, trap::TrapCode::kIntegerDivideByZero}};
  REQUIRE(code.FindTrapSite(10) != nullptr);
  CHECK(code.FindTrapSite(10)->code == trap::TrapCode::kIntegerDivideByZero);
  CHECK(code.FindTrapSite(4)->code == trap::TrapCode::kOutOfBoundsMemoryAccess);
  CHECK(code.FindTrapSite(5) == nullptr);
  CHECK(code.FindTrapSite(11) == nullptr);
  CHECK(TrapResult(trap::TrapCode::kUnreachable) == 1);
}

}  // namespace
}  // namespace kiln::backend
