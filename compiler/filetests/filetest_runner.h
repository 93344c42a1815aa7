// Running one filetest: what each directive does, and what its actual output is. The test
// binary (filetests_test.cc) compares that output with the file's expectation; bless
// (bless.cc, or the test binary with --bless) writes it into the file instead.
//
// Directives (one per file):
//   .ssa  test verify            parse, run the verifier; output "ok" or the verifier's error
//   .ssa  test pass P1 P2 ...    parse, verify, run the passes in order with the verifier after
//                                each; output the functions after the last pass
//   .ssa  test roundtrip         parse and print; the printed text must equal the input
//                                without its comments (no expectation block)
//   .wat  ;;! test = frontend    decode, validate, translate every function to SSA, verify;
//                                output the functions
//   .wat  ;;! test = optimize    as frontend, then the full pass pipeline with the verifier
//                                after each pass; output the optimized functions
// Every .ssa test also checks that printing what it parsed and parsing that again gives the
// same text, and every test that prints functions checks its output round-trips too.
#ifndef KILN_COMPILER_FILETESTS_FILETEST_RUNNER_H_
#define KILN_COMPILER_FILETESTS_FILETEST_RUNNER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "compiler/filetests/filetest_file.h"

namespace kiln::filetests {

// Outcome is the result of running one filetest.
struct Outcome {
  // actual is the output to compare with (or bless into) the expectation block; nullopt for
  // directives that have none (roundtrip).
  std::optional<std::string> actual;
  // problems are failures that no expectation can fix (input that does not parse, a pass that
  // breaks the IR, a failed round trip). Bless refuses to write a file that has any.
  std::vector<std::string> problems;
};

// RunFiletest runs the file's directive. An error status means the file itself is unusable
// (unknown directive, several directives).
absl::StatusOr<Outcome> RunFiletest(const Filetest& test);

// Check runs a filetest and compares: an empty vector when it passes, else the failures
// (problems, then a difference between expectation and actual output).
std::vector<std::string> Check(const Filetest& test);

// BlessResult says what blessing one file did.
struct BlessResult {
  bool changed = false;
  std::string contents;  // the new contents (equal to the old when !changed)
};

// Bless runs a filetest and returns the file contents with the expectation regenerated;
// kFailedPrecondition listing the problems when the run had any.
absl::StatusOr<BlessResult> Bless(const Filetest& test, absl::string_view old_contents);

// ListFiletests returns the filetests (.ssa, .wat) under `root`, recursively, as paths
// relative to `root`, sorted.
absl::StatusOr<std::vector<std::string>> ListFiletests(const std::string& root);

// ReadFile / WriteFile read and replace a whole file.
absl::StatusOr<std::string> ReadFile(const std::string& path);
absl::Status WriteFile(const std::string& path, absl::string_view contents);

}  // namespace kiln::filetests

#endif  // KILN_COMPILER_FILETESTS_FILETEST_RUNNER_H_
