// strings: passing strings between C++ and Wasm through the module's linear memory.
//
// Wasm functions take and return only numbers, so a string travels as (pointer, length): the
// bytes live in the module's memory. Memory the host writes into must be allocated by the
// module, because only the module knows which addresses are free; so greet.wasm exports
// `malloc` and `free`, as modules compiled from C or Rust do.
//   $ bazel run //examples/strings -- kiln
//   log from wasm: Hello, kiln!
//   greeting returned to C++: Hello, kiln!
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
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

// ReadString copies `len` bytes at `ptr` out of the module's memory, or returns nullopt when
// the range is outside it. Always check: the pointer comes from the guest, and a guest can be
// wrong or malicious.
std::optional<std::string> ReadString(kiln::api::Memory& memory, uint32_t ptr, uint32_t len) {
  std::optional<absl::Span<uint8_t>> bytes = memory.Read(ptr, len);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: strings GREET.wasm NAME\n");
    return 2;
  }
  const std::vector<uint8_t> wasm = ReadFile(argv[1]);
  const std::string name = argv[2];
  const kiln::Context ctx = kiln::Context::Background();
  std::unique_ptr<kiln::Runtime> runtime = kiln::NewRuntime(ctx);

  // The module imports env.log(ptr, len). The host function receives the calling module, whose
  // memory holds the string.
  absl::StatusOr<kiln::api::Module*> env =
      runtime->NewHostModuleBuilder("env")
          .NewFunctionBuilder()
          .WithFunc([](kiln::api::Module& caller, uint32_t ptr, uint32_t len) {
            std::optional<std::string> text = ReadString(*caller.Memory(), ptr, len);
            std::printf("log from wasm: %s\n", text ? text->c_str() : "(out of bounds)");
          })
          .Export("log")
          .Instantiate(ctx);
  if (!env.ok()) return Fail("env", env.status());

  absl::StatusOr<kiln::api::Module*> mod = runtime->Instantiate(ctx, wasm);
  if (!mod.ok()) return Fail(argv[1], mod.status());
  kiln::api::Function* malloc_fn = (*mod)->ExportedFunction("malloc");
  kiln::api::Function* free_fn = (*mod)->ExportedFunction("free");
  kiln::api::Function* greet = (*mod)->ExportedFunction("greet");
  kiln::api::Function* greeting = (*mod)->ExportedFunction("greeting");
  kiln::api::Memory* memory = (*mod)->Memory();
  if (!malloc_fn || !free_fn || !greet || !greeting || !memory) {
    return Fail(argv[1], absl::NotFoundError("missing malloc, free, greet, greeting or memory"));
  }

  // 1. Ask the module for room for the name, and copy the name in.
  const uint32_t name_len = static_cast<uint32_t>(name.size());
  absl::StatusOr<std::vector<uint64_t>> allocated = malloc_fn->Call(ctx, {EncodeU32(name_len)});
  if (!allocated.ok()) return Fail("malloc", allocated.status());
  const uint32_t name_ptr = DecodeU32((*allocated)[0]);
  if (name_ptr == 0 || !memory->WriteString(name_ptr, name)) {
    return Fail("malloc", absl::ResourceExhaustedError("the module is out of memory"));
  }

  // 2. Wasm builds the greeting and hands it to our log function.
  absl::StatusOr<std::vector<uint64_t>> greeted =
      greet->Call(ctx, {EncodeU32(name_ptr), EncodeU32(name_len)});
  if (!greeted.ok()) return Fail("greet", greeted.status());

  // 3. Wasm returns a string: two results, a pointer and a length, to memory it allocated.
  //    We read it, then give the memory back.
  absl::StatusOr<std::vector<uint64_t>> result =
      greeting->Call(ctx, {EncodeU32(name_ptr), EncodeU32(name_len)});
  if (!result.ok()) return Fail("greeting", result.status());
  const uint32_t ptr = DecodeU32((*result)[0]);
  const uint32_t len = DecodeU32((*result)[1]);
  std::optional<std::string> text = ReadString(*memory, ptr, len);
  if (!text) return Fail("greeting", absl::OutOfRangeError("result outside memory"));
  std::printf("greeting returned to C++: %s\n", text->c_str());

  // 4. Free in reverse order of allocation (this module's allocator can then reuse it all).
  for (uint32_t block : {ptr, name_ptr}) {
    absl::StatusOr<std::vector<uint64_t>> freed = free_fn->Call(ctx, {EncodeU32(block)});
    if (!freed.ok()) return Fail("free", freed.status());
  }

  absl::Status closed = runtime->Close(ctx);
  if (!closed.ok()) return Fail("close", closed);
  return 0;
}
