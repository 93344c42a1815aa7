// multiple_results: WebAssembly functions may return several values (multi-value, part of
// WebAssembly 2.0). Calling one from C++ gives one slot per result; a typed host function
// returns several by returning a std::tuple.
//   $ bazel run //examples/multiple_results
//   divmod(17, 5) = 3 remainder 2
//   range_width(9, 4) = 5 starting at 4
//   divmod(1, 0) trapped: integer divide by zero
//   then divmod(9, 2) = 4 remainder 1
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "api/kiln.h"

namespace {

using kiln::api::DecodeU32;
using kiln::api::EncodeU32;

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

int Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: multiple_results DIVIDE.wasm\n");
    return 2;
  }
  const std::vector<uint8_t> wasm = ReadFile(argv[1]);
  const kiln::Context ctx = kiln::Context::Background();
  std::unique_ptr<kiln::Runtime> runtime = kiln::NewRuntime(ctx);

  // A host function with two results: returning std::tuple<uint32_t, uint32_t> makes its Wasm
  // type (i32 i32) -> (i32 i32). The tuple's elements are the results, in order.
  absl::StatusOr<kiln::api::Module*> env =
      runtime->NewHostModuleBuilder("env")
          .NewFunctionBuilder()
          .WithFunc([](uint32_t a, uint32_t b) {
            return a < b ? std::make_tuple(a, b) : std::make_tuple(b, a);
          })
          .WithResultNames({"min", "max"})
          .Export("min_max")
          .Instantiate(ctx);
  if (!env.ok()) return Fail("env", env.status());

  absl::StatusOr<kiln::api::Module*> mod = runtime->Instantiate(ctx, wasm);
  if (!mod.ok()) return Fail(argv[1], mod.status());

  // Calling a Wasm function with two results: the vector holds one slot per result, in the
  // order of the function's type (see FunctionDefinition::ResultTypes).
  kiln::api::Function* divmod = (*mod)->ExportedFunction("divmod");
  if (divmod == nullptr) return Fail(argv[1], absl::NotFoundError("no export named divmod"));
  absl::StatusOr<std::vector<uint64_t>> qr = divmod->Call(ctx, {EncodeU32(17), EncodeU32(5)});
  if (!qr.ok()) return Fail("divmod", qr.status());
  std::printf("divmod(17, 5) = %u remainder %u\n", DecodeU32((*qr)[0]), DecodeU32((*qr)[1]));

  // This one calls the host's min_max, which returns two values to Wasm.
  kiln::api::Function* range_width = (*mod)->ExportedFunction("range_width");
  if (range_width == nullptr) {
    return Fail(argv[1], absl::NotFoundError("no export named range_width"));
  }
  absl::StatusOr<std::vector<uint64_t>> wm = range_width->Call(ctx, {EncodeU32(9), EncodeU32(4)});
  if (!wm.ok()) return Fail("range_width", wm.status());
  std::printf("range_width(9, 4) = %u starting at %u\n", DecodeU32((*wm)[0]), DecodeU32((*wm)[1]));

  // A trap is an error status, not a crash: dividing by zero ends only this call. The
  // message is the trap's name, then a backtrace on the following lines
  // ("  at divide.divmod+0x1b"); this prints the first line.
  absl::StatusOr<std::vector<uint64_t>> trapped = divmod->Call(ctx, {EncodeU32(1), EncodeU32(0)});
  if (trapped.ok()) return Fail("divmod(1, 0)", absl::InternalError("did not trap"));
  const absl::string_view message = trapped.status().message();
  std::printf("divmod(1, 0) trapped: %s\n",
              std::string(message.substr(0, message.find('\n'))).c_str());

  // The instance is still usable after the trap.
  absl::StatusOr<std::vector<uint64_t>> again = divmod->Call(ctx, {EncodeU32(9), EncodeU32(2)});
  if (!again.ok()) return Fail("divmod after the trap", again.status());
  std::printf("then divmod(9, 2) = %u remainder %u\n", DecodeU32((*again)[0]),
              DecodeU32((*again)[1]));

  absl::Status closed = runtime->Close(ctx);
  if (!closed.ok()) return Fail("close", closed);
  return 0;
}
