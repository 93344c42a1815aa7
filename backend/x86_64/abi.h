// The Wasm calling convention between kiln functions on x86_64 (docs/calling_convention.md):
// where each parameter and result of a signature lives. Lowering uses it for function entry,
// calls and returns; the trampolines use it to move values between the C++ `stack` array and
// registers.
#ifndef KILN_BACKEND_X86_64_ABI_H_
#define KILN_BACKEND_X86_64_ABI_H_

#include <cstdint>
#include <vector>

#include "backend/common/reg.h"
#include "compiler/ssa/function.h"
#include "compiler/wasm/module.h"

namespace kiln::backend::x86_64 {

// ValueLocation is where one parameter or result is: a register, or a stack slot at
// `stack_offset` bytes from the stack pointer at the call instruction.
struct ValueLocation {
  ssa::Type type = ssa::Type::kNone;
  Reg reg;                   // valid when in a register
  uint32_t stack_offset = 0; // otherwise
  bool in_register() const { return reg.valid(); }
};

// CallLayout is the placement of one signature's values (the vmctx parameter excluded: it
// travels in r14).
struct CallLayout {
  std::vector<ValueLocation> params;
  std::vector<ValueLocation> results;
  // stack_size is the bytes of stack arguments plus stack results, rounded up to 16.
  uint32_t stack_size = 0;
};

// ComputeCallLayout places the values of `sig`, whose params[0] is the VM context.
CallLayout ComputeCallLayout(const ssa::Signature& sig);

// ToSsaSignature turns a Wasm function type into the SSA signature of its functions
// (a ref VM context first; funcref and externref become ref).
ssa::Signature ToSsaSignature(const wasm::FuncType& type);

// ToSsaType maps a Wasm value type to its SSA type.
ssa::Type ToSsaType(wasm::ValType type);

// kIntArgRegs / kFloatArgRegs / kIntResultRegs / kFloatResultRegs list the registers in order.
inline constexpr uint8_t kIntArgRegs[] = {7 /*rdi*/, 6 /*rsi*/, 2 /*rdx*/, 1 /*rcx*/,
                                          8 /*r8*/, 9 /*r9*/};
inline constexpr int kNumFloatArgRegs = 8;
inline constexpr uint8_t kIntResultRegs[] = {0 /*rax*/, 2 /*rdx*/};
inline constexpr int kNumFloatResultRegs = 2;

}  // namespace kiln::backend::x86_64

#endif  // KILN_BACKEND_X86_64_ABI_H_
