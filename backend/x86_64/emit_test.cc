// Encoder tests in asmjit's style: machine instructions on physical registers in, asmjit's
// StringLogger text out, one expectation per instruction or expanded pseudo instruction.
#include <cstring>
#include <vector>

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
      Row{MakeInst(Op::kPoll, 4, {Operand::Mem(Gpr(kR14), Reg(), 1, -8)},
                   static_cast<uint32_t>(trap::TrapCode::kInterrupted)),
          "mov r11d, dword ptr [r14-8]"},
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

TEST_CASE("an interrupt poll is one load recorded as an interrupted trap site",
          "[backend][x86_64][emit]") {
  MachFunction fn;
  fn.NewBlock();
  fn.blocks[0].insts.push_back(MakeInst(Op::kPoll, 4, {Operand::Mem(Gpr(kR14), Reg(), 1, -8)},
                                        static_cast<uint32_t>(trap::TrapCode::kInterrupted)));
  fn.blocks[0].insts.push_back(MakeInst(Op::kRet, 0, {}));
  fn.frame.Finalize(0);
  auto code = EmitModule({fn}, 0, {}, 0);
  REQUIRE(code.ok());
  const TrapSite* site = nullptr;
  for (const TrapSite& s : code->trap_sites) {
    if (s.code == trap::TrapCode::kInterrupted) site = &s;
  }
  REQUIRE(site != nullptr);
  // The fault's pc is the load itself: mov r11d, [r14 - 8] (REX.RB, 8B, modrm, disp8).
  REQUIRE(site->code_offset + 4 <= code->code.size());
  std::vector<uint8_t> at(code->code.begin() + site->code_offset,
                          code->code.begin() + site->code_offset + 4);
  CHECK(at == std::vector<uint8_t>{0x45, 0x8b, 0x5e, 0xf8});
}

// LoopFunction is `do { eax += 1 } while (eax < 10)` with its back-edge through an edge block
// that only jumps (as lowering leaves it when the allocator coalesces the edge's moves):
// block 1 is the loop head, block 3 the edge block after the exit.
MachFunction LoopFunction() {
  MachFunction fn;
  for (int i = 0; i < 4; ++i) fn.NewBlock();
  auto& b = fn.blocks;
  b[0].insts.push_back(MakeInst(Op::kMovImm, 4, {Operand::Def(Gpr(kRax)), Operand::Imm(0)}));
  b[1].insts.push_back(MakeInst(Op::kAdd, 4, {Operand::UseDef(Gpr(kRax)), Operand::Imm(1)}));
  b[1].insts.push_back(MakeInst(Op::kCmp, 4, {Operand::Use(Gpr(kRax)), Operand::Imm(10)}));
  b[1].insts.push_back(MakeInst(Op::kJcc, 0, {Operand::BlockTarget(3), Operand::BlockTarget(2)},
                                static_cast<uint32_t>(Cond::kL)));
  b[2].insts.push_back(MakeInst(Op::kRet, 0, {Operand::Use(Gpr(kRax))}));
  b[3].insts.push_back(
      MakeInst(Op::kMovRR, 8, {Operand::Def(Gpr(kRax)), Operand::Use(Gpr(kRax))}));
  b[3].insts.push_back(MakeInst(Op::kJmp, 0, {Operand::BlockTarget(1)}));
  fn.frame.Finalize(0);
  return fn;
}

TEST_CASE("a back-edge through a block that only jumps branches to the loop head directly",
          "[backend][x86_64][emit]") {
  auto code = EmitModule({LoopFunction()}, 0, {}, 0);
  REQUIRE(code.ok());
  REQUIRE(code->functions.size() == 1);
  const std::vector<uint8_t>& bytes = code->code;
  size_t begin = code->functions[0].offset;
  size_t end = begin + code->functions[0].size;
  // The loop head `add eax, 1` (83 c0 01) is followed by `cmp eax, 10` (83 f8 0a) and a
  // `jl` (7c rel8 or 0f 8c rel32) whose target is the head itself.
  size_t head = end;
  for (size_t i = begin; i + 3 <= end; ++i) {
    if (bytes[i] == 0x83 && bytes[i + 1] == 0xc0 && bytes[i + 2] == 0x01) head = i;
  }
  REQUIRE(head != end);
  CHECK(head % 16 == 0);  // loop heads are aligned
  size_t jcc = head + 6;
  REQUIRE(jcc + 2 <= end);
  int64_t target;
  if (bytes[jcc] == 0x7c) {
    target = static_cast<int64_t>(jcc + 2) + static_cast<int8_t>(bytes[jcc + 1]);
  } else {
    REQUIRE(jcc + 6 <= end);
    REQUIRE(bytes[jcc] == 0x0f);
    REQUIRE(bytes[jcc + 1] == 0x8c);
    int32_t rel;
    std::memcpy(&rel, &bytes[jcc + 2], 4);
    target = static_cast<int64_t>(jcc + 6) + rel;
  }
  CHECK(target == static_cast<int64_t>(head));
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
