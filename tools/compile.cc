// `kiln compile --emit=ssa`: the frontend, then the pass pipeline, printing SSA text.
#include "tools/compile.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "compiler/base/status_macros.h"
#include "compiler/frontend/frontend.h"
#include "compiler/passes/pipeline.h"
#include "compiler/ssa/printer.h"
#include "compiler/ssa/verifier.h"
#include "compiler/vmctx/layout.h"

namespace kiln::tools {

absl::Status ParseCompileArgs(const std::vector<std::string>& args, CompileOptions* options,
                              std::string* file) {
  file->clear();
  for (const std::string& arg : args) {
    if (absl::StartsWith(arg, "--emit=")) {
      options->emit = arg.substr(7);
      if (options->emit != "ssa") {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown --emit=", options->emit, " (only ssa exists yet)"));
      }
    } else if (absl::StartsWith(arg, "--print-after=")) {
      for (absl::string_view pass : absl::StrSplit(arg.substr(14), ',', absl::SkipEmpty())) {
        options->print_after.emplace_back(pass);
      }
    } else if (arg == "--verify-each") {
      options->verify_each = true;
    } else if (arg == "--no-opt") {
      options->optimize = false;
    } else if (absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    } else if (file->empty()) {
      *file = arg;
    } else {
      return absl::InvalidArgumentError("compile takes exactly one FILE");
    }
  }
  if (file->empty()) return absl::InvalidArgumentError("compile needs a FILE");
  if (!options->optimize && !options->print_after.empty()) {
    return absl::InvalidArgumentError("--print-after needs the pipeline, not --no-opt");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CompileToSsaText(const wasm::Module& module,
                                             const CompileOptions& options) {
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  std::string out;
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    KILN_ASSIGN_OR_RETURN(ssa::Function fn, frontend::TranslateFunction(module, i, layout));
    if (options.verify_each) KILN_RETURN_IF_ERROR(ssa::Verify(fn));
    if (!options.optimize) {
      absl::StrAppend(&out, out.empty() ? "" : "\n", ssa::Print(fn));
      continue;
    }
    passes::PipelineOptions pipeline;
    pipeline.verify_each = options.verify_each;
    pipeline.print_after = options.print_after;
    std::string printed;
    pipeline.print = [&printed](absl::string_view pass, absl::string_view text) {
      absl::StrAppend(&printed, printed.empty() ? "" : "\n", "; after ", pass, "\n", text);
    };
    absl::Status status = passes::RunPipeline(fn, pipeline);
    if (!status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat(status.message(), " (function ", fn.name(), ")"));
    }
    absl::StrAppend(&out, out.empty() ? "" : "\n",
                    options.print_after.empty() ? ssa::Print(fn) : printed);
  }
  return out;
}

}  // namespace kiln::tools
