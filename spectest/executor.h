// Executor: what the script judge (session.h) needs from a runtime, and nothing more. The
// judge decides pass/fail/skip; an Executor only compiles, instantiates, registers, calls and
// reads globals. StoreExecutor (store_executor.h) implements it on runtime::Store; tests
// implement it with scripted fakes so the judging rules are tested without native code.
//
// One Executor serves one .wast file: a fresh one starts with only the `spectest` host module
// registered, as the spec's scripts assume.
#ifndef KILN_SPECTEST_EXECUTOR_H_
#define KILN_SPECTEST_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "compiler/text/script.h"
#include "compiler/wasm/module.h"
#include "spectest/values.h"

namespace kiln::spectest {

// InstanceId names an instance an Executor created; ids are never reused within one Executor.
using InstanceId = uint32_t;

// Instantiation is the outcome of compiling and instantiating one module. The two stages are
// kept apart because the judge treats them differently: a compile error of kUnimplemented
// (a feature the backend does not lower yet) skips every command that depends on the module,
// while link errors and traps during instantiation are what assert_unlinkable and
// assert_uninstantiable expect.
struct Instantiation {
  absl::Status compiled;      // the compiler's verdict; when not OK, nothing was instantiated
  absl::Status instantiated;  // link errors, or a trap status (runtime/trap/trap_error.h)
  InstanceId instance = 0;    // valid when both are OK
};

// Executor runs the parts of a script that need a runtime.
class Executor {
 public:
  virtual ~Executor() = default;

  // Instantiate compiles `module` (already decoded and validated) and instantiates it against
  // the registered instances.
  virtual Instantiation Instantiate(wasm::Module module) = 0;

  // Register makes `instance` importable under `name`.
  virtual absl::Status Register(absl::string_view name, InstanceId instance) = 0;

  // Invoke calls the function exported as `name`, returning its results typed by the
  // function's signature. A trap is a trap status; a missing export or wrong arguments are
  // kNotFound / kInvalidArgument.
  virtual absl::StatusOr<std::vector<RuntimeValue>> Invoke(InstanceId instance,
                                                           absl::string_view name,
                                                           absl::Span<const text::Value> args) = 0;

  // Get reads the global exported as `name`.
  virtual absl::StatusOr<RuntimeValue> Get(InstanceId instance, absl::string_view name) = 0;
};

// ExecutorFactory makes a fresh Executor for each file; an empty factory means the runner has
// no runtime and skips every command that needs execution.
using ExecutorFactory = std::function<absl::StatusOr<std::unique_ptr<Executor>>()>;

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_EXECUTOR_H_
