// The kiln command line. Subcommands:
//   kiln run [WASI FLAGS] [--cache-dir DIR] [--timeout DURATION] MODULE [ARGS...]
//   kiln run [WASI FLAGS] [--cache-dir DIR] [--timeout DURATION] --invoke NAME [ARGS...] MODULE
//                           run a module's `_start`, or call one export and print its results;
//                           WASI FLAGS: --dir HOST[:GUEST][:ro], --env KEY=VALUE,
//                           --env-inherit, --argv0 NAME (tools/run.h)
//   kiln compile --cache-dir DIR [--close-on-context-done] [--opt-level N] MODULE...
//                           compile modules into a compilation cache directory
//                           (tools/precompile.h)
//   kiln cache explain|list|prune ...
//                           look into a compilation cache directory (tools/cache_cmd.h)
//   kiln validate FILE...   decode and validate each module, print "FILE: ok" or the error
//   kiln inspect FILE       print a module's imports, functions, definitions and exports
//   kiln compile --emit=ssa [--print-after=PASS[,PASS...]] [--verify-each] [--no-opt] FILE
//                           print every function's SSA after the pass pipeline (or after the
//                           named passes, or straight from the frontend with --no-opt)
//   kiln version            print the version
// FILE and MODULE are binary (.wasm) or text (.wat) modules. Arguments are parsed by hand.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "runtime/cache/cache_key.h"
#include "tools/cache_cmd.h"
#include "tools/compile.h"
#include "tools/inspect.h"
#include "tools/load_module.h"
#include "tools/precompile.h"
#include "tools/run.h"

namespace kiln::tools {
namespace {

constexpr absl::string_view kVersion = "kiln 0.1.0-dev (WebAssembly 2.0)";

constexpr absl::string_view kUsage =
    "usage: kiln <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  run [WASI FLAGS] [--cache-dir DIR] [--timeout DURATION] MODULE [ARGS...]\n"
    "                     instantiate MODULE and run its _start function (a WASI command)\n"
    "  run [WASI FLAGS] [--cache-dir DIR] [--timeout DURATION] --invoke NAME [ARGS...] MODULE\n"
    "                     call the export NAME with ARGS and print its results, one per line\n"
    "      WASI FLAGS: --dir HOST[:GUEST][:ro]  mount a host directory (repeatable)\n"
    "                  --env KEY=VALUE          set an environment variable (repeatable)\n"
    "                  --env-inherit            pass kiln's own environment\n"
    "                  --argv0 NAME             the guest's argv[0] (default: MODULE)\n"
    "  compile --cache-dir DIR [--close-on-context-done] [--opt-level N] MODULE...\n"
    "                     compile modules into a compilation cache directory ahead of time\n"
    "  cache explain FILE [--interrupt-checks] [--opt-level N] [--module MODULE]\n"
    "                     print a cache entry's key and why it does (not) match this kiln\n"
    "  cache list DIR     one line per cache entry: size, module, compiler, validity\n"
    "  cache prune DIR [--max-bytes N]\n"
    "                     remove stale and damaged entries, then the oldest beyond N bytes\n"
    "  validate FILE...   decode and validate modules (.wasm or .wat)\n"
    "  inspect FILE       print a module's imports, functions and exports\n"
    "  compile --emit=ssa [--print-after=PASS] [--verify-each] [--no-opt] FILE\n"
    "                     print the SSA of every function after the pass pipeline\n"
    "  version            print the version\n"
    "  help               print this message\n";

// Exit codes: 0 success, 1 a module failed, 2 the command line was wrong.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int Usage(absl::string_view problem) {
  std::fprintf(stderr, "kiln: %.*s\n\n%.*s", static_cast<int>(problem.size()), problem.data(),
               static_cast<int>(kUsage.size()), kUsage.data());
  return kExitUsage;
}

void Print(std::FILE* stream, absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stream);
}

int Validate(const std::vector<std::string>& files) {
  if (files.empty()) return Usage("validate needs at least one FILE");
  int exit_code = kExitOk;
  for (const std::string& file : files) {
    const absl::StatusOr<wasm::Module> module = LoadModule(file);
    if (module.ok()) {
      Print(stdout, file + ": ok\n");
    } else {
      Print(stdout, file + ": " + std::string(module.status().message()) + "\n");
      exit_code = kExitFailure;
    }
  }
  return exit_code;
}

int Inspect(const std::vector<std::string>& files) {
  if (files.size() != 1) return Usage("inspect takes exactly one FILE");
  const absl::StatusOr<wasm::Module> module = LoadModule(files[0]);
  if (!module.ok()) {
    Print(stderr, files[0] + ": " + std::string(module.status().message()) + "\n");
    return kExitFailure;
  }
  Print(stdout, DescribeModule(*module));
  return kExitOk;
}

int RunCommand(const std::vector<std::string>& args) {
  RunOptions options;
  absl::Status parsed = ParseRunArgs(args, &options);
  if (!parsed.ok()) return Usage(parsed.message());
  return RunModule(options);
}

int Compile(const std::vector<std::string>& args) {
  if (IsPrecompileCommand(args)) {
    PrecompileOptions options;
    absl::Status parsed = ParsePrecompileArgs(args, &options);
    if (!parsed.ok()) return Usage(parsed.message());
    return Precompile(options);
  }
  CompileOptions options;
  std::string file;
  absl::Status parsed = ParseCompileArgs(args, &options, &file);
  if (!parsed.ok()) return Usage(parsed.message());
  const absl::StatusOr<wasm::Module> module = LoadModule(file);
  if (!module.ok()) {
    Print(stderr, file + ": " + std::string(module.status().message()) + "\n");
    return kExitFailure;
  }
  absl::StatusOr<std::string> text = CompileToSsaText(*module, options);
  if (!text.ok()) {
    Print(stderr, file + ": " + std::string(text.status().message()) + "\n");
    return kExitFailure;
  }
  Print(stdout, *text);
  return kExitOk;
}

int Run(const std::vector<std::string>& args) {
  if (args.empty()) return Usage("no command given");
  const std::string& command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "run") return RunCommand(rest);
  if (command == "cache") return RunCacheCommand(rest);
  if (command == "validate") return Validate(rest);
  if (command == "inspect") return Inspect(rest);
  if (command == "compile") return Compile(rest);
  if (command == "version" || command == "--version") {
    // The compiler identity is what cache entries are keyed by: entries written by another
    // build are never used (docs/cache.md).
    Print(stdout,
          std::string(kVersion) + "\ncompiler: " + runtime::cache::CompilerVersion() + "\n");
    return kExitOk;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    Print(stdout, kUsage);
    return kExitOk;
  }
  return Usage("unknown command \"" + command + "\"");
}

}  // namespace
}  // namespace kiln::tools

int main(int argc, char** argv) {
  return kiln::tools::Run(std::vector<std::string>(argv + 1, argv + argc));
}
