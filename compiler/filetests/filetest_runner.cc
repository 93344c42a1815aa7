// The directives of the filetests: parsing the input, running the verifier, passes or the
// frontend, printing the result, and the round-trip checks every test gets for free.
#include "compiler/filetests/filetest_runner.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "compiler/base/status_macros.h"
#include "compiler/frontend/frontend.h"
#include "compiler/passes/pipeline.h"
#include "compiler/ssa/parser.h"
#include "compiler/ssa/printer.h"
#include "compiler/ssa/verifier.h"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::filetests {
namespace {

// WithoutComments drops comment-only lines and leading and trailing blank lines: what the
// printer would write for a function written in its canonical form.
std::string WithoutComments(absl::string_view text) {
  std::vector<absl::string_view> kept;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(line);
    if (absl::StartsWith(trimmed, ";")) continue;
    kept.push_back(absl::StripTrailingAsciiWhitespace(line));
  }
  while (!kept.empty() && kept.front().empty()) kept.erase(kept.begin());
  while (!kept.empty() && kept.back().empty()) kept.pop_back();
  return absl::StrCat(absl::StrJoin(kept, "\n"), "\n");
}

// CheckReparse: printed text must parse back to the same text.
void CheckReparse(absl::string_view printed, absl::string_view what,
                  std::vector<std::string>& problems) {
  absl::StatusOr<std::vector<ssa::Function>> again = ssa::ParseFunctions(printed);
  if (!again.ok()) {
    problems.push_back(absl::StrCat(what, " does not parse back: ", again.status().message()));
    return;
  }
  const std::string reprinted = ssa::PrintFunctions(*again);
  if (reprinted != printed) {
    problems.push_back(absl::StrCat(what, " does not print back the same:\n",
                                    LineDiff(printed, reprinted)));
  }
}

absl::StatusOr<std::vector<ssa::Function>> ParseInput(const Filetest& test,
                                                      std::vector<std::string>& problems) {
  absl::StatusOr<std::vector<ssa::Function>> fns = ssa::ParseFunctions(test.input);
  if (!fns.ok()) {
    problems.push_back(absl::StrCat("input does not parse: ", fns.status().message()));
    return fns;
  }
  if (fns->empty()) problems.push_back("input has no function");
  CheckReparse(ssa::PrintFunctions(*fns), "the printed input", problems);
  return fns;
}

Outcome RunVerify(const Filetest& test) {
  Outcome outcome;
  absl::StatusOr<std::vector<ssa::Function>> fns = ParseInput(test, outcome.problems);
  if (!fns.ok()) return outcome;
  std::vector<std::string> lines;
  for (const ssa::Function& fn : *fns) {
    absl::Status status = ssa::Verify(fn);
    lines.push_back(status.ok() ? absl::StrCat("%", fn.name(), ": ok")
                                : absl::StrCat("%", fn.name(), ": ", status.message()));
  }
  outcome.actual = absl::StrJoin(lines, "\n");
  return outcome;
}

Outcome RunPasses(const Filetest& test, const Directive& directive) {
  Outcome outcome;
  if (directive.args.empty()) {
    outcome.problems.push_back("`test pass` names no pass");
    return outcome;
  }
  absl::StatusOr<std::vector<ssa::Function>> fns = ParseInput(test, outcome.problems);
  if (!fns.ok()) return outcome;
  passes::PipelineOptions options;
  options.verify_each = true;
  for (ssa::Function& fn : *fns) {
    absl::Status status = passes::RunPasses(directive.args, fn, options);
    if (!status.ok()) {
      outcome.problems.push_back(absl::StrCat("%", fn.name(), ": ", status.message()));
    }
  }
  outcome.actual = ssa::PrintFunctions(*fns);
  CheckReparse(*outcome.actual, "the output", outcome.problems);
  return outcome;
}

Outcome RunRoundtrip(const Filetest& test) {
  Outcome outcome;
  absl::StatusOr<std::vector<ssa::Function>> fns = ParseInput(test, outcome.problems);
  if (!fns.ok()) return outcome;
  const std::string printed = ssa::PrintFunctions(*fns);
  const std::string written = WithoutComments(test.input);
  if (printed != written) {
    outcome.problems.push_back(
        absl::StrCat("print(parse(input)) differs from the input:\n", LineDiff(written, printed)));
  }
  return outcome;
}

Outcome RunFrontend(const Filetest& test, bool optimize) {
  Outcome outcome;
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(test.input);
  if (!bytes.ok()) {
    outcome.problems.push_back(absl::StrCat("wat does not parse: ", bytes.status().message()));
    return outcome;
  }
  absl::StatusOr<wasm::Module> module = wasm::Decode(*bytes);
  if (!module.ok()) {
    outcome.problems.push_back(absl::StrCat("module does not decode: ", module.status().message()));
    return outcome;
  }
  if (absl::Status valid = wasm::Validate(*module); !valid.ok()) {
    outcome.problems.push_back(absl::StrCat("module is invalid: ", valid.message()));
    return outcome;
  }
  absl::StatusOr<std::vector<ssa::Function>> fns = frontend::TranslateModule(*module);
  if (!fns.ok()) {
    outcome.problems.push_back(absl::StrCat("translation failed: ", fns.status().message()));
    return outcome;
  }
  for (ssa::Function& fn : *fns) {
    absl::Status status = ssa::Verify(fn);
    if (status.ok() && optimize) {
      passes::PipelineOptions options;
      options.verify_each = true;
      status = passes::RunPipeline(fn, options);
    }
    if (!status.ok()) {
      outcome.problems.push_back(absl::StrCat("%", fn.name(), ": ", status.message()));
    }
  }
  outcome.actual = ssa::PrintFunctions(*fns);
  CheckReparse(*outcome.actual, "the output", outcome.problems);
  return outcome;
}

}  // namespace

absl::StatusOr<Outcome> RunFiletest(const Filetest& test) {
  if (test.directives.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("filetest: exactly one `test` directive per file (", test.path, ")"));
  }
  const Directive& directive = test.directives[0];
  auto unknown = [&] {
    return absl::InvalidArgumentError(absl::StrCat("filetest: unknown directive `test ",
                                                   directive.kind, "` (", test.path, ":",
                                                   directive.line, ")"));
  };
  if (test.kind == FileKind::kWat) {
    if (directive.kind == "frontend") return RunFrontend(test, /*optimize=*/false);
    if (directive.kind == "optimize") return RunFrontend(test, /*optimize=*/true);
    return unknown();
  }
  if (directive.kind == "verify") return RunVerify(test);
  if (directive.kind == "pass") return RunPasses(test, directive);
  if (directive.kind == "roundtrip") return RunRoundtrip(test);
  return unknown();
}

std::vector<std::string> Check(const Filetest& test) {
  absl::StatusOr<Outcome> outcome = RunFiletest(test);
  if (!outcome.ok()) return {std::string(outcome.status().message())};
  std::vector<std::string> failures = outcome->problems;
  if (outcome->actual.has_value() && !SameText(test.expected, *outcome->actual)) {
    failures.push_back(absl::StrCat(
        "the output differs from the expectation (regenerate with `bazel run "
        "//compiler/filetests:bless -- ",
        test.path, "` and review the diff):\n", LineDiff(test.expected, *outcome->actual)));
  }
  return failures;
}

absl::StatusOr<BlessResult> Bless(const Filetest& test, absl::string_view old_contents) {
  KILN_ASSIGN_OR_RETURN(Outcome outcome, RunFiletest(test));
  if (!outcome.problems.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        test.path, ": not blessed, the test has problems:\n", absl::StrJoin(outcome.problems, "\n")));
  }
  BlessResult result;
  result.contents = outcome.actual.has_value() ? WithExpectation(test, *outcome.actual)
                                               : std::string(old_contents);
  result.changed = result.contents != old_contents;
  return result;
}

absl::StatusOr<std::vector<std::string>> ListFiletests(const std::string& root) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::vector<std::string> paths;
  fs::recursive_directory_iterator it(
      root, fs::directory_options::follow_directory_symlink, error);
  if (error) {
    return absl::NotFoundError(absl::StrCat("cannot list ", root, ": ", error.message()));
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) return absl::InternalError(absl::StrCat("listing ", root, ": ", error.message()));
    const std::string relative = it->path().lexically_relative(root).generic_string();
    if (IsFiletestPath(relative) && !it->is_directory()) paths.push_back(relative);
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::Status WriteFile(const std::string& path, absl::string_view contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace kiln::filetests
