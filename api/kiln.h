// kiln.h is the one header an embedder includes: the whole public API of kiln, the
// ahead-of-time optimizing WebAssembly runtime.
//
//   #include "api/kiln.h"
//
//   int main() {
//     kiln::Context ctx;
//     std::unique_ptr<kiln::Runtime> runtime = kiln::NewRuntime(ctx);
//     absl::StatusOr<kiln::api::Module*> mod = runtime->Instantiate(ctx, wasm_bytes);
//     ...
//   }
//
// With Bazel, depend on `//runtime/embedding:kiln`: it provides these headers (the //api
// target) and links the implementation (compiler, backend, runtime). Tests and programs that
// link it need `linkstatic = True`, because the assembler is a static archive.
//
// Where to read next: api/runtime.h (Runtime), api/runtime_config.h, api/module_config.h,
// api/host_module_builder.h, api/compilation_cache.h, api/module.h and api/function.h
// (calling exports), api/wasm.h (value encodings), api/sys.h (exit codes), api/context.h
// (cancellation and deadlines), and docs/embedding.md for a guided tour.
#ifndef KILN_API_KILN_H_
#define KILN_API_KILN_H_

#include "api/clock.h"              // IWYU pragma: export
#include "api/compilation_cache.h"  // IWYU pragma: export
#include "api/compiled_module.h"    // IWYU pragma: export
#include "api/context.h"            // IWYU pragma: export
#include "api/core_features.h"      // IWYU pragma: export
#include "api/custom_section.h"     // IWYU pragma: export
#include "api/definitions.h"        // IWYU pragma: export
#include "api/fs_config.h"          // IWYU pragma: export
#include "api/function.h"           // IWYU pragma: export
#include "api/global.h"             // IWYU pragma: export
#include "api/host_module_builder.h"  // IWYU pragma: export
#include "api/io.h"                 // IWYU pragma: export
#include "api/memory.h"             // IWYU pragma: export
#include "api/module.h"             // IWYU pragma: export
#include "api/module_config.h"      // IWYU pragma: export
#include "api/runtime.h"            // IWYU pragma: export
#include "api/runtime_config.h"     // IWYU pragma: export
#include "api/sys.h"                // IWYU pragma: export
#include "api/typed_host_function.h"  // IWYU pragma: export
#include "api/wasm.h"               // IWYU pragma: export

#endif  // KILN_API_KILN_H_
