// RuntimeImpl: kiln's Runtime (api/runtime.h) over one runtime::Store. The store owns the
// instances and resolves imports by registered name; this layer adds what the embedding API
// promises on top: compiling through the configured cache with the configured features and
// limits, instance names unique among live modules, start functions with WASI's exit-code
// convention, each instance's ModuleConfig (instance_config.h), and closing everything at once.
#ifndef KILN_RUNTIME_EMBEDDING_RUNTIME_IMPL_H_
#define KILN_RUNTIME_EMBEDDING_RUNTIME_IMPL_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "api/runtime.h"
#include "runtime/engine/store.h"

namespace kiln::embedding {

class RuntimeImpl final : public kiln::Runtime {
 public:
  explicit RuntimeImpl(const RuntimeConfig& config);
  ~RuntimeImpl() override;

  absl::StatusOr<std::shared_ptr<const kiln::CompiledModule>> CompileModule(
      const Context& ctx, absl::Span<const uint8_t> binary) override;
  absl::StatusOr<std::shared_ptr<const kiln::CompiledModule>> CompileModule(
      const Context& ctx, absl::Span<const uint8_t> binary,
      std::shared_ptr<const void> keep_alive) override;
  absl::StatusOr<api::Module*> InstantiateModule(
      const Context& ctx, std::shared_ptr<const kiln::CompiledModule> compiled,
      const ModuleConfig& config) override;
  absl::StatusOr<api::Module*> InstantiateWithConfig(const Context& ctx,
                                                    absl::Span<const uint8_t> binary,
                                                    const ModuleConfig& config) override;
  api::Module* Module(absl::string_view name) const override;
  absl::Status CloseWithExitCode(const Context& ctx, uint32_t exit_code) override;
  const RuntimeConfig& config() const override { return config_; }

 private:
  absl::StatusOr<std::shared_ptr<const kiln::CompiledModule>> CompileHostModule(
      const Context& ctx, std::string module_name,
      std::vector<HostFunctionSpec> functions) override;

  absl::Status CheckOpen() const ABSL_LOCKS_EXCLUDED(mu_);
  // ReserveName claims `name` for an instance being created (no-op for ""); ReleaseName gives
  // it back after a failure; PublishName attaches the created instance.
  absl::Status ReserveName(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  void ReleaseName(const std::string& name) ABSL_LOCKS_EXCLUDED(mu_);
  void Publish(const std::string& name, api::Module* module) ABSL_LOCKS_EXCLUDED(mu_);
  // RunStartFunctions calls config's start functions in order (see Runtime::InstantiateModule).
  absl::Status RunStartFunctions(const Context& ctx, api::Module* module,
                                 const ModuleConfig& config);

  const RuntimeConfig config_;
  runtime::Store store_;
  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // names_ maps each claimed name to its instance; nullptr while the instance is being made.
  std::map<std::string, api::Module*, std::less<>> names_ ABSL_GUARDED_BY(mu_);
  std::vector<api::Module*> instances_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kiln::embedding

#endif  // KILN_RUNTIME_EMBEDDING_RUNTIME_IMPL_H_
