// sys: how a guest's exit travels through the API, the C++ form of wazero's sys package.
//
// When a module exits (WASI proc_exit), is closed with a code while a call runs, or is closed
// because the call's Context was cancelled or passed its deadline (RuntimeConfig
// WithCloseOnContextDone), the call returns an ExitError: a non-OK absl::Status that carries
// the exit code. Test for it with ExitCodeOf:
//   absl::Status status = fn->Call(ctx, {}).status();
//   if (std::optional<uint32_t> code = sys::ExitCodeOf(status)) {
//     if (*code == sys::kExitCodeDeadlineExceeded) { ... the deadline stopped it ... }
//   }
// An exit code of zero is success for a WASI command: Runtime::InstantiateModule treats an
// ExitError(0) from a start function as a normal return.
#ifndef KILN_API_SYS_H_
#define KILN_API_SYS_H_

#include <cstdint>
#include <optional>

#include "absl/status/status.h"

namespace kiln::sys {

// kExitCodeContextCanceled is the exit code of a module closed because its Context was
// cancelled. The value is reserved: a guest cannot exit with it through WASI (it is not a
// valid WASI exit code).
inline constexpr uint32_t kExitCodeContextCanceled = 0xffffffff;

// kExitCodeDeadlineExceeded is the exit code of a module closed because its Context passed its
// deadline. Reserved like kExitCodeContextCanceled.
inline constexpr uint32_t kExitCodeDeadlineExceeded = 0xefffffff;

// ExitError returns the status of a call that ended because the module exited with
// `exit_code`. Its code is kCancelled for kExitCodeContextCanceled, kDeadlineExceeded for
// kExitCodeDeadlineExceeded and kAborted otherwise; its message is "module closed with context
// canceled", "module closed with context deadline exceeded" or "module closed with
// exit_code(N)".
absl::Status ExitError(uint32_t exit_code);

// ExitCodeOf returns the exit code carried by an ExitError status, or nullopt for any other
// status (including OK and traps).
std::optional<uint32_t> ExitCodeOf(const absl::Status& status);

}  // namespace kiln::sys

#endif  // KILN_API_SYS_H_
