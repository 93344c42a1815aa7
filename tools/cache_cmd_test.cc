#include "tools/cache_cmd.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/runtime_config.h"
#include "catch2/catch.hpp"
#include "compiler/base/sha256.h"
#include "runtime/cache/dir_cache.h"
#include "runtime/cache/testing/test_module.h"
#include "runtime/embedding/module_compiler.h"

namespace kiln::tools {
namespace {

using Catch::Contains;

struct Output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

Output Run(std::vector<std::string> args) {
  std::ostringstream out;
  std::ostringstream err;
  Output result;
  result.exit_code = RunCacheCommand(args, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

// Fixture: a cache directory holding the test module's entry under the default configuration.
struct CacheDirFixture {
  std::string dir;
  std::string entry;
  std::string module_file;
  runtime::cache::CacheKey key;

  CacheDirFixture() {
    const char* base = std::getenv("TEST_TMPDIR");
    dir = absl::StrCat(base != nullptr ? base : "/tmp", "/cache_cmd_test.XXXXXX");
    REQUIRE(::mkdtemp(dir.data()) != nullptr);
    std::vector<uint8_t> bytes =
        runtime::cache::testing::WatBytes(runtime::cache::testing::kTestModuleWat);
    module_file = absl::StrCat(dir, ".wasm");
    std::ofstream(module_file, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto running = embedding::CacheKeyFor(bytes, NewRuntimeConfig());
    REQUIRE(running.ok());
    key = *running;
    auto cache = runtime::cache::DirCache::Open(dir);
    REQUIRE(cache.ok());
    REQUIRE((*cache)->Store(key, runtime::cache::testing::CompileForHost(bytes)).ok());
    entry = (*cache)->EntryPath(key);
  }
};

TEST_CASE_METHOD(CacheDirFixture, "kiln cache explain prints the manifest and a match",
                 "[tools][cache]") {
  Output result = Run({"explain", entry});
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Contains(key.Manifest()));
  CHECK_THAT(result.out, Contains("checksum and format: valid"));
  CHECK_THAT(result.out, Contains("  matches the running configuration"));
  CHECK_FALSE(absl::StrContains(result.out, "file name"));

  Output with_module = Run({"explain", entry, "--module", module_file});
  CHECK_THAT(with_module.out, Contains("  matches the running configuration"));
}

TEST_CASE_METHOD(CacheDirFixture, "kiln cache explain names each field that differs",
                 "[tools][cache]") {
  Output result = Run({"explain", "--interrupt-checks", entry, "--opt-level", "0"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("2 fields differ (entry vs running):\n"
                                  "    interrupt-checks: off vs on\n"
                                  "    optimization-level: 1 vs 0\n"));

  std::ofstream(module_file, std::ios::binary) << "\0asm";
  Output other_module = Run({"explain", entry, "--module", module_file});
  CHECK_THAT(other_module.out, Contains("1 field differs"));
  CHECK_THAT(other_module.out, Contains("module-sha256: "));
}

TEST_CASE_METHOD(CacheDirFixture, "kiln cache explain reports a damaged entry",
                 "[tools][cache]") {
  {
    std::fstream file(entry, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-40, std::ios::end);
    file.put('\x55');
  }
  Output result = Run({"explain", entry});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("checksum and format: INVALID: cache entry checksum mismatch"));
  CHECK_THAT(result.out, Contains("matches the running configuration"));
}

TEST_CASE_METHOD(CacheDirFixture, "kiln cache explain fails on what is not an entry",
                 "[tools][cache]") {
  Output result = Run({"explain", module_file});
  CHECK(result.exit_code == 1);
  CHECK_THAT(result.err, Contains("not a kiln compilation cache entry"));
  CHECK(Run({"explain", absl::StrCat(dir, "/missing.kiln")}).exit_code == 1);
  CHECK(Run({"explain"}).exit_code == 2);
  CHECK(Run({"explain", entry, "--opt-level", "7"}).exit_code == 2);
  CHECK(Run({"explain", entry, "--bogus"}).exit_code == 2);
  CHECK(Run({"frobnicate"}).exit_code == 2);
}

TEST_CASE_METHOD(CacheDirFixture, "kiln cache list shows one line per entry",
                 "[tools][cache]") {
  std::ofstream(absl::StrCat(dir, "/broken.kiln")) << "garbage";
  Output result = Run({"list", dir});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Contains(absl::StrCat(
                             key.FileName(), "  ")));
  CHECK_THAT(result.out,
             Contains(absl::StrCat("module ", base::HexDigest(key.module_sha256).substr(0, 12),
                                   "  ", key.compiler_version, "  valid\n")));
  CHECK_THAT(result.out, Contains("broken.kiln  7 bytes  module ?  ?  invalid: "));
  CHECK_THAT(result.out, Contains("2 entries, "));
  CHECK(Run({"list", absl::StrCat(dir, "/nope")}).exit_code == 1);
  CHECK(Run({"list"}).exit_code == 2);
}

TEST_CASE_METHOD(CacheDirFixture, "kiln cache prune removes damaged entries and trims to size",
                 "[tools][cache]") {
  const std::string broken = absl::StrCat(dir, "/broken.kiln");
  std::ofstream(broken) << "garbage";
  Output result = Run({"prune", dir});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Contains(absl::StrCat("removed ", broken, "\n")));
  CHECK_THAT(result.out, Contains("1 file removed, 1 entry ("));
  CHECK(::access(entry.c_str(), F_OK) == 0);

  result = Run({"prune", dir, "--max-bytes", "0"});
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Contains("1 file removed, 0 entries (0 bytes) kept"));
  CHECK(::access(entry.c_str(), F_OK) != 0);

  const std::string missing = absl::StrCat(dir, "/missing");
  CHECK(Run({"prune", missing}).exit_code == 1);
  struct stat info;
  CHECK(::stat(missing.c_str(), &info) != 0);
  CHECK(Run({"prune", dir, "--max-bytes", "lots"}).exit_code == 2);
}

}  // namespace
}  // namespace kiln::tools
