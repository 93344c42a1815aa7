// x86_64 emission through asmjit's x86::Assembler: the only file that includes asmjit. It
// expands every machine opcode (ops.def), including the pseudo instructions with Wasm
// semantics (division checks, float min/max, conversions), records trap sites while it emits,
// and builds the trampolines (docs/calling_convention.md).
#include "backend/x86_64/emit.h"

#include <asmjit/x86.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "backend/x86_64/abi.h"
#include "backend/x86_64/inst.h"
#include "backend/x86_64/prologue.h"
#include "backend/x86_64/registers.h"
#include "compiler/base/status_macros.h"
#include "compiler/ssa/opcode.h"
#include "compiler/vmctx/layout.h"

namespace kiln::backend::x86_64 {
namespace {

namespace x86 = asmjit::x86;
using asmjit::Label;

// -- Errors ----------------------------------------------------------------------------------

// ErrorRecorder keeps the first asmjit error; ToStatus is the one conversion to Status.
class ErrorRecorder : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter*) override {
    if (error_ == asmjit::kErrorOk) {
      error_ = err;
      message_ = message;
    }
  }
  absl::Status ToStatus() const {
    if (error_ == asmjit::kErrorOk) return absl::OkStatus();
    return absl::InternalError(absl::StrCat("x86_64 emit: asmjit error ", error_, ": ", message_));
  }

 private:
  asmjit::Error error_ = asmjit::kErrorOk;
  std::string message_;
};

// -- Operand conversion ------------------------------------------------------------------------

x86::Gp Gp64(Reg r) { return x86::gpq(r.id()); }
x86::Gp Gp32(Reg r) { return x86::gpd(r.id()); }
x86::Gp GpSized(Reg r, int size) {
  switch (size) {
    case 1: return x86::gpb(r.id());
    case 2: return x86::gpw(r.id());
    case 4: return x86::gpd(r.id());
    default: return x86::gpq(r.id());
  }
}
x86::Xmm XmmOf(Reg r) { return x86::xmm(r.id()); }

uint32_t Shift(uint8_t scale) {
  switch (scale) {
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    default: return 0;
  }
}

x86::CondCode CC(uint32_t cond) { return static_cast<x86::CondCode>(cond & 0xf); }

// -- Function emission -----------------------------------------------------------------------

// FunctionEmitter assembles one function into its own CodeHolder, starting at offset 0. The
// code depends only on offsets inside the function (its start is 16-byte aligned in the
// module, so its own 16-byte alignments stay aligned), except for direct calls: those are
// recorded as CallSites and patched when the module is linked (LinkModule).
class FunctionEmitter {
 public:
  explicit FunctionEmitter(asmjit::CodeHolder* code) : a_(code) {}

  std::vector<TrapSite>& trap_sites() { return trap_sites_; }
  std::vector<CallSite>& call_sites() { return call_sites_; }

  void RecordTrap(trap::TrapCode code) {
    trap_sites_.push_back({static_cast<uint32_t>(a_.offset()), code});
  }

  absl::Status EmitFunction(const MachFunction& fn);

  // Shared float constants are loaded through r11 into `dst`.
  void LoadFloatConst(x86::Xmm dst, uint64_t bits, int size) {
    if (bits == 0) {
      a_.xorps(dst, dst);
      return;
    }
    a_.mov(x86::r11, bits);
    if (size == 4) {
      a_.movd(dst, x86::r11d);
    } else {
      a_.movq(dst, x86::r11);
    }
  }

 private:
  x86::Mem MemOf(const Operand& op, uint32_t size) const {
    if (op.kind == OperandKind::kSlot) {
      return x86::ptr(x86::rsp, frame_->SlotOffset(static_cast<SlotId>(op.imm)) + op.disp, size);
    }
    if (op.index.valid()) {
      return x86::ptr(Gp64(op.base), Gp64(op.index), Shift(op.scale), op.disp, size);
    }
    return x86::ptr(Gp64(op.base), op.disp, size);
  }
  Label TrapLabel(trap::TrapCode code) {
    auto it = trap_labels_.find(code);
    if (it != trap_labels_.end()) return it->second;
    Label l = a_.newLabel();
    trap_labels_[code] = l;
    return l;
  }
  Label BlockLabel(int64_t id) { return block_labels_[static_cast<size_t>(id)]; }
  // JumpTarget is where a jump to block `id` really goes: past blocks that do nothing but
  // jump on (edge blocks whose moves the allocator coalesced away), so that a loop's
  // back-edge is one branch to its header instead of a branch to a `jmp`.
  size_t JumpTarget(int64_t id) const { return jump_targets_[static_cast<size_t>(id)]; }
  void ComputeJumpTargets(const MachFunction& fn);

  void EmitInst(const MachInst& inst, size_t block_index);
  void EmitPrologue();
  void EmitEpilogue();
  void EmitAlu(const MachInst& inst);
  void EmitShift(const MachInst& inst);
  void EmitDiv(const MachInst& inst);
  void EmitFloatBinary(const MachInst& inst);
  void EmitMinMax(const MachInst& inst, bool is_min);
  void EmitFCmpSet(const MachInst& inst);
  void EmitFToInt(const MachInst& inst);
  void EmitFFromUint(const MachInst& inst);

  x86::Assembler a_;
  std::vector<TrapSite> trap_sites_;
  std::vector<CallSite> call_sites_;
  // Per function:
  const MachFunction* fn_ = nullptr;
  const FrameLayout* frame_ = nullptr;
  std::vector<Label> block_labels_;
  std::vector<size_t> jump_targets_;
  // loop_heads_[b]: some later block jumps back to b. Loop heads start at a 16-byte boundary,
  // so that a loop's speed does not depend on where the code before it happens to end.
  std::vector<bool> loop_heads_;
  std::map<trap::TrapCode, Label> trap_labels_;
  std::vector<std::pair<Label, std::vector<Label>>> jump_tables_;
  size_t next_block_ = 0;
};

absl::Status FunctionEmitter::EmitFunction(const MachFunction& fn) {
  fn_ = &fn;
  frame_ = &fn.frame;
  block_labels_.clear();
  trap_labels_.clear();
  jump_tables_.clear();
  for (size_t i = 0; i < fn.blocks.size(); ++i) block_labels_.push_back(a_.newLabel());
  ComputeJumpTargets(fn);
  for (size_t b = 0; b < fn.blocks.size(); ++b) {
    if (loop_heads_[b]) a_.align(asmjit::AlignMode::kCode, 16);
    a_.bind(block_labels_[b]);
    next_block_ = b + 1;
    for (const MachInst& inst : fn.blocks[b].insts) {
      ForEachRegOperand(inst, [&](Reg r, uint8_t) {
        if (r.is_virtual()) {
          // Reported below; asmjit would otherwise encode garbage.
          next_block_ = SIZE_MAX;
        }
      });
      if (next_block_ == SIZE_MAX) {
        return absl::InternalError(absl::StrCat("x86_64 emit: unallocated virtual register in ",
                                                fn.name, ": ", PrintInst(inst)));
      }
      EmitInst(inst, b);
    }
  }
  // Out-of-line trap sites, one ud2 per trap code.
  for (const auto& [code, label] : trap_labels_) {
    a_.bind(label);
    RecordTrap(code);
    a_.ud2();
  }
  // Jump tables: 32-bit offsets of each target from the table start.
  for (const auto& [table, targets] : jump_tables_) {
    a_.align(asmjit::AlignMode::kData, 4);
    a_.bind(table);
    for (const Label& target : targets) a_.embedLabelDelta(target, table, 4);
  }
  return absl::OkStatus();
}

// OnlyJumps says whether `block` emits nothing but its final jmp: moves from a register to
// itself emit nothing.
static bool OnlyJumps(const MachBlock& block) {
  if (block.insts.empty() || OpOf(block.insts.back()) != Op::kJmp) return false;
  for (size_t i = 0; i + 1 < block.insts.size(); ++i) {
    const MachInst& inst = block.insts[i];
    bool self_move = (OpOf(inst) == Op::kMovRR || OpOf(inst) == Op::kMovF) &&
                     inst.operands[0].reg == inst.operands[1].reg;
    if (!self_move) return false;
  }
  return true;
}

void FunctionEmitter::ComputeJumpTargets(const MachFunction& fn) {
  size_t n = fn.blocks.size();
  jump_targets_.resize(n);
  for (size_t b = 0; b < n; ++b) {
    size_t target = b;
    // At most n hops: a cycle of jump-only blocks (an empty infinite loop) keeps `b`.
    for (size_t hops = 0; hops < n && OnlyJumps(fn.blocks[target]); ++hops) {
      target = static_cast<size_t>(fn.blocks[target].insts.back().operands[0].imm);
      if (target == b) break;
    }
    jump_targets_[b] = OnlyJumps(fn.blocks[target]) ? b : target;
  }
  loop_heads_.assign(n, false);
  for (size_t b = 0; b < n; ++b) {
    if (OnlyJumps(fn.blocks[b])) continue;  // emits a jump to its final target, if anything
    for (const MachInst& inst : fn.blocks[b].insts) {
      Op op = OpOf(inst);
      if (op != Op::kJmp && op != Op::kJcc) continue;
      for (const Operand& target : inst.operands) {
        size_t to = JumpTarget(target.imm);
        if (to <= b) loop_heads_[to] = true;
      }
    }
  }
}

void FunctionEmitter::EmitPrologue() {
  std::vector<uint32_t> saves = SavedRegisterOrder(frame_->saved_registers());
  int32_t total = static_cast<int32_t>(saves.size() * 8 + frame_->frame_size());
  a_.push(x86::rbp);
  a_.mov(x86::rbp, x86::rsp);
  // The limit is the runtime's thread-local (runtime/trap/entry.h): the vmctx holds its offset
  // from the fs base. rax is free here: it carries no argument (abi.h kIntArgRegs) and is
  // caller-saved.
  a_.lea(x86::r11, x86::ptr(x86::rsp, -total));
  a_.mov(x86::rax, x86::qword_ptr(x86::r14, vmctx::kStackLimitTlsOffset));
  x86::Mem limit = x86::qword_ptr(x86::rax);
  limit.setSegment(x86::fs);
  a_.cmp(x86::r11, limit);
  a_.jb(TrapLabel(trap::TrapCode::kCallStackExhausted));
  for (uint32_t r : saves) a_.push(x86::gpq(r));
  if (frame_->frame_size() > 0) a_.sub(x86::rsp, frame_->frame_size());
}

void FunctionEmitter::EmitEpilogue() {
  std::vector<uint32_t> saves = SavedRegisterOrder(frame_->saved_registers());
  if (frame_->frame_size() > 0) a_.add(x86::rsp, frame_->frame_size());
  for (auto it = saves.rbegin(); it != saves.rend(); ++it) a_.pop(x86::gpq(*it));
  a_.pop(x86::rbp);
  a_.ret();
}

void FunctionEmitter::EmitAlu(const MachInst& inst) {
  int size = inst.size;
  x86::Gp dst = GpSized(inst.operands[0].reg, size);
  const Operand& src = inst.operands[1];
  asmjit::Imm imm(src.imm);
  bool is_imm = src.kind == OperandKind::kImm;
  x86::Gp s = is_imm ? dst : GpSized(src.reg, size);
  switch (OpOf(inst)) {
    case Op::kAdd: is_imm ? a_.add(dst, imm) : a_.add(dst, s); break;
    case Op::kSub: is_imm ? a_.sub(dst, imm) : a_.sub(dst, s); break;
    case Op::kAnd: is_imm ? a_.and_(dst, imm) : a_.and_(dst, s); break;
    case Op::kOr: is_imm ? a_.or_(dst, imm) : a_.or_(dst, s); break;
    case Op::kXor: is_imm ? a_.xor_(dst, imm) : a_.xor_(dst, s); break;
    case Op::kImul: is_imm ? a_.imul(dst, dst, imm) : a_.imul(dst, s); break;
    default: break;
  }
}

void FunctionEmitter::EmitShift(const MachInst& inst) {
  x86::Gp dst = GpSized(inst.operands[0].reg, inst.size);
  const Operand& amount = inst.operands[1];
  bool is_imm = amount.kind == OperandKind::kImm;
  asmjit::Imm imm(amount.imm);
  switch (OpOf(inst)) {
    case Op::kShl: is_imm ? a_.shl(dst, imm) : a_.shl(dst, x86::cl); break;
    case Op::kShr: is_imm ? a_.shr(dst, imm) : a_.shr(dst, x86::cl); break;
    case Op::kSar: is_imm ? a_.sar(dst, imm) : a_.sar(dst, x86::cl); break;
    case Op::kRol: is_imm ? a_.rol(dst, imm) : a_.rol(dst, x86::cl); break;
    case Op::kRor: is_imm ? a_.ror(dst, imm) : a_.ror(dst, x86::cl); break;
    default: break;
  }
}

// EmitDiv: rax = rax op divisor. A zero divisor faults in div/idiv (the trap site); a divisor
// of -1 takes an explicit path because idiv would also fault for INT_MIN / -1.
void FunctionEmitter::EmitDiv(const MachInst& inst) {
  int size = inst.size;
  x86::Gp divisor = GpSized(inst.operands[2].reg, size);
  x86::Gp rax = GpSized(Gpr(kRax), size);
  x86::Gp rdx = GpSized(Gpr(kRdx), size);
  DivKind kind = static_cast<DivKind>(inst.aux);
  if (kind == DivKind::kUdiv || kind == DivKind::kUrem) {
    a_.xor_(x86::edx, x86::edx);
    RecordTrap(trap::TrapCode::kIntegerDivideByZero);
    a_.div(rdx, rax, divisor);
    if (kind == DivKind::kUrem) a_.mov(rax, rdx);
    return;
  }
  Label normal = a_.newLabel();
  Label done = a_.newLabel();
  a_.cmp(divisor, -1);
  a_.jne(normal);
  if (kind == DivKind::kSdiv) {
    // x / -1 == -x, which overflows exactly for INT_MIN.
    a_.neg(rax);
    a_.jo(TrapLabel(trap::TrapCode::kIntegerOverflow));
  } else {
    a_.xor_(x86::eax, x86::eax);
  }
  a_.jmp(done);
  a_.bind(normal);
  if (size == 8) {
    a_.cqo(x86::rdx, x86::rax);
  } else {
    a_.cdq(x86::edx, x86::eax);
  }
  RecordTrap(trap::TrapCode::kIntegerDivideByZero);
  a_.idiv(rdx, rax, divisor);
  if (kind == DivKind::kSrem) a_.mov(rax, rdx);
  a_.bind(done);
}

void FunctionEmitter::EmitFloatBinary(const MachInst& inst) {
  x86::Xmm d = XmmOf(inst.operands[0].reg);
  x86::Xmm s = XmmOf(inst.operands[1].reg);
  bool f32 = inst.size == 4;
  switch (OpOf(inst)) {
    case Op::kFAdd: f32 ? a_.addss(d, s) : a_.addsd(d, s); break;
    case Op::kFSub: f32 ? a_.subss(d, s) : a_.subsd(d, s); break;
    case Op::kFMul: f32 ? a_.mulss(d, s) : a_.mulsd(d, s); break;
    case Op::kFDiv: f32 ? a_.divss(d, s) : a_.divsd(d, s); break;
    default: break;
  }
}

// EmitMinMax gives Wasm's fmin/fmax: a NaN operand makes the result NaN (addss propagates it,
// quieted), and of two equal operands -0 wins for min, +0 for max (or / and of the bits).
void FunctionEmitter::EmitMinMax(const MachInst& inst, bool is_min) {
  x86::Xmm d = XmmOf(inst.operands[0].reg);
  x86::Xmm s = XmmOf(inst.operands[1].reg);
  bool f32 = inst.size == 4;
  Label nan = a_.newLabel();
  Label not_equal = a_.newLabel();
  Label done = a_.newLabel();
  f32 ? a_.ucomiss(d, s) : a_.ucomisd(d, s);
  a_.jp(nan);
  a_.jne(not_equal);
  is_min ? a_.orps(d, s) : a_.andps(d, s);
  a_.jmp(done);
  a_.bind(nan);
  f32 ? a_.addss(d, s) : a_.addsd(d, s);
  a_.jmp(done);
  a_.bind(not_equal);
  if (is_min) {
    f32 ? a_.minss(d, s) : a_.minsd(d, s);
  } else {
    f32 ? a_.maxss(d, s) : a_.maxsd(d, s);
  }
  a_.bind(done);
}

void FunctionEmitter::EmitFCmpSet(const MachInst& inst) {
  x86::Gp d8 = x86::gpb(inst.operands[0].reg.id());
  x86::Gp d32 = Gp32(inst.operands[0].reg);
  x86::Xmm a = XmmOf(inst.operands[1].reg);
  x86::Xmm b = XmmOf(inst.operands[2].reg);
  bool f32 = inst.size == 4;
  auto ucomis = [&](x86::Xmm x, x86::Xmm y) { f32 ? a_.ucomiss(x, y) : a_.ucomisd(x, y); };
  switch (static_cast<ssa::FloatCC>(inst.aux)) {
    case ssa::FloatCC::kEq:
      ucomis(a, b);
      a_.sete(d8);
      a_.setnp(x86::r11b);
      a_.and_(d8, x86::r11b);
      break;
    case ssa::FloatCC::kNe:
      ucomis(a, b);
      a_.setne(d8);
      a_.setp(x86::r11b);
      a_.or_(d8, x86::r11b);
      break;
    // Unordered sets CF, ZF and PF, so `a` / `ae` are false on NaN.
    case ssa::FloatCC::kLt: ucomis(b, a); a_.seta(d8); break;
    case ssa::FloatCC::kLe: ucomis(b, a); a_.setae(d8); break;
    case ssa::FloatCC::kGt: ucomis(a, b); a_.seta(d8); break;
    case ssa::FloatCC::kGe: ucomis(a, b); a_.setae(d8); break;
  }
  a_.movzx(d32, d8);
}

// EmitFToInt: truncation toward zero. Trapping forms trap invalid_conversion_to_integer on
// NaN and integer_overflow out of range; saturating forms clamp (NaN → 0).
void FunctionEmitter::EmitFToInt(const MachInst& inst) {
  Reg dst_reg = inst.operands[0].reg;
  x86::Xmm s = XmmOf(inst.operands[1].reg);
  x86::Xmm t = XmmOf(inst.operands[2].reg);
  int dst_size = inst.size;
  int src_size = FloatToIntAux::src_size(inst.aux);
  bool is_signed = FloatToIntAux::is_signed(inst.aux);
  bool saturating = FloatToIntAux::saturating(inst.aux);
  bool f32 = src_size == 4;
  x86::Gp d = GpSized(dst_reg, dst_size);
  x86::Gp d64 = Gp64(dst_reg);
  auto ucomis = [&](x86::Xmm x, x86::Xmm y) { f32 ? a_.ucomiss(x, y) : a_.ucomisd(x, y); };
  auto cvtt = [&](x86::Gp out, x86::Xmm in) { f32 ? a_.cvttss2si(out, in) : a_.cvttsd2si(out, in); };
  auto load_const = [&](x86::Xmm x, double value) {
    uint64_t bits;
    if (f32) {
      float f = static_cast<float>(value);
      uint32_t b32;
      std::memcpy(&b32, &f, 4);
      bits = b32;
    } else {
      std::memcpy(&bits, &value, 8);
    }
    LoadFloatConst(x, bits, f32 ? 4 : 8);
  };
  Label done = a_.newLabel();
  Label invalid = saturating ? a_.newLabel() : TrapLabel(trap::TrapCode::kInvalidConversionToInteger);
  Label overflow_low = saturating ? a_.newLabel() : TrapLabel(trap::TrapCode::kIntegerOverflow);
  Label overflow_high = saturating ? a_.newLabel() : TrapLabel(trap::TrapCode::kIntegerOverflow);
  double two_n = dst_size == 4 ? 4294967296.0 : 18446744073709551616.0;

  if (is_signed) {
    cvtt(d, s);
    // cvtt returns INT_MIN for NaN and out-of-range values; INT_MIN - 1 overflows.
    a_.cmp(d, 1);
    a_.jno(done);
    ucomis(s, s);
    a_.jp(invalid);
    a_.xorps(t, t);
    ucomis(s, t);
    a_.ja(overflow_high);
    // Negative: INT_MIN is right unless the value lies below the range.
    double low = dst_size == 4 ? -2147483648.0 : -9223372036854775808.0;
    if (dst_size == 4 && !f32) {
      load_const(t, -2147483649.0);
      ucomis(s, t);
      a_.jbe(overflow_low);
    } else {
      load_const(t, low);
      ucomis(s, t);
      a_.jb(overflow_low);
    }
    a_.jmp(done);
  } else {
    ucomis(s, s);
    a_.jp(invalid);
    if (saturating) {
      a_.xorps(t, t);
      ucomis(s, t);
      a_.jbe(overflow_low);  // s <= 0 (and -1 < s <= 0 truncates to 0 too)
    } else {
      load_const(t, -1.0);
      ucomis(s, t);
      a_.jbe(overflow_low);
    }
    load_const(t, two_n);
    ucomis(s, t);
    a_.jae(overflow_high);
    if (dst_size == 4) {
      cvtt(d64, s);
      a_.mov(Gp32(dst_reg), Gp32(dst_reg));
    } else {
      Label big = a_.newLabel();
      load_const(t, 9223372036854775808.0);
      ucomis(s, t);
      a_.jae(big);
      cvtt(d64, s);
      a_.jmp(done);
      a_.bind(big);
      a_.movaps(x86::xmm15, s);
      f32 ? a_.subss(x86::xmm15, t) : a_.subsd(x86::xmm15, t);
      cvtt(d64, x86::xmm15);
      a_.mov(x86::r11, uint64_t{1} << 63);
      a_.xor_(d64, x86::r11);
    }
    a_.jmp(done);
  }
  if (saturating) {
    a_.bind(invalid);
    a_.xor_(Gp32(dst_reg), Gp32(dst_reg));
    a_.jmp(done);
    a_.bind(overflow_low);
    if (is_signed) {
      a_.mov(d64, dst_size == 4 ? uint64_t{0x80000000u} : uint64_t{1} << 63);
    } else {
      a_.xor_(Gp32(dst_reg), Gp32(dst_reg));
    }
    a_.jmp(done);
    a_.bind(overflow_high);
    if (is_signed) {
      a_.mov(d64, dst_size == 4 ? uint64_t{0x7fffffffu} : ~(uint64_t{1} << 63));
    } else {
      a_.mov(d64, dst_size == 4 ? uint64_t{0xffffffffu} : ~uint64_t{0});
    }
  }
  a_.bind(done);
}

// EmitFFromUint: u32 fits a signed 64-bit conversion; u64 with the top bit set is halved
// (keeping the low bit for correct rounding), converted and doubled.
void FunctionEmitter::EmitFFromUint(const MachInst& inst) {
  x86::Xmm d = XmmOf(inst.operands[0].reg);
  Reg src = inst.operands[1].reg;
  x86::Gp tmp = Gp64(inst.operands[2].reg);
  bool f32 = inst.size == 4;
  auto cvt = [&](x86::Gp in) { f32 ? a_.cvtsi2ss(d, in) : a_.cvtsi2sd(d, in); };
  a_.xorps(d, d);
  if (inst.aux == 4) {
    a_.mov(x86::r11d, Gp32(src));
    cvt(x86::r11);
    return;
  }
  Label big = a_.newLabel();
  Label done = a_.newLabel();
  a_.test(Gp64(src), Gp64(src));
  a_.js(big);
  cvt(Gp64(src));
  a_.jmp(done);
  a_.bind(big);
  a_.mov(tmp, Gp64(src));
  a_.shr(tmp, 1);
  a_.mov(x86::r11, Gp64(src));
  a_.and_(x86::r11d, 1);
  a_.or_(tmp, x86::r11);
  cvt(tmp);
  f32 ? a_.addss(d, d) : a_.addsd(d, d);
  a_.bind(done);
}

void FunctionEmitter::EmitInst(const MachInst& inst, size_t block_index) {
  const auto& ops = inst.operands;
  auto reg = [&](size_t i) { return ops[i].reg; };
  switch (OpOf(inst)) {
    case Op::kMovRR:
      if (reg(0) != reg(1)) a_.mov(Gp64(reg(0)), Gp64(reg(1)));
      return;
    case Op::kZext32:
      a_.mov(Gp32(reg(0)), Gp32(reg(1)));
      return;
    case Op::kMovImm:
      if (inst.size == 4) {
        a_.mov(Gp32(reg(0)), static_cast<uint32_t>(ops[1].imm));
      } else {
        a_.mov(Gp64(reg(0)), static_cast<uint64_t>(ops[1].imm));
      }
      return;
    case Op::kLoad: {
      if ((inst.aux & kTrapSiteAux) != 0) RecordTrap(trap::TrapCode::kOutOfBoundsMemoryAccess);
      LoadKind kind = static_cast<LoadKind>(inst.aux & 0xff);
      x86::Gp d = GpSized(reg(0), inst.size == 4 ? 4 : 8);
      switch (kind) {
        case LoadKind::kZx8: a_.movzx(Gp32(reg(0)), MemOf(ops[1], 1)); break;
        case LoadKind::kSx8: a_.movsx(d, MemOf(ops[1], 1)); break;
        case LoadKind::kZx16: a_.movzx(Gp32(reg(0)), MemOf(ops[1], 2)); break;
        case LoadKind::kSx16: a_.movsx(d, MemOf(ops[1], 2)); break;
        case LoadKind::kU32: a_.mov(Gp32(reg(0)), MemOf(ops[1], 4)); break;
        case LoadKind::kSx32: a_.movsxd(Gp64(reg(0)), MemOf(ops[1], 4)); break;
        case LoadKind::k64: a_.mov(Gp64(reg(0)), MemOf(ops[1], 8)); break;
      }
      return;
    }
    case Op::kStore:
      if ((inst.aux & kTrapSiteAux) != 0) RecordTrap(trap::TrapCode::kOutOfBoundsMemoryAccess);
      a_.mov(MemOf(ops[0], inst.size), GpSized(reg(1), inst.size));
      return;
    case Op::kStoreImm: {
      if ((inst.aux & kTrapSiteAux) != 0) RecordTrap(trap::TrapCode::kOutOfBoundsMemoryAccess);
      int64_t v = ops[1].imm;
      if (inst.size == 1) v = static_cast<int8_t>(v);
      if (inst.size == 2) v = static_cast<int16_t>(v);
      a_.mov(MemOf(ops[0], inst.size), asmjit::Imm(v));
      return;
    }
    case Op::kLea:
      a_.lea(Gp64(reg(0)), MemOf(ops[1], 0));
      return;
    case Op::kAdd:
    case Op::kSub:
    case Op::kAnd:
    case Op::kOr:
    case Op::kXor:
    case Op::kImul:
      EmitAlu(inst);
      return;
    case Op::kShl:
    case Op::kShr:
    case Op::kSar:
    case Op::kRol:
    case Op::kRor:
      EmitShift(inst);
      return;
    case Op::kNeg:
      a_.neg(GpSized(reg(0), inst.size));
      return;
    case Op::kCmp:
      if (ops[1].kind == OperandKind::kImm) {
        a_.cmp(GpSized(reg(0), inst.size), asmjit::Imm(ops[1].imm));
      } else {
        a_.cmp(GpSized(reg(0), inst.size), GpSized(reg(1), inst.size));
      }
      return;
    case Op::kTest:
      a_.test(GpSized(reg(0), inst.size), GpSized(reg(1), inst.size));
      return;
    case Op::kCmpMemImm:
      a_.cmp(MemOf(ops[0], inst.size), asmjit::Imm(ops[1].imm));
      return;
    case Op::kPoll:
      // A load into the scratch register: no flags, no branch. It faults exactly when the
      // runtime has closed the poll page, and the trap handler maps the fault to aux's code.
      RecordTrap(static_cast<trap::TrapCode>(inst.aux));
      a_.mov(x86::r11d, MemOf(ops[0], 4));
      return;
    case Op::kSetcc:
      a_.set(CC(inst.aux), x86::gpb(reg(0).id()));
      a_.movzx(Gp32(reg(0)), x86::gpb(reg(0).id()));
      return;
    case Op::kCmov:
      a_.cmov(CC(inst.aux), GpSized(reg(0), inst.size), GpSized(reg(1), inst.size));
      return;
    case Op::kMovsx8:
      a_.movsx(GpSized(reg(0), inst.size), x86::gpb(reg(1).id()));
      return;
    case Op::kMovsx16:
      a_.movsx(GpSized(reg(0), inst.size), x86::gpw(reg(1).id()));
      return;
    case Op::kMovsxd:
      a_.movsxd(Gp64(reg(0)), Gp32(reg(1)));
      return;
    case Op::kClz: {
      int w = inst.size * 8;
      x86::Gp d = GpSized(reg(0), inst.size);
      a_.mov(x86::r11d, 2 * w - 1);
      a_.bsr(d, GpSized(reg(1), inst.size));
      a_.cmovz(d, GpSized(Gpr(kR11), inst.size));
      a_.xor_(d, w - 1);
      return;
    }
    case Op::kCtz: {
      x86::Gp d = GpSized(reg(0), inst.size);
      a_.mov(x86::r11d, inst.size * 8);
      a_.bsf(d, GpSized(reg(1), inst.size));
      a_.cmovz(d, GpSized(Gpr(kR11), inst.size));
      return;
    }
    case Op::kPopcnt:
      a_.popcnt(GpSized(reg(0), inst.size), GpSized(reg(1), inst.size));
      return;
    case Op::kDiv:
      EmitDiv(inst);
      return;

    case Op::kMovF:
      if (reg(0) != reg(1)) a_.movaps(XmmOf(reg(0)), XmmOf(reg(1)));
      return;
    case Op::kLoadF:
      if ((inst.aux & kTrapSiteAux) != 0) RecordTrap(trap::TrapCode::kOutOfBoundsMemoryAccess);
      if (inst.size == 4) a_.movss(XmmOf(reg(0)), MemOf(ops[1], 4));
      else if (inst.size == 8) a_.movsd(XmmOf(reg(0)), MemOf(ops[1], 8));
      else a_.movdqu(XmmOf(reg(0)), MemOf(ops[1], 16));
      return;
    case Op::kStoreF:
      if ((inst.aux & kTrapSiteAux) != 0) RecordTrap(trap::TrapCode::kOutOfBoundsMemoryAccess);
      if (inst.size == 4) a_.movss(MemOf(ops[0], 4), XmmOf(reg(1)));
      else if (inst.size == 8) a_.movsd(MemOf(ops[0], 8), XmmOf(reg(1)));
      else a_.movdqu(MemOf(ops[0], 16), XmmOf(reg(1)));
      return;
    case Op::kFConst:
      LoadFloatConst(XmmOf(reg(0)), static_cast<uint64_t>(ops[1].imm), inst.size);
      return;
    case Op::kFAdd:
    case Op::kFSub:
    case Op::kFMul:
    case Op::kFDiv:
      EmitFloatBinary(inst);
      return;
    case Op::kFMin:
      EmitMinMax(inst, true);
      return;
    case Op::kFMax:
      EmitMinMax(inst, false);
      return;
    case Op::kFSqrt:
      inst.size == 4 ? a_.sqrtss(XmmOf(reg(0)), XmmOf(reg(1))) : a_.sqrtsd(XmmOf(reg(0)), XmmOf(reg(1)));
      return;
    case Op::kFAbs:
      a_.mov(x86::r11, inst.size == 4 ? uint64_t{0x7fffffffu} : ~(uint64_t{1} << 63));
      a_.movq(x86::xmm15, x86::r11);
      a_.andps(XmmOf(reg(0)), x86::xmm15);
      return;
    case Op::kFNeg:
      a_.mov(x86::r11, inst.size == 4 ? uint64_t{0x80000000u} : uint64_t{1} << 63);
      a_.movq(x86::xmm15, x86::r11);
      a_.xorps(XmmOf(reg(0)), x86::xmm15);
      return;
    case Op::kFCopysign: {
      // The sign of the source first: the destination may share its register.
      x86::Xmm d = XmmOf(reg(0));
      a_.mov(x86::r11, inst.size == 4 ? uint64_t{0x80000000u} : uint64_t{1} << 63);
      a_.movq(x86::xmm15, x86::r11);
      a_.andps(x86::xmm15, XmmOf(reg(1)));
      if (inst.size == 4) {
        a_.pslld(d, 1);
        a_.psrld(d, 1);
      } else {
        a_.psllq(d, 1);
        a_.psrlq(d, 1);
      }
      a_.orps(d, x86::xmm15);
      return;
    }
    case Op::kFRound: {
      // Bit 3 suppresses the precision exception.
      uint32_t imm = (inst.aux & 3) | 8;
      inst.size == 4 ? a_.roundss(XmmOf(reg(0)), XmmOf(reg(1)), imm)
                     : a_.roundsd(XmmOf(reg(0)), XmmOf(reg(1)), imm);
      return;
    }
    case Op::kFCmpSet:
      EmitFCmpSet(inst);
      return;
    case Op::kFPromote:
      a_.cvtss2sd(XmmOf(reg(0)), XmmOf(reg(1)));
      return;
    case Op::kFDemote:
      a_.cvtsd2ss(XmmOf(reg(0)), XmmOf(reg(1)));
      return;
    case Op::kFFromSint: {
      x86::Xmm d = XmmOf(reg(0));
      x86::Gp s = inst.aux == 4 ? Gp32(reg(1)) : Gp64(reg(1));
      a_.xorps(d, d);
      inst.size == 4 ? a_.cvtsi2ss(d, s) : a_.cvtsi2sd(d, s);
      return;
    }
    case Op::kFFromUint:
      EmitFFromUint(inst);
      return;
    case Op::kFToInt:
      EmitFToInt(inst);
      return;
    case Op::kBitcastToF:
      inst.size == 4 ? a_.movd(XmmOf(reg(0)), Gp32(reg(1))) : a_.movq(XmmOf(reg(0)), Gp64(reg(1)));
      return;
    case Op::kBitcastToI:
      inst.size == 4 ? a_.movd(Gp32(reg(0)), XmmOf(reg(1))) : a_.movq(Gp64(reg(0)), XmmOf(reg(1)));
      return;
    case Op::kSelectF: {
      Label skip = a_.newLabel();
      a_.test(Gp32(reg(1)), Gp32(reg(1)));
      a_.jz(skip);
      if (reg(0) != reg(2)) a_.movaps(XmmOf(reg(0)), XmmOf(reg(2)));
      a_.bind(skip);
      return;
    }

    case Op::kDefineArgs:
      return;
    case Op::kJmp: {
      // Falling into the next block is free even when that block only jumps on.
      size_t next = block_index + 1;
      if (static_cast<size_t>(ops[0].imm) != next && JumpTarget(ops[0].imm) != next) {
        a_.jmp(BlockLabel(JumpTarget(ops[0].imm)));
      }
      return;
    }
    case Op::kJcc: {
      size_t next = block_index + 1;
      auto falls_through = [&](int64_t id) {
        return static_cast<size_t>(id) == next || JumpTarget(id) == next;
      };
      if (falls_through(ops[0].imm)) {
        a_.j(CC(static_cast<uint32_t>(Negate(static_cast<Cond>(inst.aux)))),
             BlockLabel(JumpTarget(ops[1].imm)));
        return;
      }
      a_.j(CC(inst.aux), BlockLabel(JumpTarget(ops[0].imm)));
      if (!falls_through(ops[1].imm)) a_.jmp(BlockLabel(JumpTarget(ops[1].imm)));
      return;
    }
    case Op::kJmpTable: {
      x86::Gp index = Gp64(reg(0));
      x86::Gp temp = Gp64(reg(1));
      size_t entries = ops.size() - 3;
      Label table = a_.newLabel();
      a_.cmp(Gp32(reg(0)), static_cast<uint32_t>(entries));
      a_.jae(BlockLabel(ops[2].imm));
      a_.lea(x86::r11, x86::ptr(table));
      a_.movsxd(temp, x86::ptr(x86::r11, index, 2, 0, 4));
      a_.add(x86::r11, temp);
      a_.jmp(x86::r11);
      std::vector<Label> targets;
      for (size_t i = 3; i < ops.size(); ++i) targets.push_back(BlockLabel(ops[i].imm));
      jump_tables_.push_back({table, std::move(targets)});
      return;
    }
    case Op::kRet:
      EmitEpilogue();
      return;
    case Op::kTrap:
      RecordTrap(static_cast<trap::TrapCode>(inst.aux));
      a_.ud2();
      return;
    case Op::kTrapIf:
      a_.j(CC(inst.aux), TrapLabel(static_cast<trap::TrapCode>(inst.aux >> 8)));
      return;
    case Op::kCallDirect: {
      // call rel32, with the displacement filled in by LinkModule once the callee's place in
      // the module is known.
      static constexpr uint8_t kCallRel32[5] = {0xe8, 0, 0, 0, 0};
      call_sites_.push_back(
          {static_cast<uint32_t>(a_.offset()) + 1, static_cast<uint32_t>(ops[0].imm)});
      a_.embed(kCallRel32, sizeof(kCallRel32));
      return;
    }
    case Op::kCallIndirect:
      if (inst.aux == 1) {
        a_.mov(x86::r14, Gp64(reg(1)));
        a_.call(Gp64(reg(0)));
        a_.mov(x86::r14, MemOf(ops[2], 8));
      } else {
        a_.call(Gp64(reg(0)));
      }
      return;
    case Op::kCallBuiltin:
      a_.mov(x86::r11, x86::ptr(x86::r14, vmctx::kBuiltinsOffset));
      a_.call(x86::ptr(x86::r11, static_cast<int32_t>(inst.aux * 8), 8));
      return;
    case Op::kPrologue:
      EmitPrologue();
      return;
    case Op::kStoreVmctx:
      a_.mov(MemOf(ops[0], 8), x86::r14);
      return;
  }
}

// -- Trampolines ---------------------------------------------------------------------------

// StoreToArray writes the value in `loc`'s register (or already in r11 / xmm15) to slot `index`
// of the array at `array`, with i32/f32 zero-extended to 64 bits.
void StoreValue(x86::Assembler& a, const x86::Gp& array, uint32_t slot, ssa::Type type,
                const x86::Gp& gp, const x86::Xmm& xmm) {
  x86::Mem m = x86::ptr(array, static_cast<int32_t>(slot * 8));
  switch (type) {
    case ssa::Type::kI32:
      a.mov(x86::r11d, gp.r32());
      a.mov(m, x86::r11);
      break;
    case ssa::Type::kI64:
    case ssa::Type::kRef:
      a.mov(m, gp.r64());
      break;
    case ssa::Type::kF32:
      a.movd(x86::r11d, xmm);
      a.mov(m, x86::r11);
      break;
    case ssa::Type::kF64:
      a.movq(m, xmm);
      break;
    case ssa::Type::kV128:
      a.movdqu(m, xmm);
      break;
    case ssa::Type::kNone:
      break;
  }
}

void LoadValue(x86::Assembler& a, const x86::Gp& array, uint32_t slot, ssa::Type type,
               const x86::Gp& gp, const x86::Xmm& xmm) {
  x86::Mem m = x86::ptr(array, static_cast<int32_t>(slot * 8));
  switch (type) {
    case ssa::Type::kI32: a.mov(gp.r32(), m); break;
    case ssa::Type::kI64:
    case ssa::Type::kRef: a.mov(gp.r64(), m); break;
    case ssa::Type::kF32: a.movss(xmm, m); break;
    case ssa::Type::kF64: a.movsd(xmm, m); break;
    case ssa::Type::kV128: a.movdqu(xmm, m); break;
    case ssa::Type::kNone: break;
  }
}

// Slots of each value in the C++ array: one per value, two for v128.
std::vector<uint32_t> ArraySlots(const std::vector<ValueLocation>& values, uint32_t* total) {
  std::vector<uint32_t> slots;
  uint32_t next = 0;
  for (const ValueLocation& v : values) {
    slots.push_back(next);
    next += v.type == ssa::Type::kV128 ? 2 : 1;
  }
  *total = next;
  return slots;
}

// EmitEntryTrampoline: rdi vmctx, rsi callee, rdx stack array, rcx EntryFrame*.
void EmitEntryTrampoline(x86::Assembler& a, const wasm::FuncType& type, Label landing_pad) {
  CallLayout layout = ComputeCallLayout(ToSsaSignature(type));
  a.push(x86::rbp);
  a.mov(x86::rbp, x86::rsp);
  a.push(x86::rbx);
  a.push(x86::r12);
  a.push(x86::r13);
  a.push(x86::r14);
  a.push(x86::r15);
  a.sub(x86::rsp, 8);
  a.mov(x86::ptr(x86::rcx, static_cast<int32_t>(trap::kEntryFrameSavedSpOffset)), x86::rsp);
  a.mov(x86::r14, x86::rdi);
  a.mov(x86::r12, x86::rsi);
  a.mov(x86::rbx, x86::rdx);
  if (layout.stack_size > 0) a.sub(x86::rsp, layout.stack_size);
  uint32_t num_param_slots;
  std::vector<uint32_t> param_slots = ArraySlots(layout.params, &num_param_slots);
  for (size_t i = 0; i < layout.params.size(); ++i) {
    const ValueLocation& loc = layout.params[i];
    if (loc.in_register()) continue;
    x86::Mem dst = x86::ptr(x86::rsp, static_cast<int32_t>(loc.stack_offset));
    if (loc.type == ssa::Type::kV128) {
      a.movdqu(x86::xmm15, x86::ptr(x86::rbx, static_cast<int32_t>(param_slots[i] * 8)));
      a.movdqu(dst, x86::xmm15);
    } else {
      a.mov(x86::r11, x86::ptr(x86::rbx, static_cast<int32_t>(param_slots[i] * 8)));
      a.mov(dst, x86::r11);
    }
  }
  for (size_t i = 0; i < layout.params.size(); ++i) {
    const ValueLocation& loc = layout.params[i];
    if (!loc.in_register()) continue;
    bool is_int = loc.reg.reg_class() == RegClass::kInt;
    LoadValue(a, x86::rbx, param_slots[i], loc.type, is_int ? x86::gpq(loc.reg.id()) : x86::r11,
              is_int ? x86::xmm15 : x86::xmm(loc.reg.id()));
  }
  a.call(x86::r12);
  uint32_t num_result_slots;
  std::vector<uint32_t> result_slots = ArraySlots(layout.results, &num_result_slots);
  for (size_t i = 0; i < layout.results.size(); ++i) {
    const ValueLocation& loc = layout.results[i];
    if (loc.in_register()) {
      bool is_int = loc.reg.reg_class() == RegClass::kInt;
      StoreValue(a, x86::rbx, result_slots[i], loc.type, is_int ? x86::gpq(loc.reg.id()) : x86::r11,
                 is_int ? x86::xmm15 : x86::xmm(loc.reg.id()));
    } else {
      x86::Mem src = x86::ptr(x86::rsp, static_cast<int32_t>(loc.stack_offset));
      if (loc.type == ssa::Type::kV128) {
        a.movdqu(x86::xmm15, src);
        StoreValue(a, x86::rbx, result_slots[i], loc.type, x86::r11, x86::xmm15);
      } else if (ssa::IsFloat(loc.type)) {
        a.movsd(x86::xmm15, src);
        StoreValue(a, x86::rbx, result_slots[i], loc.type, x86::r11, x86::xmm15);
      } else {
        a.mov(x86::rax, src);
        StoreValue(a, x86::rbx, result_slots[i], loc.type, x86::rax, x86::xmm15);
      }
    }
  }
  if (layout.stack_size > 0) a.add(x86::rsp, layout.stack_size);
  a.xor_(x86::eax, x86::eax);
  a.jmp(landing_pad);
}

// EmitLandingPad: the common tail of every entry trampoline, where traps resume with
// rsp = EntryFrame::saved_sp and eax = TrapResult(code).
void EmitLandingPad(x86::Assembler& a) {
  a.add(x86::rsp, 8);
  a.pop(x86::r15);
  a.pop(x86::r14);
  a.pop(x86::r13);
  a.pop(x86::r12);
  a.pop(x86::rbx);
  a.pop(x86::rbp);
  a.ret();
}

// EmitHostCallStub: Wasm convention in, SysV call of the record's function pointer.
void EmitHostCallStub(x86::Assembler& a, const wasm::FuncType& type) {
  CallLayout layout = ComputeCallLayout(ToSsaSignature(type));
  uint32_t num_param_slots, num_result_slots;
  std::vector<uint32_t> param_slots = ArraySlots(layout.params, &num_param_slots);
  std::vector<uint32_t> result_slots = ArraySlots(layout.results, &num_result_slots);
  uint32_t array_bytes = std::max(num_param_slots, num_result_slots) * 8;
  array_bytes = (array_bytes + 15) & ~15u;
  a.push(x86::rbp);
  a.mov(x86::rbp, x86::rsp);
  if (array_bytes > 0) a.sub(x86::rsp, array_bytes);
  for (size_t i = 0; i < layout.params.size(); ++i) {
    const ValueLocation& loc = layout.params[i];
    if (loc.in_register()) {
      bool is_int = loc.reg.reg_class() == RegClass::kInt;
      StoreValue(a, x86::rsp, param_slots[i], loc.type, is_int ? x86::gpq(loc.reg.id()) : x86::r11,
                 is_int ? x86::xmm15 : x86::xmm(loc.reg.id()));
    } else {
      x86::Mem src = x86::ptr(x86::rbp, static_cast<int32_t>(16 + loc.stack_offset));
      if (loc.type == ssa::Type::kV128) {
        a.movdqu(x86::xmm15, src);
      } else {
        a.movsd(x86::xmm15, src);
      }
      if (loc.type == ssa::Type::kI32 || loc.type == ssa::Type::kI64 || loc.type == ssa::Type::kRef) {
        a.mov(x86::rax, src);
        StoreValue(a, x86::rsp, param_slots[i], loc.type, x86::rax, x86::xmm15);
      } else {
        StoreValue(a, x86::rsp, param_slots[i], loc.type, x86::r11, x86::xmm15);
      }
    }
  }
  a.mov(x86::rdi, x86::r14);
  a.mov(x86::rsi, x86::rsp);
  a.call(x86::ptr(x86::r14, 0, 8));
  for (size_t i = 0; i < layout.results.size(); ++i) {
    const ValueLocation& loc = layout.results[i];
    if (loc.in_register()) {
      bool is_int = loc.reg.reg_class() == RegClass::kInt;
      LoadValue(a, x86::rsp, result_slots[i], loc.type, is_int ? x86::gpq(loc.reg.id()) : x86::r11,
                is_int ? x86::xmm15 : x86::xmm(loc.reg.id()));
    }
  }
  // Stack results go to the caller's area above our return address.
  for (size_t i = 0; i < layout.results.size(); ++i) {
    const ValueLocation& loc = layout.results[i];
    if (loc.in_register()) continue;
    x86::Mem dst = x86::ptr(x86::rbp, static_cast<int32_t>(16 + loc.stack_offset));
    if (loc.type == ssa::Type::kV128) {
      a.movdqu(x86::xmm15, x86::ptr(x86::rsp, static_cast<int32_t>(result_slots[i] * 8)));
      a.movdqu(dst, x86::xmm15);
    } else {
      a.mov(x86::r11, x86::ptr(x86::rsp, static_cast<int32_t>(result_slots[i] * 8)));
      a.mov(dst, x86::r11);
    }
  }
  a.mov(x86::rsp, x86::rbp);
  a.pop(x86::rbp);
  a.ret();
}

absl::Status InitCode(asmjit::CodeHolder& code, ErrorRecorder& errors) {
  asmjit::Environment env(asmjit::Arch::kX64);
  if (code.init(env) != asmjit::kErrorOk) {
    return absl::InternalError("x86_64 emit: cannot initialize asmjit");
  }
  code.setErrorHandler(&errors);
  return absl::OkStatus();
}

// Finish resolves the holder's labels and copies its code out.
absl::StatusOr<std::vector<uint8_t>> Finish(asmjit::CodeHolder& code, const ErrorRecorder& errors) {
  if (absl::Status s = errors.ToStatus(); !s.ok()) return s;
  if (code.flatten() != asmjit::kErrorOk || code.resolveUnresolvedLinks() != asmjit::kErrorOk ||
      code.relocateToBase(0) != asmjit::kErrorOk) {
    return absl::InternalError("x86_64 emit: unresolved labels");
  }
  if (absl::Status s = errors.ToStatus(); !s.ok()) return s;
  std::vector<uint8_t> bytes(code.codeSize());
  code.copyFlattenedData(bytes.data(), bytes.size());
  return bytes;
}

// CodePadding is the filler asmjit puts in front of 16-byte aligned code when `n` bytes are
// missing (n < 16): the same bytes a single-holder assembly of the module would have.
const std::vector<uint8_t>& CodePadding(size_t n) {
  static const std::vector<std::vector<uint8_t>>* paddings = [] {
    auto* out = new std::vector<std::vector<uint8_t>>(16);
    for (size_t missing = 1; missing < 16; ++missing) {
      ErrorRecorder errors;
      asmjit::CodeHolder code;
      if (!InitCode(code, errors).ok()) continue;
      x86::Assembler a(&code);
      a.embedUInt8(0, 16 - missing);
      a.align(asmjit::AlignMode::kCode, 16);
      const asmjit::CodeBuffer& buffer = code.textSection()->buffer();
      (*out)[missing].assign(buffer.data() + (16 - missing), buffer.data() + buffer.size());
    }
    return out;
  }();
  return (*paddings)[n];
}

}  // namespace

absl::StatusOr<EmittedFunction> EmitFunctionCode(const MachFunction& function) {
  ErrorRecorder errors;
  asmjit::CodeHolder code;
  if (absl::Status s = InitCode(code, errors); !s.ok()) return s;
  FunctionEmitter emitter(&code);
  if (absl::Status s = emitter.EmitFunction(function); !s.ok()) return s;
  EmittedFunction out;
  KILN_ASSIGN_OR_RETURN(out.code, Finish(code, errors));
  out.trap_sites = std::move(emitter.trap_sites());
  out.call_sites = std::move(emitter.call_sites());
  return out;
}

absl::StatusOr<CompiledCode> LinkModule(absl::Span<EmittedFunction> functions,
                                        uint32_t num_imported_functions,
                                        absl::Span<const wasm::FuncType> trampoline_types,
                                        uint64_t cpu_features) {
  // The trampolines, the landing pad and the stubs only refer to each other: they are
  // assembled on their own and placed after the functions.
  ErrorRecorder errors;
  asmjit::CodeHolder code;
  if (absl::Status s = InitCode(code, errors); !s.ok()) return s;
  x86::Assembler a(&code);
  Label landing_pad = a.newLabel();
  std::vector<uint32_t> entry_offsets, stub_offsets;
  for (const wasm::FuncType& type : trampoline_types) {
    a.align(asmjit::AlignMode::kCode, 16);
    entry_offsets.push_back(static_cast<uint32_t>(a.offset()));
    EmitEntryTrampoline(a, type, landing_pad);
  }
  a.align(asmjit::AlignMode::kCode, 16);
  const uint32_t landing_pad_offset = static_cast<uint32_t>(a.offset());
  a.bind(landing_pad);
  EmitLandingPad(a);
  for (const wasm::FuncType& type : trampoline_types) {
    a.align(asmjit::AlignMode::kCode, 16);
    stub_offsets.push_back(static_cast<uint32_t>(a.offset()));
    EmitHostCallStub(a, type);
  }
  KILN_ASSIGN_OR_RETURN(std::vector<uint8_t> trampolines, Finish(code, errors));

  // Layout: each function at the next 16-byte boundary, then the trampolines.
  CompiledCode out;
  out.isa = TargetIsa::kX86_64;
  out.cpu_features = cpu_features;
  out.functions.reserve(functions.size());
  uint64_t end = 0;
  size_t num_trap_sites = 0;
  for (const EmittedFunction& fn : functions) {
    end = (end + 15) & ~uint64_t{15};
    out.functions.push_back({static_cast<uint32_t>(end), static_cast<uint32_t>(fn.code.size())});
    end += fn.code.size();
    num_trap_sites += fn.trap_sites.size();
  }
  const uint64_t trampolines_start = (end + 15) & ~uint64_t{15};
  const uint64_t total = trampolines_start + trampolines.size();
  if (total > UINT32_MAX) return absl::ResourceExhaustedError("x86_64 emit: code exceeds 4 GiB");

  out.code.reserve(total);
  out.trap_sites.reserve(num_trap_sites);
  const uint32_t num_functions = static_cast<uint32_t>(functions.size());
  for (uint32_t i = 0; i < num_functions; ++i) {
    EmittedFunction& fn = functions[i];
    const uint32_t start = out.functions[i].offset;
    const std::vector<uint8_t>& padding = CodePadding(start - out.code.size());
    out.code.insert(out.code.end(), padding.begin(), padding.end());
    out.code.insert(out.code.end(), fn.code.begin(), fn.code.end());
    for (const TrapSite& site : fn.trap_sites) {
      out.trap_sites.push_back({start + site.code_offset, site.code});
    }
    for (const CallSite& call : fn.call_sites) {
      if (call.func_index < num_imported_functions ||
          call.func_index - num_imported_functions >= num_functions) {
        return absl::InternalError(absl::StrCat("x86_64 emit: a direct call to function ",
                                                call.func_index, ", which is not defined"));
      }
      const uint32_t target = out.functions[call.func_index - num_imported_functions].offset;
      const int32_t displacement = static_cast<int32_t>(target - (start + call.offset + 4));
      std::memcpy(out.code.data() + start + call.offset, &displacement, 4);
    }
    // The function is in the blob now; its buffers are not needed any more.
    fn = EmittedFunction();
  }
  const std::vector<uint8_t>& padding = CodePadding(trampolines_start - out.code.size());
  out.code.insert(out.code.end(), padding.begin(), padding.end());
  out.code.insert(out.code.end(), trampolines.begin(), trampolines.end());

  const uint32_t base = static_cast<uint32_t>(trampolines_start);
  out.landing_pad_offset = base + landing_pad_offset;
  for (size_t i = 0; i < trampoline_types.size(); ++i) {
    out.entry_trampolines.push_back({trampoline_types[i], base + entry_offsets[i]});
    out.host_call_stubs.push_back({trampoline_types[i], base + stub_offsets[i]});
  }
  std::sort(out.trap_sites.begin(), out.trap_sites.end(),
            [](const TrapSite& x, const TrapSite& y) { return x.code_offset < y.code_offset; });
  return out;
}

absl::StatusOr<CompiledCode> EmitModule(const std::vector<MachFunction>& functions,
                                        uint32_t num_imported_functions,
                                        absl::Span<const wasm::FuncType> trampoline_types,
                                        uint64_t cpu_features) {
  std::vector<EmittedFunction> emitted;
  emitted.reserve(functions.size());
  for (const MachFunction& fn : functions) {
    if (fn.func_index < num_imported_functions) {
      return absl::InternalError("x86_64 emit: a defined function has an imported index");
    }
    KILN_ASSIGN_OR_RETURN(EmittedFunction code, EmitFunctionCode(fn));
    emitted.push_back(std::move(code));
  }
  return LinkModule(absl::MakeSpan(emitted), num_imported_functions, trampoline_types,
                    cpu_features);
}

absl::StatusOr<std::string> EmitFunctionText(const MachFunction& function) {
  ErrorRecorder errors;
  asmjit::CodeHolder code;
  if (absl::Status s = InitCode(code, errors); !s.ok()) return s;
  asmjit::StringLogger logger;
  code.setLogger(&logger);
  FunctionEmitter emitter(&code);
  if (absl::Status s = emitter.EmitFunction(function); !s.ok()) return s;
  if (absl::Status s = errors.ToStatus(); !s.ok()) return s;
  return std::string(logger.data(), logger.dataSize());
}

}  // namespace kiln::backend::x86_64
