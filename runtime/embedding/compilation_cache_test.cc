// Tests of the compilation cache through the embedding API: an in-memory cache shared by
// runtimes, a cache directory read by a second cache (as another process would), read-only
// directories, keys that separate configurations, Close, and compile-once under concurrency.
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "api/kiln.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/testing/wat_binaries.h"
#include "testing/status_matchers.h"

namespace kiln {
namespace {

using embedding::testing::WatToWasm;
using testing::IsOk;
using testing::StatusIs;

constexpr absl::string_view kFactorial = R"((module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))))";

// TempDir makes a fresh directory under the test's temporary directory.
std::string TempDir() {
  const char* base = getenv("TEST_TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/kiln_cache_XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  REQUIRE(mkdtemp(buffer.data()) != nullptr);
  return std::string(buffer.data());
}

uint64_t Factorial(Runtime& runtime, absl::Span<const uint8_t> binary, uint64_t n) {
  Context ctx;
  absl::StatusOr<api::Module*> module =
      runtime.InstantiateWithConfig(ctx, binary, NewModuleConfig().WithName(""));
  INFO(module.status());
  REQUIRE(module.ok());
  absl::StatusOr<std::vector<uint64_t>> result = (*module)->ExportedFunction("fac")->Call(ctx, {n});
  INFO(result.status());
  REQUIRE(result.ok());
  return (*result)[0];
}

}  // namespace
}  // namespace kiln

namespace Catch {
template <>
struct StringMaker<kiln::CompilationCacheStats> {
  static std::string convert(const kiln::CompilationCacheStats& s) {
    return "{memory_hits " + std::to_string(s.memory_hits) + ", dir_hits " +
           std::to_string(s.dir_hits) + ", compiles " + std::to_string(s.compiles) + "}";
  }
};
}  // namespace Catch

namespace kiln {
namespace {

TEST_CASE("an in-memory cache lets runtimes share code", "[embedding][cache]") {
  Context ctx;
  std::vector<uint8_t> binary = WatToWasm(kFactorial);
  std::shared_ptr<CompilationCache> cache = NewCompilationCache();
  CHECK(cache->Dir().empty());
  CHECK_FALSE(cache->ReadOnly());
  RuntimeConfig config = NewRuntimeConfig().WithCompilationCache(cache);

  std::unique_ptr<Runtime> first = NewRuntimeWithConfig(ctx, config);
  std::unique_ptr<Runtime> second = NewRuntimeWithConfig(ctx, config);
  CHECK(Factorial(*first, binary, 10) == 3628800);
  CHECK(cache->Stats() == CompilationCacheStats{0, 0, 1});
  CHECK(Factorial(*second, binary, 5) == 120);
  CHECK(Factorial(*first, binary, 3) == 6);
  CHECK(cache->Stats() == CompilationCacheStats{2, 0, 1});

  SECTION("a configuration that changes the code has its own entry") {
    std::unique_ptr<Runtime> unoptimized =
        NewRuntimeWithConfig(ctx, config.WithOptimizationLevel(0));
    std::unique_ptr<Runtime> interruptible =
        NewRuntimeWithConfig(ctx, config.WithCloseOnContextDone(true));
    CHECK(Factorial(*unoptimized, binary, 4) == 24);
    CHECK(Factorial(*interruptible, binary, 4) == 24);
    CHECK(cache->Stats() == CompilationCacheStats{2, 0, 3});
  }

  SECTION("a module rejected under one configuration is not served to it by the cache") {
    std::unique_ptr<Runtime> v1 = NewRuntimeWithConfig(
        ctx, config.WithCoreFeatures(api::kCoreFeaturesV1));
    std::vector<uint8_t> uses_sign_extension = WatToWasm(
        "(module (func (param i32) (result i32) (i32.extend16_s (local.get 0))))");
    REQUIRE_THAT(first->CompileModule(ctx, uses_sign_extension).status(), IsOk());
    CHECK_THAT(v1->CompileModule(ctx, uses_sign_extension).status(),
               StatusIs(absl::StatusCode::kInvalidArgument, "feature sign-extension-ops"));
  }

  SECTION("after Close the cache keeps nothing in memory") {
    REQUIRE_THAT(cache->Close(ctx), IsOk());
    CHECK(Factorial(*second, binary, 2) == 2);
    CHECK(cache->Stats() == CompilationCacheStats{2, 0, 2});
  }
}

TEST_CASE("a cache directory serves a second cache without compiling", "[embedding][cache]") {
  Context ctx;
  std::string dir = TempDir();
  std::vector<uint8_t> binary = WatToWasm(kFactorial);

  absl::StatusOr<std::shared_ptr<CompilationCache>> writer = NewCompilationCacheWithDir(dir);
  REQUIRE_THAT(writer.status(), IsOk());
  CHECK((*writer)->Dir() == dir);
  std::unique_ptr<Runtime> first =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCompilationCache(*writer));
  CHECK(Factorial(*first, binary, 6) == 720);
  CHECK((*writer)->Stats() == CompilationCacheStats{0, 0, 1});
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    CAPTURE(entry.path().string());
    ++files;
  }
  CHECK(files == 1);

  // A second cache over the same directory stands for another process: nothing in memory.
  absl::StatusOr<std::shared_ptr<CompilationCache>> reader = NewCompilationCacheWithDir(dir);
  REQUIRE_THAT(reader.status(), IsOk());
  std::unique_ptr<Runtime> second =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCompilationCache(*reader));
  CHECK(Factorial(*second, binary, 7) == 5040);
  CHECK((*reader)->Stats() == CompilationCacheStats{0, 1, 0});
  CHECK(Factorial(*second, binary, 8) == 40320);
  CHECK((*reader)->Stats() == CompilationCacheStats{1, 1, 0});

  SECTION("read-only: hits load, misses fail instead of compiling") {
    absl::StatusOr<std::shared_ptr<CompilationCache>> read_only =
        NewReadOnlyCompilationCacheWithDir(dir);
    REQUIRE_THAT(read_only.status(), IsOk());
    CHECK((*read_only)->ReadOnly());
    std::unique_ptr<Runtime> runtime =
        NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCompilationCache(*read_only));
    CHECK(Factorial(*runtime, binary, 4) == 24);
    CHECK((*read_only)->Stats() == CompilationCacheStats{0, 1, 0});
    CHECK_THAT(runtime->CompileModule(ctx, WatToWasm("(module (func (export \"other\")))"))
                   .status(),
               StatusIs(absl::StatusCode::kNotFound, "compilation cache miss"));
    // Another optimization level is another key: a miss as well.
    std::unique_ptr<Runtime> level0 = NewRuntimeWithConfig(
        ctx, NewRuntimeConfig().WithCompilationCache(*read_only).WithOptimizationLevel(0));
    CHECK_THAT(level0->CompileModule(ctx, binary).status(),
               StatusIs(absl::StatusCode::kNotFound, "compilation cache miss"));
    CHECK((*read_only)->Stats().compiles == 0);
  }
}

// OnlyEntry returns the path of the one file in `dir`.
std::string OnlyEntry(const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    paths.push_back(entry.path().string());
  }
  REQUIRE(paths.size() == 1);
  return paths[0];
}

TEST_CASE("a damaged cache entry is compiled again and replaced, never run",
          "[embedding][cache]") {
  Context ctx;
  std::string dir = TempDir();
  std::vector<uint8_t> binary = WatToWasm(kFactorial);
  auto run_with_fresh_cache = [&](uint64_t n) {
    absl::StatusOr<std::shared_ptr<CompilationCache>> cache = NewCompilationCacheWithDir(dir);
    REQUIRE_THAT(cache.status(), IsOk());
    std::unique_ptr<Runtime> runtime =
        NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCompilationCache(*cache));
    CHECK(Factorial(*runtime, binary, n) == (n == 5 ? 120u : 720u));
    return (*cache)->Stats();
  };
  CHECK(run_with_fresh_cache(5) == CompilationCacheStats{0, 0, 1});
  std::string entry = OnlyEntry(dir);
  uintmax_t size = std::filesystem::file_size(entry);

  SECTION("a flipped byte in the code") {
    FILE* f = fopen(entry.c_str(), "r+b");
    REQUIRE(f != nullptr);
    REQUIRE(fseek(f, static_cast<long>(size) - 40, SEEK_SET) == 0);
    int byte = fgetc(f);
    REQUIRE(fseek(f, static_cast<long>(size) - 40, SEEK_SET) == 0);
    fputc(byte ^ 0x5a, f);
    fclose(f);
  }
  SECTION("a truncated file") {
    std::filesystem::resize_file(entry, size / 2);
  }
  SECTION("an empty file") {
    std::filesystem::resize_file(entry, 0);
  }
  CHECK(run_with_fresh_cache(6) == CompilationCacheStats{0, 0, 1});
  // The entry was replaced by a good one: the next process loads it.
  CHECK(std::filesystem::file_size(OnlyEntry(dir)) == size);
  CHECK(run_with_fresh_cache(6) == CompilationCacheStats{0, 1, 0});
}

TEST_CASE("cache directories are checked when opened", "[embedding][cache]") {
  CHECK_THAT(NewCompilationCacheWithDir("").status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "directory name is empty"));
  std::string dir = TempDir();
  std::string file = dir + "/plain_file";
  FILE* f = fopen(file.c_str(), "w");
  REQUIRE(f != nullptr);
  fclose(f);
  CHECK_FALSE(NewCompilationCacheWithDir(file).ok());
  CHECK_FALSE(NewReadOnlyCompilationCacheWithDir(dir + "/missing").ok());
  // A writable cache creates its directory with parents.
  absl::StatusOr<std::shared_ptr<CompilationCache>> nested =
      NewCompilationCacheWithDir(dir + "/a/b/c");
  REQUIRE_THAT(nested.status(), IsOk());
  CHECK(std::filesystem::is_directory(dir + "/a/b/c"));
}

TEST_CASE("threads compiling one module at once compile it once", "[embedding][cache]") {
  Context ctx;
  std::vector<uint8_t> binary = WatToWasm(kFactorial);
  std::shared_ptr<CompilationCache> cache = NewCompilationCache();
  std::unique_ptr<Runtime> runtime =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCompilationCache(cache));
  constexpr int kThreads = 4;
  std::vector<uint64_t> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<api::Module*> module =
          runtime->InstantiateWithConfig(ctx, binary, NewModuleConfig().WithName(""));
      if (!module.ok()) return;
      absl::StatusOr<std::vector<uint64_t>> r =
          (*module)->ExportedFunction("fac")->Call(ctx, {static_cast<uint64_t>(t + 3)});
      if (r.ok()) results[t] = (*r)[0];
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(results == std::vector<uint64_t>{6, 24, 120, 720});
  CHECK(cache->Stats() == CompilationCacheStats{kThreads - 1, 0, 1});
}

}  // namespace
}  // namespace kiln
