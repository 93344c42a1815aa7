// Tests of the filetest file format: directives, input, expectation, and rewriting the
// expectation for bless.
#include "compiler/filetests/filetest_file.h"

#include <string>

#include "absl/strings/match.h"
#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::filetests {
namespace {

using ::kiln::testing::StatusIs;

constexpr char kSsaTest[] =
    "; gvn merges two equal adds.\n"
    "test pass copy_prop gvn\n"
    "\n"
    "function %f(i32) -> i32 {\n"
    "block0(v0: i32):\n"
    "    return v0\n"
    "}\n"
    "\n"
    "; expected:\n"
    "; function %f(i32) -> i32 {\n"
    ";\n"
    "; }\n";

TEST_CASE("a .ssa filetest splits into directives, input and expectation", "[filetests]") {
  absl::StatusOr<Filetest> test = ParseFiletest("gvn/x.ssa", kSsaTest);
  REQUIRE(test.ok());
  CHECK(test->kind == FileKind::kSsa);
  REQUIRE(test->directives.size() == 1);
  CHECK(test->directives[0].kind == "pass");
  CHECK(test->directives[0].args == std::vector<std::string>{"copy_prop", "gvn"});
  CHECK(test->directives[0].line == 2);
  // The directive line is blanked so the parser's line numbers match the file's.
  CHECK(test->input ==
        "; gvn merges two equal adds.\n\n\nfunction %f(i32) -> i32 {\nblock0(v0: i32):\n"
        "    return v0\n}\n\n");
  CHECK(test->expected == "function %f(i32) -> i32 {\n\n}");
  CHECK(absl::string_view(kSsaTest).substr(0, test->head.size()) == test->head);
  CHECK(absl::EndsWith(test->head, "}\n\n"));
}

TEST_CASE("blessing an up-to-date filetest leaves it byte for byte", "[filetests]") {
  absl::StatusOr<Filetest> test = ParseFiletest("gvn/x.ssa", kSsaTest);
  REQUIRE(test.ok());
  CHECK(WithExpectation(*test, test->expected) == kSsaTest);
  CHECK(WithExpectation(*test, test->expected + "\n\n") == kSsaTest);
}

TEST_CASE("bless appends an expectation to a file that has none", "[filetests]") {
  absl::StatusOr<Filetest> test = ParseFiletest("a.ssa", "test verify\nfunction %f() {\n}\n\n\n");
  REQUIRE(test.ok());
  CHECK(test->expected.empty());
  CHECK(WithExpectation(*test, "error: x\n\n  indented") ==
        "test verify\nfunction %f() {\n}\n\n; expected:\n; error: x\n;\n;   indented\n");
}

TEST_CASE("a .wat filetest reads ;;! directives and ;; expectations", "[filetests]") {
  absl::StatusOr<Filetest> test = ParseFiletest(
      "frontend/add.wat",
      ";;! test = frontend\n(module (func))\n\n;; expected:\n;; function %f0() {\n;; }\n");
  REQUIRE(test.ok());
  CHECK(test->kind == FileKind::kWat);
  REQUIRE(test->directives.size() == 1);
  CHECK(test->directives[0].kind == "frontend");
  CHECK(test->directives[0].args.empty());
  CHECK(test->input == "\n(module (func))\n\n");
  CHECK(test->expected == "function %f0() {\n}");
}

TEST_CASE("malformed filetests are rejected with their location", "[filetests]") {
  CHECK_THAT(ParseFiletest("a.ssa", "function %f() {\n}\n").status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "no `test` directive (a.ssa)"));
  CHECK_THAT(ParseFiletest("a.ssa", "test\n").status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "needs a kind (a.ssa:1)"));
  CHECK_THAT(ParseFiletest("a.ssa", "test verify\n; expected:\nnot a comment\n").status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "not a comment (a.ssa:3)"));
  CHECK_THAT(ParseFiletest("a.wat", ";;! target = x86_64\n").status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "unknown directive (only `;;! test = ...`) (a.wat:1)"));
  CHECK_THAT(ParseFiletest("a.txt", "test verify\n").status(),
             StatusIs(absl::StatusCode::kInvalidArgument, "unknown extension"));
}

TEST_CASE("expectations compare modulo trailing whitespace and final blank lines",
          "[filetests]") {
  CHECK(SameText("a\nb  \n\n", "a\nb"));
  CHECK_FALSE(SameText("a\n\nb", "a\nb"));
  CHECK_FALSE(SameText("a", "a b"));
  CHECK_THAT(LineDiff("a\nb\n", "a\nc\n"), Catch::Contains("line 2:\n  expected: b\n  actual:   c"));
}

}  // namespace
}  // namespace kiln::filetests
