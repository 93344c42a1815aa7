// `kiln run`: command-line parsing, then compile, instantiate and call through the embedding
// API (api/kiln.h), reporting errors and exit codes the way a shell user expects.
#include "tools/run.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/kiln.h"
#include "runtime/wasi/wasi.h"
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

std::vector<std::string> HostEnviron() {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) entries.emplace_back(*entry);
  return entries;
}

// CheckDirMounts reports a --dir whose host directory does not exist (or is not a directory)
// before anything runs: otherwise the guest would only see a missing preopen.
bool CheckDirMounts(const RunOptions& options) {
  bool ok = true;
  for (const RunOptions::DirMount& mount : options.dirs) {
    struct stat info;
    if (::stat(mount.host_dir.c_str(), &info) != 0) {
      ReportError(absl::StrCat("--dir ", mount.host_dir), std::strerror(errno));
      ok = false;
    } else if (!S_ISDIR(info.st_mode)) {
      ReportError(absl::StrCat("--dir ", mount.host_dir), "not a directory");
      ok = false;
    }
  }
  return ok;
}

// CommandLineModuleConfig lets the guest see the host the way a program run from a shell
// does: its arguments, stdio, real clocks and real randomness (the library's defaults are
// sandboxed instead).
ModuleConfig CommandLineModuleConfig(const RunOptions& options) {
  std::vector<std::string> guest_args = {options.argv0.value_or(options.module)};
  if (!options.invoke)
    guest_args.insert(guest_args.end(), options.args.begin(), options.args.end());
  FSConfig fs_config = NewFSConfig();
  for (const RunOptions::DirMount& mount : options.dirs) {
    fs_config = mount.read_only ? fs_config.WithReadOnlyDirMount(mount.host_dir, mount.guest_path)
                                : fs_config.WithDirMount(mount.host_dir, mount.guest_path);
  }
  ModuleConfig config = NewModuleConfig();
  for (auto& [key, value] : GuestEnvironment(options, HostEnviron()))
    config = config.WithEnv(std::move(key), std::move(value));
  return config.WithArgs(std::move(guest_args))
      .WithFSConfig(std::move(fs_config))
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

absl::StatusOr<RunOptions::DirMount> ParseDirMount(absl::string_view value) {
  RunOptions::DirMount mount;
  absl::string_view rest = value;
  if (absl::EndsWith(rest, ":ro")) {
    mount.read_only = true;
    rest.remove_suffix(3);
  }
  // wasmtime's HOST::GUEST, else HOST:GUEST (a trailing ":ro" was the read-only flag).
  size_t split = rest.find("::");
  size_t separator_size = 2;
  if (split == absl::string_view::npos) {
    split = rest.find(':');
    separator_size = 1;
  }
  if (split == absl::string_view::npos) {
    mount.host_dir = std::string(rest);
    mount.guest_path = mount.host_dir;
  } else {
    mount.host_dir = std::string(rest.substr(0, split));
    mount.guest_path = std::string(rest.substr(split + separator_size));
  }
  if (mount.host_dir.empty() || mount.guest_path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--dir ", value, ": expected HOST, HOST:GUEST or HOST::GUEST, optionally with :ro"));
  }
  return mount;
}

std::vector<std::pair<std::string, std::string>> GuestEnvironment(
    const RunOptions& options, const std::vector<std::string>& host_environ) {
  std::vector<std::pair<std::string, std::string>> env;
  absl::flat_hash_map<std::string, size_t> index_of_key;
  auto set = [&](absl::string_view key, absl::string_view value, bool replace) {
    auto [it, inserted] = index_of_key.try_emplace(std::string(key), env.size());
    if (inserted) {
      env.emplace_back(std::string(key), std::string(value));
    } else if (replace) {
      env[it->second].second = std::string(value);
    }
  };
  // The host's value of `key` as getenv would find it: the first entry.
  auto host_value = [&](absl::string_view key) -> std::optional<absl::string_view> {
    for (absl::string_view entry : host_environ) {
      if (absl::StartsWith(entry, key) && entry.size() > key.size() && entry[key.size()] == '=')
        return entry.substr(key.size() + 1);
    }
    return std::nullopt;
  };
  if (options.env_inherit) {
    for (absl::string_view entry : host_environ) {
      const size_t eq = entry.find('=');
      if (eq == absl::string_view::npos || eq == 0) continue;  // WASI needs KEY=VALUE
      set(entry.substr(0, eq), entry.substr(eq + 1), /*replace=*/false);
    }
  }
  for (absl::string_view entry : options.env) {
    const size_t eq = entry.find('=');
    if (eq != absl::string_view::npos) {
      set(entry.substr(0, eq), entry.substr(eq + 1), /*replace=*/true);
    } else if (std::optional<absl::string_view> value = host_value(entry)) {
      set(entry, *value, /*replace=*/true);
    }
  }
  return env;
}

absl::Status ParseRunArgs(const std::vector<std::string>& args, RunOptions* options) {
  std::vector<std::string> operands;
  bool options_done = false;  // after "--", everything is an operand
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || !absl::StartsWith(arg, "--")) {
      operands.push_back(arg);
      // Without --invoke the first operand is the module and the rest are the guest's, even
      // when they look like kiln's options (`kiln run prog.wasm --help`).
      if (!options->invoke) options_done = true;
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "--env-inherit") {
      options->env_inherit = true;
      continue;
    }
    // Every other option takes a value, as "--flag VALUE" or "--flag=VALUE".
    const size_t eq = arg.find('=');
    const std::string flag = arg.substr(0, eq);
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (flag == "--cache-dir" || flag == "--timeout" || flag == "--invoke" ||
               flag == "--dir" || flag == "--env" || flag == "--argv0") {
      if (i + 1 >= args.size())
        return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
      value = args[++i];
    }
    if (flag == "--cache-dir") {
      if (value.empty()) return absl::InvalidArgumentError("--cache-dir needs a directory");
      options->cache_dir = value;
    } else if (flag == "--timeout") {
      absl::Duration timeout;
      if (!absl::ParseDuration(value, &timeout) || timeout <= absl::ZeroDuration()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--timeout ", value, ": not a positive duration such as 500ms or 2s"));
      }
      options->timeout = timeout;
    } else if (flag == "--invoke") {
      options->invoke = value;
    } else if (flag == "--dir") {
      absl::StatusOr<RunOptions::DirMount> mount = ParseDirMount(value);
      if (!mount.ok()) return mount.status();
      options->dirs.push_back(*std::move(mount));
    } else if (flag == "--env") {
      if (value.empty() || value[0] == '=')
        return absl::InvalidArgumentError(absl::StrCat("--env ", value, ": expected KEY=VALUE"));
      options->env.push_back(value);
    } else if (flag == "--argv0") {
      options->argv0 = value;
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

  if (!CheckDirMounts(options)) return kExitUsage;

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

  // The runtime keeps the bytes read (a private copy: what the compilation cache hashes is
  // what is decoded) instead of copying them again.
  auto binary = std::make_shared<const std::vector<uint8_t>>(*std::move(bytes));
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(ctx, absl::MakeConstSpan(*binary), binary);
  if (!compiled.ok()) return ExitCodeFor(options.module, compiled.status());
  // The WASI modules it imports come first, so that its imports resolve.
  absl::Status wasi = wasi::InstantiateImportedWasi(ctx, *runtime, **compiled);
  if (!wasi.ok()) return ExitCodeFor(options.module, wasi);

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
