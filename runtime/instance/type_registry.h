// TypeRegistry: canonical ids of function types across a store. call_indirect compares the id
// in a FuncRef with the id the caller's module expects as one 32-bit compare, so two types get
// the same id exactly when they are the same function type, whichever module declared them.
#ifndef KILN_RUNTIME_INSTANCE_TYPE_REGISTRY_H_
#define KILN_RUNTIME_INSTANCE_TYPE_REGISTRY_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "compiler/wasm/module.h"

namespace kiln::runtime {

// TypeRegistry assigns canonical function-type ids for one store. Thread-safe: instances of
// one store are created on several threads at once.
class TypeRegistry {
 public:
  // Intern returns the id of `type`, assigning the next one on first sight. Ids start at 1,
  // so 0 never matches a real type.
  uint32_t Intern(const wasm::FuncType& type);

 private:
  absl::Mutex mu_;
  std::map<std::string, uint32_t> ids_ ABSL_GUARDED_BY(mu_);  // key: params, 0x00, results
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_TYPE_REGISTRY_H_
