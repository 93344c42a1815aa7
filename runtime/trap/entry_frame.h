// EntryFrame: the record of one entry from C++ into Wasm on the current thread, shared by the
// entry trampoline (which stores its stack pointer in it), the runtime (which links frames into
// a per-thread chain before calling a trampoline) and the trap paths (the signal handler and
// RaiseTrap), which resume at `landing_pad` with the stack pointer `saved_sp` and the trap
// code in the return register. docs/calling_convention.md describes the protocol.
#ifndef KILN_RUNTIME_TRAP_ENTRY_FRAME_H_
#define KILN_RUNTIME_TRAP_ENTRY_FRAME_H_

#include <cstddef>
#include <cstdint>

namespace kiln::trap {

// EntryFrame lives on the C++ stack of the code that calls the trampoline.
struct EntryFrame {
  // saved_sp is written by the trampoline after it saved the callee-saved registers: the
  // stack pointer its landing pad expects (offset kSavedSpOffset, fixed by the ABI).
  uintptr_t saved_sp = 0;
  // landing_pad is the address in the trampoline that restores its registers and returns the
  // trap code; the runtime sets it before the call.
  uintptr_t landing_pad = 0;
  // previous is the enclosing entry on this thread (Wasm → host → Wasm), or nullptr.
  EntryFrame* previous = nullptr;
  // The trap paths record where the trap happened, for the backtrace: the faulting pc and
  // the frame pointer of the Wasm function at that point.
  uintptr_t trap_pc = 0;
  uintptr_t trap_fp = 0;
  // backtrace holds the return addresses into kiln code found by walking the frame-pointer
  // chain from trap_fp when the trap happened (the frames are gone once the landing pad ran).
  static constexpr int kMaxBacktrace = 16;
  uintptr_t backtrace[kMaxBacktrace];  // left uninitialized: entries are cheap to make
  int backtrace_size = 0;
  // stack_limit is the lowest stack address Wasm may use on this thread (with a margin).
  uintptr_t stack_limit = 0;
};

// kEntryFrameSavedSpOffset is where the trampoline stores its stack pointer.
inline constexpr size_t kEntryFrameSavedSpOffset = offsetof(EntryFrame, saved_sp);
static_assert(kEntryFrameSavedSpOffset == 0, "the trampoline stores saved_sp at offset 0");

}  // namespace kiln::trap

#endif  // KILN_RUNTIME_TRAP_ENTRY_FRAME_H_
