// Tests of the plain values of the embedding API: core feature sets, RuntimeConfig and
// ModuleConfig (immutability and defaults), clocks and the ready-made readers and writers.
#include <cstring>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/core_features.h"
#include "api/io.h"
#include "api/module_config.h"
#include "api/runtime_config.h"
#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln {
namespace {

using testing::IsOk;
using testing::StatusIs;

std::string ReadAll(Reader& reader) {
  std::string out;
  uint8_t buffer[3];
  while (true) {
    absl::StatusOr<size_t> n = reader.Read(absl::MakeSpan(buffer));
    REQUIRE(n.ok());
    if (*n == 0) return out;
    out.append(reinterpret_cast<const char*>(buffer), *n);
  }
}

TEST_CASE("core features name themselves and report the first disabled one", "[api][config]") {
  CHECK(api::kCoreFeaturesV1.String() == "mutable-global");
  CHECK(api::kCoreFeaturesV2.String() ==
        "bulk-memory-operations|multi-value|mutable-global|nontrapping-float-to-int-conversion|"
        "reference-types|sign-extension-ops|simd");
  CHECK(api::CoreFeatures().String().empty());
  CHECK(api::CoreFeatures(uint64_t{1} << 40).String() == "0x10000000000");

  api::CoreFeatures no_simd = api::kCoreFeaturesV2.SetEnabled(api::kCoreFeatureSIMD, false);
  CHECK_FALSE(no_simd.IsEnabled(api::kCoreFeatureSIMD));
  CHECK(no_simd.IsEnabled(api::kCoreFeatureMultiValue | api::kCoreFeatureReferenceTypes));
  CHECK(no_simd.SetEnabled(api::kCoreFeatureSIMD, true) == api::kCoreFeaturesV2);
  CHECK_THAT(no_simd.RequireEnabled(api::kCoreFeatureMultiValue), IsOk());
  CHECK_THAT(no_simd.RequireEnabled(api::kCoreFeatureSIMD),
             StatusIs(absl::StatusCode::kInvalidArgument, "feature simd is disabled"));
  CHECK_THAT(api::kCoreFeaturesV1.RequireEnabled(api::kCoreFeatureSignExtensionOps |
                                                 api::kCoreFeatureBulkMemoryOperations),
             StatusIs(absl::StatusCode::kInvalidArgument,
                      "feature sign-extension-ops is disabled"));
}

TEST_CASE("RuntimeConfig has wazero's defaults and With* leaves the original alone",
          "[api][config]") {
  RuntimeConfig defaults = NewRuntimeConfig();
  CHECK(defaults.core_features() == api::kCoreFeaturesV2);
  CHECK(defaults.memory_limit_pages() == 65536);
  CHECK_FALSE(defaults.memory_capacity_from_max());
  CHECK_FALSE(defaults.close_on_context_done());
  CHECK(defaults.compilation_cache() == nullptr);
  CHECK_FALSE(defaults.custom_sections());
  CHECK(defaults.debug_info_enabled());
  CHECK(defaults.optimization_level() == 1);
  CHECK(defaults.compile_threads() == 0);

  RuntimeConfig changed = defaults.WithCoreFeatures(api::kCoreFeaturesV1)
                              .WithMemoryLimitPages(100000)
                              .WithCloseOnContextDone(true)
                              .WithCustomSections(true)
                              .WithDebugInfoEnabled(false)
                              .WithOptimizationLevel(7)
                              .WithCompileThreads(-3);
  CHECK(changed.core_features() == api::kCoreFeaturesV1);
  CHECK(changed.memory_limit_pages() == kMaxMemoryLimitPages);
  CHECK(changed.close_on_context_done());
  CHECK(changed.custom_sections());
  CHECK_FALSE(changed.debug_info_enabled());
  CHECK(changed.optimization_level() == 1);
  CHECK(changed.WithOptimizationLevel(-1).optimization_level() == 0);
  CHECK(changed.compile_threads() == 0);
  CHECK(changed.WithCompileThreads(2).compile_threads() == 2);
  CHECK(defaults.core_features() == api::kCoreFeaturesV2);
  CHECK_FALSE(defaults.close_on_context_done());
}

TEST_CASE("ModuleConfig defaults are sandboxed and deterministic", "[api][config]") {
  ModuleConfig config = NewModuleConfig();
  CHECK_FALSE(config.has_name());
  CHECK(config.start_functions() == std::vector<std::string>{"_start"});
  CHECK(config.args().empty());
  CHECK(config.env().empty());
  CHECK(ReadAll(*config.stdin_reader()).empty());
  REQUIRE(config.stdout_writer() != nullptr);
  CHECK(*config.stdout_writer()->Write({reinterpret_cast<const uint8_t*>("x"), 1}) == 1);

  SECTION("fake clocks step by a millisecond from fixed origins") {
    WallTimestamp first = config.walltime()();
    WallTimestamp second = config.walltime()();
    CHECK(first.seconds == kFakeWalltimeEpochSeconds);
    CHECK(first.nanos == 0);
    CHECK(second.nanos == kFakeClockStepNanos);
    CHECK(config.nanotime()() == 0);
    CHECK(config.nanotime()() == kFakeClockStepNanos);
    CHECK(config.walltime_resolution() == kDefaultClockResolution);
  }

  SECTION("ForInstance restarts the fake clocks and the default random source") {
    config.nanotime()();
    uint8_t a[16], b[16];
    REQUIRE(config.rand_source()->Read(absl::MakeSpan(a)).ok());
    ModuleConfig instance = config.ForInstance();
    CHECK(instance.nanotime()() == 0);
    REQUIRE(instance.rand_source()->Read(absl::MakeSpan(b)).ok());
    CHECK(std::memcmp(a, b, sizeof(a)) == 0);
    // The original's sequences go on where they were.
    CHECK(config.nanotime()() == kFakeClockStepNanos);
  }

  SECTION("clocks the embedder sets are kept by ForInstance") {
    ModuleConfig custom = config.WithNanotime([] { return int64_t{77}; }, 0);
    CHECK(custom.nanotime_resolution() == 1);
    CHECK(custom.ForInstance().nanotime()() == 77);
    CHECK(config.nanotime()() == 0);
  }
}

TEST_CASE("ModuleConfig With* return modified copies", "[api][config]") {
  auto out = std::make_shared<StringWriter>();
  ModuleConfig base = NewModuleConfig();
  ModuleConfig config = base.WithName("")
                            .WithArgs({"prog", "-v"})
                            .WithEnv("A", "1")
                            .WithEnv("B", "2")
                            .WithEnv("A", "3")
                            .WithStdin(NewStringReader("hello"))
                            .WithStdout(out)
                            .WithStartFunctions({});
  CHECK(config.has_name());
  CHECK(config.name().empty());
  CHECK(config.args() == std::vector<std::string>{"prog", "-v"});
  REQUIRE(config.env().size() == 2);
  CHECK(config.env()[0] == std::make_pair(std::string("A"), std::string("3")));
  CHECK(config.env()[1] == std::make_pair(std::string("B"), std::string("2")));
  CHECK(ReadAll(*config.stdin_reader()) == "hello");
  REQUIRE(config.stdout_writer()->Write({reinterpret_cast<const uint8_t*>("ok"), 2}).ok());
  CHECK(out->Contents() == "ok");
  CHECK(config.start_functions().empty());
  CHECK_FALSE(base.has_name());
  CHECK(base.args().empty());
  CHECK(base.start_functions().size() == 1);
}

TEST_CASE("the deterministic random source repeats per seed", "[api][io]") {
  uint8_t a[33], b[33], c[33];
  REQUIRE(NewDeterministicRandSource(7)->Read(absl::MakeSpan(a)).ok());
  REQUIRE(NewDeterministicRandSource(7)->Read(absl::MakeSpan(b)).ok());
  REQUIRE(NewDeterministicRandSource(8)->Read(absl::MakeSpan(c)).ok());
  CHECK(std::memcmp(a, b, sizeof(a)) == 0);
  CHECK(std::memcmp(a, c, sizeof(a)) != 0);
  REQUIRE(NewSysRandSource()->Read(absl::MakeSpan(c)).ok());
}

TEST_CASE("system clocks move forward", "[api][clock]") {
  int64_t before = SysNanotime()();
  SysNanosleep()(1'000'000);
  CHECK(SysNanotime()() - before >= 1'000'000);
  CHECK(SysWalltime()().seconds > kFakeWalltimeEpochSeconds);
}

}  // namespace
}  // namespace kiln
