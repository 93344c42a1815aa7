// The filetest runner: one DYNAMIC_SECTION per .ssa / .wat file under compiler/filetests (read
// from the test's runfiles), each run and compared with its expectation. With --bless
// (`bazel run //compiler/filetests:filetests_test -- --bless`) the expectations are rewritten
// in the source tree instead, as `bazel run //compiler/filetests:bless` does.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "compiler/filetests/filetest_file.h"
#include "compiler/filetests/filetest_runner.h"
#include "compiler/passes/pipeline.h"
#include "testing/status_matchers.h"

namespace kiln::filetests {
namespace {

constexpr char kRoot[] = "compiler/filetests";

std::vector<std::string> AllFiletests() {
  absl::StatusOr<std::vector<std::string>> paths = ListFiletests(kRoot);
  INFO(paths.status().ToString());
  REQUIRE(paths.ok());
  return *paths;
}

// BlessInSourceTree rewrites one file's expectation in the workspace that `bazel run` names.
void BlessInSourceTree(const std::string& path) {
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  INFO("--bless writes into the source tree: run it with `bazel run`");
  REQUIRE(workspace != nullptr);
  const std::string source = absl::StrCat(workspace, "/", path);
  absl::StatusOr<std::string> contents = ReadFile(source);
  REQUIRE(contents.ok());
  absl::StatusOr<Filetest> test = ParseFiletest(path, *contents);
  INFO(test.status().ToString());
  REQUIRE(test.ok());
  absl::StatusOr<BlessResult> blessed = Bless(*test, *contents);
  INFO(blessed.status().ToString());
  REQUIRE(blessed.ok());
  if (blessed->changed) REQUIRE(WriteFile(source, blessed->contents).ok());
}

TEST_CASE("filetests", "[filetests]") {
  const std::vector<std::string> paths = AllFiletests();
  REQUIRE_FALSE(paths.empty());
  for (const std::string& relative : paths) {
    const std::string path = absl::StrCat(kRoot, "/", relative);
    DYNAMIC_SECTION(path) {
      if (kiln::testing::Bless()) {
        BlessInSourceTree(path);
        continue;
      }
      absl::StatusOr<std::string> contents = ReadFile(path);
      REQUIRE(contents.ok());
      absl::StatusOr<Filetest> test = ParseFiletest(path, *contents);
      INFO(test.status().ToString());
      REQUIRE(test.ok());
      const std::vector<std::string> failures = Check(*test);
      for (const std::string& failure : failures) FAIL_CHECK(failure);
      CHECK(failures.empty());
    }
  }
}

TEST_CASE("every pass has filetests in the folder named after it", "[filetests]") {
  const std::vector<std::string> paths = AllFiletests();
  for (const passes::PassInfo& pass : passes::Pipeline()) {
    CAPTURE(pass.name);
    const std::string folder = absl::StrCat(pass.name, "/");
    const bool found = std::any_of(paths.begin(), paths.end(), [&](const std::string& p) {
      return p.rfind(folder, 0) == 0;
    });
    CHECK(found);
  }
}

TEST_CASE("a filetest in a pass folder runs that pass", "[filetests]") {
  // compiler/filetests/gvn/x.ssa tests gvn: its directive runs gvn (possibly with passes
  // that set the stage), so the folder says what the file is about.
  for (const std::string& relative : AllFiletests()) {
    const std::string folder = relative.substr(0, relative.find('/'));
    if (passes::FindPass(folder) == nullptr) continue;
    CAPTURE(relative);
    absl::StatusOr<std::string> contents = ReadFile(absl::StrCat(kRoot, "/", relative));
    REQUIRE(contents.ok());
    absl::StatusOr<Filetest> test = ParseFiletest(relative, *contents);
    REQUIRE(test.ok());
    REQUIRE(test->directives.size() == 1);
    CHECK(test->directives[0].kind == "pass");
    const std::vector<std::string>& args = test->directives[0].args;
    CHECK(std::find(args.begin(), args.end(), folder) != args.end());
  }
}

}  // namespace
}  // namespace kiln::filetests
