// Globals exported by an instantiated module. An immutable global can be read once; a mutable
// one is a MutableGlobal, so embedders can tell the two apart with a dynamic_cast:
//   api::Global* offset = mod.ExportedGlobal("memory.offset");
//   if (dynamic_cast<api::MutableGlobal*>(offset) != nullptr) { /* may change */ }
// Only kiln implements these interfaces.
#ifndef KILN_API_GLOBAL_H_
#define KILN_API_GLOBAL_H_

#include <cstdint>
#include <string>

#include "api/wasm.h"

namespace kiln::api {

// Global is a global variable of an instance.
class Global {
 public:
  virtual ~Global() = default;

  // String describes the global for logs, e.g. "global(i32) = 42".
  virtual std::string String() const = 0;

  // Type is the global's value type.
  virtual ValueType Type() const = 0;

  // Get returns the current value, encoded as described at ValueType (for a v128 global, its
  // low 64 bits).
  virtual uint64_t Get() const = 0;
};

// MutableGlobal is a global the module declared `mut`, whose value can change at run time.
class MutableGlobal : public Global {
 public:
  // Set stores `value`, encoded as described at ValueType for Type().
  virtual void Set(uint64_t value) = 0;
};

}  // namespace kiln::api

#endif  // KILN_API_GLOBAL_H_
