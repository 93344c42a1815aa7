// Test helpers for the engine's api tests: compile a .wat module (with a name section, so
// backtraces and definitions carry names) and instantiate it in a Store, failing the running
// Catch2 test on any error; call exports expecting an i32 result or a status.
#ifndef KILN_RUNTIME_ENGINE_TESTING_WAT_INSTANCES_H_
#define KILN_RUNTIME_ENGINE_TESTING_WAT_INSTANCES_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "api/module.h"
#include "runtime/engine/store.h"

namespace kiln::runtime::testing {

// CompileWat parses, decodes, validates and compiles `wat`.
std::shared_ptr<const CompiledModule> CompileWat(absl::string_view wat);

// InstantiateWat compiles `wat` and instantiates it in `store` as `name`.
api::Module* InstantiateWat(Store& store, absl::string_view wat, absl::string_view name = "m");

// CallU32 calls export `name` with `params`, requiring success and one i32 result.
uint32_t CallU32(api::Module* module, absl::string_view name, std::vector<uint64_t> params);

// CallStatus calls export `name` with `params` and returns the status.
absl::Status CallStatus(api::Module* module, absl::string_view name,
                        std::vector<uint64_t> params);

}  // namespace kiln::runtime::testing

#endif  // KILN_RUNTIME_ENGINE_TESTING_WAT_INSTANCES_H_
