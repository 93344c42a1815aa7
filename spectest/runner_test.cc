// Tests of the runner's judging on small inline scripts: which stage must reject a module for
// each assertion, that execution is skipped, message matching, tallies and file collection.
#include "spectest/runner.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "catch2/catch.hpp"

namespace kiln::spectest {
namespace {

// Results lists the verdict of every command of `source`, which must parse as a script.
std::vector<Result> Results(absl::string_view source) {
  FileReport report = RunScriptSource("test.wast", source);
  INFO(source);
  REQUIRE_FALSE(report.error.has_value());
  std::vector<Result> results;
  for (const CommandReport& command : report.commands) {
    INFO(command.type << " at line " << command.line << ": " << command.detail);
    results.push_back(command.result);
  }
  return results;
}

CommandReport OnlyCommand(absl::string_view source) {
  FileReport report = RunScriptSource("test.wast", source);
  INFO(source);
  REQUIRE_FALSE(report.error.has_value());
  REQUIRE(report.commands.size() == 1);
  return report.commands[0];
}

TEST_CASE("runner passes modules that parse, decode and validate", "[spectest][runner]") {
  CHECK(Results(R"wast(
(module (func (export "f") (result i32) (i32.const 1)))
(module binary "\00asm" "\01\00\00\00")
(module quote "(func (result i32) (i32.const 2))")
)wast") == std::vector<Result>{Result::kPass, Result::kPass, Result::kPass});
}

TEST_CASE("runner fails a module that does not validate", "[spectest][runner]") {
  CommandReport report = OnlyCommand("(module (func (result i32) (i64.const 1)))");
  CHECK(report.result == Result::kFail);
  CHECK(report.type == "module");
  CHECK_THAT(report.detail, Catch::Contains("validator rejected it"));
}

TEST_CASE("assert_malformed passes when parsing or decoding fails", "[spectest][runner]") {
  SECTION("a quoted module with an unknown operator") {
    CommandReport report = OnlyCommand(
        R"wast((assert_malformed (module quote "(func (i32.const0))") "unknown operator"))wast");
    CHECK(report.result == Result::kPass);
    CHECK(report.type == "assert_malformed");
  }
  SECTION("a binary module with a bad magic number") {
    CommandReport report = OnlyCommand(
        R"wast((assert_malformed (module binary "\00asn\01\00\00\00") "magic header not detected"))wast");
    CHECK(report.result == Result::kPass);
  }
  SECTION("a quoted module that is well-formed is a fail") {
    CommandReport report =
        OnlyCommand(R"wast((assert_malformed (module quote "(func)") "unexpected token"))wast");
    CHECK(report.result == Result::kFail);
    CHECK_THAT(report.detail, Catch::Contains("accepted"));
  }
  SECTION("a quoted module that is only invalid is a fail") {
    CommandReport report = OnlyCommand(
        R"wast((assert_malformed (module quote "(func (result i32))") "type mismatch"))wast");
    CHECK(report.result == Result::kFail);
    CHECK_THAT(report.detail, Catch::Contains("validator rejected it"));
  }
}

TEST_CASE("assert_invalid passes only when validation fails", "[spectest][runner]") {
  SECTION("a type mismatch") {
    CommandReport report = OnlyCommand(
        R"wast((assert_invalid (module (func (result i32) (f32.const 0))) "type mismatch"))wast");
    CHECK(report.result == Result::kPass);
    CHECK_FALSE(report.message_mismatch);
  }
  SECTION("a malformed module is the wrong stage") {
    CommandReport report = OnlyCommand(
        R"wast((assert_invalid (module binary "\00asm\02\00\00\00") "type mismatch"))wast");
    CHECK(report.result == Result::kFail);
    CHECK_THAT(report.detail, Catch::Contains("decoder rejected it"));
  }
  SECTION("a valid module is a fail") {
    CommandReport report = OnlyCommand(R"wast((assert_invalid (module) "type mismatch"))wast");
    CHECK(report.result == Result::kFail);
  }
}

TEST_CASE("a different message still passes but is counted as a mismatch",
          "[spectest][runner]") {
  FileReport report = RunScriptSource(
      "m.wast",
      R"wast((assert_invalid (module (func (result i32) (f32.const 0))) "no such message"))wast");
  REQUIRE(report.commands.size() == 1);
  CHECK(report.commands[0].result == Result::kPass);
  CHECK(report.commands[0].message_mismatch);
  CHECK_THAT(report.commands[0].detail, Catch::StartsWith("message mismatch: expected "
                                                          "\"no such message\", got "));
  CHECK(FileSummary(report) == "m.wast: 1 passed, 0 failed, 0 skipped, 1 message mismatches");
}

TEST_CASE("commands that need execution are skipped, never passed", "[spectest][runner]") {
  CHECK(Results(R"wast(
(module $m (func (export "f") (result i32) (i32.const 1)) (global (export "g") i32 (i32.const 0)))
(register "m" $m)
(invoke "f")
(get "g")
(assert_return (invoke "f") (i32.const 1))
(assert_trap (invoke "f") "unreachable")
(assert_exhaustion (invoke "f") "call stack exhausted")
(assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
(assert_uninstantiable (module (func $s unreachable) (start $s)) "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
)wast") == std::vector<Result>{Result::kPass, Result::kSkip, Result::kSkip, Result::kSkip,
                               Result::kSkip, Result::kSkip, Result::kSkip, Result::kSkip,
                               Result::kSkip, Result::kSkip});
}

TEST_CASE("a malformed text module fails its command and the file goes on",
          "[spectest][runner]") {
  FileReport report = RunScriptSource("t.wast", R"wast(
(module (func (i32.const 1x)))
(assert_malformed (module (func (i32.const 1x))) "unknown operator")
(module)
)wast");
  REQUIRE(report.commands.size() == 3);
  CHECK(report.commands[0].result == Result::kFail);
  CHECK(report.commands[0].line == 2);
  CHECK(report.commands[1].result == Result::kPass);
  CHECK(report.commands[2].result == Result::kPass);
  CHECK(FileSummary(report) == "t.wast: 2 passed, 1 failed, 0 skipped");
}

TEST_CASE("a file that is not a script is one failure", "[spectest][runner]") {
  FileReport report = RunScriptSource("bad.wast", "(module) (frobnicate)");
  REQUIRE(report.error.has_value());
  CHECK_THAT(*report.error, Catch::Contains("unexpected token"));
  Tally tally = TallyFile(report);
  CHECK(tally.failed == 1);
  CHECK(tally.passed == 0);

  FileReport missing = RunScriptFile("/nonexistent/x.wast", "x.wast");
  REQUIRE(missing.error.has_value());
  CHECK(TallyFile(missing).failed == 1);
}

TEST_CASE("a file read from disk reports its time on the summary line", "[spectest][runner]") {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::filesystem::path path = std::filesystem::path(tmp ? tmp : "/tmp") / "runner_timed.wast";
  std::ofstream(path) << "(module)";
  FileReport report = RunScriptFile(path.string(), "timed.wast");
  REQUIRE(report.elapsed.has_value());
  CHECK_THAT(FileSummary(report),
             Catch::Matches("timed\\.wast: 1 passed, 0 failed, 0 skipped in [0-9]+ ms"));
}

TEST_CASE("a runtime that cannot start makes the file one failure", "[spectest][runner]") {
  ExecutorFactory broken = []() -> absl::StatusOr<std::unique_ptr<Executor>> {
    return absl::InternalError("no code memory");
  };
  FileReport report = RunScriptSource("r.wast", "(module)", broken);
  REQUIRE(report.error.has_value());
  CHECK(*report.error == "cannot start the runtime: INTERNAL: no code memory");
  CHECK(TallyFile(report).failed == 1);
}

TEST_CASE("tallies add up into the total line", "[spectest][runner]") {
  Tally total;
  total.Add({3, 1, 5, 0});
  total.Add({2, 0, 1, 2});
  CHECK(TotalSummary(total) == "spectest: 5 passed, 1 failed, 6 skipped, 2 message mismatches");
  CHECK(TotalSummary(Tally{}) == "spectest: 0 passed, 0 failed, 0 skipped");
}

TEST_CASE("folders expand to their .wast files in name order", "[spectest][runner]") {
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::filesystem::path root =
      std::filesystem::path(tmp ? tmp : "/tmp") / "runner_test_collect" / "suite";
  std::filesystem::remove_all(root.parent_path());
  std::filesystem::create_directories(root / "nested");
  for (const char* name : {"b.wast", "a.wast", "c.txt", "nested/d.wast"}) {
    std::ofstream(root / name) << "(module)";
  }
  std::vector<std::string> args = {root.string(), (root / "nested" / "d.wast").string()};
  absl::StatusOr<std::vector<WastFile>> files = CollectWastFiles(args);
  REQUIRE(files.ok());
  REQUIRE(files->size() == 3);
  CHECK((*files)[0].display_name == "suite/a.wast");
  CHECK((*files)[1].display_name == "suite/b.wast");
  CHECK((*files)[2].display_name == (root / "nested" / "d.wast").string());
  CHECK((*files)[0].path == (root / "a.wast").string());

  std::vector<std::string> with_slash = {root.string() + "/"};
  absl::StatusOr<std::vector<WastFile>> slashed = CollectWastFiles(with_slash);
  REQUIRE(slashed.ok());
  CHECK((*slashed)[0].display_name == "suite/a.wast");

  std::vector<std::string> missing = {(root / "missing").string()};
  CHECK(CollectWastFiles(missing).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace kiln::spectest
