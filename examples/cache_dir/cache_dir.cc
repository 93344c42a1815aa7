// cache_dir: keeping compiled code in a directory, so that only the first run of a program
// pays for compiling a module; later runs (and other processes) load the native code instead.
//   $ bazel run //examples/cache_dir -- /tmp/kiln-cache
//   compiled fib.wasm and stored it in /tmp/kiln-cache
//   fib(90) = 2880067194370816120
//   $ bazel run //examples/cache_dir -- /tmp/kiln-cache
//   loaded fib.wasm from /tmp/kiln-cache without compiling
//   fib(90) = 2880067194370816120
// `kiln compile --cache-dir DIR MODULE...` fills a cache ahead of time, e.g. when building a
// container image; `kiln cache list DIR` shows what is in one.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "api/kiln.h"

namespace {

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
  if (argc != 3) {
    std::fprintf(stderr, "usage: cache_dir FIB.wasm CACHE_DIR\n");
    return 2;
  }
  const std::vector<uint8_t> wasm = ReadFile(argv[1]);
  const std::string dir = argv[2];
  const kiln::Context ctx = kiln::Context::Background();

  // The cache is created once and can be shared by any number of runtimes. The directory is
  // created if missing. Entries are keyed by everything that decides the code (the module's
  // SHA-256, the kiln version, the CPU, the configuration), so one directory can serve
  // several programs and configurations, and a stale entry is never used.
  absl::StatusOr<std::shared_ptr<kiln::CompilationCache>> cache =
      kiln::NewCompilationCacheWithDir(dir);
  if (!cache.ok()) return Fail(dir, cache.status());
  std::unique_ptr<kiln::Runtime> runtime =
      kiln::NewRuntimeWithConfig(ctx, kiln::NewRuntimeConfig().WithCompilationCache(*cache));

  // CompileModule looks in the cache first. Nothing else in the program changes.
  const absl::Time start = absl::Now();
  absl::StatusOr<std::shared_ptr<const kiln::CompiledModule>> compiled =
      runtime->CompileModule(ctx, wasm);
  if (!compiled.ok()) return Fail(argv[1], compiled.status());
  const absl::Duration took = absl::Now() - start;

  // Stats tells how the cache answered; a real program rarely needs to know.
  const kiln::CompilationCacheStats stats = (*cache)->Stats();
  if (stats.dir_hits > 0) {
    std::printf("loaded fib.wasm from %s without compiling\n", dir.c_str());
  } else {
    std::printf("compiled fib.wasm and stored it in %s\n", dir.c_str());
  }
  // Timings vary from run to run, so they go to stderr (the test compares stdout).
  std::fprintf(stderr, "CompileModule took %s\n", absl::FormatDuration(took).c_str());

  // From here on, the module is used exactly as without a cache.
  absl::StatusOr<kiln::api::Module*> mod =
      runtime->InstantiateModule(ctx, *compiled, kiln::NewModuleConfig());
  if (!mod.ok()) return Fail(argv[1], mod.status());
  kiln::api::Function* fib = (*mod)->ExportedFunction("fib");
  if (fib == nullptr) return Fail(argv[1], absl::NotFoundError("no export named fib"));
  absl::StatusOr<std::vector<uint64_t>> result = fib->Call(ctx, {kiln::api::EncodeU32(90)});
  if (!result.ok()) return Fail("fib", result.status());
  std::printf("fib(90) = %llu\n", static_cast<unsigned long long>((*result)[0]));

  absl::Status closed = runtime->Close(ctx);
  if (!closed.ok()) return Fail("close", closed);
  return 0;
}
