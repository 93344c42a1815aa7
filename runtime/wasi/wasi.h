// WASI preview 1 for kiln: the host modules `wasi_snapshot_preview1` (all 46 functions) and
// `wasi_unstable` (snapshot 0, a thin layer over preview 1 where its ABI differs). The C++
// form of wazero's imports/wasi_snapshot_preview1:
//   std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
//   KILN_RETURN_IF_ERROR(wasi::InstantiateSnapshotPreview1(ctx, *runtime).status());
//   KILN_ASSIGN_OR_RETURN(auto compiled, runtime->CompileModule(ctx, wasm_bytes));
//   // Instantiating runs `_start`; proc_exit(n) ends it with sys::ExitError(n) (0 is success).
//   runtime->InstantiateModule(ctx, compiled,
//       NewModuleConfig().WithArgs({"prog", "-v"}).WithStdout(NewFdWriter(1))
//           .WithFSConfig(NewFSConfig().WithDirMount("/tmp/work", "/")));
//
// Everything a guest sees comes from its ModuleConfig (args, environment, stdio, clocks,
// random source, FSConfig mounts, preopened sockets); the defaults are sandboxed and
// deterministic. Each calling instance gets its own file descriptor table, created on its
// first WASI call and released with the Runtime.
#ifndef KILN_RUNTIME_WASI_WASI_H_
#define KILN_RUNTIME_WASI_WASI_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/kiln.h"

namespace kiln::wasi {

// The import module names of the two WASI versions kiln implements.
inline constexpr absl::string_view kSnapshotPreview1ModuleName = "wasi_snapshot_preview1";
inline constexpr absl::string_view kUnstableModuleName = "wasi_unstable";

// NewSnapshotPreview1Builder returns a builder holding every preview 1 function, so an
// embedder can add, replace or rename before instantiating.
HostModuleBuilder NewSnapshotPreview1Builder(Runtime& runtime);

// InstantiateSnapshotPreview1 instantiates `wasi_snapshot_preview1` in `runtime`.
absl::StatusOr<api::Module*> InstantiateSnapshotPreview1(const Context& ctx, Runtime& runtime);

// NewUnstableBuilder / InstantiateUnstable do the same for `wasi_unstable` (snapshot 0).
HostModuleBuilder NewUnstableBuilder(Runtime& runtime);
absl::StatusOr<api::Module*> InstantiateUnstable(const Context& ctx, Runtime& runtime);

// InstantiateImportedWasi instantiates each WASI module that `compiled` imports from and
// that `runtime` does not have yet (what `kiln run` does before instantiating a command).
absl::Status InstantiateImportedWasi(const Context& ctx, Runtime& runtime,
                                     const CompiledModule& compiled);

}  // namespace kiln::wasi

#endif  // KILN_RUNTIME_WASI_WASI_H_
