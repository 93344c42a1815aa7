// `kiln run`: command-line parsing, then compile, instantiate and call through the embedding
// API (api/kiln.h), reporting errors and exit codes the way a shell user expects.
#include "tools/run.h"

#include <cstdio>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/kiln.h"
#include "tools/invoke_args.h"
#include "tools/load_module.h"

namespace kiln::tools {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

bool LooksLikeModule(absl::string_view path) {
  return absl::EndsWith(path, ".wasm") || absl::EndsWith(path, ".wat");
}

// ReportError prints "kiln: <file>: <message>"; a trap's message continues with its backtrace
// lines, which are printed as they are.
void ReportError(absl::string_view file, absl::string_view message) {
  const std::string line = absl::StrCat("kiln: ", file, ": ", message, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
}

// ExitCodeFor turns the status of an instantiation or call into the process exit code,
// reporting it unless the guest exited on its own (its exit code says everything).
int ExitCodeFor(absl::string_view file, const absl::Status& status) {
  if (std::optional<uint32_t> code = sys::ExitCodeOf(status)) {
    if (*code == sys::kExitCodeContextCanceled || *code == sys::kExitCodeDeadlineExceeded) {
      ReportError(file, status.message());
    }
    return ProcessExitCode(*code);
  }
  ReportError(file, status.message());
  return kExitFailure;
}

// CommandLineModuleConfig lets the guest see the host the way a program run from a shell
// does: its arguments, stdio, real clocks and real randomness (the library's defaults are
// sandboxed instead).
ModuleConfig CommandLineModuleConfig(const RunOptions& options) {
  std::vector<std::string> guest_args = {options.module};
  if (!options.invoke)
    guest_args.insert(guest_args.end(), options.args.begin(), options.args.end());
  return NewModuleConfig()
      .WithArgs(std::move(guest_args))
      .WithStdin(NewFdReader(0))
      .WithStdout(NewFdWriter(1))
      .WithStderr(NewFdWriter(2))
      .WithSysWalltime()
      .WithSysNanotime()
      .WithSysNanosleep()
      .WithRandSource(NewSysRandSource());
}

std::string ExportedFunctionNames(const api::Module& mod) {
  std::vector<std::string> names;
  for (const auto& [name, definition] : mod.ExportedFunctionDefinitions()) names.push_back(name);
  if (names.empty()) return "it exports no functions";
  return absl::StrCat("exported functions: ", absl::StrJoin(names, ", "));
}

}  // namespace

int ProcessExitCode(uint32_t guest_exit_code) {
  if (guest_exit_code <= 255) return static_cast<int>(guest_exit_code);
  const int low_byte = static_cast<int>(guest_exit_code & 0xff);
  return low_byte == 0 ? kExitFailure : low_byte;
}

absl::Status ParseRunArgs(const std::vector<std::string>& args, RunOptions* options) {
  std::vector<std::string> operands;
  bool options_done = false;  // after "--", everything is an operand
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    // A value given as the next argument, for "--flag VALUE".
    auto next_value = [&](absl::string_view flag) -> absl::StatusOr<std::string> {
      if (i + 1 >= args.size())
        return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
      return args[++i];
    };
    if (options_done || !absl::StartsWith(arg, "--")) {
      operands.push_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else if (arg == "--cache-dir" || absl::StartsWith(arg, "--cache-dir=")) {
      absl::StatusOr<std::string> value =
          arg == "--cache-dir" ? next_value(arg) : arg.substr(std::string("--cache-dir=").size());
      if (!value.ok()) return value.status();
      if (value->empty()) return absl::InvalidArgumentError("--cache-dir needs a directory");
      options->cache_dir = *value;
    } else if (arg == "--timeout" || absl::StartsWith(arg, "--timeout=")) {
      absl::StatusOr<std::string> value =
          arg == "--timeout" ? next_value(arg) : arg.substr(std::string("--timeout=").size());
      if (!value.ok()) return value.status();
      absl::Duration timeout;
      if (!absl::ParseDuration(*value, &timeout) || timeout <= absl::ZeroDuration()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--timeout ", *value, ": not a positive duration such as 500ms or 2s"));
      }
      options->timeout = timeout;
    } else if (arg == "--invoke" || absl::StartsWith(arg, "--invoke=")) {
      absl::StatusOr<std::string> value =
          arg == "--invoke" ? next_value(arg) : arg.substr(std::string("--invoke=").size());
      if (!value.ok()) return value.status();
      options->invoke = *value;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown option ", arg));
    }
  }
  if (operands.empty()) return absl::InvalidArgumentError("run needs a MODULE");
  if (!options->invoke) {
    // kiln run MODULE ARGS...: the arguments are the guest's.
    options->module = operands.front();
    options->args.assign(operands.begin() + 1, operands.end());
    return absl::OkStatus();
  }
  // kiln run --invoke NAME ARGS... MODULE, or, just as natural to type, --invoke NAME MODULE
  // ARGS...: the module is the last operand unless only the first one names a module file.
  if (!LooksLikeModule(operands.back()) && LooksLikeModule(operands.front())) {
    options->module = operands.front();
    options->args.assign(operands.begin() + 1, operands.end());
  } else {
    options->module = operands.back();
    options->args.assign(operands.begin(), operands.end() - 1);
  }
  return absl::OkStatus();
}

int RunModule(const RunOptions& options) {
  absl::StatusOr<std::vector<uint8_t>> bytes = ReadModuleBytes(options.module);
  if (!bytes.ok()) return ExitCodeFor(options.module, bytes.status());

  const Context ctx = Context::Background();
  // --timeout needs code that polls for interruption.
  RuntimeConfig config = NewRuntimeConfig().WithCloseOnContextDone(options.timeout.has_value());
  if (!options.cache_dir.empty()) {
    absl::StatusOr<std::shared_ptr<CompilationCache>> cache =
        NewCompilationCacheWithDir(ResolvePath(options.cache_dir));
    if (!cache.ok()) return ExitCodeFor(options.cache_dir, cache.status());
    config = config.WithCompilationCache(*cache);
  }
  std::unique_ptr<Runtime> runtime = NewRuntimeWithConfig(ctx, config);

  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, *bytes);
  if (!compiled.ok()) return ExitCodeFor(options.module, compiled.status());

  ModuleConfig module_config = CommandLineModuleConfig(options);
  // With --invoke only the module's own start section runs: the export is the entry point.
  if (options.invoke) module_config = module_config.WithStartFunctions({});
  // The time limit starts after compiling: it bounds the guest, the start functions and the
  // invoked export together.
  const Context run_ctx = options.timeout ? ctx.WithTimeout(*options.timeout) : ctx;
  absl::StatusOr<api::Module*> mod = runtime->InstantiateModule(run_ctx, *compiled, module_config);
  if (!mod.ok()) return ExitCodeFor(options.module, mod.status());
  // Without --invoke, instantiating ran `_start`: a return, or exit code 0, is success.
  if (!options.invoke) return 0;

  api::Function* function =
      (*mod)->IsClosed() ? nullptr : (*mod)->ExportedFunction(*options.invoke);
  if (function == nullptr) {
    ReportError(options.module, absl::StrCat("no function exported as \"", *options.invoke, "\" (",
                                             ExportedFunctionNames(**mod), ")"));
    return kExitFailure;
  }
  const api::FunctionDefinition& definition = function->Definition();
  absl::StatusOr<std::vector<uint64_t>> params =
      ParseInvokeArgs(*options.invoke, definition.ParamTypes(), options.args);
  if (!params.ok()) {
    ReportError(options.module, params.status().message());
    return kExitUsage;
  }
  absl::StatusOr<std::vector<uint64_t>> results = function->Call(run_ctx, *params);
  if (!results.ok()) return ExitCodeFor(options.module, results.status());
  const std::string text = FormatResults(definition.ResultTypes(), *results);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  return 0;
}

}  // namespace kiln::tools
