// `kiln run`: executes a module with the embedding API, as an embedder would.
//
//   kiln run [WASI FLAGS] [--cache-dir DIR] [--timeout DURATION] MODULE [ARGS...]
//       instantiates MODULE, which runs its start section and then its `_start` export (a WASI
//       command's entry point) when it has one; ARGS are the guest's arguments (WASI args_get,
//       after argv[0], which is MODULE as given unless --argv0 says otherwise).
//   kiln run [WASI FLAGS] [--cache-dir DIR] [--timeout DURATION] --invoke NAME [ARGS...] MODULE
//       instantiates MODULE running only its start section, calls the export NAME with ARGS
//       read per its signature (tools/invoke_args.h) and prints each result on its own line.
//       MODULE may also come first (`--invoke add m.wasm 1 2`).
//
// WASI (runtime/wasi/wasi.h): the WASI modules MODULE imports (`wasi_snapshot_preview1`,
// `wasi_unstable`) are instantiated first. The guest gets the real stdin, stdout and stderr,
// real clocks, sleep and randomness, but no file system and no environment unless asked:
//   --dir HOST[:GUEST][:ro]  mounts the host directory HOST at GUEST (default: HOST as
//                            written, as wasmtime's `--dir HOST` does); `:ro` makes it
//                            read-only, and wasmtime's `HOST::GUEST` is accepted too. Repeatable:
//                            the mounts are the guest's preopens (fd 3, 4, ...) in order.
//   --env KEY=VALUE          sets an environment variable (repeatable); `--env KEY` copies
//                            KEY's value from kiln's own environment, if it has one.
//   --env-inherit            starts from kiln's own environment; --env adds and overrides.
//   --argv0 NAME             the guest's argv[0].
//
// With --cache-dir the code is loaded from (or stored to) that compilation cache directory,
// so the second run of a module does not compile. With --timeout DURATION (e.g. 500ms, 2s)
// the guest is stopped when the time is up (RuntimeConfig::WithCloseOnContextDone, which also
// selects other cache entries: the code polls for interruption). Errors are printed as one line,
// "kiln: MODULE: message", followed by the trap backtrace if there is one. The exit code is
// the guest's own when it exits (sys::ExitError), 1 for a trap or any other error, and 2 for a
// mistake on the command line (including arguments that do not fit the signature, and a --dir
// that is not a directory).
#ifndef KILN_TOOLS_RUN_H_
#define KILN_TOOLS_RUN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiln::tools {

// RunOptions are the flags and operands of `kiln run`.
struct RunOptions {
  // DirMount is one --dir.
  struct DirMount {
    std::string host_dir;
    std::string guest_path;
    bool read_only = false;
    bool operator==(const DirMount& other) const {
      return host_dir == other.host_dir && guest_path == other.guest_path &&
             read_only == other.read_only;
    }
  };

  std::vector<DirMount> dirs;             // --dir, in order
  std::vector<std::string> env;           // --env values as given (KEY=VALUE or KEY), in order
  bool env_inherit = false;               // --env-inherit
  std::optional<std::string> argv0;       // --argv0
  std::string cache_dir;                  // empty: no compilation cache
  std::optional<absl::Duration> timeout;  // stop the guest after this long
  std::optional<std::string> invoke;      // the export to call instead of `_start`
  std::string module;                     // the .wasm or .wat file
  std::vector<std::string> args;          // --invoke's arguments, or the guest's arguments
};

// ParseRunArgs reads `kiln run`'s command line (without "run"); kInvalidArgument describes a
// mistake.
absl::Status ParseRunArgs(const std::vector<std::string>& args, RunOptions* options);

// ParseDirMount reads one --dir value: HOST, HOST:GUEST or HOST::GUEST, optionally followed
// by ":ro" (so "dir:ro" is HOST "dir" mounted read-only at "dir").
absl::StatusOr<RunOptions::DirMount> ParseDirMount(absl::string_view value);

// GuestEnvironment is the environment the guest sees: with --env-inherit, kiln's own
// `host_environ` ("KEY=VALUE" strings as in `environ`; the first of duplicate keys wins, as
// for getenv, and entries WASI cannot carry are dropped), then each --env in order, a later
// one replacing the value where the key first appeared. --env KEY takes KEY's value from
// `host_environ` (and is dropped when there is none).
std::vector<std::pair<std::string, std::string>> GuestEnvironment(
    const RunOptions& options, const std::vector<std::string>& host_environ);

// RunModule does what `options` say, printing results to stdout and errors to stderr, and
// returns the process exit code.
int RunModule(const RunOptions& options);

// ProcessExitCode maps a guest exit code to the code the process exits with: the same code
// when it fits in the 8 bits a process reports, and otherwise 1 if its low byte would read as
// success (e.g. 256), else its low byte.
int ProcessExitCode(uint32_t guest_exit_code);

}  // namespace kiln::tools

#endif  // KILN_TOOLS_RUN_H_
