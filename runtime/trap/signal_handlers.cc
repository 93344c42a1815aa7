// Installing the trap handlers, the per-thread alternate stack, and the handler itself, which
// either turns a fault in kiln code into a resume at the landing pad or passes the signal on.
#include "runtime/trap/signal_handlers.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "compiler/base/check.h"
#include "runtime/trap/code_registry.h"
#include "runtime/trap/entry.h"

namespace kiln::trap {
namespace {

constexpr int kTrapSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
constexpr int kNumTrapSignals = sizeof(kTrapSignals) / sizeof(kTrapSignals[0]);

std::atomic<bool> g_installed{false};

// The handlers that were installed before kiln's, per entry of kTrapSignals.
struct sigaction g_previous[kNumTrapSignals];

// kSignalStackSize leaves the handler (and any chained handler) ample room.
constexpr size_t kSignalStackSize = 256 * 1024;

int SignalSlot(int sig) {
  for (int i = 0; i < kNumTrapSignals; ++i) {
    if (kTrapSignals[i] == sig) return i;
  }
  return -1;
}

// Machine registers of a signal context.
struct Registers {
  uintptr_t pc;
  uintptr_t sp;
  uintptr_t fp;
};

Registers ReadRegisters(const ucontext_t* context) {
#if defined(__x86_64__)
  const greg_t* gregs = context->uc_mcontext.gregs;
  return {static_cast<uintptr_t>(gregs[REG_RIP]), static_cast<uintptr_t>(gregs[REG_RSP]),
          static_cast<uintptr_t>(gregs[REG_RBP])};
#elif defined(__aarch64__)
  const mcontext_t& m = context->uc_mcontext;
  return {static_cast<uintptr_t>(m.pc), static_cast<uintptr_t>(m.sp),
          static_cast<uintptr_t>(m.regs[29])};
#endif
}

void ResumeContextAt(ucontext_t* context, uintptr_t pc, uintptr_t sp, uint32_t result) {
#if defined(__x86_64__)
  greg_t* gregs = context->uc_mcontext.gregs;
  gregs[REG_RIP] = static_cast<greg_t>(pc);
  gregs[REG_RSP] = static_cast<greg_t>(sp);
  gregs[REG_RAX] = static_cast<greg_t>(result);
#elif defined(__aarch64__)
  mcontext_t& m = context->uc_mcontext;
  m.pc = pc;
  m.sp = sp;
  m.regs[0] = result;
#endif
}

// IsStackOverflow says whether a fault at `address` with stack pointer `sp` hit the stack's
// guard: the prologue's limit check catches overflow at trap sites, but an access just below
// the stack pointer (a push, a call) at a point without a trap site also means exhaustion.
bool IsStackOverflow(uintptr_t address, uintptr_t sp) {
  constexpr uintptr_t kReach = 64 * 1024;
  return address < sp + kReach && address + kReach > sp;
}

// Chain passes a signal kiln does not own to the handler installed before it.
void Chain(int sig, siginfo_t* info, void* context) {
  int slot = SignalSlot(sig);
  const struct sigaction& previous = g_previous[slot];
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(sig, info, context);
    return;
  }
  if (previous.sa_handler == SIG_IGN) return;
  if (previous.sa_handler == SIG_DFL) {
    // Restore the default action and re-raise: the signal stays blocked until the handler
    // returns, then the default action (terminate, core dump) runs with the right signal.
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  previous.sa_handler(sig);
}

void HandleTrapSignal(int sig, siginfo_t* info, void* raw_context) {
  auto* context = static_cast<ucontext_t*>(raw_context);
  EntryFrame* frame = CurrentEntryFrame();
  if (frame != nullptr) {
    Registers registers = ReadRegisters(context);
    CodeLookup found = LookupCode(registers.pc);
    if (found.range != nullptr) {
      std::optional<TrapCode> code = found.trap;
      if (!code.has_value() && (sig == SIGSEGV || sig == SIGBUS) &&
          IsStackOverflow(reinterpret_cast<uintptr_t>(info->si_addr), registers.sp)) {
        code = TrapCode::kCallStackExhausted;
      }
      if (code.has_value()) {
        RecordTrap(frame, registers.pc, registers.fp);
        ResumeContextAt(context, frame->landing_pad, frame->saved_sp, TrapResult(*code));
        return;
      }
    }
  }
  Chain(sig, info, raw_context);
}

// SignalStack owns one thread's alternate signal stack and releases it at thread exit.
class SignalStack {
 public:
  SignalStack() {
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE) &&
        current.ss_size >= kSignalStackSize) {
      return;  // the thread already has a big enough one (e.g. installed by the embedder)
    }
    // One guard page below the stack turns a handler overflow into a clean crash.
    size_t page = 4096;
    void* memory = mmap(nullptr, kSignalStackSize + page, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    KILN_CHECK(memory != MAP_FAILED);
    KILN_CHECK(mprotect(memory, page, PROT_NONE) == 0);
    memory_ = memory;
    stack_t stack;
    stack.ss_sp = static_cast<uint8_t*>(memory) + page;
    stack.ss_size = kSignalStackSize;
    stack.ss_flags = 0;
    KILN_CHECK(sigaltstack(&stack, nullptr) == 0);
  }
  ~SignalStack() {
    if (memory_ == nullptr) return;
    stack_t disable;
    std::memset(&disable, 0, sizeof(disable));
    disable.ss_flags = SS_DISABLE;
    sigaltstack(&disable, nullptr);
    munmap(memory_, kSignalStackSize + 4096);
  }

 private:
  void* memory_ = nullptr;
};

}  // namespace

void InstallTrapHandlers() {
  static std::mutex* mutex = new std::mutex;
  std::lock_guard<std::mutex> lock(*mutex);
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_sigaction = HandleTrapSignal;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  for (int i = 0; i < kNumTrapSignals; ++i) {
    struct sigaction current;
    KILN_CHECK(sigaction(kTrapSignals[i], nullptr, &current) == 0);
    // Never record kiln's own handler as the previous one: chaining would loop.
    if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == HandleTrapSignal) continue;
    KILN_CHECK(sigaction(kTrapSignals[i], &action, &g_previous[i]) == 0);
  }
  g_installed.store(true, std::memory_order_release);
}

void InstallTrapHandlersOnce() {
  if (!g_installed.load(std::memory_order_acquire)) InstallTrapHandlers();
}

void EnsureSignalStack() { thread_local SignalStack stack; }

}  // namespace kiln::trap
