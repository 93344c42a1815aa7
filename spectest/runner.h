// The spec-suite runner: runs the commands of .wast scripts and judges each one as pass, fail
// or skip (the rules are in session.h), tallies the verdicts and renders the summary lines.
// Each file gets a fresh Executor from the runner's ExecutorFactory; with none, the runner
// judges only what needs no runtime (modules through validation, assert_malformed,
// assert_invalid) and skips the rest.
#ifndef KILN_SPECTEST_RUNNER_H_
#define KILN_SPECTEST_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "compiler/text/script.h"
#include "spectest/executor.h"

namespace kiln::spectest {

// Result is the verdict on one command.
enum class Result : uint8_t { kPass, kFail, kSkip };

// ResultName returns "pass", "fail" or "skip".
absl::string_view ResultName(Result result);

// CommandReport is the verdict on one command of a script.
struct CommandReport {
  uint32_t line = 0;
  std::string type;  // the command's keyword, e.g. "assert_invalid"
  Result result = Result::kSkip;
  std::string detail;  // why it failed or was skipped; expected vs actual message
  bool message_mismatch = false;
};

// FileReport is the outcome of one .wast file. A file that cannot be read or parsed as a
// script has `error` set and no commands; it counts as one failed command.
struct FileReport {
  std::string file;  // the name shown to the user
  std::optional<std::string> error;
  std::vector<CommandReport> commands;
  std::optional<absl::Duration> elapsed;  // set by RunScriptFile; shown by FileSummary
};

// Tally counts verdicts.
struct Tally {
  size_t passed = 0;
  size_t failed = 0;
  size_t skipped = 0;
  size_t message_mismatches = 0;

  void Add(const Tally& other);
};

// TallyFile counts the verdicts of one file (an unreadable file counts one failure).
Tally TallyFile(const FileReport& report);

// RunScriptSource parses and judges one script's source, with a fresh executor from
// `executors` when it is set. A factory that fails makes the file an error.
FileReport RunScriptSource(std::string file, absl::string_view source,
                           const ExecutorFactory& executors = {});

// RunScriptFile reads `path` and judges it, naming it `display_name` in the report and
// recording how long reading and judging took.
FileReport RunScriptFile(const std::string& path, std::string display_name,
                         const ExecutorFactory& executors = {});

// WastFile is one script to run: where it is and how to name it.
struct WastFile {
  std::string path;
  std::string display_name;  // files inside a folder argument: "<folder name>/<file name>"
};

// CollectWastFiles expands the runner's arguments: a file stands for itself, a folder for all
// *.wast files directly inside it, sorted by name. A missing path is kNotFound.
absl::StatusOr<std::vector<WastFile>> CollectWastFiles(absl::Span<const std::string> paths);

// FileSummary is the per-file line: "core-2.0/i32.wast: 24 passed, 0 failed, 436 skipped",
// followed by " in 12 ms" when the report carries its time.
std::string FileSummary(const FileReport& report);

// TotalSummary is the last line: "spectest: P passed, F failed, S skipped".
std::string TotalSummary(const Tally& tally);

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_RUNNER_H_
