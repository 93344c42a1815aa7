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
  // After the module, or after "--", options are the guest's, not kiln's.
  CHECK(Parse({"m.wasm", "--cache-dir", "x"}).args == std::vector<std::string>{"--cache-dir", "x"});
  CHECK(Parse({"--", "m.wasm", "--help"}).args == std::vector<std::string>{"--help"});
  CHECK(Parse({"m.wasm", "--", "--cache-dir"}).args ==
        std::vector<std::string>{"--", "--cache-dir"});
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

TEST_CASE("run --dir takes HOST, HOST:GUEST or HOST::GUEST, optionally read-only", "[tools][run]") {
  using Mount = RunOptions::DirMount;
  const RunOptions options =
      Parse({"--dir", "/data", "--dir=/srv:/", "--dir", "/a/b::/b", "--dir", "/t:/tmp:ro", "--dir",
             "fs-tests.dir:ro", "--dir", "/x::/y:ro", "m.wasm", "--dir", "guest"});
  CHECK(options.dirs == std::vector<Mount>{{"/data", "/data", false},
                                           {"/srv", "/", false},
                                           {"/a/b", "/b", false},
                                           {"/t", "/tmp", true},
                                           {"fs-tests.dir", "fs-tests.dir", true},
                                           {"/x", "/y", true}});
  // After the module, --dir is the guest's.
  CHECK(options.args == std::vector<std::string>{"--dir", "guest"});

  RunOptions bad;
  CHECK_THAT(ParseRunArgs({"--dir", ":/guest", "m.wasm"}, &bad),
             StatusIs(kInvalid, "--dir :/guest: expected HOST, HOST:GUEST or HOST::GUEST"));
  CHECK_THAT(ParseRunArgs({"--dir", "/host:", "m.wasm"}, &bad), StatusIs(kInvalid, "--dir /host:"));
  CHECK_THAT(ParseRunArgs({"--dir", ":ro", "m.wasm"}, &bad), StatusIs(kInvalid, "--dir :ro"));
  CHECK_THAT(ParseRunArgs({"--dir"}, &bad), StatusIs(kInvalid, "--dir needs a value"));
}

TEST_CASE("run --env, --env-inherit and --argv0", "[tools][run]") {
  RunOptions options =
      Parse({"--env", "A=1", "--env=B=x=y", "--env", "PATH", "--argv0", "prog", "m.wasm"});
  CHECK(options.env == std::vector<std::string>{"A=1", "B=x=y", "PATH"});
  CHECK_FALSE(options.env_inherit);
  CHECK(*options.argv0 == "prog");
  CHECK_FALSE(Parse({"m.wasm"}).argv0.has_value());
  CHECK(Parse({"--env-inherit", "m.wasm"}).env_inherit);

  RunOptions bad;
  CHECK_THAT(ParseRunArgs({"--env", "=1", "m.wasm"}, &bad),
             StatusIs(kInvalid, "--env =1: expected KEY=VALUE"));
  CHECK_THAT(ParseRunArgs({"--env=", "m.wasm"}, &bad), StatusIs(kInvalid, "expected KEY=VALUE"));
  CHECK_THAT(ParseRunArgs({"--env-inherit=1", "m.wasm"}, &bad),
             StatusIs(kInvalid, "unknown option --env-inherit=1"));
}

TEST_CASE("the guest's environment is exactly what the command line asks for", "[tools][run]") {
  using Env = std::vector<std::pair<std::string, std::string>>;
  const std::vector<std::string> host = {"HOME=/root", "PATH=/bin", "HOME=/second",
                                         "odd",        "=x",        "EMPTY="};
  RunOptions options;
  CHECK(GuestEnvironment(options, host).empty());  // nothing by default

  options.env = {"A=1", "B=", "A=2", "PATH", "MISSING"};
  // A later --env replaces the value where the key first appeared; --env KEY copies the host's.
  CHECK(GuestEnvironment(options, host) == Env{{"A", "2"}, {"B", ""}, {"PATH", "/bin"}});

  options.env = {"PATH=/opt/bin", "X=y"};
  options.env_inherit = true;
  // The host's first, in its order (the first of duplicate keys, as getenv), then --env.
  CHECK(GuestEnvironment(options, host) ==
        Env{{"HOME", "/root"}, {"PATH", "/opt/bin"}, {"EMPTY", ""}, {"X", "y"}});
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
