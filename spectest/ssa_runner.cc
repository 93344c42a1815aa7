// --ssa-only: the frontend, the verifier and the pass pipeline over every valid module of the
// spec suite; see ssa_runner.h.
#include "spectest/ssa_runner.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/frontend/frontend.h"
#include "compiler/passes/pipeline.h"
#include "compiler/ssa/verifier.h"
#include "compiler/text/script.h"
#include "compiler/text/wat_parser.h"
#include "compiler/vmctx/layout.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::spectest {
namespace {

constexpr size_t kMaxFailuresKept = 50;

// ValidModule returns the decoded module of a script module when it parses, decodes and
// validates, else the error (such modules have no SSA form and are skipped).
absl::StatusOr<wasm::Module> ValidModule(const text::ScriptModule& module) {
  if (!module.parsed.ok()) return module.parsed.status();
  std::vector<uint8_t> quoted_binary;
  const std::vector<uint8_t>* binary = &module.parsed->binary;
  if (module.parsed->form == text::ModuleForm::kQuote) {
    absl::StatusOr<std::vector<uint8_t>> parsed = text::ParseWat(module.parsed->quote);
    if (!parsed.ok()) return parsed.status();
    quoted_binary = *std::move(parsed);
    binary = &quoted_binary;
  }
  absl::StatusOr<wasm::Module> decoded = wasm::Decode(*binary);
  if (!decoded.ok()) return decoded.status();
  absl::Status valid = wasm::Validate(*decoded);
  if (!valid.ok()) return valid;
  return *std::move(decoded);
}

void Fail(SsaTally& tally, absl::string_view where, absl::string_view function,
          absl::string_view error) {
  ++tally.failed;
  if (tally.failures.size() < kMaxFailuresKept) {
    tally.failures.push_back(absl::StrCat(where, ": ", function, ": ", error));
  }
}

// RunModule translates, verifies and optimizes every defined function of `module`.
void RunModule(const wasm::Module& module, absl::string_view where, const SsaOptions& options,
               SsaTally& tally) {
  ++tally.modules;
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    ++tally.functions;
    std::string name = frontend::FunctionName(module, i);
    absl::Time start = absl::Now();
    absl::StatusOr<ssa::Function> fn = frontend::TranslateFunction(module, i, layout);
    tally.translate_time += absl::Now() - start;
    if (!fn.ok()) {
      Fail(tally, where, name, fn.status().message());
      continue;
    }
    int64_t before = static_cast<int64_t>(fn->NumInsts());
    start = absl::Now();
    absl::Status verified = ssa::Verify(*fn);
    tally.verify_time += absl::Now() - start;
    if (!verified.ok()) {
      Fail(tally, where, name, absl::StrCat("after translation: ", verified.message()));
      continue;
    }
    if (options.run_passes) {
      passes::PipelineOptions pipeline;
      pipeline.verify_each = true;
      start = absl::Now();
      absl::Status optimized = passes::RunPipeline(*fn, pipeline);
      tally.pass_time += absl::Now() - start;
      if (!optimized.ok()) {
        Fail(tally, where, name, optimized.message());
        continue;
      }
    }
    tally.instructions_before += before;
    tally.instructions_after += static_cast<int64_t>(fn->NumInsts());
    ++tally.verified;
  }
}

}  // namespace

void SsaTally::Add(const SsaTally& other) {
  modules += other.modules;
  skipped_modules += other.skipped_modules;
  rejected_modules += other.rejected_modules;
  functions += other.functions;
  verified += other.verified;
  failed += other.failed;
  instructions_before += other.instructions_before;
  instructions_after += other.instructions_after;
  translate_time += other.translate_time;
  verify_time += other.verify_time;
  pass_time += other.pass_time;
  for (const std::string& failure : other.failures) {
    if (failures.size() < kMaxFailuresKept) failures.push_back(failure);
  }
}

SsaTally RunSsaFile(const std::string& path, absl::string_view display_name,
                    const SsaOptions& options) {
  SsaTally tally;
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  if (in) contents << in.rdbuf();
  if (!in) {
    Fail(tally, display_name, "(file)", absl::StrCat("cannot read ", path));
    return tally;
  }
  absl::StatusOr<text::Script> script = text::ParseScript(contents.str());
  if (!script.ok()) {
    Fail(tally, display_name, "(script)", script.status().message());
    return tally;
  }
  for (const text::Command& command : script->commands) {
    if (!command.module) continue;
    absl::StatusOr<wasm::Module> module = ValidModule(*command.module);
    if (!module.ok()) {
      // A plain `module` command is valid by the suite's word: if it does not load, the SSA
      // run would silently lose its functions, so say so.
      if (command.type == text::CommandType::kModule) {
        ++tally.rejected_modules;
        if (tally.failures.size() < kMaxFailuresKept) {
          tally.failures.push_back(absl::StrCat(display_name, ":", command.line,
                                                ": valid module rejected before the frontend: ",
                                                module.status().message()));
        }
      } else {
        ++tally.skipped_modules;
      }
      continue;
    }
    RunModule(*module, absl::StrCat(display_name, ":", command.line), options, tally);
  }
  return tally;
}

std::string SsaFileSummary(absl::string_view display_name, const SsaTally& tally) {
  std::string line = absl::StrCat(display_name, ": ", tally.modules, " modules, ",
                                  tally.functions, " functions, ", tally.failed, " failed");
  if (tally.rejected_modules > 0) {
    absl::StrAppend(&line, " (", tally.rejected_modules, " valid modules rejected)");
  }
  return line;
}

std::vector<std::string> SsaTotalLines(const SsaTally& tally) {
  auto seconds = [](absl::Duration d) { return absl::ToDoubleSeconds(d); };
  std::vector<std::string> lines;
  lines.push_back(absl::StrFormat(
      "ssa: time %.3f s translation + %.3f s passes (with the verifier after each) = %.3f s; "
      "verifying the frontend's output %.3f s",
      seconds(tally.translate_time), seconds(tally.pass_time),
      seconds(tally.translate_time + tally.pass_time), seconds(tally.verify_time)));
  double ratio = tally.instructions_before == 0
                     ? 1.0
                     : static_cast<double>(tally.instructions_after) /
                           static_cast<double>(tally.instructions_before);
  lines.push_back(absl::StrFormat(
      "ssa: size %d instructions after translation, %d after passes (%.1f%%)",
      tally.instructions_before, tally.instructions_after, 100.0 * ratio));
  lines.push_back(absl::StrFormat(
      "ssa: %d modules translated, %d malformed or invalid assertion modules skipped, %d valid "
      "modules rejected before the frontend",
      tally.modules, tally.skipped_modules, tally.rejected_modules));
  lines.push_back(absl::StrCat("ssa: ", tally.verified, " functions verified, ", tally.failed,
                               " failed"));
  return lines;
}

}  // namespace kiln::spectest
