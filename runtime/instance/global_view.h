// api::Global and api::MutableGlobal over a global's storage (inside a vmctx or a host
// instance). Both read the value on every Get, so changes made by Wasm are seen.
#ifndef KILN_RUNTIME_INSTANCE_GLOBAL_VIEW_H_
#define KILN_RUNTIME_INSTANCE_GLOBAL_VIEW_H_

#include <cstdint>
#include <memory>
#include <string>

#include "api/global.h"
#include "compiler/wasm/module.h"

namespace kiln::runtime {

// MakeGlobalView returns a MutableGlobal when `type` is mutable, else a plain Global.
std::unique_ptr<api::Global> MakeGlobalView(const wasm::GlobalType& type, void* address);

// ReadGlobal / WriteGlobal move a value in the api encoding (low 64 bits for v128) to and from
// storage of `type`'s natural size.
uint64_t ReadGlobal(wasm::ValType type, const void* address);
void WriteGlobal(wasm::ValType type, void* address, uint64_t value);

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_GLOBAL_VIEW_H_
