#include "api/host_module_builder.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "api/runtime.h"

namespace kiln {

namespace {

// RawImplementation is what impl_ holds for a raw function: a null pointer leaves the function
// without an implementation, which Compile rejects.
template <typename Fn>
std::variant<std::monostate, std::shared_ptr<api::HostModuleFunction>,
             std::shared_ptr<api::HostFunction>>
RawImplementation(std::shared_ptr<Fn> fn) {
  if (fn) return fn;
  return std::monostate();
}

}  // namespace

HostFunctionBuilder& HostFunctionBuilder::WithHostFunction(std::shared_ptr<api::HostFunction> fn,
                                                           std::vector<api::ValueType> params,
                                                           std::vector<api::ValueType> results) {
  params_ = std::move(params);
  results_ = std::move(results);
  impl_ = RawImplementation(std::move(fn));
  return *this;
}

HostFunctionBuilder& HostFunctionBuilder::WithHostModuleFunction(
    std::shared_ptr<api::HostModuleFunction> fn, std::vector<api::ValueType> params,
    std::vector<api::ValueType> results) {
  params_ = std::move(params);
  results_ = std::move(results);
  impl_ = RawImplementation(std::move(fn));
  return *this;
}

HostFunctionBuilder& HostFunctionBuilder::WithName(std::string name) {
  name_ = std::move(name);
  return *this;
}

HostFunctionBuilder& HostFunctionBuilder::WithParameterNames(std::vector<std::string> names) {
  param_names_ = std::move(names);
  return *this;
}

HostFunctionBuilder& HostFunctionBuilder::WithResultNames(std::vector<std::string> names) {
  result_names_ = std::move(names);
  return *this;
}

HostModuleBuilder& HostFunctionBuilder::Export(std::string export_name) {
  HostModuleBuilder& module = *module_;
  auto fail = [&](absl::string_view why) -> HostModuleBuilder& {
    if (module.problem_.empty()) {
      module.problem_ = absl::StrCat("host function ", module.module_name_, ".", export_name,
                                     ": ", why);
    }
    return module;
  };
  if (std::holds_alternative<std::monostate>(impl_)) return fail("no implementation");
  if (!param_names_.empty() && param_names_.size() != params_.size()) {
    return fail(absl::StrCat(param_names_.size(), " parameter names for ", params_.size(),
                             " parameters"));
  }
  if (!result_names_.empty() && result_names_.size() != results_.size()) {
    return fail(absl::StrCat(result_names_.size(), " result names for ", results_.size(),
                             " results"));
  }
  HostFunctionSpec spec;
  spec.name = name_.empty() ? export_name : name_;
  spec.export_name = std::move(export_name);
  spec.params = params_;
  spec.results = results_;
  spec.param_names = param_names_;
  spec.result_names = result_names_;
  if (auto* with_module = std::get_if<std::shared_ptr<api::HostModuleFunction>>(&impl_)) {
    spec.impl = *with_module;
  } else {
    spec.impl = std::get<std::shared_ptr<api::HostFunction>>(impl_);
  }
  // Exporting a name again replaces the earlier definition, in place.
  for (HostFunctionSpec& existing : module.functions_) {
    if (existing.export_name == spec.export_name) {
      existing = std::move(spec);
      return module;
    }
  }
  module.functions_.push_back(std::move(spec));
  return module;
}

absl::StatusOr<std::shared_ptr<const CompiledModule>> HostModuleBuilder::Compile(
    const Context& ctx) {
  if (!problem_.empty()) return absl::InvalidArgumentError(problem_);
  return runtime_->CompileHostModule(ctx, module_name_, functions_);
}

absl::StatusOr<api::Module*> HostModuleBuilder::Instantiate(const Context& ctx) {
  auto compiled = Compile(ctx);
  if (!compiled.ok()) return compiled.status();
  return runtime_->InstantiateModule(ctx, *std::move(compiled),
                                     NewModuleConfig().WithName(module_name_).WithStartFunctions({}));
}

}  // namespace kiln
