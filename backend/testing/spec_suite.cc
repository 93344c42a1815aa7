// Walks the spec suite's valid modules; see spec_suite.h.
#include "backend/testing/spec_suite.h"

#include <vector>

#include "compiler/base/status_macros.h"
#include "compiler/text/spec_modules_testlib.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"

namespace kiln::backend::testing {

absl::Status ForEachValidSpecModule(absl::FunctionRef<void(const ValidSpecModule&)> visit) {
  KILN_ASSIGN_OR_RETURN(std::vector<std::string> files, text::testing::SpecWastFiles());
  for (const std::string& file : files) {
    KILN_ASSIGN_OR_RETURN(std::string source, text::testing::ReadFile(file));
    KILN_ASSIGN_OR_RETURN(std::vector<text::testing::SpecModule> forms,
                          text::testing::SpecModules(source));
    for (const text::testing::SpecModule& form : forms) {
      if (form.command != "module" || !form.parsed.ok()) continue;
      absl::StatusOr<std::vector<uint8_t>> binary = text::testing::ModuleBinary(*form.parsed);
      if (!binary.ok()) continue;
      absl::StatusOr<wasm::Module> module = wasm::Decode(*binary);
      if (!module.ok() || !wasm::Validate(*module).ok()) continue;
      visit(ValidSpecModule{file, form.command_line, *module});
    }
  }
  return absl::OkStatus();
}

}  // namespace kiln::backend::testing
