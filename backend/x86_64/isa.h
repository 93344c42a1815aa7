// The x86_64 implementation of backend::Isa: lowering (lower.h), the register file and the
// allocator's instruction makers, frame finalization (prologue.h) and emission (emit.h), plus
// CPU feature detection (SSE4.1 is the baseline).
#ifndef KILN_BACKEND_X86_64_ISA_H_
#define KILN_BACKEND_X86_64_ISA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "backend/common/isa.h"

namespace kiln::backend::x86_64 {

// DetectCpuFeatures returns the CpuFeature bits of the host (0 when it is not x86_64).
uint64_t DetectCpuFeatures();

// X86_64Isa generates code for an x86_64 CPU with the given features.
class X86_64Isa final : public Isa {
 public:
  explicit X86_64Isa(uint64_t cpu_features) : cpu_features_(cpu_features) {}

  // Create checks the baseline: kFailedPrecondition without SSE4.1.
  static absl::StatusOr<X86_64Isa> Create(uint64_t cpu_features);

  TargetIsa target() const override { return TargetIsa::kX86_64; }
  uint64_t cpu_features() const override { return cpu_features_; }
  const RegisterInfo& register_info() const override;
  MachInst MakeMove(Reg dst, Reg src) const override;
  MachInst MakeSpill(Reg src, SlotId slot) const override;
  MachInst MakeReload(Reg dst, SlotId slot) const override;
  absl::StatusOr<MachFunction> Lower(const ssa::Function& fn,
                                     const LowerContext& ctx) const override;
  absl::StatusOr<EmittedFunction> EmitFunction(MachFunction& fn) const override;
  absl::StatusOr<CompiledCode> Link(absl::Span<EmittedFunction> functions,
                                    uint32_t num_imported_functions,
                                    absl::Span<const wasm::FuncType> trampoline_types)
      const override;
  absl::StatusOr<CompiledCode> Emit(std::vector<MachFunction>& functions,
                                    uint32_t num_imported_functions,
                                    absl::Span<const wasm::FuncType> trampoline_types)
      const override;
  std::string PrintInst(const MachInst& inst) const override;

 private:
  // UsedCpuFeatures is what the code relies on: the baseline only (roundss/roundsd and
  // popcnt), whatever the host has.
  uint64_t UsedCpuFeatures() const { return cpu_features_ & (kCpuSse41 | kCpuPopcnt); }

  uint64_t cpu_features_;
};

}  // namespace kiln::backend::x86_64

#endif  // KILN_BACKEND_X86_64_ISA_H_
