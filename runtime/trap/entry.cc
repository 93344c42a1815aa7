// EnterWasm, the thread's entry chain, RaiseTrap and backtraces.
#include "runtime/trap/entry.h"

#include <pthread.h>

#include "absl/base/optimization.h"
#include "absl/strings/str_cat.h"
#include "compiler/base/check.h"
#include "runtime/trap/code_registry.h"
#include "runtime/trap/signal_handlers.h"

namespace kiln::trap {
namespace {

// initial-exec: the signal handler reads it, and this model never allocates on access.
thread_local EntryFrame* tls_current_entry __attribute__((tls_model("initial-exec"))) = nullptr;

// The Wasm stack limit of this thread, read by every prologue at a fixed offset from the
// thread pointer (entry.h). initial-exec guarantees that offset is one link-time constant
// for all threads; 0 until the thread first enters Wasm.
thread_local uintptr_t tls_wasm_stack_limit __attribute__((tls_model("initial-exec"))) = 0;

// ThreadPointer is the thread pointer the TLS offsets are relative to: on x86_64 the fs base,
// which glibc stores at fs:0 (the TCB points to itself); on aarch64 tpidr_el0.
uintptr_t ThreadPointer() {
  uintptr_t tp;
#if defined(__x86_64__)
  asm("mov %%fs:0, %0" : "=r"(tp));
#elif defined(__aarch64__)
  asm("mrs %0, tpidr_el0" : "=r"(tp));
#else
#error "kiln's runtime supports x86_64 and aarch64"
#endif
  return tp;
}

uintptr_t ComputeThreadStackLimit() {
  pthread_attr_t attr;
  KILN_CHECK(pthread_getattr_np(pthread_self(), &attr) == 0);
  void* stack_low = nullptr;
  size_t stack_size = 0;
  KILN_CHECK(pthread_attr_getstack(&attr, &stack_low, &stack_size) == 0);
  size_t guard_size = 0;
  pthread_attr_getguardsize(&attr, &guard_size);
  pthread_attr_destroy(&attr);
  // For threads glibc created, the guard lies inside [stack_low, stack_low + size).
  return reinterpret_cast<uintptr_t>(stack_low) + guard_size + kStackMargin;
}

// ResumeAtLandingPad jumps to `landing_pad` with the stack pointer `sp` and `result` in the
// return register, exactly as the signal handler's context rewrite does.
[[noreturn]] void ResumeAtLandingPad(uintptr_t sp, uintptr_t landing_pad, uint32_t result) {
#if defined(__x86_64__)
  asm volatile(
      "mov %0, %%rsp\n\t"
      "jmp *%1"
      :
      : "r"(sp), "r"(landing_pad), "a"(result)
      : "memory");
#elif defined(__aarch64__)
  register uint64_t w0 asm("x0") = result;
  asm volatile(
      "mov sp, %0\n\t"
      "br %1"
      :
      : "r"(sp), "r"(landing_pad), "r"(w0)
      : "memory");
#else
#error "kiln's runtime supports x86_64 and aarch64"
#endif
  __builtin_unreachable();
}

}  // namespace

uintptr_t ThreadStackLimit() {
  if (ABSL_PREDICT_FALSE(tls_wasm_stack_limit == 0)) {
    tls_wasm_stack_limit = ComputeThreadStackLimit();
  }
  return tls_wasm_stack_limit;
}

uintptr_t StackLimitTlsOffset() {
  return reinterpret_cast<uintptr_t>(&tls_wasm_stack_limit) - ThreadPointer();
}

EntryFrame* CurrentEntryFrame() { return tls_current_entry; }

std::optional<TrapCode> EnterWasm(TrampolineFn trampoline, uintptr_t landing_pad, void* vmctx,
                                  const void* callee_code, uint64_t* stack, EntryFrame* frame) {
  InstallTrapHandlersOnce();
  EnsureSignalStack();
  frame->landing_pad = landing_pad;
  frame->previous = tls_current_entry;
  // Computing the limit the first time also fills the variable the prologues read.
  frame->stack_limit = ThreadStackLimit();
  frame->backtrace_size = 0;
  tls_current_entry = frame;
  uint32_t result = trampoline(vmctx, callee_code, stack, frame);
  tls_current_entry = frame->previous;
  if (result == 0) return std::nullopt;
  KILN_CHECK(result <= static_cast<uint32_t>(kNumTrapCodes));
  return static_cast<TrapCode>(result - 1);
}

void RecordTrap(EntryFrame* frame, uintptr_t pc, uintptr_t fp) {
  frame->trap_pc = pc;
  frame->trap_fp = fp;
  int n = 0;
  frame->backtrace[n++] = pc;
  // Wasm frames lie between the faulting frame and the trampoline's saved stack pointer; each
  // links [fp] = caller's fp and [fp + 8] = return address (docs/calling_convention.md).
  uintptr_t previous_fp = 0;
  while (n < EntryFrame::kMaxBacktrace && fp > previous_fp && fp < frame->saved_sp &&
         fp % 8 == 0) {
    uintptr_t return_address = reinterpret_cast<const uintptr_t*>(fp)[1];
    if (LookupCode(return_address).range == nullptr) break;
    frame->backtrace[n++] = return_address;
    previous_fp = fp;
    fp = reinterpret_cast<const uintptr_t*>(fp)[0];
  }
  frame->backtrace_size = n;
}

void RaiseTrap(TrapCode code) {
  EntryFrame* frame = tls_current_entry;
  KILN_CHECK(frame != nullptr);
  // Start the backtrace at the first kiln frame above this C++ code.
  uintptr_t fp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  uintptr_t pc = 0;
  for (int depth = 0; depth < 64 && fp != 0 && fp < frame->saved_sp; ++depth) {
    uintptr_t return_address = reinterpret_cast<const uintptr_t*>(fp)[1];
    uintptr_t caller_fp = reinterpret_cast<const uintptr_t*>(fp)[0];
    if (LookupCode(return_address).range != nullptr) {
      pc = return_address;
      fp = caller_fp;
      break;
    }
    if (caller_fp <= fp) break;
    fp = caller_fp;
  }
  if (pc != 0) {
    RecordTrap(frame, pc, fp);
  } else {
    frame->trap_pc = 0;
    frame->backtrace_size = 0;
  }
  ResumeAtLandingPad(frame->saved_sp, frame->landing_pad, TrapResult(code));
}

std::string FormatBacktrace(const EntryFrame& frame) {
  std::string text;
  for (int i = 0; i < frame.backtrace_size; ++i) {
    CodeLookup found = LookupCode(frame.backtrace[i]);
    if (found.range == nullptr) continue;
    // Return addresses point after the call; step back one byte to name the call's function.
    uint32_t offset = i == 0 ? found.offset : found.offset - 1;
    std::string where = found.range->Describe(offset);
    if (where.empty()) continue;
    if (!text.empty()) text += "\n";
    absl::StrAppend(&text, "  at ", where);
  }
  return text;
}

}  // namespace kiln::trap
