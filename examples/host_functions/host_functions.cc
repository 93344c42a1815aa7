// host_functions: C++ functions that Wasm imports, in the two forms kiln offers.
//
// weather.wasm imports env.fahrenheit(day) -> f64 and env.print_celsius(day, celsius), and
// exports report(days), which converts each day's reading. The host module "env" provides:
//   - print_celsius as a typed lambda: kiln deduces the Wasm signature (i32 f64) -> () from
//     the C++ parameter types at compile time. This is the form to start with.
//   - fahrenheit in the raw stack form: params arrive as uint64_t slots and results are
//     written back into the same slots. It is the fastest form and the one to use when the
//     signature is only known at run time.
//   $ bazel run //examples/host_functions
//   day 0: 20.0 °C
//   ...
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "api/kiln.h"

namespace {

using kiln::api::DecodeU32;
using kiln::api::EncodeF64;

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

int Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), std::string(status.message()).c_str());
  return 1;
}

// The host's data, which the guest can only reach through the imported function.
constexpr double kReadingsFahrenheit[] = {68.0, 71.6, 50.0, 32.0, -4.0};
constexpr uint32_t kDays = sizeof(kReadingsFahrenheit) / sizeof(kReadingsFahrenheit[0]);

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: host_functions WEATHER.wasm\n");
    return 2;
  }
  const std::vector<uint8_t> wasm = ReadFile(argv[1]);
  const kiln::Context ctx = kiln::Context::Background();
  std::unique_ptr<kiln::Runtime> runtime = kiln::NewRuntime(ctx);

  // The raw form: a HostFunc receives the stack of slots. Param 0 is the day (an i32); the one
  // result, an f64, goes to slot 0. The signature is spelled out when registering it below.
  auto fahrenheit =
      std::make_shared<kiln::api::HostFunc>([](const kiln::Context&, absl::Span<uint64_t> stack) {
        const uint32_t day = DecodeU32(stack[0]);
        stack[0] = EncodeF64(day < kDays ? kReadingsFahrenheit[day] : 0.0);
      });

  // Host functions are grouped in a host module, instantiated under the name Wasm imports
  // from ("env"). Instantiate it before any module that imports it.
  absl::StatusOr<kiln::api::Module*> env =
      runtime
          ->NewHostModuleBuilder("env")
          // Typed: (uint32_t, double) -> void becomes (i32 f64) -> ().
          .NewFunctionBuilder()
          .WithFunc(
              [](uint32_t day, double celsius) { std::printf("day %u: %.1f °C\n", day, celsius); })
          .WithParameterNames({"day", "celsius"})
          .Export("print_celsius")
          // Raw: the implementation plus its Wasm param and result types.
          .NewFunctionBuilder()
          .WithHostFunction(fahrenheit, {kiln::api::kValueTypeI32}, {kiln::api::kValueTypeF64})
          .Export("fahrenheit")
          .Instantiate(ctx);
  if (!env.ok()) return Fail("env", env.status());

  // Linking happens here: each import of weather.wasm is matched by module and function name
  // and by signature. A missing or mistyped host function is an error now, not at call time.
  absl::StatusOr<kiln::api::Module*> weather = runtime->Instantiate(ctx, wasm);
  if (!weather.ok()) return Fail(argv[1], weather.status());

  kiln::api::Function* report = (*weather)->ExportedFunction("report");
  if (report == nullptr) return Fail(argv[1], absl::NotFoundError("no export named report"));
  absl::StatusOr<std::vector<uint64_t>> done = report->Call(ctx, {kiln::api::EncodeU32(kDays)});
  if (!done.ok()) return Fail("report", done.status());

  absl::Status closed = runtime->Close(ctx);
  if (!closed.ok()) return Fail("close", closed);
  return 0;
}
