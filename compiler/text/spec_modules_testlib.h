// Test support for running the text parser over the spec suite: locating the core-2.0 .wast
// files (KILN_SPECTEST_DIR) and listing the `(module ...)` forms of a .wast file, either at top
// level or inside an assertion, together with the line the .wast command starts on (the line
// wast2json reports) and, for assert_malformed, the expected message.
#ifndef KILN_COMPILER_TEXT_SPEC_MODULES_TESTLIB_H_
#define KILN_COMPILER_TEXT_SPEC_MODULES_TESTLIB_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "compiler/text/wat_parser.h"

namespace kiln::text::testing {

// SpecWastFiles lists $KILN_SPECTEST_DIR/core-2.0/*.wast, sorted; an error when the variable is
// unset or the directory holds no .wast files.
absl::StatusOr<std::vector<std::string>> SpecWastFiles();

// ReadFile returns a file's contents.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// SpecModule is one `(module ...)` of a script.
struct SpecModule {
  std::string command;     // "module", "assert_invalid", "assert_malformed", ...
  uint32_t command_line = 0;
  absl::StatusOr<ParsedModule> parsed;  // the result of ParseModule
  std::string expected_message;         // the assertion's message, if any
};

// SpecModules tokenizes a .wast script and parses every module form in it with `options`.
absl::StatusOr<std::vector<SpecModule>> SpecModules(const std::string& source,
                                                     const WatOptions& options = {});

// ModuleBinary is the binary of a parsed module: the encoding, the binary strings, or the
// quoted text parsed with ParseWat and `options`.
absl::StatusOr<std::vector<uint8_t>> ModuleBinary(const ParsedModule& parsed,
                                                  const WatOptions& options = {});

}  // namespace kiln::text::testing

#endif  // KILN_COMPILER_TEXT_SPEC_MODULES_TESTLIB_H_
