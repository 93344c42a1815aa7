// Per-function compile profile of a real module (not a test): compiles every defined function
// of a .wasm file (or every k-th one) on one thread through the stages CompileModule runs —
// translation, the pass pipeline, lowering, register allocation — timing each stage, and
// prints the stage totals and the slowest functions with their sizes. This is how to find the
// functions (and the stage) that dominate a large module's compile time or memory.
// With --whole=THREADS it instead compiles the whole module with CompileModule and prints the
// time and a SHA-256 of the code and trap table: a quick check that a compiler change leaves
// the generated code byte for byte the same.
// Run: bazel run -c opt //backend/bench:function_profile -- MODULE.wasm [--every=K] [--top=N]
//      [--only=INDEX] [--whole=THREADS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "backend/compile.h"
#include "backend/regalloc/regalloc.h"
#include "compiler/base/sha256.h"
#include "compiler/frontend/frontend.h"
#include "compiler/passes/pipeline.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::backend {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct FunctionProfile {
  uint32_t index = 0;
  size_t wasm_bytes = 0;
  size_t blocks = 0;
  size_t insts = 0;
  uint32_t vregs = 0;
  double seconds[4] = {0, 0, 0, 0};  // translate, passes, lower, allocate
  double total() const { return seconds[0] + seconds[1] + seconds[2] + seconds[3]; }
};

// CompileWhole compiles `module` as the runtime does and prints a digest of the result.
int CompileWhole(const wasm::Module& module, const vmctx::Layout& layout, int threads) {
  CompileOptions options;
  options.threads = threads;
  Clock::time_point t = Clock::now();
  absl::StatusOr<CompiledCode> code = CompileModule(module, layout, options);
  const double seconds = Since(t);
  if (!code.ok()) {
    std::fprintf(stderr, "%s\n", code.status().ToString().c_str());
    return 1;
  }
  base::Sha256 hasher;
  hasher.Update(code->code);
  for (const TrapSite& site : code->trap_sites) {
    const uint8_t record[5] = {static_cast<uint8_t>(site.code_offset),
                               static_cast<uint8_t>(site.code_offset >> 8),
                               static_cast<uint8_t>(site.code_offset >> 16),
                               static_cast<uint8_t>(site.code_offset >> 24),
                               static_cast<uint8_t>(site.code)};
    hasher.Update(absl::MakeConstSpan(record));
  }
  std::string hex;
  for (uint8_t byte : hasher.Finish()) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 15];
  }
  std::printf("%zu functions, %zu code bytes, %zu trap sites in %.2f s on %d threads: %s\n",
              code->functions.size(), code->code.size(), code->trap_sites.size(), seconds,
              threads, hex.c_str());
  return 0;
}

int Main(int argc, char** argv) {
  std::string path;
  uint32_t every = 1;
  int top = 20;
  int64_t only = -1;
  int whole = 0;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--every=")) {
      if (!absl::SimpleAtoi(arg, &every) || every == 0) every = 1;
    } else if (absl::ConsumePrefix(&arg, "--top=")) {
      if (!absl::SimpleAtoi(arg, &top)) top = 20;
    } else if (absl::ConsumePrefix(&arg, "--whole=")) {
      if (!absl::SimpleAtoi(arg, &whole)) whole = 0;
    } else if (absl::ConsumePrefix(&arg, "--only=")) {
      if (!absl::SimpleAtoi(arg, &only)) only = -1;
    } else {
      path = std::string(arg);
    }
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "usage: function_profile MODULE.wasm [--every=K] [--top=N]\n");
    return 2;
  }
  const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(file), {});
  absl::StatusOr<wasm::Module> module = wasm::Decode(bytes);
  if (!module.ok() || !wasm::Validate(*module).ok()) {
    std::fprintf(stderr, "%s: not a valid module\n", path.c_str());
    return 1;
  }
  absl::StatusOr<const Isa*> isa = HostIsa();
  if (!isa.ok()) return 1;
  vmctx::Layout layout = vmctx::Layout::Compute(*module);
  if (whole > 0) return CompileWhole(*module, layout, whole);
  frontend::TranslateOptions translate;
  passes::PipelineOptions pipeline;
  std::vector<FunctionProfile> profiles;
  double totals[4] = {0, 0, 0, 0};
  const uint32_t count = static_cast<uint32_t>(module->codes.size());
  for (uint32_t i = 0; i < count; ++i) {
    if (only >= 0 ? i != only : i % every != 0) continue;
    FunctionProfile p;
    p.index = i;
    p.wasm_bytes = module->codes[i].whole.size;
    Clock::time_point t = Clock::now();
    absl::StatusOr<ssa::Function> fn = frontend::TranslateFunction(*module, i, layout, translate);
    p.seconds[0] = Since(t);
    if (!fn.ok()) {
      std::fprintf(stderr, "function %u: %s\n", i, fn.status().ToString().c_str());
      return 1;
    }
    t = Clock::now();
    absl::Status s = passes::RunPipeline(*fn, pipeline);
    p.seconds[1] = Since(t);
    if (!s.ok()) return 1;
    LowerContext ctx;
    ctx.module = &*module;
    ctx.layout = &layout;
    ctx.func_index = module->num_imported_functions + i;
    t = Clock::now();
    absl::StatusOr<MachFunction> mf = (*isa)->Lower(*fn, ctx);
    p.seconds[2] = Since(t);
    if (!mf.ok()) return 1;
    p.blocks = mf->blocks.size();
    for (const MachBlock& b : mf->blocks) p.insts += b.insts.size();
    p.vregs = mf->num_vregs;
    t = Clock::now();
    s = regalloc::Allocate(*mf, **isa);
    p.seconds[3] = Since(t);
    if (!s.ok()) return 1;
    for (int k = 0; k < 4; ++k) totals[k] += p.seconds[k];
    profiles.push_back(p);
  }
  std::printf("%zu functions: translate %.2f s, passes %.2f s, lower %.2f s, allocate %.2f s\n",
              profiles.size(), totals[0], totals[1], totals[2], totals[3]);
  std::sort(profiles.begin(), profiles.end(),
            [](const FunctionProfile& a, const FunctionProfile& b) { return a.total() > b.total(); });
  std::printf("%8s %9s %7s %8s %8s %8s %8s %8s %8s\n", "index", "wasm", "blocks", "insts",
              "vregs", "transl", "passes", "lower", "alloc");
  for (int k = 0; k < top && k < static_cast<int>(profiles.size()); ++k) {
    const FunctionProfile& p = profiles[k];
    std::printf("%8u %9zu %7zu %8zu %8u %8.3f %8.3f %8.3f %8.3f\n", p.index, p.wasm_bytes,
                p.blocks, p.insts, p.vregs, p.seconds[0], p.seconds[1], p.seconds[2],
                p.seconds[3]);
  }
  return 0;
}

}  // namespace
}  // namespace kiln::backend

int main(int argc, char** argv) { return kiln::backend::Main(argc, argv); }
