// Test helpers for the cache: a small module with several function types, a trap site and a
// memory, compiled for the host, and a key for it.
#ifndef KILN_RUNTIME_CACHE_TESTING_TEST_MODULE_H_
#define KILN_RUNTIME_CACHE_TESTING_TEST_MODULE_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "backend/common/compiled_code.h"
#include "runtime/cache/cache_key.h"

namespace kiln::runtime::cache::testing {

// kTestModuleWat exports add (i32 i32 -> i32), div_s (i32 i32 -> i32, traps on zero),
// sum64 (i64 -> i64, a loop) and load (i32 -> i32, reads memory with a data segment).
extern const absl::string_view kTestModuleWat;

// WatBytes encodes `wat` (REQUIREs success).
std::vector<uint8_t> WatBytes(absl::string_view wat);

// CompileForHost decodes, validates and compiles `bytes` for the host (REQUIREs success).
backend::CompiledCode CompileForHost(const std::vector<uint8_t>& bytes);

// HostKey is the key of `bytes` compiled by this binary for this host with default options.
CacheKey HostKey(const std::vector<uint8_t>& bytes);

}  // namespace kiln::runtime::cache::testing

#endif  // KILN_RUNTIME_CACHE_TESTING_TEST_MODULE_H_
