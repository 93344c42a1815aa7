// The spec-suite runner's judging and file handling; see runner.h for the rules.
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
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::spectest {
namespace {

// -- Module checks --------------------------------------------------------------------------

// Stage is how far a module got through the pipeline.
enum class Stage : uint8_t { kParse, kDecode, kValidate, kAccepted };

// ModuleCheck is where a module stopped, and the error that stopped it.
struct ModuleCheck {
  Stage failed_at = Stage::kAccepted;
  absl::Status status;
};

absl::string_view StageError(Stage stage) {
  switch (stage) {
    case Stage::kParse: return "text parser rejected it";
    case Stage::kDecode: return "decoder rejected it";
    case Stage::kValidate: return "validator rejected it";
    case Stage::kAccepted: return "accepted";
  }
  return "unknown stage";
}

// CheckModule runs a script module through parsing (of quoted text), decoding and validation.
ModuleCheck CheckModule(const text::ScriptModule& module) {
  if (!module.parsed.ok()) return {Stage::kParse, module.parsed.status()};
  std::vector<uint8_t> quoted_binary;
  const std::vector<uint8_t>* binary = &module.parsed->binary;
  if (module.parsed->form == text::ModuleForm::kQuote) {
    absl::StatusOr<std::vector<uint8_t>> parsed = text::ParseWat(module.parsed->quote);
    if (!parsed.ok()) return {Stage::kParse, parsed.status()};
    quoted_binary = *std::move(parsed);
    binary = &quoted_binary;
  }
  absl::StatusOr<wasm::Module> decoded = wasm::Decode(*binary);
  if (!decoded.ok()) return {Stage::kDecode, decoded.status()};
  absl::Status valid = wasm::Validate(*decoded);
  if (!valid.ok()) return {Stage::kValidate, valid};
  return {};
}

// -- Judging --------------------------------------------------------------------------------

std::string Quoted(absl::string_view text) { return absl::StrCat("\"", text, "\""); }

// JudgeExpectedFailure passes when the module stopped at one of the `expected` stages.
void JudgeExpectedFailure(const text::Command& command, std::initializer_list<Stage> expected,
                          CommandReport& report) {
  if (!command.module) {
    report.result = Result::kFail;
    report.detail = "the command has no module";
    return;
  }
  ModuleCheck check = CheckModule(*command.module);
  bool right_stage =
      std::find(expected.begin(), expected.end(), check.failed_at) != expected.end();
  if (!right_stage) {
    report.result = Result::kFail;
    report.detail = check.failed_at == Stage::kAccepted
                        ? absl::StrCat("expected ", Quoted(command.message),
                                       ", but the module was accepted")
                        : absl::StrCat("expected ", Quoted(command.message), ", but the ",
                                       StageError(check.failed_at), ": ",
                                       check.status.message());
    return;
  }
  report.result = Result::kPass;
  report.message_mismatch = !absl::StartsWith(check.status.message(), command.message);
  report.detail = absl::StrCat(report.message_mismatch ? "message mismatch: " : "", "expected ",
                               Quoted(command.message), ", got ",
                               Quoted(check.status.message()));
}

}  // namespace

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

CommandReport JudgeCommand(const text::Command& command) {
  CommandReport report;
  report.line = command.line;
  report.type = std::string(text::CommandTypeName(command.type));
  switch (command.type) {
    case text::CommandType::kModule: {
      if (!command.module) {
        report.result = Result::kFail;
        report.detail = "the command has no module";
        break;
      }
      ModuleCheck check = CheckModule(*command.module);
      if (check.failed_at == Stage::kAccepted) {
        report.result = Result::kPass;
      } else {
        report.result = Result::kFail;
        report.detail = absl::StrCat(StageError(check.failed_at), ": ", check.status.message());
      }
      break;
    }
    case text::CommandType::kAssertMalformed:
      JudgeExpectedFailure(command, {Stage::kParse, Stage::kDecode}, report);
      break;
    case text::CommandType::kAssertInvalid:
      JudgeExpectedFailure(command, {Stage::kValidate}, report);
      break;
    case text::CommandType::kRegister:
    case text::CommandType::kInvoke:
    case text::CommandType::kGet:
    case text::CommandType::kAssertReturn:
    case text::CommandType::kAssertTrap:
    case text::CommandType::kAssertExhaustion:
    case text::CommandType::kAssertUnlinkable:
    case text::CommandType::kAssertUninstantiable:
      report.result = Result::kSkip;
      report.detail = "needs execution, which kiln cannot do yet";
      break;
  }
  return report;
}

FileReport RunScriptSource(std::string file, absl::string_view source) {
  FileReport report;
  report.file = std::move(file);
  absl::StatusOr<text::Script> script = text::ParseScript(source);
  if (!script.ok()) {
    report.error = absl::StrCat("cannot parse the script: ", script.status().message());
    return report;
  }
  for (const text::Command& command : script->commands) {
    report.commands.push_back(JudgeCommand(command));
  }
  return report;
}

FileReport RunScriptFile(const std::string& path, std::string display_name) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  if (in) contents << in.rdbuf();
  if (!in) {
    FileReport report;
    report.file = std::move(display_name);
    report.error = absl::StrCat("cannot read ", path);
    return report;
  }
  return RunScriptSource(std::move(display_name), contents.str());
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
  if (report.error) absl::StrAppend(&line, " (", *report.error, ")");
  return line;
}

std::string TotalSummary(const Tally& tally) {
  return absl::StrCat("spectest: ", CountsText(tally));
}

}  // namespace kiln::spectest
