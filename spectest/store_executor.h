// StoreExecutor: the Executor (executor.h) on kiln's runtime. Each one owns a runtime::Store
// with the `spectest` host module registered, compiles modules with runtime::CompileModule,
// and calls exports through the public api (Function::CallWithStack, Global::Get), so the
// spec suite exercises the same path an embedder uses.
#ifndef KILN_SPECTEST_STORE_EXECUTOR_H_
#define KILN_SPECTEST_STORE_EXECUTOR_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "api/context.h"
#include "api/module.h"
#include "backend/compile.h"
#include "runtime/engine/store.h"
#include "spectest/executor.h"

namespace kiln::spectest {

// StoreExecutor runs one script's modules in one store.
class StoreExecutor final : public Executor {
 public:
  // Create makes a store and instantiates the `spectest` host module in it; modules are
  // compiled with `options`.
  static absl::StatusOr<std::unique_ptr<Executor>> Create(backend::CompileOptions options);

  Instantiation Instantiate(wasm::Module module) override;
  absl::Status Register(absl::string_view name, InstanceId instance) override;
  absl::StatusOr<std::vector<RuntimeValue>> Invoke(InstanceId instance, absl::string_view name,
                                                   absl::Span<const text::Value> args) override;
  absl::StatusOr<RuntimeValue> Get(InstanceId instance, absl::string_view name) override;

 private:
  explicit StoreExecutor(backend::CompileOptions options) : options_(options) {}

  absl::StatusOr<api::Module*> Find(InstanceId instance) const;

  backend::CompileOptions options_;
  Context ctx_ = Context::Background();
  runtime::Store store_;
  std::vector<api::Module*> instances_;  // InstanceId - 1 → instance (owned by store_)
  std::vector<uint64_t> stack_;          // reused for every call
};

// StoreExecutors is the ExecutorFactory of StoreExecutor.
ExecutorFactory StoreExecutors(backend::CompileOptions options = backend::CompileOptions());

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_STORE_EXECUTOR_H_
