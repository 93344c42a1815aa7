// The frontend's entry points: one Translator per defined function.
#include "compiler/frontend/frontend.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/status_macros.h"
#include "compiler/frontend/translator.h"

namespace kiln::frontend {
namespace {

// IsPlainName accepts names that read well after `%` in the text form.
bool IsPlainName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string FunctionName(const wasm::Module& module, uint32_t defined_func_index) {
  uint32_t func_index = module.num_imported_functions + defined_func_index;
  auto it = module.names.function_names.find(func_index);
  if (it != module.names.function_names.end() && IsPlainName(it->second)) return it->second;
  return absl::StrCat("f", func_index);
}

absl::StatusOr<ssa::Function> TranslateFunction(const wasm::Module& module,
                                                uint32_t defined_func_index,
                                                const vmctx::Layout& layout,
                                                const TranslateOptions& options) {
  if (defined_func_index >= module.functions.size() ||
      defined_func_index >= module.codes.size()) {
    return absl::InternalError(
        absl::StrCat("frontend: no defined function ", defined_func_index));
  }
  const wasm::FuncType& type = module.types[module.functions[defined_func_index]];
  ssa::Function fn(FunctionName(module, defined_func_index), SsaSignature(type));
  Translator translator(module, layout, options,
                        module.num_imported_functions + defined_func_index, fn);
  absl::Status status = translator.Translate();
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat(status.message(), " (function ",
                                                    fn.name(), ")"));
  }
  return fn;
}

absl::StatusOr<std::vector<ssa::Function>> TranslateModule(const wasm::Module& module,
                                                           const TranslateOptions& options) {
  vmctx::Layout layout = vmctx::Layout::Compute(module);
  std::vector<ssa::Function> functions;
  functions.reserve(module.functions.size());
  for (uint32_t i = 0; i < module.functions.size(); ++i) {
    KILN_ASSIGN_OR_RETURN(ssa::Function fn, TranslateFunction(module, i, layout, options));
    functions.push_back(std::move(fn));
  }
  return functions;
}

}  // namespace kiln::frontend
