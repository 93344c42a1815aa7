// HostModuleBuilder defines a module in C++ that Wasm modules import: functions written as
// ordinary C++ callables (or in the raw stack form, for speed), exported under names. The C++
// form of wazero's HostModuleBuilder / HostFunctionBuilder:
//   KILN_ASSIGN_OR_RETURN(api::Module* env,
//       runtime->NewHostModuleBuilder("env")
//           .NewFunctionBuilder()
//               .WithFunc([](uint32_t a, uint32_t b) { return a + b; })   // (i32 i32) -> i32
//               .WithParameterNames({"a", "b"})
//               .Export("add")
//           .NewFunctionBuilder()
//               .WithFunc([](const Context& ctx, api::Module& caller, uint32_t ptr,
//                            uint32_t len) { Log(ctx, caller.Memory()->Read(ptr, len)); })
//               .Export("log")
//           .Instantiate(ctx));
//   // now (import "env" "add" (func (param i32 i32) (result i32))) links to it.
//
// WithFunc deduces the Wasm signature from the callable's C++ signature at compile time (see
// api/typed_host_function.h for the type mapping; an unsupported type is a compile error, not
// a runtime one). WithHostFunction / WithHostModuleFunction take the raw form
// (api/function.h) with explicit types: params in, results out through one uint64_t stack.
//
// Wasm calls a host function through a native stub, never through an interpreter or a C++
// exception path, so a call costs about as much as an indirect C++ call plus slot encoding.
// Host functions may be called concurrently from instances running on different threads.
//
// A builder is a value holding the functions until Compile or Instantiate; it must not
// outlive the Runtime that made it. Exporting a name twice keeps the last definition.
#ifndef KILN_API_HOST_MODULE_BUILDER_H_
#define KILN_API_HOST_MODULE_BUILDER_H_

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "api/compiled_module.h"
#include "api/context.h"
#include "api/function.h"
#include "api/module.h"
#include "api/typed_host_function.h"
#include "api/wasm.h"

namespace kiln {

class HostModuleBuilder;
class Runtime;

// HostFunctionSpec is one function of a host module as the builder collected it.
struct HostFunctionSpec {
  std::string export_name;
  // name is the function's own name (FunctionDefinition::Name); defaults to export_name.
  std::string name;
  std::vector<api::ValueType> params;
  std::vector<api::ValueType> results;
  std::vector<std::string> param_names;
  std::vector<std::string> result_names;
  // Shared so one compiled host module can be instantiated several times.
  std::variant<std::shared_ptr<api::HostModuleFunction>, std::shared_ptr<api::HostFunction>>
      impl;
};

// HostFunctionBuilder defines one function; Export adds it to the module. Until Export is
// called nothing is added, so a builder left unexported defines nothing.
class HostFunctionBuilder {
 public:
  // WithFunc sets the implementation to a typed C++ callable (a lambda, function or function
  // object). Its params become the Wasm params and its result (void, one value or a
  // std::tuple) the Wasm results; it may start with `const Context&` and then `api::Module&`
  // (the calling module).
  template <typename F>
  HostFunctionBuilder& WithFunc(F&& fn) {
    using Signature = api::HostSignature<std::decay_t<F>>;
    params_.assign(Signature::kParams.begin(), Signature::kParams.end());
    results_.assign(Signature::kResults.begin(), Signature::kResults.end());
    auto typed = api::NewTypedHostFunction(std::forward<F>(fn));
    using Typed = typename decltype(typed)::element_type;
    if constexpr (std::is_base_of_v<api::HostModuleFunction, Typed>) {
      impl_ = std::shared_ptr<api::HostModuleFunction>(std::move(typed));
    } else {
      impl_ = std::shared_ptr<api::HostFunction>(std::move(typed));
    }
    return *this;
  }

  // WithHostFunction sets a raw implementation that does not need the calling module, with
  // its Wasm signature.
  HostFunctionBuilder& WithHostFunction(std::shared_ptr<api::HostFunction> fn,
                                        std::vector<api::ValueType> params,
                                        std::vector<api::ValueType> results);

  // WithHostModuleFunction sets a raw implementation that receives the calling module.
  HostFunctionBuilder& WithHostModuleFunction(std::shared_ptr<api::HostModuleFunction> fn,
                                              std::vector<api::ValueType> params,
                                              std::vector<api::ValueType> results);

  // WithName sets the function's own name (as a name section would), used in backtraces and
  // FunctionDefinition::Name. The default is the export name.
  HostFunctionBuilder& WithName(std::string name);

  // WithParameterNames names every param, for documentation and tools
  // (FunctionDefinition::ParamNames). Compile rejects a count that differs from the params'.
  HostFunctionBuilder& WithParameterNames(std::vector<std::string> names);

  // WithResultNames names every result, like WithParameterNames.
  HostFunctionBuilder& WithResultNames(std::vector<std::string> names);

  // Export adds the function to the module under `export_name` and returns the module
  // builder, to define the next function or finish. Compile rejects a function without an
  // implementation.
  HostModuleBuilder& Export(std::string export_name);

 private:
  friend class HostModuleBuilder;
  explicit HostFunctionBuilder(HostModuleBuilder* module) : module_(module) {}

  HostModuleBuilder* module_;
  std::string name_;
  std::vector<api::ValueType> params_;
  std::vector<api::ValueType> results_;
  std::vector<std::string> param_names_;
  std::vector<std::string> result_names_;
  std::variant<std::monostate, std::shared_ptr<api::HostModuleFunction>,
               std::shared_ptr<api::HostFunction>>
      impl_;
};

// HostModuleBuilder collects the functions of a host module; make one with
// Runtime::NewHostModuleBuilder.
class HostModuleBuilder {
 public:
  HostModuleBuilder(HostModuleBuilder&&) = default;
  HostModuleBuilder& operator=(HostModuleBuilder&&) = default;

  // NewFunctionBuilder starts defining a function of this module.
  HostFunctionBuilder NewFunctionBuilder() { return HostFunctionBuilder(this); }

  // Compile checks the definitions (every function has an implementation; names match the
  // signature's counts) and returns them as a CompiledModule, which can be instantiated
  // several times under different names. kInvalidArgument describes the first problem.
  absl::StatusOr<std::shared_ptr<const CompiledModule>> Compile(const Context& ctx);

  // Instantiate is Compile followed by Runtime::InstantiateModule under the builder's module
  // name, so Wasm modules can import from it. A name already in use is an error.
  absl::StatusOr<api::Module*> Instantiate(const Context& ctx);

  // module_name and functions describe what was built so far (in Export order).
  const std::string& module_name() const { return module_name_; }
  const std::vector<HostFunctionSpec>& functions() const { return functions_; }

 private:
  friend class HostFunctionBuilder;
  friend class Runtime;
  HostModuleBuilder(std::string module_name, Runtime* runtime)
      : module_name_(std::move(module_name)), runtime_(runtime) {}

  std::string module_name_;
  Runtime* runtime_;
  std::vector<HostFunctionSpec> functions_;
  // problem_ is the first definition error, reported by Compile.
  std::string problem_;
};

}  // namespace kiln

#endif  // KILN_API_HOST_MODULE_BUILDER_H_
