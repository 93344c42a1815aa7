// Call-overhead benchmark (not a test): how long a call across the host/Wasm boundary takes.
//   host → Wasm   ns per api::Function::CallWithStack of an empty function, and of a one-param
//                 one-result function;
//   Wasm → host   ns per call of an imported host function from a Wasm loop, minus the same
//                 loop calling an empty Wasm function.
// Run: bazel run -c opt //runtime/engine/bench:call_overhead_bench [-- --iterations=N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "api/function.h"
#include "api/wasm.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/engine/store.h"

namespace kiln::runtime {
namespace {

constexpr char kModule[] = R"((module
  (import "env" "host_nop" (func $host_nop))
  (func $wasm_nop)
  (func (export "empty"))
  (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "call_host") (param i32)
    (loop $l
      (call $host_nop)
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "call_wasm") (param i32)
    (loop $l
      (call $wasm_nop)
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))))";

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

int Run(uint32_t iterations) {
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(kModule);
  absl::StatusOr<wasm::Module> module = wasm::Decode(*bytes);
  if (!module.ok() || !wasm::Validate(*module).ok()) return 1;
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      CompileModule(*std::move(module));
  if (!compiled.ok()) {
    std::fprintf(stderr, "compile: %s\n", compiled.status().ToString().c_str());
    return 1;
  }
  Store store;
  HostModule env("env");
  env.AddFunction("host_nop", {}, {},
                  std::make_unique<api::HostFunc>([](const Context&, absl::Span<uint64_t>) {}));
  if (!store.InstantiateHost(std::move(env)).ok()) return 1;
  absl::StatusOr<api::Module*> instance = store.Instantiate(Context(), *compiled, "bench");
  if (!instance.ok()) {
    std::fprintf(stderr, "instantiate: %s\n", instance.status().ToString().c_str());
    return 1;
  }
  Context ctx;
  std::vector<uint64_t> stack(1);

  auto time_calls = [&](const char* name) {
    api::Function* function = (*instance)->ExportedFunction(name);
    auto start = std::chrono::steady_clock::now();
    for (uint32_t i = 0; i < iterations; ++i) {
      stack[0] = i;
      if (!function->CallWithStack(ctx, absl::MakeSpan(stack)).ok()) std::abort();
    }
    return Seconds(std::chrono::steady_clock::now() - start) * 1e9 / iterations;
  };
  auto time_loop = [&](const char* name) {
    api::Function* function = (*instance)->ExportedFunction(name);
    stack[0] = api::EncodeU32(iterations);
    auto start = std::chrono::steady_clock::now();
    if (!function->CallWithStack(ctx, absl::MakeSpan(stack)).ok()) std::abort();
    return Seconds(std::chrono::steady_clock::now() - start) * 1e9 / iterations;
  };

  time_calls("empty");  // warm up
  double empty = time_calls("empty");
  double inc = time_calls("inc");
  double host_loop = time_loop("call_host");
  double wasm_loop = time_loop("call_wasm");
  std::printf("host->wasm CallWithStack, empty function:     %7.1f ns/call\n", empty);
  std::printf("host->wasm CallWithStack, (i32) -> i32:       %7.1f ns/call\n", inc);
  std::printf("wasm->host call of an empty host function:    %7.1f ns/call\n", host_loop);
  std::printf("wasm->wasm call of an empty function (ref):   %7.1f ns/call\n", wasm_loop);
  std::printf("wasm->host overhead over a wasm call:         %7.1f ns/call\n",
              host_loop - wasm_loop);
  return 0;
}

}  // namespace
}  // namespace kiln::runtime

int main(int argc, char** argv) {
  uint32_t iterations = 10'000'000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--iterations=", 13) == 0) {
      iterations = static_cast<uint32_t>(std::strtoul(argv[i] + 13, nullptr, 10));
    }
  }
  return kiln::runtime::Run(iterations);
}
