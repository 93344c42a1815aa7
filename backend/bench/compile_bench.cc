// Compile-throughput benchmark (not a test): MB/s of code section through CompileModule
// (frontend, pass pipeline, x86_64 lowering, linear-scan allocation, emission) on
//   - the largest valid module of the 2.0 spec suite (by code-section bytes; SIMD-free), and
//   - a generated module of many functions with loops, arithmetic, memory and calls.
// Each is compiled on one thread and on --threads=N (default 2), and the speedup printed.
// Run: bazel run -c opt //backend/bench:compile_bench -- [--spectest=DIR] [--repeat=N]
//      [--threads=N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "backend/compile.h"
#include "compiler/text/spec_modules_testlib.h"
#include "compiler/text/wat_parser.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::backend {
namespace {

size_t CodeBytes(const wasm::Module& module) {
  size_t bytes = 0;
  for (const wasm::Code& code : module.codes) bytes += code.whole.size;
  return bytes;
}

// Measure compiles `module` `repeat` times on `threads` threads, prints the best MB/s and
// returns the best time in seconds (0 on error).
double Measure(const char* label, const wasm::Module& module, int repeat, int threads) {
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  CompileOptions options;
  options.threads = threads;
  double best = 1e30;
  size_t native = 0;
  for (int i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto code = CompileModule(module, layout, options);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!code.ok()) {
      std::printf("%s: %s\n", label, code.status().ToString().c_str());
      return 0;
    }
    native = code->code.size();
    if (seconds < best) best = seconds;
  }
  size_t bytes = CodeBytes(module);
  std::printf("%-28s %d thread%s %6zu functions %9zu code bytes -> %9zu native bytes  %8.3f ms"
              "  %7.2f MB/s\n",
              label, threads, threads == 1 ? " " : "s", module.functions.size(), bytes, native,
              best * 1e3, bytes / best / 1e6);
  return best;
}

// MeasureSpeedup measures `module` on one thread and on `threads` and prints the speedup.
void MeasureSpeedup(const char* label, const wasm::Module& module, int repeat, int threads) {
  double one = Measure(label, module, repeat, 1);
  if (threads == 1) return;
  double many = Measure(label, module, repeat, threads);
  if (one > 0 && many > 0) {
    std::printf("%-28s speedup on %d threads: %.2fx\n", label, threads, one / many);
  }
}

absl::StatusOr<wasm::Module> FromWat(absl::string_view wat) {
  auto bytes = text::ParseWat(wat);
  if (!bytes.ok()) return bytes.status();
  auto module = wasm::Decode(*bytes);
  if (!module.ok()) return module.status();
  absl::Status valid = wasm::Validate(*module);
  if (!valid.ok()) return valid;
  return module;
}

// LargestSpecModule finds the SIMD-free spec module with the most code-section bytes.
absl::StatusOr<wasm::Module> LargestSpecModule(std::string* name) {
  auto files = text::testing::SpecWastFiles();
  if (!files.ok()) return files.status();
  wasm::Module best;
  size_t best_bytes = 0;
  for (const std::string& file : *files) {
    if (absl::StrContains(file, "/simd_")) continue;
    auto source = text::testing::ReadFile(file);
    if (!source.ok()) continue;
    auto forms = text::testing::SpecModules(*source);
    if (!forms.ok()) continue;
    for (const auto& form : *forms) {
      if (form.command != "module" || !form.parsed.ok()) continue;
      auto binary = text::testing::ModuleBinary(*form.parsed);
      if (!binary.ok()) continue;
      auto module = wasm::Decode(*binary);
      if (!module.ok() || !wasm::Validate(*module).ok()) continue;
      size_t bytes = CodeBytes(*module);
      if (bytes > best_bytes) {
        best_bytes = bytes;
        best = *std::move(module);
        *name = absl::StrCat(file.substr(file.rfind('/') + 1), ":", form.command_line);
      }
    }
  }
  return best;
}

// GeneratedModuleText has `n` functions, each a loop over memory with arithmetic and a call.
std::string GeneratedModuleText(int n) {
  std::string wat = "(module (memory 1)\n";
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&wat, "(func $f", i, " (param i32 i32) (result i32) (local i32 i64 f64)\n",
                    "  (block $done (loop $next\n",
                    "    (br_if $done (i32.ge_u (local.get 2) (local.get 1)))\n",
                    "    (local.set 3 (i64.add (local.get 3) (i64.load offset=8 (i32.and (i32.add (local.get 0) (local.get 2)) (i32.const 0xfff8)))))\n",
                    "    (local.set 4 (f64.add (local.get 4) (f64.mul (f64.convert_i32_s (local.get 2)) (f64.const 1.5))))\n",
                    "    (i32.store (i32.and (local.get 2) (i32.const 0xfffc)) (i32.xor (local.get 2) (i32.wrap_i64 (local.get 3))))\n",
                    "    (local.set 2 (i32.add (local.get 2) (i32.const 1)))\n",
                    "    (br $next)))\n",
                    "  (i32.add (i32.wrap_i64 (local.get 3))\n",
                    "    (i32.add (i32.trunc_sat_f64_s (local.get 4))\n",
                    i > 0 ? absl::StrCat("      (call $f", i - 1, " (local.get 1) (i32.const 3)))))\n")
                          : std::string("      (i32.const 0))))\n"));
  }
  absl::StrAppend(&wat, ")\n");
  return wat;
}

int Run(int argc, char** argv) {
  int repeat = 5;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (absl::StartsWith(arg, "--repeat=")) {
      if (!absl::SimpleAtoi(arg.substr(9), &repeat) || repeat < 1) return 2;
    } else if (absl::StartsWith(arg, "--threads=")) {
      if (!absl::SimpleAtoi(arg.substr(10), &threads) || threads < 1) return 2;
    } else if (absl::StartsWith(arg, "--spectest=")) {
      setenv("KILN_SPECTEST_DIR", arg.substr(11).c_str(), 1);
    } else {
      std::fprintf(stderr, "usage: compile_bench [--spectest=DIR] [--repeat=N] [--threads=N]\n");
      return 2;
    }
  }
  std::string name;
  auto spec = LargestSpecModule(&name);
  if (spec.ok()) {
    MeasureSpeedup(absl::StrCat("spec ", name).c_str(), *spec, repeat, threads);
  } else {
    std::printf("spec suite: %s (pass --spectest=DIR)\n", spec.status().ToString().c_str());
  }
  auto generated = FromWat(GeneratedModuleText(3000));
  if (!generated.ok()) {
    std::printf("generated: %s\n", generated.status().ToString().c_str());
    return 1;
  }
  MeasureSpeedup("generated (3000 functions)", *generated, repeat, threads);
  return 0;
}

}  // namespace
}  // namespace kiln::backend

int main(int argc, char** argv) { return kiln::backend::Run(argc, argv); }
