// proc_exit and proc_raise.
#include <cstdint>
#include <vector>

#include "api/sys.h"
#include "api/wasm.h"
#include "runtime/wasi/functions.h"

namespace kiln::wasi {
namespace {

// ProcExit closes the calling instance with the guest's exit code. The runtime ends the Wasm
// call as soon as this host function returns (the caller is closed), and the call reports
// sys::ExitError(code); code 0 is a successful exit of `_start`.
//
// Two codes are reserved by sys for a cancelled context and a passed deadline. A guest
// reaches them with exit(-1) (wasi-libc passes the int on as a u32), which means failure,
// not cancellation: those become their low byte (255), what a POSIX shell would see.
Errno ProcExit(WasiCall& call) {
  uint32_t code = api::DecodeU32(call.stack[0]);
  if (code == sys::kExitCodeContextCanceled || code == sys::kExitCodeDeadlineExceeded) {
    code &= 0xff;
  }
  // The status only reports trouble releasing resources; the instance is closed either way.
  (void)call.caller.CloseWithExitCode(call.ctx, code);
  return Errno::kSuccess;  // not returned to Wasm: proc_exit has no result
}

// ProcRaise: kiln has no signals to deliver to a guest, so, as wazero does, it reports
// `nosys` (wasmtime refuses it too). A guest's abort() calls proc_exit, not this.
Errno ProcRaise(WasiCall&) { return Errno::kNosys; }

}  // namespace

std::vector<FunctionDef> ProcFunctions() {
  constexpr api::ValueType kI32 = api::kValueTypeI32;
  return {
      {"proc_exit", {kI32}, {"rval"}, ProcExit, /*returns_errno=*/false},
      {"proc_raise", {kI32}, {"sig"}, ProcRaise},
  };
}

}  // namespace kiln::wasi
