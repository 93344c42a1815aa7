// Function types keyed by their binary-format value-type bytes.
#include "runtime/instance/type_registry.h"

namespace kiln::runtime {

uint32_t TypeRegistry::Intern(const wasm::FuncType& type) {
  std::string key;
  for (wasm::ValType param : type.params) key.push_back(static_cast<char>(param));
  key.push_back('\0');  // no value type encodes as 0x00
  for (wasm::ValType result : type.results) key.push_back(static_cast<char>(result));
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = ids_.emplace(std::move(key), static_cast<uint32_t>(ids_.size() + 1));
  return it->second;
}

}  // namespace kiln::runtime
