// The compile step of Runtime::CompileModule for Wasm binaries: decode, validate, check the
// core features the runtime allows, apply the memory limit and the debug-info setting, and then
// take the code from the compilation cache or compile it with the runtime's options.
#ifndef KILN_RUNTIME_EMBEDDING_MODULE_COMPILER_H_
#define KILN_RUNTIME_EMBEDDING_MODULE_COMPILER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "api/runtime_config.h"
#include "backend/compile.h"
#include "compiler/wasm/module.h"
#include "runtime/cache/cache_key.h"
#include "runtime/engine/compiled_module.h"

namespace kiln::embedding {

// CompileOptionsFor maps a RuntimeConfig to the backend's options.
backend::CompileOptions CompileOptionsFor(const RuntimeConfig& config);

// CacheKeyFor is the cache key of `binary` compiled under `config` on this host (what
// `kiln cache explain` compares an entry with). kFailedPrecondition when the host has no
// backend.
absl::StatusOr<runtime::cache::CacheKey> CacheKeyFor(absl::Span<const uint8_t> binary,
                                                     const RuntimeConfig& config);

// CompileWasmModule turns `binary` into native code as described at the top of this file; the
// compiled module keeps `binary` (shared, not copied).
// Errors: kInvalidArgument for a malformed or invalid module or a disabled feature;
// kResourceExhausted when a memory's minimum exceeds the memory limit; kNotFound on a
// read-only cache's miss; the compiler's errors.
absl::StatusOr<std::shared_ptr<const runtime::CompiledModule>> CompileWasmModule(
    wasm::ModuleBytes binary, const RuntimeConfig& config);

}  // namespace kiln::embedding

#endif  // KILN_RUNTIME_EMBEDDING_MODULE_COMPILER_H_
