// LoopKernels: a small loop-heavy Wasm module for measuring what interrupt polling
// (RuntimeConfig::WithCloseOnContextDone) costs and how fast a deadline stops a call. Each
// kernel is an export whose time is dominated by loop back-edges (where compiled code polls):
// loops bound by a dependency chain (count, matmul, collatz), by memory (sieve) and by
// instruction throughput (reduce, where a poll costs most); `fib` is loop-free recursion (polled
// at function entry) and `spin` never returns.
//
//   absl::StatusOr<std::vector<uint8_t>> wasm = LoopKernelsWasm();
//   for (const LoopKernel& kernel : LoopKernelList()) {
//     ... mod->ExportedFunction(kernel.name)->Call(ctx, kernel.params) ...
//   }
#ifndef KILN_BENCH_LOOP_KERNELS_H_
#define KILN_BENCH_LOOP_KERNELS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace kiln::bench {

// LoopKernel is one timed call: an export of the module and its arguments (i32s), sized to run
// for tens of milliseconds.
struct LoopKernel {
  const char* name;
  std::vector<uint64_t> params;
  bool loop_heavy;  // false for `fib`, whose polls are at function entries
};

// LoopKernelList lists the kernels in the order the benchmark runs them.
absl::Span<const LoopKernel> LoopKernelList();

// LoopKernelsWasm is the module in the binary format. It also exports `spin` () -> (), an
// infinite loop, and `fib` (i32) -> i64, naive recursive Fibonacci.
absl::StatusOr<std::vector<uint8_t>> LoopKernelsWasm();

}  // namespace kiln::bench

#endif  // KILN_BENCH_LOOP_KERNELS_H_
