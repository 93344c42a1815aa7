// `kiln compile`: translate a module's functions to SSA and optimize them. For now the only
// output is the SSA text (--emit=ssa); the backends will add native code.
#ifndef KILN_TOOLS_COMPILE_H_
#define KILN_TOOLS_COMPILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/wasm/module.h"

namespace kiln::tools {

// CompileOptions are the flags of `kiln compile`.
struct CompileOptions {
  std::string emit = "ssa";              // what to print; only "ssa" exists yet
  std::vector<std::string> print_after;  // print each function after these passes instead
  bool verify_each = false;              // run the verifier before and after every pass
  bool optimize = true;                  // false (--no-opt): print the frontend's output
};

// ParseCompileArgs reads `kiln compile`'s arguments into options and the one FILE.
absl::Status ParseCompileArgs(const std::vector<std::string>& args, CompileOptions* options,
                              std::string* file);

// CompileToSsaText translates every defined function of a validated module, runs the
// pipeline as `options` say, and returns the text to print: every function after the full
// pipeline, or, with print_after, every function as it was after each named pass.
absl::StatusOr<std::string> CompileToSsaText(const wasm::Module& module,
                                             const CompileOptions& options);

}  // namespace kiln::tools

#endif  // KILN_TOOLS_COMPILE_H_
