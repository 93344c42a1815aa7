// The spec-suite runner: runs the commands of .wast scripts and judges each one as pass, fail
// or skip. Until kiln can execute code, only the module-level commands are judged:
//   module            passes when the module parses, decodes and validates;
//   assert_malformed  passes when parsing (text, quote) or decoding (any form) fails;
//   assert_invalid    passes when the module parses and decodes but validation fails.
// A failure at the wrong stage (an assert_invalid module that the decoder rejects) is a fail.
// Every command that needs execution, linking or instantiation is a skip, never a pass.
// The expected message of a judged assertion is compared with ours as the spec's own runner
// does (ours must start with it); a mismatch is counted for information but does not fail.
#ifndef KILN_SPECTEST_RUNNER_H_
#define KILN_SPECTEST_RUNNER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "compiler/text/script.h"

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

// JudgeCommand gives the verdict on one parsed command.
CommandReport JudgeCommand(const text::Command& command);

// RunScriptSource parses and judges one script's source.
FileReport RunScriptSource(std::string file, absl::string_view source);

// RunScriptFile reads `path` and judges it, naming it `display_name` in the report.
FileReport RunScriptFile(const std::string& path, std::string display_name);

// WastFile is one script to run: where it is and how to name it.
struct WastFile {
  std::string path;
  std::string display_name;  // files inside a folder argument: "<folder name>/<file name>"
};

// CollectWastFiles expands the runner's arguments: a file stands for itself, a folder for all
// *.wast files directly inside it, sorted by name. A missing path is kNotFound.
absl::StatusOr<std::vector<WastFile>> CollectWastFiles(absl::Span<const std::string> paths);

// FileSummary is the per-file line: "core-2.0/i32.wast: 24 passed, 0 failed, 436 skipped".
std::string FileSummary(const FileReport& report);

// TotalSummary is the last line: "spectest: P passed, F failed, S skipped".
std::string TotalSummary(const Tally& tally);

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_RUNNER_H_
