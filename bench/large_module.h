// LargeModule: a deterministic generator of a large, realistic Wasm module for the embedding
// benchmarks (bench/embedding_bench.cc), where the spec suite has nothing near the size of a
// real application. The module is SIMD-free Wasm 2.0 in the binary format and looks like
// compiled application code:
//   - thousands of functions of varied sizes: small leaf helpers of each value type (tens to
//     hundreds of bytes), ordinary "worker" functions (hundreds of bytes to several KB) and a
//     few large functions of 10-50 KB;
//   - loops (counted and while-shaped, nested up to three deep), nested blocks with br_if,
//     if/else, br_table switches, select, arithmetic, comparisons and conversions of i32, i64,
//     f32 and f64, loads and stores of every width, calls, call_indirect through a funcref
//     table, mutable globals, one memory with an active data segment;
//   - exports: `run` () -> i64, `memory`, `table`, `counter` (a mutable i32 global), `leaf`
//     (an i32 leaf) and `work` (the first worker, (i32 i32) -> i64).
// `run` calls a few thousand workers (which call leaves, other workers and the table) and
// returns a checksum. The checksum is the same for every fresh instance, whichever way the
// module was compiled; a second call on the same instance sees the first call's stores. The
// generator tracks an estimate of the instructions each function executes (loops multiply,
// calls add their callee's estimate), so `run` executes about `run_budget` instructions, and
// no call chain is deeper than a few workers. Nothing can trap: divisors are made non-zero
// and positive, float-to-int conversions saturate, addresses are masked into the memory.
//
//   LargeModuleOptions options;
//   options.min_code_bytes = 5'000'000;
//   LargeModule m = GenerateLargeModule(options);
//   absl::StatusOr<wasm::Module> module = wasm::Decode(m.bytes);
#ifndef KILN_BENCH_LARGE_MODULE_H_
#define KILN_BENCH_LARGE_MODULE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kiln::bench {

// LargeModuleOptions size the module; the same options always give the same bytes.
struct LargeModuleOptions {
  // min_code_bytes is the least size of the code section's contents; functions are added
  // until it is reached (the result exceeds it by at most one function and `run`).
  size_t min_code_bytes = 5'000'000;
  // seed selects one module among many of the same shape.
  uint64_t seed = 0x6b696c6e;
  // run_budget is about how many Wasm instructions a call of `run` executes.
  uint64_t run_budget = 100'000'000;
};

// LargeModule is the generated binary and a summary of what it holds.
struct LargeModule {
  std::vector<uint8_t> bytes;         // the module in the binary format
  size_t code_section_bytes = 0;      // size of the code section's contents
  uint32_t function_count = 0;        // all functions, `run` included
  uint32_t leaf_count = 0;            // leaf helpers (no calls)
  uint32_t worker_count = 0;          // functions with loops, blocks and calls, large ones included
  uint32_t large_count = 0;           // functions of 10 KB and more
  size_t largest_function_bytes = 0;  // the largest body
  uint32_t run_calls = 0;             // workers `run` calls
  uint64_t run_instructions = 0;      // estimate of the instructions one `run` executes
};

// GenerateLargeModule builds the module described at the top of this file.
LargeModule GenerateLargeModule(const LargeModuleOptions& options = LargeModuleOptions());

}  // namespace kiln::bench

#endif  // KILN_BENCH_LARGE_MODULE_H_
