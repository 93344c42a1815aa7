// The backend driver (compile.h): frontend → passes → lowering → allocation on a pool of
// threads, one function at a time, then emission of the whole module on the calling thread.
#include "backend/compile.h"

#include <algorithm>
#include <atomic>
#include <thread>
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

// FunctionCompiler runs everything for one defined function: translation, the pass
// pipeline, lowering, register allocation and assembly. It only reads shared state, so
// several threads use one at once. Each function's SSA and machine IR are released as soon
// as its code is assembled: only the machine code waits for the link.
class FunctionCompiler {
 public:
  FunctionCompiler(const wasm::Module& module, const vmctx::Layout& layout,
                   const CompileOptions& options, const Isa& isa)
      : module_(module),
        layout_(layout),
        isa_(isa),
        allocate_(options.allocate != nullptr ? options.allocate : &regalloc::Allocate) {
    translate_.interrupt_checks = options.interrupt_checks;
    pipeline_.verify_each = options.verify_each;
    if (!options.optimize) {
      for (const passes::PassInfo& pass : passes::Pipeline()) {
        if (pass.required == passes::Required::kNo) pipeline_.disable.emplace_back(pass.name);
      }
    }
  }

  // Compile compiles defined function `defined_index` to machine code.
  absl::StatusOr<EmittedFunction> Compile(uint32_t defined_index) const {
    KILN_ASSIGN_OR_RETURN(MachFunction mf, Allocated(defined_index));
    return isa_.EmitFunction(mf);
  }

 private:
  // Allocated is the register-allocated machine IR of defined function `defined_index`
  // (the SSA function is dropped once lowered).
  absl::StatusOr<MachFunction> Allocated(uint32_t defined_index) const {
    KILN_ASSIGN_OR_RETURN(ssa::Function fn, frontend::TranslateFunction(
                                                module_, defined_index, layout_, translate_));
    KILN_RETURN_IF_ERROR(passes::RunPipeline(fn, pipeline_));
    LowerContext ctx;
    ctx.module = &module_;
    ctx.layout = &layout_;
    ctx.func_index = module_.num_imported_functions + defined_index;
    KILN_ASSIGN_OR_RETURN(MachFunction mf, isa_.Lower(fn, ctx));
    absl::Status allocated = allocate_(mf, isa_);
    if (!allocated.ok()) {
      return absl::Status(allocated.code(),
                          absl::StrCat(allocated.message(), " (function ", fn.name(), ")"));
    }
    return mf;
  }

  const wasm::Module& module_;
  const vmctx::Layout& layout_;
  const Isa& isa_;
  AllocateFn allocate_;
  frontend::TranslateOptions translate_;
  passes::PipelineOptions pipeline_;
};

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
  if (options.threads < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("compile: threads must be 0 (one per hardware thread) or more, not ",
                     options.threads));
  }
  FunctionCompiler compiler(module, layout, options, *isa);
  const uint32_t count = static_cast<uint32_t>(module.functions.size());
  std::vector<EmittedFunction> functions(count);
  std::vector<absl::Status> errors(count);
  // Workers take function indices in increasing order. Once function `lowest_error` failed,
  // no higher index matters (the lowest failure is the one reported, for any thread count),
  // but lower ones still in flight run to completion so that the lowest is known.
  std::atomic<uint32_t> next{0};
  std::atomic<uint32_t> lowest_error{count};
  auto work = [&] {
    for (;;) {
      uint32_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count || i > lowest_error.load(std::memory_order_relaxed)) return;
      absl::StatusOr<EmittedFunction> compiled = compiler.Compile(i);
      if (compiled.ok()) {
        functions[i] = *std::move(compiled);
        continue;
      }
      errors[i] = compiled.status();
      uint32_t seen = lowest_error.load(std::memory_order_relaxed);
      while (i < seen && !lowest_error.compare_exchange_weak(seen, i)) {
      }
    }
  };
  uint32_t threads = static_cast<uint32_t>(options.threads);
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, count);
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (uint32_t t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& thread : pool) thread.join();
  }
  if (uint32_t failed = lowest_error.load(); failed < count) return errors[failed];
  std::vector<wasm::FuncType> types = DistinctTypes(module.types);
  return isa->Link(absl::MakeSpan(functions), module.num_imported_functions, types);
}

absl::StatusOr<CompiledCode> CompileTrampolines(absl::Span<const wasm::FuncType> types) {
  KILN_ASSIGN_OR_RETURN(const Isa* isa, HostIsa());
  std::vector<wasm::FuncType> distinct = DistinctTypes(types);
  return isa->Link({}, 0, distinct);
}

}  // namespace kiln::backend
