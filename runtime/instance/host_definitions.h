// The api definitions of host functions and host memories: what a HostModule declares,
// described the way runtime/definitions describes decoded modules.
#ifndef KILN_RUNTIME_INSTANCE_HOST_DEFINITIONS_H_
#define KILN_RUNTIME_INSTANCE_HOST_DEFINITIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/definitions.h"

namespace kiln::runtime {

// HostFunctionDefinition describes one function of a host module.
class HostFunctionDefinition final : public api::FunctionDefinition {
 public:
  // `name` is the function's own name and `export_name` the name it is exported under.
  HostFunctionDefinition(std::string module_name, uint32_t index, std::string export_name,
                         std::string name, api::HostImplementation host,
                         std::vector<api::ValueType> params, std::vector<api::ValueType> results,
                         std::vector<std::string> param_names = {},
                         std::vector<std::string> result_names = {})
      : module_name_(std::move(module_name)),
        index_(index),
        export_names_{std::move(export_name)},
        name_(std::move(name)),
        debug_name_(module_name_ + "." + name_),
        host_(host),
        params_(std::move(params)),
        results_(std::move(results)),
        param_names_(std::move(param_names)),
        result_names_(std::move(result_names)) {}

  absl::string_view ModuleName() const override { return module_name_; }
  uint32_t Index() const override { return index_; }
  std::optional<api::ImportName> Import() const override { return std::nullopt; }
  absl::Span<const std::string> ExportNames() const override { return export_names_; }
  absl::string_view Name() const override { return name_; }
  absl::string_view DebugName() const override { return debug_name_; }
  api::HostImplementation Host() const override { return host_; }
  absl::Span<const api::ValueType> ParamTypes() const override { return params_; }
  absl::Span<const std::string> ParamNames() const override { return param_names_; }
  absl::Span<const api::ValueType> ResultTypes() const override { return results_; }
  absl::Span<const std::string> ResultNames() const override { return result_names_; }

 private:
  std::string module_name_;
  uint32_t index_;
  std::vector<std::string> export_names_;
  std::string name_;
  std::string debug_name_;
  api::HostImplementation host_;
  std::vector<api::ValueType> params_;
  std::vector<api::ValueType> results_;
  std::vector<std::string> param_names_;
  std::vector<std::string> result_names_;
};

// HostMemoryDefinition describes one memory of a host module.
class HostMemoryDefinition final : public api::MemoryDefinition {
 public:
  HostMemoryDefinition(std::string module_name, uint32_t index, std::string name, uint32_t min,
                       std::optional<uint32_t> max)
      : module_name_(std::move(module_name)),
        index_(index),
        export_names_{std::move(name)},
        min_(min),
        max_(max) {}

  absl::string_view ModuleName() const override { return module_name_; }
  uint32_t Index() const override { return index_; }
  std::optional<api::ImportName> Import() const override { return std::nullopt; }
  absl::Span<const std::string> ExportNames() const override { return export_names_; }
  uint32_t Min() const override { return min_; }
  std::optional<uint32_t> Max() const override { return max_; }

 private:
  std::string module_name_;
  uint32_t index_;
  std::vector<std::string> export_names_;
  uint32_t min_;
  std::optional<uint32_t> max_;
};

}  // namespace kiln::runtime

#endif  // KILN_RUNTIME_INSTANCE_HOST_DEFINITIONS_H_
