// Encoder tests in asmjit's style: machine instructions on physical registers in, asmjit's
// StringLogger text out, one expectation per instruction or expanded pseudo instruction.
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "backend/x86_64/emit.h"
#include "backend/x86_64/inst.h"
#include "backend/x86_64/registers.h"
#include "catch2/catch.hpp"
#include "compiler/ssa/opcode.h"

namespace kiln::backend::x86_64 {
namespace {

std::string EmitOne(MachInst inst) {
  MachFunction fn;
  fn.NewBlock();
  fn.blocks[0].insts.push_back(std::move(inst));
  fn.frame.Finalize(0);
  auto text = EmitFunctionText(fn);
  INFO(text.status().ToString());
  REQUIRE(text.ok());
  return *text;
}

// Strip keeps the instruction lines (label lines such as "L0:" go) joined by newlines.
std::string Strip(const std::string& text) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line.back() == ':') continue;
    lines.emplace_back(line);
  }
  return absl::StrJoin(lines, "\n");
}

TEST_CASE("integer instructions encode as expected", "[backend][x86_64][emit]") {
  using Row = std::tuple<MachInst, std::string>;
  auto row = GENERATE(table<MachInst, std::string>({
      Row{MakeInst(Op::kAdd, 4, {Operand::UseDef(Gpr(kRax)), Operand::Imm(5)}), "add eax, 5"},
      Row{MakeInst(Op::kSub, 8, {Operand::UseDef(Gpr(kR9)), Operand::Use(Gpr(kRbx))}), "sub r9, rbx"},
      Row{MakeInst(Op::kImul, 4, {Operand::UseDef(Gpr(kRcx)), Operand::Imm(10)}), "imul ecx, ecx, 10"},
      Row{MakeInst(Op::kShl, 8, {Operand::UseDef(Gpr(kRdx)), Operand::Use(Gpr(kRcx))}), "shl rdx, cl"},
      Row{MakeInst(Op::kMovImm, 8, {Operand::Def(Gpr(kRsi)), Operand::Imm(0x123456789)}),
          "mov rsi, 4886718345"},
      Row{MakeInst(Op::kZext32, 4, {Operand::Def(Gpr(kRax)), Operand::Use(Gpr(kR12))}), "mov eax, r12d"},
      Row{MakeInst(Op::kMovsxd, 8, {Operand::Def(Gpr(kRax)), Operand::Use(Gpr(kRcx))}), "movsxd rax, ecx"},
      Row{MakeInst(Op::kSetcc, 4, {Operand::Def(Gpr(kRsi))}, static_cast<uint32_t>(Cond::kL)),
          "rex setl sil\nrex movzx esi, sil"},
      Row{MakeInst(Op::kLoad, 8,
                   {Operand::Def(Gpr(kRax)), Operand::Mem(Gpr(kRbx), Gpr(kRcx), 1, 16)},
                   static_cast<uint32_t>(LoadKind::kZx8)),
          "movzx eax, byte ptr [rbx+rcx+16]"},
      Row{MakeInst(Op::kStoreImm, 2, {Operand::Mem(Gpr(kR14), Reg(), 1, 40), Operand::Imm(-1)}),
          "mov word ptr [r14+40], -1"},
      Row{MakeInst(Op::kCmpMemImm, 4, {Operand::Mem(Gpr(kR14), Reg(), 1, 16), Operand::Imm(0)}),
          "cmp dword ptr [r14+16], 0"},
  }));
  CHECK(Strip(EmitOne(std::get<0>(row))) == std::get<1>(row));
}

TEST_CASE("signed division checks -1 before idiv", "[backend][x86_64][emit]") {
  std::string text = EmitOne(MakeInst(
      Op::kDiv, 4, {Operand::UseDef(Gpr(kRax)), Operand::Temp(Gpr(kRdx)), Operand::Use(Gpr(kRcx))},
      static_cast<uint32_t>(DivKind::kSdiv)));
  CAPTURE(text);
  CHECK(absl::StrContains(text, "cmp ecx, -1"));
  CHECK(absl::StrContains(text, "neg eax"));
  CHECK(absl::StrContains(text, "jo "));
  CHECK(absl::StrContains(text, "cdq edx, eax"));
  CHECK(absl::StrContains(text, "idiv edx, eax, ecx"));
  CHECK(absl::StrContains(text, "ud2"));  // the out-of-line integer_overflow site
}

TEST_CASE("float pseudo instructions expand to Wasm semantics", "[backend][x86_64][emit]") {
  SECTION("fmin handles NaN and signed zeros") {
    std::string text = EmitOne(MakeInst(Op::kFMin, 8, {Operand::UseDef(Xmm(0)), Operand::Use(Xmm(1))}));
    CAPTURE(text);
    CHECK(absl::StrContains(text, "ucomisd xmm0, xmm1"));
    CHECK(absl::StrContains(text, "orps xmm0, xmm1"));
    CHECK(absl::StrContains(text, "addsd xmm0, xmm1"));
    CHECK(absl::StrContains(text, "minsd xmm0, xmm1"));
  }
  SECTION("nearest is roundsd with mode 0 and no precision exception") {
    std::string text = EmitOne(MakeInst(Op::kFRound, 8, {Operand::Def(Xmm(2)), Operand::Use(Xmm(3))},
                                        static_cast<uint32_t>(RoundMode::kNearest)));
    CHECK(Strip(text) == "roundsd xmm2, xmm3, 8");
  }
  SECTION("f32 equality requires an ordered result") {
    std::string text = EmitOne(MakeInst(
        Op::kFCmpSet, 4, {Operand::Def(Gpr(kRax)), Operand::Use(Xmm(0)), Operand::Use(Xmm(1))},
        static_cast<uint32_t>(ssa::FloatCC::kEq)));
    CHECK(Strip(text) == "ucomiss xmm0, xmm1\nsete al\nrex setnp r11b\nrex and al, r11b\nmovzx eax, al");
  }
}

TEST_CASE("a virtual register left after allocation is an internal error", "[backend][x86_64][emit]") {
  MachFunction fn;
  fn.NewBlock();
  Reg v = fn.NewVReg(RegClass::kInt);
  fn.blocks[0].insts.push_back(MakeInst(Op::kNeg, 4, {Operand::UseDef(v)}));
  fn.frame.Finalize(0);
  auto text = EmitFunctionText(fn);
  REQUIRE_FALSE(text.ok());
  CHECK(text.status().code() == absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace kiln::backend::x86_64
