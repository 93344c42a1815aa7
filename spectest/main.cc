// The spectest command: `bazel run //spectest -- [--json=FILE] PATH...`. Runs .wast files (or
// every *.wast in a folder) on kiln's runtime, prints one summary line per file (with its
// first failures below it) and a total line last, and exits non-zero when any command failed.
// Paths are relative to where `bazel run` was started. `--no-execute` judges only what needs
// no runtime (modules through validation, assert_malformed, assert_invalid) and skips the rest.
//
// `--ssa-only` instead translates every function of every valid module to SSA, verifies it
// and runs the pass pipeline with the verifier after each pass (see ssa_runner.h); it ends
// with "ssa: N functions verified, F failed". `--no-passes` stops after the verifier.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#include "absl/strings/match.h"
#include "spectest/json_report.h"
#include "spectest/runner.h"
#include "spectest/ssa_runner.h"
#include "spectest/store_executor.h"

namespace {

constexpr char kUsage[] =
    "usage: spectest [--json=FILE] [--no-execute] PATH...\n"
    "       spectest --ssa-only [--no-passes] PATH...\n";

// RunSsaOnly is --ssa-only: per-file lines, the first failures, then the totals.
int RunSsaOnly(const std::vector<kiln::spectest::WastFile>& files,
               const kiln::spectest::SsaOptions& options) {
  kiln::spectest::SsaTally total;
  for (const kiln::spectest::WastFile& file : files) {
    kiln::spectest::SsaTally tally =
        kiln::spectest::RunSsaFile(file.path, file.display_name, options);
    std::printf("%s\n", kiln::spectest::SsaFileSummary(file.display_name, tally).c_str());
    for (const std::string& failure : tally.failures) std::printf("  %s\n", failure.c_str());
    std::fflush(stdout);
    total.Add(tally);
  }
  for (const std::string& line : kiln::spectest::SsaTotalLines(total)) {
    std::printf("%s\n", line.c_str());
  }
  return total.failed == 0 && total.rejected_modules == 0 ? 0 : 1;
}

// PrintFirstFailures lists a file's first failed commands under its summary line, so that a
// failure can be found without the JSON report.
void PrintFirstFailures(const kiln::spectest::FileReport& report) {
  constexpr int kShown = 5;
  int shown = 0;
  for (const kiln::spectest::CommandReport& command : report.commands) {
    if (command.result != kiln::spectest::Result::kFail) continue;
    if (++shown > kShown) {
      std::printf("  ...\n");
      break;
    }
    std::printf("  line %u: %s: %s\n", command.line, command.type.c_str(),
                command.detail.c_str());
  }
}

int Run(int argc, char** argv) {
  // `bazel run` starts us in the runfiles tree; go back to the user's directory.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY"); dir != nullptr && *dir) {
    if (chdir(dir) != 0) {
      std::fprintf(stderr, "spectest: cannot enter %s\n", dir);
      return 2;
    }
  }
  std::string json_path;
  std::vector<std::string> paths;
  bool ssa_only = false;
  bool execute = true;
  kiln::spectest::SsaOptions ssa_options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (absl::StartsWith(arg, "--json=")) {
      json_path = arg.substr(7);
    } else if (arg == "--no-execute") {
      execute = false;
    } else if (arg == "--ssa-only") {
      ssa_only = true;
    } else if (arg == "--no-passes") {
      ssa_options.run_passes = false;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (absl::StartsWith(arg, "--")) {
      std::fprintf(stderr, "spectest: unknown flag %s\n%s", arg.c_str(), kUsage);
      return 2;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }

  absl::StatusOr<std::vector<kiln::spectest::WastFile>> files =
      kiln::spectest::CollectWastFiles(paths);
  if (!files.ok()) {
    std::fprintf(stderr, "spectest: %s\n", std::string(files.status().message()).c_str());
    return 2;
  }
  if (files->empty()) {
    std::fputs("spectest: no .wast files found\n", stderr);
    return 2;
  }

  if (ssa_only) return RunSsaOnly(*files, ssa_options);

  kiln::spectest::ExecutorFactory executors;
  if (execute) executors = kiln::spectest::StoreExecutors();
  std::vector<kiln::spectest::FileReport> reports;
  kiln::spectest::Tally total;
  for (const kiln::spectest::WastFile& file : *files) {
    reports.push_back(kiln::spectest::RunScriptFile(file.path, file.display_name, executors));
    total.Add(kiln::spectest::TallyFile(reports.back()));
    std::printf("%s\n", kiln::spectest::FileSummary(reports.back()).c_str());
    PrintFirstFailures(reports.back());
    std::fflush(stdout);
  }
  if (!json_path.empty()) {
    absl::Status written = kiln::spectest::WriteJsonReport(json_path, reports);
    if (!written.ok()) {
      std::fprintf(stderr, "spectest: %s\n", std::string(written.message()).c_str());
      total.failed += 1;
    }
  }
  std::printf("%s\n", kiln::spectest::TotalSummary(total).c_str());
  return total.failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
