// `kiln run`: executes a module with the embedding API, as an embedder would.
//
//   kiln run [--cache-dir DIR] [--timeout DURATION] MODULE [ARGS...]
//       instantiates MODULE, which runs its start section and then its `_start` export (a WASI
//       command's entry point) when it has one; ARGS are the guest's arguments (WASI args_get,
//       after MODULE itself).
//   kiln run [--cache-dir DIR] [--timeout DURATION] --invoke NAME [ARGS...] MODULE
//       instantiates MODULE running only its start section, calls the export NAME with ARGS
//       read per its signature (tools/invoke_args.h) and prints each result on its own line.
//       MODULE may also come first (`--invoke add m.wasm 1 2`).
//
// With --cache-dir the code is loaded from (or stored to) that compilation cache directory,
// so the second run of a module does not compile. With --timeout DURATION (e.g. 500ms, 2s)
// the guest is stopped when the time is up (RuntimeConfig::WithCloseOnContextDone, which also
// selects other cache entries: the code polls for interruption). Errors are printed as one line,
// "kiln: MODULE: message", followed by the trap backtrace if there is one. The exit code is
// the guest's own when it exits (sys::ExitError), 1 for a trap or any other error, and 2 for a
// mistake on the command line (including arguments that do not fit the signature).
#ifndef KILN_TOOLS_RUN_H_
#define KILN_TOOLS_RUN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace kiln::tools {

// RunOptions are the flags and operands of `kiln run`.
struct RunOptions {
  std::string cache_dir;                  // empty: no compilation cache
  std::optional<absl::Duration> timeout;  // stop the guest after this long
  std::optional<std::string> invoke;      // the export to call instead of `_start`
  std::string module;                     // the .wasm or .wat file
  std::vector<std::string> args;          // --invoke's arguments, or the guest's arguments
};

// ParseRunArgs reads `kiln run`'s command line (without "run"); kInvalidArgument describes a
// mistake.
absl::Status ParseRunArgs(const std::vector<std::string>& args, RunOptions* options);

// RunModule does what `options` say, printing results to stdout and errors to stderr, and
// returns the process exit code.
int RunModule(const RunOptions& options);

// ProcessExitCode maps a guest exit code to the code the process exits with: the same code
// when it fits in the 8 bits a process reports, and otherwise 1 if its low byte would read as
// success (e.g. 256), else its low byte.
int ProcessExitCode(uint32_t guest_exit_code);

}  // namespace kiln::tools

#endif  // KILN_TOOLS_RUN_H_
