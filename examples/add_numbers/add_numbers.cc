// add_numbers: the smallest kiln embedding. It loads add.wasm, calls its export "add" with the
// two numbers from the command line and prints the sum:
//   $ bazel run //examples/add_numbers -- 7 35
//   7 + 35 = 42
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "api/kiln.h"  // everything an embedder needs, and nothing else

namespace {

// ReadFile returns the bytes of a file, or an empty vector when it cannot be read.
std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

// Fail prints an error the way every example does and returns the exit code for main.
int Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: add_numbers ADD.wasm X Y\n");
    return 2;
  }
  const std::vector<uint8_t> wasm = ReadFile(argv[1]);
  const int32_t x = std::atoi(argv[2]);
  const int32_t y = std::atoi(argv[3]);

  // A Context travels with every call; it can carry a deadline or be cancelled (see the
  // cancellation example). Background() is one that never ends.
  const kiln::Context ctx = kiln::Context::Background();

  // A Runtime compiles modules to native code and holds their instances. Closing it (or
  // destroying it) releases everything it made.
  std::unique_ptr<kiln::Runtime> runtime = kiln::NewRuntime(ctx);

  // Instantiate compiles the binary and creates an instance: its memory, globals and so on.
  // Compiling is the expensive step: see the cache_dir example to do it only once.
  absl::StatusOr<kiln::api::Module*> mod = runtime->Instantiate(ctx, wasm);
  if (!mod.ok()) return Fail(argv[1], mod.status());

  // Exports are looked up by name; nullptr means the module has no such function.
  kiln::api::Function* add = (*mod)->ExportedFunction("add");
  if (add == nullptr) return Fail(argv[1], absl::NotFoundError("no function exported as add"));

  // Every value crosses the boundary as a uint64_t slot: Encode* packs a C++ value, Decode*
  // unpacks a result. add takes (i32, i32) and returns one i32.
  absl::StatusOr<std::vector<uint64_t>> results =
      add->Call(ctx, {kiln::api::EncodeI32(x), kiln::api::EncodeI32(y)});
  if (!results.ok()) return Fail("add", results.status());

  std::printf("%d + %d = %d\n", x, y, kiln::api::DecodeI32((*results)[0]));

  // Close releases every module; errors here would only be about freeing resources.
  absl::Status closed = runtime->Close(ctx);
  if (!closed.ok()) return Fail("close", closed);
  return 0;
}
