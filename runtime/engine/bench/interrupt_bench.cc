// Interruption benchmark (not a test).
//   overhead   a loop-heavy module (a sum loop, an array fill-and-sum over linear memory,
//              nested loops, a bubble sort) and a call-heavy recursion (fib), compiled with
//              and without interrupt polls: best-of-N time of each kernel both ways and the
//              ratio, plus the geometric mean over the loop kernels (target: under 5%).
//   latency    with the store's close-on-context-done option, how long after its deadline a
//              call returns ExitError, for an infinite loop and for fib(45) (no loops): best
//              and median of several runs (target: under 10 ms).
//   call cost  what close-on-context-done adds to each call (a ContextWatch registration, and
//              a timer entry when the context has a deadline), on an empty export.
// Run: bazel run -c opt //runtime/engine/bench:interrupt_bench [-- --runs=N --latency-runs=N]
//      [--dump=PREFIX]   (also writes PREFIX.plain.bin / PREFIX.polls.bin, the raw x86-64
//                         code, and prints the function offsets, for objdump -b binary)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "api/function.h"
#include "api/module.h"
#include "api/sys.h"
#include "backend/compile.h"
#include "compiler/text/wat_parser.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/store.h"

namespace kiln::runtime {
namespace {

constexpr char kKernels[] = R"((module
  (memory 16)
  ;; sum(n): sum of i * (i ^ 7) for i < n, in i64.
  (func (export "sum") (param $n i32) (result i64) (local $i i32) (local $acc i64)
    (loop $next
      (local.set $acc (i64.add (local.get $acc)
        (i64.extend_i32_u (i32.mul (local.get $i) (i32.xor (local.get $i) (i32.const 7))))))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (local.get $acc))
  ;; array(rounds): fill 64K i32s, then sum them, `rounds` times.
  (func (export "array") (param $rounds i32) (result i32) (local $i i32) (local $acc i32)
    (loop $round
      (local.set $i (i32.const 0))
      (loop $fill
        (i32.store (i32.shl (local.get $i) (i32.const 2))
                   (i32.add (local.get $i) (local.get $rounds)))
        (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                               (i32.const 65536))))
      (local.set $i (i32.const 0))
      (loop $sum
        (local.set $acc (i32.add (local.get $acc)
                                 (i32.load (i32.shl (local.get $i) (i32.const 2)))))
        (br_if $sum (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                              (i32.const 65536))))
      (br_if $round (local.tee $rounds (i32.sub (local.get $rounds) (i32.const 1)))))
    (local.get $acc))
  ;; nested(n): a short inner loop inside an outer one, n * 16 iterations.
  (func (export "nested") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $acc i32)
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $acc (i32.add (i32.rotl (local.get $acc) (i32.const 5))
                                 (i32.xor (local.get $i) (local.get $j))))
        (br_if $inner (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1)))
                                (i32.const 16))))
      (br_if $outer (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                              (local.get $n))))
    (local.get $acc))
  ;; sort(n): bubble sort of n pseudo-random i32s at address 0; returns the first.
  (func (export "sort") (param $n i32) (result i32) (local $i i32) (local $j i32) (local $x i32)
        (local $a i32) (local $b i32)
    (local.set $x (i32.const 12345))
    (loop $fill
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (local.get $x))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (local.get $n))))
    (local.set $i (i32.const 0))
    (loop $pass
      (local.set $j (i32.const 0))
      (loop $step
        (local.set $a (i32.load (i32.shl (local.get $j) (i32.const 2))))
        (local.set $b (i32.load offset=4 (i32.shl (local.get $j) (i32.const 2))))
        (if (i32.gt_s (local.get $a) (local.get $b))
          (then
            (i32.store (i32.shl (local.get $j) (i32.const 2)) (local.get $b))
            (i32.store offset=4 (i32.shl (local.get $j) (i32.const 2)) (local.get $a))))
        (br_if $step (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1)))
                               (i32.sub (i32.sub (local.get $n) (local.get $i)) (i32.const 1)))))
      (br_if $pass (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                             (i32.sub (local.get $n) (i32.const 1)))))
    (i32.load (i32.const 0)))
  ;; fib(n), naive: calls only, no loops.
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "empty"))))";

struct Kernel {
  const char* name;
  uint64_t param;
  bool loop_heavy;
};

constexpr Kernel kKernelList[] = {
    {"sum", 200000000, true},
    {"array", 600, true},
    {"nested", 12000000, true},
    {"sort", 5000, true},
    {"fib", 32, false},
};

wasm::Module KernelModule() {
  auto bytes = text::ParseWat(kKernels);
  if (!bytes.ok()) {
    std::fprintf(stderr, "parse: %s\n", bytes.status().ToString().c_str());
    std::exit(1);
  }
  auto module = wasm::Decode(*bytes);
  if (!module.ok() || !wasm::Validate(*module).ok()) {
    std::fprintf(stderr, "decode/validate failed\n");
    std::exit(1);
  }
  return *std::move(module);
}

// Dump writes the kernels' code compiled with and without polls to PREFIX.{plain,polls}.bin.
void Dump(const std::string& prefix) {
  wasm::Module module = KernelModule();
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  for (bool polls : {false, true}) {
    backend::CompileOptions options;
    options.interrupt_checks = polls;
    auto code = backend::CompileModule(module, layout, options);
    if (!code.ok()) std::exit(1);
    std::string path = prefix + (polls ? ".polls.bin" : ".plain.bin");
    FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) std::exit(1);
    std::fwrite(code->code.data(), 1, code->code.size(), file);
    std::fclose(file);
    std::printf("%s:", path.c_str());
    for (const backend::FunctionCode& f : code->functions) {
      std::printf(" [0x%x, +%u)", f.offset, f.size);
    }
    std::printf("\n");
  }
}

std::shared_ptr<const CompiledModule> Compile(bool interrupt_checks) {
  wasm::Module module = KernelModule();
  backend::CompileOptions options;
  options.interrupt_checks = interrupt_checks;
  auto compiled = CompileModule(std::move(module), options);
  if (!compiled.ok()) {
    std::fprintf(stderr, "compile: %s\n", compiled.status().ToString().c_str());
    std::exit(1);
  }
  return *compiled;
}

api::Module* Instantiate(Store& store, std::shared_ptr<const CompiledModule> compiled) {
  auto instance = store.Instantiate(Context(), std::move(compiled), "kernels");
  if (!instance.ok()) {
    std::fprintf(stderr, "instantiate: %s\n", instance.status().ToString().c_str());
    std::exit(1);
  }
  return *instance;
}

// TimeCall returns the seconds one call of `name` takes, and its result in `*result`.
double TimeCall(api::Module* module, const char* name, uint64_t param, uint64_t* result) {
  api::Function* fn = module->ExportedFunction(name);
  std::vector<uint64_t> stack = {param};
  auto start = std::chrono::steady_clock::now();
  absl::Status status = fn->CallWithStack(Context(), absl::MakeSpan(stack));
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", name, status.ToString().c_str());
    std::exit(1);
  }
  *result = stack[0];
  return seconds;
}

void MeasureOverhead(int runs) {
  Store store;
  api::Module* plain = Instantiate(store, Compile(false));
  api::Module* polled = Instantiate(store, Compile(true));
  std::printf("interrupt poll overhead (best of %d runs):\n", runs);
  std::printf("  %-8s %12s %12s %9s\n", "kernel", "no polls ms", "polls ms", "overhead");
  double log_sum = 0;
  int loop_kernels = 0;
  for (const Kernel& kernel : kKernelList) {
    double best_plain = 1e30, best_polled = 1e30;
    uint64_t plain_result = 0, polled_result = 0;
    // Interleaved, so that drift in the machine's load hits both alike.
    for (int r = 0; r < runs; ++r) {
      best_plain = std::min(best_plain, TimeCall(plain, kernel.name, kernel.param, &plain_result));
      best_polled =
          std::min(best_polled, TimeCall(polled, kernel.name, kernel.param, &polled_result));
    }
    if (plain_result != polled_result) {
      std::fprintf(stderr, "%s: results differ (%llu vs %llu)\n", kernel.name,
                   static_cast<unsigned long long>(plain_result),
                   static_cast<unsigned long long>(polled_result));
      std::exit(1);
    }
    double ratio = best_polled / best_plain;
    std::printf("  %-8s %12.2f %12.2f %+8.1f%%%s\n", kernel.name, best_plain * 1e3,
                best_polled * 1e3, (ratio - 1) * 100, kernel.loop_heavy ? "" : "  (call-heavy)");
    if (kernel.loop_heavy) {
      log_sum += std::log(ratio);
      ++loop_kernels;
    }
  }
  std::printf("  loop-heavy geometric mean overhead: %+.1f%% (target < 5%%)\n",
              (std::exp(log_sum / loop_kernels) - 1) * 100);
}

// MeasureLatency runs `name`(param) under a deadline `runs` times, each on a fresh instance
// (the deadline closes it), and prints best and median lateness.
void MeasureLatency(const std::shared_ptr<const CompiledModule>& compiled, const char* label,
                    const char* name, std::vector<uint64_t> params, int runs) {
  StoreOptions options;
  options.close_on_context_done = true;
  Store store(options);
  std::vector<double> late_ms;
  for (int r = 0; r < runs; ++r) {
    api::Module* module = Instantiate(store, compiled);
    absl::Time deadline = absl::Now() + absl::Milliseconds(20);
    absl::Status status =
        module->ExportedFunction(name)->Call(Context().WithDeadline(deadline), params).status();
    double late = absl::ToDoubleMilliseconds(absl::Now() - deadline);
    if (sys::ExitCodeOf(status) != sys::kExitCodeDeadlineExceeded) {
      std::fprintf(stderr, "%s: expected a deadline exit, got %s\n", label,
                   status.ToString().c_str());
      std::exit(1);
    }
    late_ms.push_back(late);
  }
  std::sort(late_ms.begin(), late_ms.end());
  std::printf("  %-16s best %7.3f ms  median %7.3f ms  worst %7.3f ms (target < 10 ms)\n", label,
              late_ms.front(), late_ms[late_ms.size() / 2], late_ms.back());
}

// NsPerCall is the mean time of `calls` calls of "empty" with `ctx`.
double NsPerCall(api::Module* module, const Context& ctx, int calls) {
  api::Function* fn = module->ExportedFunction("empty");
  uint64_t slot = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    if (!fn->CallWithStack(ctx, absl::MakeSpan(&slot, 1)).ok()) std::exit(1);
  }
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
             .count() /
         calls;
}

void MeasureCallCost(const std::shared_ptr<const CompiledModule>& compiled) {
  constexpr int kCalls = 200000;
  StoreOptions closing;
  closing.close_on_context_done = true;
  Store plain_store, closing_store(closing);
  api::Module* plain = Instantiate(plain_store, compiled);
  api::Module* closes = Instantiate(closing_store, compiled);
  const Context background;
  const Context with_deadline = Context().WithTimeout(absl::Hours(1));
  std::printf("call cost of an empty export (mean of %d calls):\n", kCalls);
  std::printf("  plain store                          %7.1f ns\n",
              NsPerCall(plain, background, kCalls));
  std::printf("  close-on-context-done, no deadline   %7.1f ns\n",
              NsPerCall(closes, background, kCalls));
  std::printf("  close-on-context-done, deadline      %7.1f ns\n",
              NsPerCall(closes, with_deadline, kCalls));
}

int Run(int argc, char** argv) {
  int runs = 7;
  int latency_runs = 9;
  std::string dump;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--runs=", 7) == 0) {
      runs = std::atoi(argv[i] + 7);
    } else if (std::strncmp(argv[i], "--dump=", 7) == 0) {
      dump = argv[i] + 7;
    } else if (std::strncmp(argv[i], "--latency-runs=", 15) == 0) {
      latency_runs = std::atoi(argv[i] + 15);
    } else {
      std::fprintf(stderr, "usage: interrupt_bench [--runs=N] [--latency-runs=N] [--dump=PREFIX]\n");
      return 2;
    }
  }
  if (runs < 1 || latency_runs < 1) return 2;
  if (!dump.empty()) Dump(dump);
  MeasureOverhead(runs);
  std::printf("cancellation latency, deadline to ExitError (%d runs):\n", latency_runs);
  std::shared_ptr<const CompiledModule> polled = Compile(true);
  MeasureLatency(polled, "infinite loop", "spin", {}, latency_runs);
  MeasureLatency(polled, "fib(45)", "fib", {45}, latency_runs);
  MeasureCallCost(polled);
  return 0;
}

}  // namespace
}  // namespace kiln::runtime

int main(int argc, char** argv) { return kiln::runtime::Run(argc, argv); }
