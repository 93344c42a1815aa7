// Entering Wasm from C++ and leaving it on a trap. EnterWasm wraps every call of an entry
// trampoline: it makes sure the trap handlers and this thread's signal stack exist, links an
// EntryFrame into the thread's chain (so a nested Wasm → host → Wasm call traps to the right
// trampoline), and reports how the call ended. The trap paths resume at the landing pad with
// the frame's saved stack pointer: the signal handler does it by rewriting the signal context,
// RaiseTrap (for builtins, which run in C++ inside a Wasm call) by a direct jump.
#ifndef KILN_RUNTIME_TRAP_ENTRY_H_
#define KILN_RUNTIME_TRAP_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "runtime/trap/entry_frame.h"
#include "runtime/trap/trap_codes.h"

namespace kiln::trap {

// TrampolineFn is the C signature of an entry trampoline (backend EntryTrampolineFn).
using TrampolineFn = uint32_t (*)(void* vmctx, const void* callee_code, uint64_t* stack,
                                  EntryFrame* frame);

// kStackMargin is the stack kept free below the Wasm stack limit: room for the signal-free
// paths that run on the thread's stack beneath Wasm frames (host functions, builtins, a
// nested entry's C++ code).
inline constexpr uintptr_t kStackMargin = 256 * 1024;

// ThreadStackLimit is the lowest stack address Wasm may use on the calling thread: the
// bottom of its stack (pthread_getattr_np) plus kStackMargin. Cached per thread.
uintptr_t ThreadStackLimit();

// The stack limit compiled code checks is a thread-local variable of the runtime, not a field
// of an instance, so that instances (even ones sharing imports) run on several threads at
// once without rewriting anything. Code cannot name the variable's address (it is position
// independent and cached across processes), but with the initial-exec TLS model the
// variable sits at one fixed offset from the thread pointer in every thread of the process.
// The runtime stores that offset in each vmctx (vmctx::kStackLimitTlsOffset) and the
// prologue reads the limit through it:
//   x86_64:  mov rax, [r14 + kStackLimitTlsOffset]; cmp r11, fs:[rax]
//   aarch64: mrs x16, tpidr_el0; ldr x17, [x28, #kStackLimitTlsOffset]; ldr x16, [x16, x17]
// StackLimitTlsOffset is that offset (address of the variable minus the thread pointer; the
// same on every thread). EnterWasm fills the variable for the calling thread.
uintptr_t StackLimitTlsOffset();

// EnterWasm calls `trampoline(vmctx, callee_code, stack, frame)` with `frame` linked as the
// thread's current entry and `landing_pad` as where traps resume, after setting the calling
// thread's stack limit (StackLimitTlsOffset). Returns nullopt when the
// call completed, or the trap code. On a trap, `frame` holds the pc and backtrace.
std::optional<TrapCode> EnterWasm(TrampolineFn trampoline, uintptr_t landing_pad, void* vmctx,
                                  const void* callee_code, uint64_t* stack, EntryFrame* frame);

// CurrentEntryFrame is the innermost entry of the calling thread, or nullptr outside Wasm.
EntryFrame* CurrentEntryFrame();

// RaiseTrap ends the current Wasm call with `code`, as if the Wasm code had trapped: it
// unwinds to the innermost entry trampoline's landing pad. Only for code running inside a
// Wasm call (builtins, host functions); C++ frames between are abandoned without running
// destructors, so callers must hold nothing that needs one.
[[noreturn]] void RaiseTrap(TrapCode code);

// RecordTrap stores `pc` and the frames reachable from `fp` (the frame-pointer chain, while
// return addresses lie in kiln code and frames stay below the entry) into `frame`.
// Async-signal-safe: the signal handler calls it.
void RecordTrap(EntryFrame* frame, uintptr_t pc, uintptr_t fp);

// TrapResult is what the landing pad returns for `code` (backend::TrapResult: code plus one,
// so that 0 means the call completed).
inline constexpr uint32_t TrapResult(TrapCode code) { return static_cast<uint32_t>(code) + 1; }

// FormatBacktrace renders the frames recorded in `frame` as lines "  at <function>+0x<off>".
std::string FormatBacktrace(const EntryFrame& frame);

}  // namespace kiln::trap

#endif  // KILN_RUNTIME_TRAP_ENTRY_H_
