// Tests of `kiln run`'s command line and exit codes; tools/kiln_cli_test.sh runs the binary.
#include "tools/run.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::tools {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;
constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

RunOptions Parse(const std::vector<std::string>& args) {
  RunOptions options;
  REQUIRE_THAT(ParseRunArgs(args, &options), IsOk());
  return options;
}

TEST_CASE("run without --invoke takes the module and then the guest's arguments", "[tools][run]") {
  const RunOptions options = Parse({"--cache-dir", "/c", "m.wasm", "-v", "x"});
  CHECK(options.cache_dir == "/c");
  CHECK_FALSE(options.invoke.has_value());
  CHECK(options.module == "m.wasm");
  CHECK(options.args == std::vector<std::string>{"-v", "x"});
  // After "--", options of the guest are not kiln's.
  CHECK(Parse({"m.wasm", "--", "--cache-dir"}).args == std::vector<std::string>{"--cache-dir"});
}

TEST_CASE("run --invoke takes the module last, or first when only it names a module file",
          "[tools][run]") {
  RunOptions options = Parse({"--invoke", "add", "1", "-2", "m.wat"});
  CHECK(*options.invoke == "add");
  CHECK(options.module == "m.wat");
  CHECK(options.args == std::vector<std::string>{"1", "-2"});

  options = Parse({"--invoke=add", "m.wasm", "1", "2"});
  CHECK(options.module == "m.wasm");
  CHECK(options.args == std::vector<std::string>{"1", "2"});

  // Neither looks like a module: the order (module last) decides.
  options = Parse({"--invoke", "f", "a", "b"});
  CHECK(options.module == "b");
  CHECK(options.args == std::vector<std::string>{"a"});

  options = Parse({"--cache-dir=/c", "--invoke", "f", "m.wasm"});
  CHECK(options.cache_dir == "/c");
  CHECK(options.args.empty());
}

TEST_CASE("run --timeout takes a duration", "[tools][run]") {
  CHECK(*Parse({"--timeout", "500ms", "m.wasm"}).timeout == absl::Milliseconds(500));
  CHECK(*Parse({"--timeout=2s", "m.wasm"}).timeout == absl::Seconds(2));
  CHECK_FALSE(Parse({"m.wasm"}).timeout.has_value());
  RunOptions options;
  CHECK_THAT(ParseRunArgs({"--timeout", "soon", "m.wasm"}, &options),
             StatusIs(kInvalid, "--timeout soon: not a positive duration such as 500ms or 2s"));
  CHECK_THAT(ParseRunArgs({"--timeout=0s", "m.wasm"}, &options),
             StatusIs(kInvalid, "not a positive duration"));
}

TEST_CASE("run rejects command-line mistakes with a message", "[tools][run]") {
  RunOptions options;
  CHECK_THAT(ParseRunArgs({}, &options), StatusIs(kInvalid, "run needs a MODULE"));
  CHECK_THAT(ParseRunArgs({"--invoke"}, &options), StatusIs(kInvalid, "--invoke needs a value"));
  CHECK_THAT(ParseRunArgs({"--cache-dir="}, &options), StatusIs(kInvalid, "--cache-dir needs"));
  CHECK_THAT(ParseRunArgs({"--fast", "m.wasm"}, &options),
             StatusIs(kInvalid, "unknown option --fast"));
  CHECK_THAT(ParseRunArgs({"--invoke", "f"}, &options), StatusIs(kInvalid, "run needs a MODULE"));
}

TEST_CASE("guest exit codes become process exit codes without turning failure into success",
          "[tools][run]") {
  CHECK(ProcessExitCode(0) == 0);
  CHECK(ProcessExitCode(3) == 3);
  CHECK(ProcessExitCode(255) == 255);
  CHECK(ProcessExitCode(256) == 1);  // would read as 0
  CHECK(ProcessExitCode(257) == 1);
  CHECK(ProcessExitCode(0x1ff) == 255);
  CHECK(ProcessExitCode(0x10) == 16);
}

}  // namespace
}  // namespace kiln::tools
