// ModuleConfig: how one instance of a module is set up (its name, which start functions run,
// and what it sees of the host through WASI: args, environment, stdio, clocks, randomness).
// The C++ form of wazero's ModuleConfig.
//
// It is an immutable value: every With* returns a modified copy, so one config can be a base
// for several:
//   ModuleConfig base = NewModuleConfig().WithStdout(NewFdWriter(1)).WithStderr(NewFdWriter(2));
//   KILN_ASSIGN_OR_RETURN(api::Module* a, runtime->InstantiateModule(ctx, compiled,
//                                              base.WithName("a").WithArgs({"a", "--fast"})));
//   KILN_ASSIGN_OR_RETURN(api::Module* b, runtime->InstantiateModule(ctx, compiled,
//                                              base.WithName("b")));
//
// The defaults are sandboxed and deterministic, as in wazero: no args and no environment,
// an empty stdin, stdout and stderr discarded, fake clocks that advance by a fixed step per
// reading (api/clock.h), sleep and yield that return at once, and a random source seeded with
// a constant. Opt in to the host with the Sys* methods and fd readers/writers (api/io.h).
//
// The file system is off unless WithFSConfig mounts host directories (api/fs_config.h).
#ifndef KILN_API_MODULE_CONFIG_H_
#define KILN_API_MODULE_CONFIG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "api/clock.h"
#include "api/fs_config.h"
#include "api/io.h"

namespace kiln {

// kDefaultRandSeed seeds the default random source (NewDeterministicRandSource).
inline constexpr uint64_t kDefaultRandSeed = 42;

// kDefaultClockResolution is the resolution the default clocks report: 1 µs.
inline constexpr ClockResolution kDefaultClockResolution = 1000;

class ModuleConfig {
 public:
  // A default ModuleConfig is NewModuleConfig().
  ModuleConfig();

  // WithName names the instance: other modules import its exports by this name, and
  // Runtime::Module finds it by it. Without it the name is the one in the module's name
  // section (if any). An empty name makes an anonymous instance: not importable, not
  // findable, and never in conflict with another (a way to run one module many times).
  ModuleConfig WithName(std::string name) const;

  // WithStartFunctions replaces the functions InstantiateModule calls after the Wasm start
  // section, in order; the default is {"_start"} (a WASI command's entry point). Names the
  // module does not export are skipped. Pass an empty list to call nothing: e.g. for a WASI
  // command whose exports are called one by one instead.
  ModuleConfig WithStartFunctions(std::vector<std::string> names) const;

  // WithArgs sets the arguments WASI args_get returns. By convention the first is the
  // program name; the default is none at all.
  ModuleConfig WithArgs(std::vector<std::string> args) const;

  // WithEnv adds (or replaces) the environment variable `key`, seen by WASI environ_get.
  // Order of first addition is kept. InstantiateModule rejects an empty key or one containing
  // '=' or NUL, and a value containing NUL.
  ModuleConfig WithEnv(std::string key, std::string value) const;

  // WithStdin / WithStdout / WithStderr replace the streams WASI fds 0, 1 and 2 use. nullptr
  // restores the default (empty input, discarded output).
  ModuleConfig WithStdin(std::shared_ptr<Reader> stdin_reader) const;
  ModuleConfig WithStdout(std::shared_ptr<Writer> stdout_writer) const;
  ModuleConfig WithStderr(std::shared_ptr<Writer> stderr_writer) const;

  // WithWalltime replaces the wall clock and the resolution it reports (zero becomes 1 ns).
  // WithSysWalltime uses the host's real-time clock at 1 µs resolution.
  ModuleConfig WithWalltime(Walltime walltime, ClockResolution resolution) const;
  ModuleConfig WithSysWalltime() const;

  // WithNanotime replaces the monotonic clock and its resolution (zero becomes 1 ns).
  // WithSysNanotime uses the host's monotonic clock at 1 ns resolution.
  ModuleConfig WithNanotime(Nanotime nanotime, ClockResolution resolution) const;
  ModuleConfig WithSysNanotime() const;

  // WithNanosleep replaces how a guest sleeps (WASI poll_oneoff on a clock);
  // WithSysNanosleep really sleeps.
  ModuleConfig WithNanosleep(Nanosleep nanosleep) const;
  ModuleConfig WithSysNanosleep() const;

  // WithOsyield replaces what WASI sched_yield does (default: nothing).
  ModuleConfig WithOsyield(Osyield osyield) const;

  // WithRandSource replaces where WASI random_get reads from, e.g. NewSysRandSource() for
  // real randomness. nullptr restores the deterministic default.
  ModuleConfig WithRandSource(std::shared_ptr<Reader> rand_source) const;

  // WithFSConfig sets the host directories the guest sees as WASI preopens (default: none).
  // InstantiateModule rejects a mount whose host directory does not exist.
  ModuleConfig WithFSConfig(FSConfig fs_config) const;

  // WithPreopenedSocket gives the guest the host socket `host_fd` (typically a listening TCP
  // socket) as a WASI preopen, numbered after the directory mounts, for sock_accept,
  // sock_recv, sock_send and sock_shutdown. Each instance uses its own duplicate of it; the
  // embedder keeps ownership of `host_fd`. Without any, the sock_* functions report errors.
  ModuleConfig WithPreopenedSocket(int host_fd) const;

  // ForInstance returns this config with fresh state for every default that has any: the
  // fake clocks restart and the default random source restarts from its seed. Runtime calls
  // it once per instantiation, so each instance sees the same deterministic sequence; a clock
  // or source the embedder set is kept (and shared) as is.
  ModuleConfig ForInstance() const;

  // -- Getters (read by the runtime and WASI) ----------------------------------------------

  // has_name tells whether WithName was called; name is its argument (or "").
  bool has_name() const { return has_name_; }
  const std::string& name() const { return name_; }
  const std::vector<std::string>& start_functions() const { return start_functions_; }
  const std::vector<std::string>& args() const { return args_; }
  // env lists (key, value) pairs in order of first addition.
  const std::vector<std::pair<std::string, std::string>>& env() const { return env_; }
  const std::shared_ptr<Reader>& stdin_reader() const { return stdin_; }
  const std::shared_ptr<Writer>& stdout_writer() const { return stdout_; }
  const std::shared_ptr<Writer>& stderr_writer() const { return stderr_; }
  const Walltime& walltime() const { return walltime_; }
  ClockResolution walltime_resolution() const { return walltime_resolution_; }
  const Nanotime& nanotime() const { return nanotime_; }
  ClockResolution nanotime_resolution() const { return nanotime_resolution_; }
  const Nanosleep& nanosleep() const { return nanosleep_; }
  const Osyield& osyield() const { return osyield_; }
  const std::shared_ptr<Reader>& rand_source() const { return rand_source_; }
  const FSConfig& fs_config() const { return fs_config_; }
  const std::vector<int>& preopened_sockets() const { return preopened_sockets_; }

 private:
  bool has_name_ = false;
  std::string name_;
  std::vector<std::string> start_functions_;
  std::vector<std::string> args_;
  std::vector<std::pair<std::string, std::string>> env_;
  std::shared_ptr<Reader> stdin_;
  std::shared_ptr<Writer> stdout_;
  std::shared_ptr<Writer> stderr_;
  Walltime walltime_;
  ClockResolution walltime_resolution_ = kDefaultClockResolution;
  bool fake_walltime_ = true;
  Nanotime nanotime_;
  ClockResolution nanotime_resolution_ = kDefaultClockResolution;
  bool fake_nanotime_ = true;
  Nanosleep nanosleep_;
  Osyield osyield_;
  std::shared_ptr<Reader> rand_source_;
  bool default_rand_source_ = true;
  FSConfig fs_config_;
  std::vector<int> preopened_sockets_;
};

// NewModuleConfig returns the default configuration described at the top of this file.
ModuleConfig NewModuleConfig();

}  // namespace kiln

#endif  // KILN_API_MODULE_CONFIG_H_
