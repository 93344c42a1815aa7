// Runs the text parser over the whole 2.0 spec suite ($KILN_SPECTEST_DIR/core-2.0): every text
// module must encode, and every quoted assert_malformed module must fail with a message that
// starts with the spec's expected text.
#include <chrono>
#include <iostream>

#include "absl/strings/match.h"
#include "catch2/catch.hpp"
#include "compiler/text/spec_modules_testlib.h"
#include "compiler/text/wat_parser.h"
#include "testing/status_matchers.h"

namespace kiln::text {
namespace {

using testing::ModuleBinary;
using testing::SpecModules;
using testing::SpecWastFiles;

TEST_CASE("parser encodes every module of the 2.0 spec suite that is not malformed",
          "[text][wat][spectest]") {
  auto files = SpecWastFiles();
  if (!files.ok()) FAIL(files.status().ToString());
  auto start = std::chrono::steady_clock::now();
  size_t modules = 0;
  for (const std::string& file : *files) {
    auto source = testing::ReadFile(file);
    REQUIRE(source.ok());
    auto forms = SpecModules(*source);
    CAPTURE(file);
    REQUIRE(forms.ok());
    for (const auto& form : *forms) {
      if (form.command == "assert_malformed") continue;
      CAPTURE(form.command_line);
      if (!form.parsed.ok()) FAIL(form.parsed.status().ToString());
      CHECK(ModuleBinary(*form.parsed).ok());
      ++modules;
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "parsed " << modules << " modules of " << files->size() << " files in "
            << seconds << " s\n";
  CHECK(modules > 1000);
  // A guard against accidental quadratic behaviour, not a benchmark: the parser itself takes
  // about 0.05 s of this at -O2; most of the rest is tokenizing 10 MB of scripts.
  CHECK(seconds < 10.0);
}

TEST_CASE("parser rejects every quoted assert_malformed module with the spec's message",
          "[text][wat][spectest]") {
  auto files = SpecWastFiles();
  if (!files.ok()) FAIL(files.status().ToString());
  size_t verified = 0;
  for (const std::string& file : *files) {
    auto source = testing::ReadFile(file);
    REQUIRE(source.ok());
    auto forms = SpecModules(*source);
    REQUIRE(forms.ok());
    for (const auto& form : *forms) {
      if (form.command != "assert_malformed" || !form.parsed.ok() ||
          form.parsed->form != ModuleForm::kQuote) {
        continue;
      }
      CAPTURE(file, form.command_line, form.expected_message);
      auto binary = ParseWat(form.parsed->quote);
      CHECK_FALSE(binary.ok());
      if (!binary.ok()) {
        CAPTURE(binary.status());
        CHECK(absl::StartsWith(binary.status().message(), form.expected_message));
        ++verified;
      }
    }
  }
  std::cout << "verified " << verified << " quoted assert_malformed modules\n";
  CHECK(verified > 1000);
}

}  // namespace
}  // namespace kiln::text
