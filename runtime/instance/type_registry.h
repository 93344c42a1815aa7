// TypeRegistry: canonical ids of function types across a store. call_indirect compares the id
// in a FuncRef with the id the caller's module expects as one 32-bit compare, so two types get
// the same id exactly when they are the same function type, whichever module declared them.
#ifndef KILN_RUNTIME_INSTANCE_TYPE_REGISTRY_H_
#define KILN_RUNTIME_INSTANCE_TYPE_REGISTRY_H_

#include <cstdint>
#include <map>
#include <string>

#include "compiler/wasm/module.h"

namespace kiln::runtime {

// TypeRegistry assigns canonical function-type ids for one store.
class TypeRegistry {
 public:
  // Intern returns the id of `type`, assigning the next one on first sight. Ids start at 1,
  // so 0 never matches a real type.
  uint32_t Intern(const wasm::FuncType& type);

 private:
  std::map<std::string, uint32_t> ids_;  // key: param bytes, 0x00, result bytes
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_TYPE_REGISTRY_H_
