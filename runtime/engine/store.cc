// The store: owning instances and resolving imports by registered name.
#include "runtime/engine/store.h"

#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "runtime/instance/instance.h"
#include "runtime/instance/type_registry.h"
#include "runtime/trap/entry.h"
#include "runtime/trap/signal_handlers.h"

namespace kiln::runtime {

Store::Store() : Store(StoreOptions()) {}

Store::Store(const StoreOptions& options)
    : options_(options), types_(std::make_unique<TypeRegistry>()) {
  // Re-install over any handler set since the last store (a test framework's, say).
  trap::InstallTrapHandlers();
}

Store::~Store() = default;

StoreContext Store::MakeStoreContext() {
  StoreContext context;
  context.types = types_.get();
  context.close_on_context_done = options_.close_on_context_done;
  return context;
}

Instance* Store::Adopt(std::unique_ptr<Instance> instance) {
  absl::MutexLock lock(&mu_);
  instances_.push_back(std::move(instance));
  return instances_.back().get();
}

absl::StatusOr<api::Module*> Store::Instantiate(const Context& ctx,
                                                std::shared_ptr<const CompiledModule> compiled,
                                                absl::string_view name) {
  trap::InstallTrapHandlers();
  // Linking reads the registrations under the lock; instantiating (which may run the start
  // function, and through it host code that uses this store) does not hold it.
  auto resolve = [this](absl::string_view module,
                        absl::string_view field) -> absl::StatusOr<Extern> {
    absl::MutexLock lock(&mu_);
    auto it = registered_.find(module);
    if (it != registered_.end()) {
      if (std::optional<Extern> found = it->second->Export(field)) return *found;
    }
    return absl::NotFoundError(absl::StrCat("unknown import: \"", module, "\" \"", field, "\""));
  };
  std::unique_ptr<Instance> failed;
  absl::StatusOr<std::unique_ptr<Instance>> instance = Instance::InstantiateWasm(
      ctx, std::move(compiled), std::string(name), resolve, MakeStoreContext(), &failed);
  if (!instance.ok()) {
    // Keep a partly initialized instance: tables it wrote to may refer to its functions.
    if (failed != nullptr) Adopt(std::move(failed));
    return instance.status();
  }
  return Adopt(*std::move(instance));
}

absl::StatusOr<api::Module*> Store::InstantiateHost(HostModule host) {
  std::string name = host.name();
  KILN_ASSIGN_OR_RETURN(std::unique_ptr<Instance> instance,
                        Instance::InstantiateHost(std::move(host), MakeStoreContext()));
  absl::MutexLock lock(&mu_);
  instances_.push_back(std::move(instance));
  Instance* created = instances_.back().get();
  registered_[name] = created;
  return created;
}

absl::Status Store::Register(absl::string_view name, api::Module* instance) {
  absl::MutexLock lock(&mu_);
  for (const std::unique_ptr<Instance>& owned : instances_) {
    if (owned.get() == instance) {
      registered_[std::string(name)] = owned.get();
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError("register: the module does not belong to this store");
}

api::Module* Store::Lookup(absl::string_view name) const {
  absl::MutexLock lock(&mu_);
  auto it = registered_.find(name);
  return it == registered_.end() ? nullptr : it->second;
}

}  // namespace kiln::runtime
