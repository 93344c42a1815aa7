#include "runtime/cache/cache_key.h"

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::runtime::cache {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;

CacheKey SampleKey() {
  CacheKey key;
  for (int i = 0; i < 32; ++i) key.module_sha256[i] = static_cast<uint8_t>(i * 9);
  key.compiler_version = "0.1.0-dev build-id 0123abcd";
  key.isa = backend::TargetIsa::kX86_64;
  key.cpu_features = backend::kCpuSse41 | backend::kCpuPopcnt | backend::kCpuBmi1;
  key.core_features = 0x7f;
  key.memory_strategy = "guard-pages";
  key.interrupt_checks = true;
  key.optimization_level = 1;
  return key;
}

TEST_CASE("cache key manifest has one readable line per field in a fixed order",
          "[cache][key]") {
  CHECK(SampleKey().Manifest() ==
        "module-sha256: 0009121b242d363f48515a636c757e879099a2abb4bdc6cfd8e1eaf3fc050e17\n"
        "compiler-version: 0.1.0-dev build-id 0123abcd\n"
        "isa: x86_64\n"
        "cpu-features: sse4.1 popcnt bmi1\n"
        "core-features: 0x7f (bulk-memory-operations|multi-value|mutable-global|"
        "nontrapping-float-to-int-conversion|reference-types|sign-extension-ops|simd)\n"
        "memory-strategy: guard-pages\n"
        "interrupt-checks: on\n"
        "optimization-level: 1\n");
}

TEST_CASE("cache key manifest reads back as the same key", "[cache][key]") {
  CacheKey key = SampleKey();
  SECTION("sample") {}
  SECTION("no cpu features, interrupt checks off, level 0") {
    key.cpu_features = 0;
    key.interrupt_checks = false;
    key.optimization_level = 0;
  }
  SECTION("a feature bit this build has no name for") { key.cpu_features |= uint64_t{1} << 40; }
  SECTION("aarch64 with checks") {
    key.isa = backend::TargetIsa::kAarch64;
    key.memory_strategy = "bounds-checks";
  }
  absl::StatusOr<CacheKey> parsed = CacheKey::ParseManifest(key.Manifest());
  REQUIRE_THAT(parsed.status(), IsOk());
  CHECK(*parsed == key);
  CHECK(parsed->module_sha256 == key.module_sha256);
  CHECK(parsed->cpu_features == key.cpu_features);
  CHECK(parsed->interrupt_checks == key.interrupt_checks);
  CHECK(parsed->optimization_level == key.optimization_level);
}

TEST_CASE("cache key ParseManifest rejects anything Manifest would not write", "[cache][key]") {
  const std::string good = SampleKey().Manifest();
  auto replaced = [&](absl::string_view from, absl::string_view to) {
    return absl::StrReplaceAll(good, {{from, to}});
  };
  auto [manifest, message] = GENERATE_REF(table<std::string, std::string>({
      {"", "manifest does not end with a newline"},
      {good.substr(0, good.size() - 1), "does not end with a newline"},
      {good + "extra: 1\n", "9 lines, expected 8"},
      {replaced("isa: x86_64", "isa: mips"), "field isa"},
      {replaced("isa:", "arch:"), "line 3 should be 'isa: <value>'"},
      {replaced("cpu-features: sse4.1", "cpu-features: sse9"), "field cpu-features"},
      {replaced("interrupt-checks: on", "interrupt-checks: yes"), "field interrupt-checks"},
      {replaced("optimization-level: 1", "optimization-level: one"), "field optimization-level"},
      {replaced("optimization-level: 1", "optimization-level: +1"), "canonical"},
      {replaced("core-features: 0x7f (", "core-features: 127 ("), "field core-features"},
      {replaced("core-features: 0x7f (", "core-features: 0x7F ("), "canonical"},
      {replaced("0009121b", "0009121B"), "field module-sha256"},
      {replaced("0009121b", "009121b"), "field module-sha256"},
      {replaced("guard-pages", "guard pages "), "field memory-strategy"},
      {replaced("cpu-features: sse4.1 popcnt bmi1", "cpu-features: bmi1 sse4.1 popcnt"),
       "canonical"},
  }));
  CAPTURE(manifest);
  CHECK_THAT(CacheKey::ParseManifest(manifest).status(),
             StatusIs(absl::StatusCode::kInvalidArgument, message));
}

TEST_CASE("cache key Differences names each differing field", "[cache][key]") {
  CacheKey a = SampleKey();
  CacheKey b = SampleKey();
  CHECK(a.Differences(b).empty());
  CHECK(a == b);
  b.compiler_version = "0.1.0-dev build-id ffff";
  b.optimization_level = 0;
  CHECK_FALSE(a == b);
  CHECK(a.Differences(b) ==
        std::vector<std::string>{
            "compiler-version: 0.1.0-dev build-id 0123abcd vs 0.1.0-dev build-id ffff",
            "optimization-level: 1 vs 0"});
}

TEST_CASE("cache key file name is the manifest digest and differs per field", "[cache][key]") {
  CacheKey a = SampleKey();
  const std::string name = a.FileName();
  CHECK(name.size() == 64 + 5);
  CHECK(absl::EndsWith(name, ".kiln"));
  CacheKey b = a;
  b.interrupt_checks = false;
  CHECK(b.FileName() != name);
  b = a;
  b.module_sha256[31] ^= 1;
  CHECK(b.FileName() != name);
  CHECK(SampleKey().FileName() == name);
}

TEST_CASE("compiler version names kiln's version and this binary's build", "[cache][key]") {
  const std::string& version = CompilerVersion();
  CAPTURE(version);
  CHECK(absl::StartsWith(version, "0.1.0-dev "));
  CHECK((absl::StrContains(version, "build-id ") || absl::StrContains(version, "exe-sha256 ")));
  // The build part is a hex digest of at least 16 bytes, so rebuilt binaries differ.
  CHECK(version.size() >= 10 + 9 + 32);
  CHECK(&CompilerVersion() == &version);
}

}  // namespace
}  // namespace kiln::runtime::cache
