// `kiln compile --cache-dir DIR MODULE...`: compiles modules ahead of time into a compilation
// cache directory, so that programs using that directory (NewCompilationCacheWithDir, or
// NewReadOnlyCompilationCacheWithDir in deployments that must never compile) and
// `kiln run --cache-dir DIR` load native code instead of compiling:
//   $ kiln compile --cache-dir /var/cache/app app.wasm plugin.wasm
//   compiled app.wasm: 1843 functions, 2210 KiB code in 3.1 s
//   plugin.wasm: already cached
//
// A cache entry is only used by a runtime configured the same way, so the options that change
// the code are flags here too: --close-on-context-done, also spelled --interrupt-checks as in the
// cache key (RuntimeConfig::WithCloseOnContextDone), and --opt-level N (WithOptimizationLevel). Modules with more than 1 MiB of code get a
// "compiling ..." line as soon as it is clear that they are being compiled rather than loaded
// (after 100 ms), since that takes a while.
#ifndef KILN_TOOLS_PRECOMPILE_H_
#define KILN_TOOLS_PRECOMPILE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace kiln::tools {

// PrecompileOptions are the flags and operands of `kiln compile --cache-dir`.
struct PrecompileOptions {
  std::string cache_dir;
  bool close_on_context_done = false;
  int optimization_level = 1;
  std::vector<std::string> modules;
};

// IsPrecompileCommand tells `kiln compile`'s two forms apart: true when `args` ask for a cache
// directory (--cache-dir), false for the SSA printer (--emit=ssa and friends, tools/compile.h).
bool IsPrecompileCommand(const std::vector<std::string>& args);

// ParsePrecompileArgs reads the arguments after "compile"; kInvalidArgument on a mistake.
absl::Status ParsePrecompileArgs(const std::vector<std::string>& args, PrecompileOptions* options);

// Precompile compiles every module into the cache, printing one line per module, and returns
// the exit code: 0 when every module is in the cache afterwards, 1 otherwise (each failure
// printed as "kiln: MODULE: message"; the other modules are still compiled).
int Precompile(const PrecompileOptions& options);

}  // namespace kiln::tools

#endif  // KILN_TOOLS_PRECOMPILE_H_
