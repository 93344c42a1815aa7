// X86_64Isa (isa.h): glue between the Isa interface and the x86_64 files.
#include "backend/x86_64/isa.h"

#include "backend/x86_64/emit.h"
#include "backend/x86_64/inst.h"
#include "backend/x86_64/lower.h"
#include "backend/x86_64/prologue.h"
#include "backend/x86_64/registers.h"

namespace kiln::backend::x86_64 {

uint64_t DetectCpuFeatures() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  uint64_t features = 0;
  if (__builtin_cpu_supports("sse4.1")) features |= kCpuSse41;
  if (__builtin_cpu_supports("popcnt")) features |= kCpuPopcnt;
  if (__builtin_cpu_supports("avx")) features |= kCpuAvx;
  return features;
#else
  return 0;
#endif
}

absl::StatusOr<X86_64Isa> X86_64Isa::Create(uint64_t cpu_features) {
  if ((cpu_features & kCpuSse41) == 0 || (cpu_features & kCpuPopcnt) == 0) {
    return absl::FailedPreconditionError("x86_64 backend: the CPU lacks SSE4.1 or POPCNT");
  }
  return X86_64Isa(cpu_features);
}

const RegisterInfo& X86_64Isa::register_info() const { return GetRegisterInfo(); }

MachInst X86_64Isa::MakeMove(Reg dst, Reg src) const {
  MachInst inst = MakeInst(dst.reg_class() == RegClass::kInt ? Op::kMovRR : Op::kMovF, 8,
                           {Operand::Def(dst), Operand::Use(src)});
  inst.flags = kIsMove | kAllocatorInserted;
  return inst;
}

MachInst X86_64Isa::MakeSpill(Reg src, SlotId slot) const {
  MachInst inst = src.reg_class() == RegClass::kInt
                      ? MakeInst(Op::kStore, 8, {Operand::Slot(slot), Operand::Use(src)})
                      : MakeInst(Op::kStoreF, 16, {Operand::Slot(slot), Operand::Use(src)});
  inst.flags = kAllocatorInserted;
  return inst;
}

MachInst X86_64Isa::MakeReload(Reg dst, SlotId slot) const {
  MachInst inst =
      dst.reg_class() == RegClass::kInt
          ? MakeInst(Op::kLoad, 8, {Operand::Def(dst), Operand::Slot(slot)},
                     static_cast<uint32_t>(LoadKind::k64))
          : MakeInst(Op::kLoadF, 16, {Operand::Def(dst), Operand::Slot(slot)});
  inst.flags = kAllocatorInserted;
  return inst;
}

absl::StatusOr<MachFunction> X86_64Isa::Lower(const ssa::Function& fn,
                                              const LowerContext& ctx) const {
  return x86_64::Lower(fn, ctx);
}

absl::StatusOr<EmittedFunction> X86_64Isa::EmitFunction(MachFunction& fn) const {
  FinalizeFrame(fn);
  return EmitFunctionCode(fn);
}

absl::StatusOr<CompiledCode> X86_64Isa::Link(
    absl::Span<EmittedFunction> functions, uint32_t num_imported_functions,
    absl::Span<const wasm::FuncType> trampoline_types) const {
  return LinkModule(functions, num_imported_functions, trampoline_types, UsedCpuFeatures());
}

absl::StatusOr<CompiledCode> X86_64Isa::Emit(std::vector<MachFunction>& functions,
                                             uint32_t num_imported_functions,
                                             absl::Span<const wasm::FuncType> trampoline_types) const {
  for (MachFunction& fn : functions) FinalizeFrame(fn);
  return EmitModule(functions, num_imported_functions, trampoline_types, UsedCpuFeatures());
}

std::string X86_64Isa::PrintInst(const MachInst& inst) const { return x86_64::PrintInst(inst); }

}  // namespace kiln::backend::x86_64
