// Translates every function of every valid module of the Wasm 2.0 spec suite
// ($KILN_SPECTEST_DIR/core-2.0) to SSA, verifies it, runs the pass pipeline with the verifier
// after each pass, and requires zero failures. A missing variable or folder is a failure,
// never a silent pass.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "spectest/runner.h"
#include "spectest/ssa_runner.h"

namespace kiln::spectest {
namespace {

TEST_CASE("every function of the Wasm 2.0 spec suite translates to SSA that verifies before "
          "and after the pass pipeline",
          "[spectest][ssa]") {
  const char* root = std::getenv("KILN_SPECTEST_DIR");
  INFO("set KILN_SPECTEST_DIR to the folder holding core-2.0/ (bazel test passes it through)");
  REQUIRE(root != nullptr);
  REQUIRE(std::string(root) != "");
  std::string folder = absl::StrCat(root, "/core-2.0");
  INFO("suite folder: " << folder);
  REQUIRE(std::filesystem::is_directory(folder));

  absl::StatusOr<std::vector<WastFile>> files = CollectWastFiles({folder});
  REQUIRE(files.ok());
  REQUIRE(files->size() >= 140);

  SsaTally total;
  for (const WastFile& file : *files) {
    SsaTally tally = RunSsaFile(file.path, file.display_name, SsaOptions{});
    for (const std::string& failure : tally.failures) FAIL_CHECK(failure);
    total.Add(tally);
  }
  for (const std::string& line : SsaTotalLines(total)) std::printf("%s\n", line.c_str());
  // The suite has 6236 defined functions in its valid modules; a runner (or a decoder) that
  // silently loses modules must not pass.
  CHECK(total.rejected_modules == 0);
  CHECK(total.functions >= 6000);
  CHECK(total.verified == total.functions);
  CHECK(total.failed == 0);
}

}  // namespace
}  // namespace kiln::spectest
