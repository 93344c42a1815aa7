// Tests of the filetest directives on inline files: what each one outputs, what counts as a
// problem that bless refuses to write over, and how the comparison reports a difference.
#include "compiler/filetests/filetest_runner.h"

#include <string>

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::filetests {
namespace {

using ::kiln::testing::StatusIs;

constexpr char kAdd[] = R"(function %f(i32) -> i32 {
block0(v0: i32):
    v1 = iconst.i32 0
    v2 = iadd.i32 v0, v1
    return v2
}
)";

Filetest Parse(const std::string& path, const std::string& contents) {
  absl::StatusOr<Filetest> test = ParseFiletest(path, contents);
  INFO(test.status().ToString());
  REQUIRE(test.ok());
  return *test;
}

TEST_CASE("test pass outputs the function after the passes", "[filetests]") {
  const Filetest test = Parse("a.ssa", std::string("test pass const_fold dce\n") + kAdd);
  absl::StatusOr<Outcome> outcome = RunFiletest(test);
  REQUIRE(outcome.ok());
  CHECK(outcome->problems.empty());
  REQUIRE(outcome->actual.has_value());
  CHECK(*outcome->actual == "function %f(i32) -> i32 {\nblock0(v0: i32):\n    return v0\n}\n");
}

TEST_CASE("test verify outputs ok or the verifier's message per function", "[filetests]") {
  const Filetest test = Parse("a.ssa", R"(test verify
function %good() {
block0:
    return
}

function %bad(i32) -> i32 {
block0(v0: i32):
    return
}
)");
  absl::StatusOr<Outcome> outcome = RunFiletest(test);
  REQUIRE(outcome.ok());
  CHECK(outcome->problems.empty());
  REQUIRE(outcome->actual.has_value());
  CHECK_THAT(*outcome->actual, Catch::StartsWith("%good: ok\n%bad: verifier:"));
}

TEST_CASE("test roundtrip compares the printed function with the input", "[filetests]") {
  absl::StatusOr<Outcome> same =
      RunFiletest(Parse("a.ssa", std::string("; comment\ntest roundtrip\n\n") + kAdd));
  REQUIRE(same.ok());
  CHECK(same->problems.empty());
  CHECK_FALSE(same->actual.has_value());

  // Extra spaces are not the printer's canonical form.
  absl::StatusOr<Outcome> different = RunFiletest(Parse(
      "a.ssa", "test roundtrip\nfunction %f() {\nblock0:\n    return   \n\n}\n"));
  REQUIRE(different.ok());
  REQUIRE(different->problems.size() == 1);
  CHECK_THAT(different->problems[0], Catch::Contains("differs from the input"));
}

TEST_CASE("problems block bless, and unusable files are errors", "[filetests]") {
  const Filetest broken = Parse("a.ssa", "test pass gvn\nfunction %f( {\n");
  CHECK_THAT(Bless(broken, "").status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "input does not parse"));
  const Filetest unknown_pass = Parse("a.ssa", std::string("test pass gnv\n") + kAdd);
  CHECK_THAT(Bless(unknown_pass, "").status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "unknown pass: gnv"));
  CHECK_THAT(RunFiletest(Parse("a.ssa", std::string("test frobnicate\n") + kAdd)).status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "unknown directive `test frobnicate`"));
  CHECK_THAT(
      RunFiletest(Parse("a.ssa", std::string("test verify\ntest roundtrip\n") + kAdd)).status(),
      StatusIs(absl::StatusCode::kInvalidArgument, "exactly one `test` directive"));
}

TEST_CASE("Check reports a stale expectation and Bless regenerates it", "[filetests]") {
  const std::string head = std::string("test pass const_fold\n\n") + kAdd;
  const std::string stale = head + "\n; expected:\n; function %f(i32) -> i32 {\n; }\n";
  const Filetest test = Parse("a.ssa", stale);
  const std::vector<std::string> failures = Check(test);
  REQUIRE(failures.size() == 1);
  CHECK_THAT(failures[0], Catch::Contains("bazel run //compiler/filetests:bless -- a.ssa"));

  absl::StatusOr<BlessResult> blessed = Bless(test, stale);
  REQUIRE(blessed.ok());
  CHECK(blessed->changed);
  CHECK(Check(Parse("a.ssa", blessed->contents)).empty());
  absl::StatusOr<BlessResult> again = Bless(Parse("a.ssa", blessed->contents), blessed->contents);
  REQUIRE(again.ok());
  CHECK_FALSE(again->changed);
}

TEST_CASE("a .wat frontend test translates every function", "[filetests]") {
  const Filetest test = Parse("a.wat",
                              ";;! test = frontend\n"
                              "(module (func (param i32) (result i32) (local.get 0)))\n");
  absl::StatusOr<Outcome> outcome = RunFiletest(test);
  REQUIRE(outcome.ok());
  CHECK(outcome->problems.empty());
  REQUIRE(outcome->actual.has_value());
  CHECK_THAT(*outcome->actual, Catch::StartsWith("function %f0(ref, i32) -> i32 {"));

  const Filetest invalid = Parse("b.wat",
                                 ";;! test = frontend\n"
                                 "(module (func (result i32) (i64.const 0)))\n");
  absl::StatusOr<Outcome> rejected = RunFiletest(invalid);
  REQUIRE(rejected.ok());
  REQUIRE(rejected->problems.size() == 1);
  CHECK_THAT(rejected->problems[0], Catch::StartsWith("module is invalid: type mismatch"));
}

}  // namespace
}  // namespace kiln::filetests
