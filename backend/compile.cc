// The backend driver (compile.h): frontend → passes → lowering → allocation → emission.
#include "backend/compile.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "backend/regalloc/regalloc.h"
#include "backend/x86_64/isa.h"
#include "compiler/base/status_macros.h"
#include "compiler/frontend/frontend.h"
#include "compiler/passes/pipeline.h"

namespace kiln::backend {
namespace {

// DistinctTypes lists the module's function types once each, in first-seen order.
std::vector<wasm::FuncType> DistinctTypes(absl::Span<const wasm::FuncType> types) {
  std::vector<wasm::FuncType> out;
  for (const wasm::FuncType& t : types) {
    bool seen = false;
    for (const wasm::FuncType& u : out) seen |= u == t;
    if (!seen) out.push_back(t);
  }
  return out;
}

}  // namespace

absl::StatusOr<const Isa*> HostIsa() {
  static const absl::StatusOr<x86_64::X86_64Isa>* isa =
      new absl::StatusOr<x86_64::X86_64Isa>(x86_64::X86_64Isa::Create(x86_64::DetectCpuFeatures()));
  if (!isa->ok()) return isa->status();
  return &**isa;
}

absl::StatusOr<CompiledCode> CompileModule(const wasm::Module& module,
                                           const vmctx::Layout& layout,
                                           const CompileOptions& options) {
  KILN_ASSIGN_OR_RETURN(const Isa* isa, HostIsa());
  AllocateFn allocate = options.allocate != nullptr ? options.allocate : &regalloc::Allocate;
  passes::PipelineOptions pipeline;
  pipeline.verify_each = options.verify_each;
  if (!options.optimize) {
    for (const passes::PassInfo& pass : passes::Pipeline()) {
      if (pass.required == passes::Required::kNo) pipeline.disable.emplace_back(pass.name);
    }
  }
  frontend::TranslateOptions translate;
  translate.interrupt_checks = options.interrupt_checks;
  std::vector<MachFunction> functions;
  functions.reserve(module.functions.size());
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    KILN_ASSIGN_OR_RETURN(ssa::Function fn, frontend::TranslateFunction(module, i, layout, translate));
    KILN_RETURN_IF_ERROR(passes::RunPipeline(fn, pipeline));
    LowerContext ctx;
    ctx.module = &module;
    ctx.layout = &layout;
    ctx.func_index = module.num_imported_functions + i;
    KILN_ASSIGN_OR_RETURN(MachFunction mf, isa->Lower(fn, ctx));
    absl::Status allocated = allocate(mf, *isa);
    if (!allocated.ok()) {
      return absl::Status(allocated.code(),
                          absl::StrCat(allocated.message(), " (function ", fn.name(), ")"));
    }
    functions.push_back(std::move(mf));
  }
  std::vector<wasm::FuncType> types = DistinctTypes(module.types);
  return isa->Emit(functions, module.num_imported_functions, types);
}

absl::StatusOr<CompiledCode> CompileTrampolines(absl::Span<const wasm::FuncType> types) {
  KILN_ASSIGN_OR_RETURN(const Isa* isa, HostIsa());
  std::vector<MachFunction> none;
  std::vector<wasm::FuncType> distinct = DistinctTypes(types);
  return isa->Emit(none, 0, distinct);
}

}  // namespace kiln::backend
