// The spec-suite runner's file handling, tallies and summary lines; judging is session.cc.
#include "spectest/runner.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "spectest/session.h"

namespace kiln::spectest {

absl::string_view ResultName(Result result) {
  switch (result) {
    case Result::kPass: return "pass";
    case Result::kFail: return "fail";
    case Result::kSkip: return "skip";
  }
  return "unknown";
}

void Tally::Add(const Tally& other) {
  passed += other.passed;
  failed += other.failed;
  skipped += other.skipped;
  message_mismatches += other.message_mismatches;
}

Tally TallyFile(const FileReport& report) {
  Tally tally;
  if (report.error) tally.failed += 1;
  for (const CommandReport& command : report.commands) {
    switch (command.result) {
      case Result::kPass: ++tally.passed; break;
      case Result::kFail: ++tally.failed; break;
      case Result::kSkip: ++tally.skipped; break;
    }
    if (command.message_mismatch) ++tally.message_mismatches;
  }
  return tally;
}

FileReport RunScriptSource(std::string file, absl::string_view source,
                           const ExecutorFactory& executors) {
  FileReport report;
  report.file = std::move(file);
  absl::StatusOr<text::Script> script = text::ParseScript(source);
  if (!script.ok()) {
    report.error = absl::StrCat("cannot parse the script: ", script.status().message());
    return report;
  }
  std::unique_ptr<Executor> executor;
  if (executors) {
    absl::StatusOr<std::unique_ptr<Executor>> made = executors();
    if (!made.ok()) {
      report.error = absl::StrCat("cannot start the runtime: ", made.status().ToString());
      return report;
    }
    executor = *std::move(made);
  }
  ScriptSession session(executor.get());
  for (const text::Command& command : script->commands) {
    report.commands.push_back(session.Judge(command));
  }
  return report;
}

FileReport RunScriptFile(const std::string& path, std::string display_name,
                         const ExecutorFactory& executors) {
  absl::Time start = absl::Now();
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  if (in) contents << in.rdbuf();
  if (!in) {
    FileReport report;
    report.file = std::move(display_name);
    report.error = absl::StrCat("cannot read ", path);
    return report;
  }
  FileReport report = RunScriptSource(std::move(display_name), contents.str(), executors);
  report.elapsed = absl::Now() - start;
  return report;
}

absl::StatusOr<std::vector<WastFile>> CollectWastFiles(absl::Span<const std::string> paths) {
  namespace fs = std::filesystem;
  std::vector<WastFile> files;
  for (const std::string& path : paths) {
    std::error_code error;
    if (fs::is_directory(path, error)) {
      std::string folder_name = fs::path(path).lexically_normal().filename().string();
      if (folder_name.empty()) {  // "dir/" normalises to an empty file name
        folder_name = fs::path(path).lexically_normal().parent_path().filename().string();
      }
      std::vector<WastFile> inside;
      for (const fs::directory_entry& entry : fs::directory_iterator(path, error)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".wast") continue;
        std::string name = entry.path().filename().string();
        inside.push_back({entry.path().string(), absl::StrCat(folder_name, "/", name)});
      }
      if (error) {
        return absl::NotFoundError(absl::StrCat("cannot list ", path, ": ", error.message()));
      }
      std::sort(inside.begin(), inside.end(), [](const WastFile& a, const WastFile& b) {
        return a.display_name < b.display_name;
      });
      files.insert(files.end(), inside.begin(), inside.end());
    } else if (fs::exists(path, error)) {
      files.push_back({path, path});
    } else {
      return absl::NotFoundError(absl::StrCat("no such file or folder: ", path));
    }
  }
  return files;
}

namespace {

std::string CountsText(const Tally& tally) {
  std::string text = absl::StrCat(tally.passed, " passed, ", tally.failed, " failed, ",
                                  tally.skipped, " skipped");
  if (tally.message_mismatches > 0) {
    absl::StrAppend(&text, ", ", tally.message_mismatches, " message mismatches");
  }
  return text;
}

}  // namespace

std::string FileSummary(const FileReport& report) {
  std::string line = absl::StrCat(report.file, ": ", CountsText(TallyFile(report)));
  if (report.elapsed) {
    absl::StrAppend(&line, " in ", absl::ToInt64Milliseconds(*report.elapsed), " ms");
  }
  if (report.error) absl::StrAppend(&line, " (", *report.error, ")");
  return line;
}

std::string TotalSummary(const Tally& tally) {
  return absl::StrCat("spectest: ", CountsText(tally));
}

}  // namespace kiln::spectest
