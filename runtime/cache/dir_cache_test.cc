#include "runtime/cache/dir_cache.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "runtime/cache/testing/test_module.h"
#include "testing/status_matchers.h"

namespace kiln::runtime::cache {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;

std::string MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = absl::StrCat(base != nullptr ? base : "/tmp", "/dir_cache_test.XXXXXX");
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  DIR* directory = ::opendir(dir.c_str());
  if (directory == nullptr) return names;
  while (dirent* entry = ::readdir(directory)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(directory);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// Fixture: the test module, its code and key, a fresh directory and a counting compiler.
struct CacheFixture {
  std::vector<uint8_t> module = testing::WatBytes(testing::kTestModuleWat);
  backend::CompiledCode code = testing::CompileForHost(module);
  CacheKey key = testing::HostKey(module);
  std::string dir = MakeTempDir();
  std::atomic<int> compiles{0};

  std::function<absl::StatusOr<backend::CompiledCode>()> Compiler(int sleep_ms = 0) {
    return [this, sleep_ms]() -> absl::StatusOr<backend::CompiledCode> {
      compiles.fetch_add(1);
      if (sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
      return code;
    };
  }
  std::unique_ptr<DirCache> Open(bool read_only = false) {
    auto cache = DirCache::Open(dir, read_only);
    INFO(cache.status());
    REQUIRE(cache.ok());
    return *std::move(cache);
  }
  // Recompiles is true when GetOrCompile compiles (a miss) and leaves a valid entry.
  void RequireRecompiledAndReplaced() {
    auto cache = Open();
    bool hit = true;
    int before = compiles.load();
    auto result = cache->GetOrCompile(key, Compiler(), &hit);
    REQUIRE_THAT(result.status(), IsOk());
    CHECK_FALSE(hit);
    CHECK(compiles.load() == before + 1);
    CHECK(result->code == code.code);
    CHECK_THAT(cache->Load(key).status(), IsOk());
    CHECK(FilesIn(dir) == std::vector<std::string>{key.FileName()});
  }
};

TEST_CASE_METHOD(CacheFixture, "dir cache stores an entry and loads it back without compiling",
                 "[cache][dir]") {
  auto cache = Open();
  CHECK_THAT(cache->Load(key).status(), StatusIs(absl::StatusCode::kNotFound, key.FileName()));
  bool hit = true;
  auto first = cache->GetOrCompile(key, Compiler(), &hit);
  REQUIRE_THAT(first.status(), IsOk());
  CHECK_FALSE(hit);
  CHECK(compiles.load() == 1);
  CHECK(FilesIn(dir) == std::vector<std::string>{key.FileName()});

  // Another DirCache on the same directory (as another process would) finds it.
  auto again = Open();
  auto second = again->GetOrCompile(key, Compiler(), &hit);
  REQUIRE_THAT(second.status(), IsOk());
  CHECK(hit);
  CHECK(compiles.load() == 1);
  CHECK(second->code == code.code);
  CHECK(second->trap_sites.size() == code.trap_sites.size());
  CHECK(second->entry_trampolines.size() == code.entry_trampolines.size());
}

TEST_CASE_METHOD(CacheFixture, "dir cache Open creates missing parent directories",
                 "[cache][dir]") {
  dir = absl::StrCat(dir, "/a/b/c");
  auto cache = Open();
  REQUIRE_THAT(cache->Store(key, code), IsOk());
  CHECK(FilesIn(dir) == std::vector<std::string>{key.FileName()});
  std::string file = absl::StrCat(dir, "/", key.FileName());
  CHECK_THAT(DirCache::Open(file).status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "is not a directory"));
}

TEST_CASE_METHOD(CacheFixture, "dir cache recompiles and replaces a truncated entry",
                 "[cache][dir]") {
  auto cache = Open();
  REQUIRE_THAT(cache->Store(key, code), IsOk());
  const std::string path = cache->EntryPath(key);
  std::vector<uint8_t> bytes = ReadBytes(path);
  size_t cut = GENERATE(size_t{0}, size_t{20}, size_t{500}, size_t{1});
  bytes.resize(cut == 1 ? bytes.size() - 1 : std::min(cut, bytes.size()));
  CAPTURE(bytes.size());
  WriteBytes(path, bytes);
  CHECK_THAT(cache->Load(key).status(), StatusIs(absl::StatusCode::kDataLoss, path));
  RequireRecompiledAndReplaced();
}

TEST_CASE_METHOD(CacheFixture, "dir cache recompiles and replaces an entry with a flipped byte",
                 "[cache][dir]") {
  auto cache = Open();
  REQUIRE_THAT(cache->Store(key, code), IsOk());
  const std::string path = cache->EntryPath(key);
  std::vector<uint8_t> bytes = ReadBytes(path);
  // Inside the code bytes, well after the header.
  bytes[bytes.size() / 2] ^= 0x10;
  WriteBytes(path, bytes);
  CHECK_THAT(cache->Load(key).status(),
             StatusIs(absl::StatusCode::kDataLoss, "checksum mismatch"));
  RequireRecompiledAndReplaced();
}

TEST_CASE_METHOD(CacheFixture,
                 "dir cache treats an entry from another compiler version or key as a miss",
                 "[cache][dir]") {
  auto cache = Open();
  CacheKey other = key;
  std::string expected;
  SECTION("other compiler version") {
    other.compiler_version = "0.0.9 build-id 1234";
    expected = "compiler-version: 0.0.9 build-id 1234 vs ";
  }
  SECTION("other module") {
    other.module_sha256[0] ^= 1;
    expected = "module-sha256: ";
  }
  SECTION("other interrupt checks") {
    other.interrupt_checks = true;
    expected = "interrupt-checks: on vs off";
  }
  // A valid entry for `other`, under `key`'s file name (as if renamed, or a stale build).
  WriteBytes(cache->EntryPath(key), SerializeEntry(other, code));
  CHECK_THAT(cache->Load(key).status(), StatusIs(absl::StatusCode::kDataLoss, expected));
  RequireRecompiledAndReplaced();
}

TEST_CASE_METHOD(CacheFixture, "read-only dir cache fails on a miss and writes nothing",
                 "[cache][dir]") {
  (void)Open();  // creates the directory
  auto cache = Open(/*read_only=*/true);
  CHECK(cache->read_only());
  auto result = cache->GetOrCompile(key, Compiler());
  CHECK_THAT(result.status(), StatusIs(absl::StatusCode::kNotFound, cache->EntryPath(key)));
  CHECK(compiles.load() == 0);
  CHECK_THAT(cache->Store(key, code), StatusIs(absl::StatusCode::kFailedPrecondition, "read-only"));
  CHECK_THAT(cache->Prune(std::nullopt).status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "read-only"));
  CHECK(FilesIn(dir).empty());

  SECTION("a damaged entry is a miss too, and is left alone") {
    WriteBytes(cache->EntryPath(key), {1, 2, 3});
    CHECK_THAT(cache->GetOrCompile(key, Compiler()).status(),
               StatusIs(absl::StatusCode::kNotFound, "not a kiln compilation cache entry"));
    CHECK(ReadBytes(cache->EntryPath(key)) == std::vector<uint8_t>{1, 2, 3});
  }
  SECTION("a valid entry is used") {
    REQUIRE_THAT(Open()->Store(key, code), IsOk());
    bool hit = false;
    CHECK_THAT(cache->GetOrCompile(key, Compiler(), &hit).status(), IsOk());
    CHECK(hit);
  }
  SECTION("a missing directory is not created") {
    std::string missing = absl::StrCat(dir, "/missing");
    CHECK_THAT(DirCache::Open(missing, /*read_only=*/true).status(),
               StatusIs(absl::StatusCode::kNotFound, missing));
    CHECK(FilesIn(dir).empty());
  }
}

TEST_CASE_METHOD(CacheFixture, "dir cache compiles a key once for many threads",
                 "[cache][dir]") {
  auto cache = Open();
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<backend::CompiledCode>> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(
        [&, t] { results[t] = cache->GetOrCompile(key, Compiler(/*sleep_ms=*/100)); });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(compiles.load() == 1);
  for (const auto& result : results) {
    REQUIRE_THAT(result.status(), IsOk());
    CHECK(result->code == code.code);
  }
  CHECK(FilesIn(dir) == std::vector<std::string>{key.FileName()});
}

TEST_CASE_METHOD(CacheFixture,
                 "dir cache compiles a key once for threads using different DirCache objects",
                 "[cache][dir]") {
  // The same directory opened twice, once through another spelling of its path.
  std::vector<std::unique_ptr<DirCache>> caches;
  caches.push_back(Open());
  auto other = DirCache::Open(absl::StrCat(dir, "/./"));
  REQUIRE_THAT(other.status(), IsOk());
  caches.push_back(*std::move(other));
  std::vector<std::thread> threads;
  std::vector<absl::StatusOr<backend::CompiledCode>> results(6);
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      results[t] = caches[t % 2]->GetOrCompile(key, Compiler(/*sleep_ms=*/100));
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(compiles.load() == 1);
  for (const auto& result : results) CHECK_THAT(result.status(), IsOk());
}

TEST_CASE_METHOD(CacheFixture,
                 "dir cache: two processes compiling one module at once leave one valid entry",
                 "[cache][dir]") {
  // Both processes wait at a pipe until both are ready, then compile (slowly, so the compiles
  // overlap) and store into the same directory.
  int go[2];
  REQUIRE(::pipe(go) == 0);
  auto run = [&]() -> bool {
    char byte;
    if (::read(go[0], &byte, 1) != 1) return false;
    auto cache = DirCache::Open(dir);
    if (!cache.ok()) return false;
    // Normally both miss and compile; a process scheduled very late may find the other's
    // entry instead, which is as correct.
    auto result = (*cache)->GetOrCompile(key, Compiler(/*sleep_ms=*/200));
    return result.ok() && result->code == code.code;
  };
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(run() ? 0 : 1);
  REQUIRE(::write(go[1], "gg", 2) == 2);
  const bool parent_ok = run();
  int wait_status = 0;
  REQUIRE(::waitpid(child, &wait_status, 0) == child);
  ::close(go[0]);
  ::close(go[1]);
  CHECK(parent_ok);
  CHECK(WIFEXITED(wait_status));
  CHECK(WEXITSTATUS(wait_status) == 0);
  // One entry, no temp files left by either writer.
  CHECK(compiles.load() <= 1);
  CHECK(FilesIn(dir) == std::vector<std::string>{key.FileName()});
  auto loaded = Open()->Load(key);
  REQUIRE_THAT(loaded.status(), IsOk());
  CHECK(loaded->code == code.code);
}

TEST_CASE_METHOD(CacheFixture, "dir cache List describes entries and their validity",
                 "[cache][dir]") {
  auto cache = Open();
  REQUIRE_THAT(cache->Store(key, code), IsOk());
  CacheKey other = key;
  other.optimization_level = 0;
  REQUIRE_THAT(cache->Store(other, code), IsOk());
  WriteBytes(cache->EntryPath(other), {'x'});
  WriteBytes(absl::StrCat(dir, "/notes.txt"), {'y'});
  auto entries = cache->List();
  REQUIRE_THAT(entries.status(), IsOk());
  REQUIRE(entries->size() == 2);
  for (const EntryInfo& entry : *entries) {
    CAPTURE(entry.path);
    if (entry.path == cache->EntryPath(key)) {
      CHECK_THAT(entry.integrity, IsOk());
      REQUIRE_THAT(entry.key.status(), IsOk());
      CHECK(*entry.key == key);
      CHECK(entry.size_bytes == ReadBytes(entry.path).size());
    } else {
      CHECK(entry.path == cache->EntryPath(other));
      CHECK_THAT(entry.integrity, StatusIs(absl::StatusCode::kDataLoss, ""));
      CHECK_THAT(entry.key.status(), StatusIs(absl::StatusCode::kDataLoss, ""));
      CHECK(entry.size_bytes == 1);
    }
  }
}

TEST_CASE_METHOD(CacheFixture, "dir cache Prune removes unusable entries and old temp files",
                 "[cache][dir]") {
  auto cache = Open();
  REQUIRE_THAT(cache->Store(key, code), IsOk());
  CacheKey damaged = key;
  damaged.optimization_level = 0;
  WriteBytes(cache->EntryPath(damaged), {'x'});
  CacheKey old_version = key;
  old_version.compiler_version = "0.0.1 build-id 00";
  REQUIRE_THAT(cache->Store(old_version, code), IsOk());
  const std::string stale_temp = absl::StrCat(dir, "/.tmp-", key.FileName(), "-1-0");
  const std::string fresh_temp = absl::StrCat(dir, "/.tmp-", key.FileName(), "-2-0");
  WriteBytes(stale_temp, {'t'});
  WriteBytes(fresh_temp, {'t'});
  struct timeval an_hour_ago[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
  REQUIRE(::utimes(stale_temp.c_str(), an_hour_ago) == 0);

  auto removed = cache->Prune(std::nullopt);
  REQUIRE_THAT(removed.status(), IsOk());
  std::sort(removed->begin(), removed->end());
  std::vector<std::string> expected = {stale_temp, cache->EntryPath(damaged),
                                       cache->EntryPath(old_version)};
  std::sort(expected.begin(), expected.end());
  CHECK(*removed == expected);
  std::vector<std::string> left = {absl::StrCat(".tmp-", key.FileName(), "-2-0"), key.FileName()};
  std::sort(left.begin(), left.end());
  CHECK(FilesIn(dir) == left);
}

TEST_CASE_METHOD(CacheFixture, "dir cache Prune with a size limit removes the oldest entries",
                 "[cache][dir]") {
  auto cache = Open();
  std::vector<CacheKey> keys;
  for (int level = 0; level < 3; ++level) {
    CacheKey k = key;
    k.optimization_level = level + 10;
    REQUIRE_THAT(cache->Store(k, code), IsOk());
    // Entry `level` was last modified `3 - level` hours ago: entry 0 is the oldest.
    struct timeval when[2] = {{::time(nullptr) - 3600 * (3 - level), 0},
                              {::time(nullptr) - 3600 * (3 - level), 0}};
    REQUIRE(::utimes(cache->EntryPath(k).c_str(), when) == 0);
    keys.push_back(k);
  }
  const uint64_t entry_size = ReadBytes(cache->EntryPath(keys[0])).size();
  auto removed = cache->Prune(2 * entry_size);
  REQUIRE_THAT(removed.status(), IsOk());
  CHECK(*removed == std::vector<std::string>{cache->EntryPath(keys[0])});
  removed = cache->Prune(0);
  REQUIRE_THAT(removed.status(), IsOk());
  CHECK(*removed ==
        std::vector<std::string>{cache->EntryPath(keys[1]), cache->EntryPath(keys[2])});
  CHECK(FilesIn(dir).empty());
}

}  // namespace
}  // namespace kiln::runtime::cache
