// HostModule: a module the embedder implements in C++ rather than Wasm, described as plain data
// (functions as HostModuleFunction/HostFunction objects, globals with initial values, tables and
// memories by their limits). Store::InstantiateHost turns it into an instance whose exports Wasm
// modules import by name: this is how the spec suite's `spectest` module and WASI are provided.
//   HostModule spectest("spectest");
//   spectest.AddFunction("print_i32", {api::kValueTypeI32}, {},
//                        std::make_unique<api::HostFunc>(
//                            [](const Context&, absl::Span<uint64_t>) {}));
//   spectest.AddGlobal("global_i32", api::kValueTypeI32, /*is_mutable=*/false, 666);
//   spectest.AddTable("table", api::kValueTypeFuncRef, 10, 20);
//   spectest.AddMemory("memory", 1, 2);
// Typed C++ callables need no type lists: WithFunc deduces the Wasm signature from the C++ one
// (api/typed_host_function.h), e.g.
//   env.WithFunc("add", [](uint32_t a, uint32_t b) { return a + b; });     // (i32 i32) -> i32
//   env.WithFunc("peek", [](api::Module& caller, uint32_t ptr) {           // (i32) -> i32
//     return caller.Memory()->ReadUint32Le(ptr).value_or(0);
//   });
#ifndef KILN_RUNTIME_ENGINE_HOST_MODULE_H_
#define KILN_RUNTIME_ENGINE_HOST_MODULE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "api/function.h"
#include "api/typed_host_function.h"
#include "api/wasm.h"

namespace kiln::runtime {

// HostModule describes a host module before instantiation. Move-only: it owns the function
// objects, which move into the instance.
class HostModule {
 public:
  // Function is one exported host function. Exactly one of the two implementations is set.
  struct Function {
    std::string name;
    std::vector<api::ValueType> params;
    std::vector<api::ValueType> results;
    std::variant<std::unique_ptr<api::HostModuleFunction>, std::unique_ptr<api::HostFunction>>
        impl;
    // Optional names for the FunctionDefinition: empty, or one per param (result).
    std::vector<std::string> param_names = {};
    std::vector<std::string> result_names = {};
    // own_name is the function's own name (FunctionDefinition::Name, backtraces), as a name
    // section would give it; empty means its export name.
    std::string own_name = {};
  };
  // Global is one exported global with its initial value, encoded per api::ValueType.
  struct Global {
    std::string name;
    api::ValueType type = api::kValueTypeI32;
    bool is_mutable = false;
    uint64_t value = 0;
  };
  // Table is one exported table of `element` references, all null initially.
  struct Table {
    std::string name;
    api::ValueType element = api::kValueTypeFuncRef;
    uint32_t min = 0;
    std::optional<uint32_t> max;
  };
  // Memory is one exported linear memory (zero-filled), sizes in 64 KiB pages.
  struct Memory {
    std::string name;
    uint32_t min = 0;
    std::optional<uint32_t> max;
  };

  explicit HostModule(std::string name) : name_(std::move(name)) {}
  HostModule(HostModule&&) = default;
  HostModule& operator=(HostModule&&) = default;

  // AddFunction exports a HostModuleFunction (which receives the calling module).
  HostModule& AddFunction(std::string name, std::vector<api::ValueType> params,
                          std::vector<api::ValueType> results,
                          std::unique_ptr<api::HostModuleFunction> fn) {
    functions_.push_back({std::move(name), std::move(params), std::move(results), std::move(fn)});
    return *this;
  }
  // AddFunction exports a HostFunction (which does not need the calling module).
  HostModule& AddFunction(std::string name, std::vector<api::ValueType> params,
                          std::vector<api::ValueType> results,
                          std::unique_ptr<api::HostFunction> fn) {
    functions_.push_back({std::move(name), std::move(params), std::move(results), std::move(fn)});
    return *this;
  }
  // WithFunc exports a typed C++ callable, its Wasm param and result types deduced from its
  // signature at compile time (see api/typed_host_function.h for the type mapping). A callable
  // taking api::Module& becomes a HostModuleFunction, any other a HostFunction.
  template <typename F>
  HostModule& WithFunc(std::string name, F&& fn) {
    using Signature = api::HostSignature<std::decay_t<F>>;
    return AddFunction(std::move(name),
                       std::vector<api::ValueType>(Signature::kParams.begin(),
                                                   Signature::kParams.end()),
                       std::vector<api::ValueType>(Signature::kResults.begin(),
                                                   Signature::kResults.end()),
                       api::NewTypedHostFunction(std::forward<F>(fn)));
  }
  // WithFunc with names for the params and results, reported by the FunctionDefinition
  // (ParamNames/ResultNames), as in wazero's WithParameterNames/WithResultNames. Each list is
  // empty or names every param (result); InstantiateHost rejects any other count.
  template <typename F>
  HostModule& WithFunc(std::string name, F&& fn, std::vector<std::string> param_names,
                       std::vector<std::string> result_names = {}) {
    WithFunc(std::move(name), std::forward<F>(fn));
    functions_.back().param_names = std::move(param_names);
    functions_.back().result_names = std::move(result_names);
    return *this;
  }
  HostModule& AddGlobal(std::string name, api::ValueType type, bool is_mutable, uint64_t value) {
    globals_.push_back({std::move(name), type, is_mutable, value});
    return *this;
  }
  HostModule& AddTable(std::string name, api::ValueType element, uint32_t min,
                       std::optional<uint32_t> max) {
    tables_.push_back({std::move(name), element, min, max});
    return *this;
  }
  HostModule& AddMemory(std::string name, uint32_t min, std::optional<uint32_t> max) {
    memories_.push_back({std::move(name), min, max});
    return *this;
  }

  const std::string& name() const { return name_; }
  std::vector<Function>& functions() { return functions_; }
  const std::vector<Global>& globals() const { return globals_; }
  const std::vector<Table>& tables() const { return tables_; }
  const std::vector<Memory>& memories() const { return memories_; }

 private:
  std::string name_;
  std::vector<Function> functions_;
  std::vector<Global> globals_;
  std::vector<Table> tables_;
  std::vector<Memory> memories_;
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_ENGINE_HOST_MODULE_H_
