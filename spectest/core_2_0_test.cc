// Runs the official WebAssembly 2.0 spec suite ($KILN_SPECTEST_DIR/core-2.0) through the
// runner on kiln's runtime and requires zero failed commands. A missing variable or folder is
// a failure, never a silent pass. Skipped commands (modules needing SIMD, and what the backend
// reports as unimplemented) are reported, not counted.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "spectest/runner.h"
#include "spectest/store_executor.h"

namespace kiln::spectest {
namespace {

TEST_CASE("every command of the Wasm 2.0 spec suite passes or is skipped",
          "[spectest]") {
  const char* root = std::getenv("KILN_SPECTEST_DIR");
  INFO("set KILN_SPECTEST_DIR to the folder holding core-2.0/ (bazel test passes it through)");
  REQUIRE(root != nullptr);
  REQUIRE(std::string(root) != "");
  std::string folder = absl::StrCat(root, "/core-2.0");
  INFO("suite folder: " << folder);
  REQUIRE(std::filesystem::is_directory(folder));

  absl::StatusOr<std::vector<WastFile>> files = CollectWastFiles({folder});
  REQUIRE(files.ok());
  REQUIRE_FALSE(files->empty());

  // Catch2 runs the test case once per section, so each file is judged exactly once.
  for (const WastFile& file : *files) {
    DYNAMIC_SECTION(file.display_name) {
      FileReport report = RunScriptFile(file.path, file.display_name, StoreExecutors());
      Tally tally = TallyFile(report);
      std::printf("%s\n", FileSummary(report).c_str());
      if (report.error) FAIL_CHECK(*report.error);
      int shown = 0;
      for (const CommandReport& command : report.commands) {
        if (command.result != Result::kFail || ++shown > 10) continue;
        FAIL_CHECK(file.display_name << ":" << command.line << ": " << command.type << ": "
                                     << command.detail);
      }
      CHECK(tally.failed == 0);
    }
  }
}

}  // namespace
}  // namespace kiln::spectest
