// WasiState is one instance's view of WASI: its ModuleConfig and its fd table. WASI host
// functions find the calling instance's state with StateOf(caller); it is created on the
// first call (opening the mounts and duplicating preopened sockets) and lives as long as the
// instance's config does (embedding::InstanceStateOf).
#ifndef KILN_RUNTIME_WASI_WASI_STATE_H_
#define KILN_RUNTIME_WASI_WASI_STATE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "api/module.h"
#include "api/module_config.h"
#include "runtime/wasi/fd_table.h"

namespace kiln::wasi {

class WasiState {
 public:
  // Create opens everything `config` gives the guest: stdio entries 0-2, one preopen per
  // FSConfig mount (an error names a mount that cannot be opened), then preopened sockets.
  static absl::StatusOr<std::shared_ptr<WasiState>> Create(std::shared_ptr<const ModuleConfig> config);

  const ModuleConfig& config() const { return *config_; }

  // mu guards the fd table. WASI functions hold it for their whole call, so calls from
  // several threads into one instance see a consistent table.
  absl::Mutex& mu() const { return mu_; }
  FdTable& fds() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return fds_; }

 private:
  explicit WasiState(std::shared_ptr<const ModuleConfig> config) : config_(std::move(config)) {}

  std::shared_ptr<const ModuleConfig> config_;
  mutable absl::Mutex mu_;
  FdTable fds_ ABSL_GUARDED_BY(mu_);
};

// StateOf returns the WASI state of `caller`, or nullptr when it was not instantiated by a
// Runtime (no ModuleConfig) or its mounts could not be opened.
std::shared_ptr<WasiState> StateOf(api::Module& caller);

}  // namespace kiln::wasi

#endif  // KILN_RUNTIME_WASI_WASI_STATE_H_
