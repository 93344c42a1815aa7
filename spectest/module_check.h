// Module checks shared by every judged command: how far a script module gets through the
// front door (parsing quoted text, decoding, validating), and whether it needs SIMD, which the
// runner does not execute until the SIMD issue.
#ifndef KILN_SPECTEST_MODULE_CHECK_H_
#define KILN_SPECTEST_MODULE_CHECK_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "compiler/text/script.h"
#include "compiler/wasm/module.h"

namespace kiln::spectest {

// Stage is how far a module got through the front door.
enum class Stage : uint8_t { kParse, kDecode, kValidate, kAccepted };

// StageError describes the stage that rejected a module ("decoder rejected it").
absl::string_view StageError(Stage stage);

// ModuleCheck is where a module stopped and the error that stopped it; an accepted module
// carries its decoded form.
struct ModuleCheck {
  Stage failed_at = Stage::kAccepted;
  absl::Status status;
  std::optional<wasm::Module> module;  // set when failed_at == kAccepted
};

// CheckModule parses (quoted text), decodes and validates a script module.
ModuleCheck CheckModule(const text::ScriptModule& module);

// UsesSimd is true when a validated module mentions v128 anywhere (a signature, a global, a
// local) or uses an operator with the SIMD prefix.
bool UsesSimd(const wasm::Module& module);

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_MODULE_CHECK_H_
