// x86_64 registers as the machine IR names them: hardware encoding numbers per class, the
// roles docs/calling_convention.md fixes (vmctx in r14, rbp frame pointer, r11 and xmm15 as
// emitter scratch), and the register file handed to the allocator.
#ifndef KILN_BACKEND_X86_64_REGISTERS_H_
#define KILN_BACKEND_X86_64_REGISTERS_H_

#include <cstdint>

#include "backend/common/reg.h"
#include "backend/common/regalloc_target.h"

namespace kiln::backend::x86_64 {

// Gp numbers the general-purpose registers by their hardware encoding.
enum Gp : uint8_t {
  kRax, kRcx, kRdx, kRbx, kRsp, kRbp, kRsi, kRdi,
  kR8, kR9, kR10, kR11, kR12, kR13, kR14, kR15,
};

// Gpr / Xmm return the machine-IR physical register.
constexpr Reg Gpr(uint32_t number) { return Reg::Physical(RegClass::kInt, number); }
constexpr Reg Xmm(uint32_t number) { return Reg::Physical(RegClass::kFloat, number); }

// Fixed roles.
inline constexpr Reg kVmctxReg = Gpr(kR14);
inline constexpr Reg kStackPointer = Gpr(kRsp);
inline constexpr Reg kFramePointer = Gpr(kRbp);
inline constexpr Reg kScratchGp = Gpr(kR11);
inline constexpr Reg kScratchXmm = Xmm(15);

// kCallerSavedMask is what a call with the Wasm or SysV convention may clobber: rax, rcx,
// rdx, rsi, rdi, r8-r11 and every xmm register.
inline constexpr RegMask kCallerSavedMask =
    MaskOf(RegClass::kInt, kRax) | MaskOf(RegClass::kInt, kRcx) | MaskOf(RegClass::kInt, kRdx) |
    MaskOf(RegClass::kInt, kRsi) | MaskOf(RegClass::kInt, kRdi) | MaskOf(RegClass::kInt, kR8) |
    MaskOf(RegClass::kInt, kR9) | MaskOf(RegClass::kInt, kR10) | MaskOf(RegClass::kInt, kR11) |
    (RegMask{0xffff} << kMaxRegsPerClass);

// kCalleeSavedMask is what a function must preserve (rbp and r14 are handled by the prologue
// and the convention, not by the allocator).
inline constexpr RegMask kCalleeSavedMask =
    MaskOf(RegClass::kInt, kRbx) | MaskOf(RegClass::kInt, kR12) | MaskOf(RegClass::kInt, kR13) |
    MaskOf(RegClass::kInt, kR15);

// IsAllocatable is true for registers the allocator may assign.
bool IsAllocatable(Reg reg);

// GetRegisterInfo is the register file description for the allocator.
const RegisterInfo& GetRegisterInfo();

// RegName is the assembly name ("rax", "xmm3") of a physical register; virtual registers
// print as "%v12i" / "%v3f".
std::string RegName(Reg reg);

}  // namespace kiln::backend::x86_64

#endif  // KILN_BACKEND_X86_64_REGISTERS_H_
