// The signal handlers that turn hardware faults in kiln code into Wasm traps. SIGSEGV and
// SIGBUS (guard-page hits: out-of-bounds memory, stack overflow), SIGFPE (division by zero)
// and SIGILL (ud2 at explicit trap sites) are handled on an alternate signal stack. When the
// faulting pc lies in kiln code (code_registry.h) and the thread is inside a call into Wasm
// (entry.h), the handler records the pc and a backtrace in the current EntryFrame and
// resumes at the trampolines' landing pad with the trap code; every other fault goes to the
// handler that was installed before kiln's (called as SA_SIGINFO or plain as it was
// registered), or to the default action, so kiln never swallows a crash it did not cause.
#ifndef KILN_RUNTIME_TRAP_SIGNAL_HANDLERS_H_
#define KILN_RUNTIME_TRAP_SIGNAL_HANDLERS_H_

namespace kiln::trap {

// InstallTrapHandlers makes kiln's handlers the installed ones and remembers the handlers they
// replace, for chaining. When something installed its own handler over kiln's since (a test
// framework's crash reporter does so around every test case), kiln's is installed again on
// top and chains to that one. It costs a few syscalls: the runtime calls it when a store or
// instance is created, not per call. Thread-safe.
void InstallTrapHandlers();

// InstallTrapHandlersOnce is InstallTrapHandlers the first time, and a single atomic load
// afterwards: what every entry into Wasm calls.
void InstallTrapHandlersOnce();

// EnsureSignalStack gives the calling thread an alternate signal stack if it has none, so the
// handler can run even when a fault came from exhausting the thread's stack. The stack is
// released when the thread exits.
void EnsureSignalStack();

}  // namespace kiln::trap

#endif  // KILN_RUNTIME_TRAP_SIGNAL_HANDLERS_H_
