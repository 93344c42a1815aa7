// Test support for backend tests that run over the whole 2.0 spec suite: visits every top-level
// `module` of $KILN_SPECTEST_DIR/core-2.0/*.wast that parses, decodes and validates, so each
// test states only what it does with a module.
#ifndef KILN_BACKEND_TESTING_SPEC_SUITE_H_
#define KILN_BACKEND_TESTING_SPEC_SUITE_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "compiler/wasm/module.h"

namespace kiln::backend::testing {

// ValidSpecModule is one valid module of the suite and where it stands.
struct ValidSpecModule {
  const std::string& file;  // path of the .wast script
  uint32_t line;            // line of the `module` command
  const wasm::Module& module;
};

// ForEachValidSpecModule calls `visit` for every valid top-level module of the suite, in file
// order. Modules that do not parse, decode or validate are passed over (other tests judge
// them). An error means the suite could not be found or read.
absl::Status ForEachValidSpecModule(absl::FunctionRef<void(const ValidSpecModule&)> visit);

}  // namespace kiln::backend::testing

#endif  // KILN_BACKEND_TESTING_SPEC_SUITE_H_
