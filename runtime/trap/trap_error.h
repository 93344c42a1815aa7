// Traps as absl::Status: the form in which a Wasm trap leaves the runtime. The message starts
// with the spec's trap text (what assert_trap matches), followed by a backtrace of Wasm
// functions on later lines; the trap code also rides along as a status payload so callers can
// tell the kind without parsing text:
//   absl::Status status = fn->CallWithStack(ctx, stack);
//   if (std::optional<trap::TrapCode> code = trap::TrapCodeOf(status)) { ... }
#ifndef KILN_RUNTIME_TRAP_TRAP_ERROR_H_
#define KILN_RUNTIME_TRAP_TRAP_ERROR_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "runtime/trap/trap_codes.h"

namespace kiln::trap {

// kTrapPayloadUrl is the status payload key carrying the trap code's token.
inline constexpr absl::string_view kTrapPayloadUrl = "kiln/trap";

// TrapError builds the status of a trap: code kAborted, the message `TrapMessage(code)`, then
// `backtrace` (when not empty) on the following lines, and the trap-code payload. The one
// exception is kCallStackExhausted, which is kResourceExhausted (a limit was hit).
absl::Status TrapError(TrapCode code, absl::string_view backtrace = "");

// TrapCodeOf returns the trap code of a status made by TrapError, or nullopt for any other
// status (including OK).
std::optional<TrapCode> TrapCodeOf(const absl::Status& status);

}  // namespace kiln::trap

#endif  // KILN_RUNTIME_TRAP_TRAP_ERROR_H_
