// A tiny fake ISA for the allocator's tests: a handful of integer and float registers, the
// operand shapes real ISAs produce (three-address ops, x86-style two-address ops, early-clobber
// temps, memory operands, fixed-register ops like x86's idiv, calls with clobbers, block
// terminators), a RegAllocTarget for it, a printer, a builder for hand-written functions and a
// random program generator for property tests. Nothing here is ever executed: the checker
// (checker.h) proves allocations correct symbolically.
#ifndef KILN_BACKEND_REGALLOC_FAKE_ISA_H_
#define KILN_BACKEND_REGALLOC_FAKE_ISA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "backend/common/machine_ir.h"
#include "backend/common/regalloc_target.h"

namespace kiln::backend::regalloc::fake {

// Op is the fake ISA's opcode set.
enum Op : uint16_t {
  kMov,       // def, use (kIsMove)
  kSpill,     // slot, use
  kReload,    // def, slot
  kConst,     // def, imm
  kAdd,       // def, use, use
  kAddTo,     // usedef, use (two-address)
  kScratch,   // def, use, temp (early-clobber)
  kLoad,      // def, mem
  kStore,     // mem, use
  kDiv,       // usedef r0, usedef r1, use (x86 idiv: rdx:rax / src)
  kCall,      // def r0, use r0 (kIsCall, clobbers caller-saved)
  kArgs,      // def r0, def r1 (kDefinesArgs)
  kJump,      // block (terminator)
  kBranch,    // block, block (terminator; reads flags only)
  kReturn,    // use r0 (terminator)
};

// FakeTarget is a register file of `num_int` integer and `num_float` float registers, with
// the integer registers from `first_callee_saved_int` on callee-saved; no float register is
// callee-saved.
class FakeTarget : public RegAllocTarget {
 public:
  FakeTarget(uint32_t num_int, uint32_t num_float, uint32_t first_callee_saved_int);

  const RegisterInfo& register_info() const override { return info_; }
  MachInst MakeMove(Reg dst, Reg src) const override;
  MachInst MakeSpill(Reg src, SlotId slot) const override;
  MachInst MakeReload(Reg dst, SlotId slot) const override;

  // CallerSaved is the clobber mask of kCall.
  RegMask CallerSaved() const { return caller_saved_; }
  std::string PrintInst(const MachInst& inst) const;
  std::string Print(const MachFunction& fn) const;

 private:
  RegisterInfo info_;
  RegMask caller_saved_ = 0;
};

// Int / Float name physical registers.
inline Reg Int(uint32_t n) { return Reg::Physical(RegClass::kInt, n); }
inline Reg Float(uint32_t n) { return Reg::Physical(RegClass::kFloat, n); }

// Builder appends instructions to a MachFunction (which it does not own).
class Builder {
 public:
  Builder(MachFunction& fn, const FakeTarget& target) : fn_(fn), target_(target) {}

  uint32_t NewBlock(uint32_t loop_depth = 0);
  void SetBlock(uint32_t block) { block_ = block; }
  Reg NewInt() { return fn_.NewVReg(RegClass::kInt); }
  Reg NewFloat() { return fn_.NewVReg(RegClass::kFloat); }

  void Args();
  void Mov(Reg dst, Reg src);
  void Const(Reg dst, int64_t value);
  void Add(Reg dst, Reg a, Reg b);
  void AddTo(Reg dst, Reg src);
  void Scratch(Reg dst, Reg src, Reg temp);
  void Load(Reg dst, Reg base);
  void Store(Reg base, Reg value);
  // Div emits the fixed-register sequence r0 <- a, r1 <- b... as x86 does for idiv.
  void Div(Reg dst, Reg a, Reg b);
  // Call emits r0 <- arg; call; dst <- r0.
  void Call(Reg dst, Reg arg);
  void Jump(uint32_t target);
  void Branch(uint32_t if_true, uint32_t if_false);
  void Return(Reg value);

  // Finish fills in predecessor lists from the successors.
  void Finish();

 private:
  void Emit(MachInst inst);

  MachFunction& fn_;
  const FakeTarget& target_;
  uint32_t block_ = 0;
};

// RandomProgramOptions shape RandomProgram's output.
struct RandomProgramOptions {
  uint32_t blocks = 6;          // before critical edges are split
  uint32_t max_insts = 10;      // per block
  uint32_t int_values = 6;      // integer vregs in the program's variable pool
  uint32_t float_values = 3;    // float vregs in the pool
};

// RandomProgram generates a function of random CFG (loops included, critical edges split,
// loop depths from natural loops) whose blocks read and write a pool of variables with every
// operand shape of the fake ISA. Every variable is written in the entry block first, so no
// read sees an undefined value.
MachFunction RandomProgram(uint64_t seed, const FakeTarget& target,
                           const RandomProgramOptions& options = {});

}  // namespace kiln::backend::regalloc::fake

#endif  // KILN_BACKEND_REGALLOC_FAKE_ISA_H_
