// The frame of an allocated x86_64 function: which callee-saved registers it writes, the frame
// size, and the Prologue pseudo instruction at the top of the entry block that emit.cc expands
// (push rbp, stack-limit check, register saves, stack allocation; docs/calling_convention.md).
// Every Ret expands to the matching epilogue.
#ifndef KILN_BACKEND_X86_64_PROLOGUE_H_
#define KILN_BACKEND_X86_64_PROLOGUE_H_

#include "backend/common/machine_ir.h"

namespace kiln::backend::x86_64 {

// FinalizeFrame runs after register allocation: it records the callee-saved registers that
// appear in `fn`, fixes the frame layout and inserts the Prologue.
void FinalizeFrame(MachFunction& fn);

// SavedRegisterOrder lists the registers of `mask` in push order.
std::vector<uint32_t> SavedRegisterOrder(RegMask mask);

}  // namespace kiln::backend::x86_64

#endif  // KILN_BACKEND_X86_64_PROLOGUE_H_
