// The trap path end to end on hand-assembled x86_64 code that follows
// docs/calling_convention.md: an entry trampoline with its landing pad and a few Wasm-convention
// functions that divide by zero, load past a guard-page memory, hit ud2, recurse forever behind
// a prologue stack check, or call a builtin that raises a trap. The code is placed by
// CodeMemory (so it is registered like real modules) and entered through EnterWasm. Faults
// outside kiln code must reach the handler installed before kiln's, checked in child processes.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asmjit/x86.h>

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "catch2/catch.hpp"
#include "compiler/vmctx/layout.h"
#include "runtime/code/code_memory.h"
#include "runtime/memory/linear_memory.h"
#include "runtime/trap/code_registry.h"
#include "runtime/trap/entry.h"
#include "runtime/trap/signal_handlers.h"

#if defined(__x86_64__)

namespace kiln::trap {
namespace {

using runtime::CodeMemory;
namespace x86 = asmjit::x86;

enum TestFunction { kDivide, kLoad, kUnreachable, kRecurse, kCallBuiltin, kStoreWild, kCount };

// TestVmctx mimics the header of a real vmctx plus memory 0 at offset 32.
struct alignas(16) TestVmctx {
  void* instance = nullptr;
  uintptr_t stack_limit_tls_offset = 0;
  uint32_t interrupt = 0;
  uint32_t padding = 0;
  const void* const* builtins = nullptr;
  runtime::MemoryRecord memory0;
};
static_assert(offsetof(TestVmctx, stack_limit_tls_offset) == vmctx::kStackLimitTlsOffset);
static_assert(offsetof(TestVmctx, builtins) == vmctx::kBuiltinsOffset);
static_assert(offsetof(TestVmctx, memory0) == vmctx::kHeaderSize);

// Assemble builds the blob: one (i32) -> i32 trampoline and the TestFunction bodies.
std::unique_ptr<CodeMemory> Assemble() {
  asmjit::CodeHolder holder;
  holder.init(asmjit::Environment::host());
  x86::Assembler a(&holder);
  backend::CompiledCode code;
  std::vector<asmjit::Label> functions;
  for (int i = 0; i < kCount; ++i) functions.push_back(a.newLabel());
  asmjit::Label landing_pad = a.newLabel();
  std::vector<std::pair<asmjit::Label, TrapCode>> sites;
  auto site = [&](TrapCode trap_code) {
    asmjit::Label label = a.newLabel();
    a.bind(label);
    sites.push_back({label, trap_code});
  };

  // Entry trampoline for (i32) -> i32.
  asmjit::Label trampoline = a.newLabel();
  a.bind(trampoline);
  a.push(x86::rbp);
  a.mov(x86::rbp, x86::rsp);
  for (auto reg : {x86::rbx, x86::r12, x86::r13, x86::r14, x86::r15}) a.push(reg);
  a.sub(x86::rsp, 8);
  a.mov(x86::qword_ptr(x86::rcx), x86::rsp);
  a.mov(x86::r14, x86::rdi);
  a.mov(x86::r12, x86::rsi);
  a.mov(x86::rbx, x86::rdx);
  a.mov(x86::edi, x86::dword_ptr(x86::rbx));
  a.call(x86::r12);
  a.mov(x86::qword_ptr(x86::rbx), x86::rax);
  a.xor_(x86::eax, x86::eax);
  a.bind(landing_pad);
  a.add(x86::rsp, 8);
  for (auto reg : {x86::r15, x86::r14, x86::r13, x86::r12, x86::rbx}) a.pop(reg);
  a.pop(x86::rbp);
  a.ret();

  auto prologue = [&] {
    a.push(x86::rbp);
    a.mov(x86::rbp, x86::rsp);
  };
  auto epilogue = [&] {
    a.pop(x86::rbp);
    a.ret();
  };
  // kDivide: 100 / param.
  a.bind(functions[kDivide]);
  prologue();
  a.mov(x86::eax, 100);
  a.cdq();
  site(TrapCode::kIntegerDivideByZero);
  a.idiv(x86::edi);
  epilogue();
  // kLoad: memory0[param] as i32.
  a.bind(functions[kLoad]);
  prologue();
  a.mov(x86::rax, x86::qword_ptr(x86::r14, vmctx::kHeaderSize));
  site(TrapCode::kOutOfBoundsMemoryAccess);
  a.mov(x86::eax, x86::dword_ptr(x86::rax, x86::rdi));
  epilogue();
  // kUnreachable.
  a.bind(functions[kUnreachable]);
  prologue();
  site(TrapCode::kUnreachable);
  a.ud2();
  // kRecurse: calls itself forever behind the prologue's stack check.
  asmjit::Label overflow = a.newLabel();
  a.bind(functions[kRecurse]);
  prologue();
  a.lea(x86::r11, x86::ptr(x86::rsp, -16));
  a.mov(x86::rax, x86::qword_ptr(x86::r14, vmctx::kStackLimitTlsOffset));
  x86::Mem limit = x86::qword_ptr(x86::rax);
  limit.setSegment(x86::fs);
  a.cmp(x86::r11, limit);
  a.jb(overflow);
  a.sub(x86::rsp, 16);
  a.call(functions[kRecurse]);
  a.add(x86::rsp, 16);
  epilogue();
  a.bind(overflow);
  site(TrapCode::kCallStackExhausted);
  a.ud2();
  // kCallBuiltin: builtins[0](vmctx, param), SysV.
  a.bind(functions[kCallBuiltin]);
  prologue();
  a.mov(x86::esi, x86::edi);
  a.mov(x86::rdi, x86::r14);
  a.mov(x86::rax, x86::qword_ptr(x86::r14, vmctx::kBuiltinsOffset));
  a.call(x86::qword_ptr(x86::rax));
  epilogue();
  // kStoreWild: a store to address `param` that is no trap site (a kiln bug, not a trap).
  a.bind(functions[kStoreWild]);
  prologue();
  a.mov(x86::eax, x86::edi);
  a.mov(x86::dword_ptr(x86::rax), 0);
  epilogue();

  REQUIRE(holder.flatten() == asmjit::kErrorOk);
  asmjit::CodeBuffer& buffer = holder.textSection()->buffer();
  code.code.assign(buffer.data(), buffer.data() + buffer.size());
  for (int i = 0; i < kCount; ++i) {
    uint32_t begin = static_cast<uint32_t>(holder.labelOffset(functions[i]));
    uint32_t end = i + 1 < kCount ? static_cast<uint32_t>(holder.labelOffset(functions[i + 1]))
                                  : static_cast<uint32_t>(buffer.size());
    code.functions.push_back({begin, end - begin});
  }
  for (auto& [label, trap_code] : sites) {
    code.trap_sites.push_back({static_cast<uint32_t>(holder.labelOffset(label)), trap_code});
  }
  wasm::FuncType type{{wasm::ValType::kI32}, {wasm::ValType::kI32}};
  code.entry_trampolines.push_back({type, static_cast<uint32_t>(holder.labelOffset(trampoline))});
  code.landing_pad_offset = static_cast<uint32_t>(holder.labelOffset(landing_pad));
  auto placed = CodeMemory::Place(std::move(code), {"t.divide", "t.load", "t.unreachable",
                                                    "t.recurse", "t.call_builtin", "t.wild"});
  REQUIRE(placed.ok());
  return *std::move(placed);
}

// Harness runs the blob's functions.
struct Harness {
  Harness() : blob(Assemble()) {
    // Catch2 installs its crash handlers around each test case, over kiln's.
    InstallTrapHandlers();
    auto made = runtime::LinearMemory::Create(1, 1, nullptr);
    REQUIRE(made.ok());
    memory = *std::move(made);
    vmctx.memory0 = *memory->record();
    vmctx.stack_limit_tls_offset = StackLimitTlsOffset();
    vmctx.builtins = builtins;
  }

  // Call runs function `f` with `param`; the result or the trap.
  std::optional<TrapCode> Call(TestFunction f, uint32_t param, uint64_t* result = nullptr,
                               EntryFrame* frame_out = nullptr) {
    wasm::FuncType type{{wasm::ValType::kI32}, {wasm::ValType::kI32}};
    uint64_t stack[1] = {param};
    EntryFrame frame;
    std::optional<TrapCode> trap =
        EnterWasm(blob->EntryTrampoline(type), blob->landing_pad(), &vmctx,
                  blob->FunctionEntry(f), stack, &frame);
    if (result != nullptr) *result = static_cast<uint32_t>(stack[0]);
    if (frame_out != nullptr) *frame_out = frame;
    return trap;
  }

  std::unique_ptr<CodeMemory> blob;
  std::unique_ptr<runtime::LinearMemory> memory;
  const void* builtins[1] = {nullptr};
  TestVmctx vmctx;
};

// A builtin that traps when its argument is odd and returns it doubled otherwise.
uint32_t OddTrapsBuiltin(void* /*vmctx*/, uint32_t value) {
  if (value % 2 == 1) RaiseTrap(TrapCode::kOutOfBoundsTableAccess);
  return value * 2;
}

TEST_CASE("hardware faults at trap sites become the recorded traps", "[trap]") {
  Harness h;
  uint64_t result = 0;
  CHECK(h.Call(kDivide, 7, &result) == std::nullopt);
  CHECK(result == 14);
  CHECK(h.Call(kDivide, 0) == TrapCode::kIntegerDivideByZero);
  REQUIRE(h.memory->WriteUint32Le(65532, 0xabcd));
  CHECK(h.Call(kLoad, 65532, &result) == std::nullopt);
  CHECK(result == 0xabcd);
  CHECK(h.Call(kLoad, 65533) == TrapCode::kOutOfBoundsMemoryAccess);
  CHECK(h.Call(kLoad, 0xffffffff) == TrapCode::kOutOfBoundsMemoryAccess);
  CHECK(h.Call(kUnreachable, 0) == TrapCode::kUnreachable);
  // The thread goes on: calls after traps work, and no entry is left behind.
  CHECK(h.Call(kDivide, 5, &result) == std::nullopt);
  CHECK(result == 20);
  CHECK(CurrentEntryFrame() == nullptr);
}

TEST_CASE("a trap records the faulting function for the backtrace", "[trap]") {
  Harness h;
  EntryFrame frame;
  REQUIRE(h.Call(kUnreachable, 0, nullptr, &frame) == TrapCode::kUnreachable);
  CHECK(frame.backtrace_size >= 1);
  CHECK(FormatBacktrace(frame).rfind("  at t.unreachable+0x", 0) == 0);
}

TEST_CASE("deep recursion is call stack exhausted and the thread survives", "[trap]") {
  Harness h;
  EntryFrame frame;
  CHECK(h.Call(kRecurse, 0, nullptr, &frame) == TrapCode::kCallStackExhausted);
  CHECK(frame.backtrace_size == EntryFrame::kMaxBacktrace);
  CHECK(FormatBacktrace(frame).find("  at t.recurse+0x") != std::string::npos);
  CHECK(h.Call(kRecurse, 0) == TrapCode::kCallStackExhausted);
  uint64_t result = 0;
  CHECK(h.Call(kDivide, 50, &result) == std::nullopt);
  CHECK(result == 2);
}

TEST_CASE("other threads get their own signal stack and stack limit", "[trap]") {
  std::optional<TrapCode> recursion, divide;
  std::thread thread([&] {
    Harness h;
    recursion = h.Call(kRecurse, 0);
    divide = h.Call(kDivide, 0);
  });
  thread.join();
  CHECK(recursion == TrapCode::kCallStackExhausted);
  CHECK(divide == TrapCode::kIntegerDivideByZero);
}

TEST_CASE("one vmctx serves threads recursing at once, each against its own limit", "[trap]") {
  Harness h;
  // Both threads run the same code with the same vmctx; each must stop at its own stack's
  // limit (a shared limit would let one thread run past the end of the other's stack).
  std::optional<TrapCode> results[2];
  uint64_t quotients[2] = {0, 0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) results[t] = h.Call(kRecurse, 0);
      h.Call(kDivide, 100, &quotients[t]);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 2; ++t) {
    CHECK(results[t] == TrapCode::kCallStackExhausted);
    CHECK(quotients[t] == 1);
  }
}

TEST_CASE("the stack limit's TLS offset is the same on every thread", "[trap]") {
  uintptr_t here = StackLimitTlsOffset();
  uintptr_t there = 0;
  std::thread thread([&] { there = StackLimitTlsOffset(); });
  thread.join();
  CHECK(here == there);
}

TEST_CASE("a builtin raises a trap that unwinds to the entry", "[trap]") {
  Harness h;
  h.builtins[0] = reinterpret_cast<const void*>(&OddTrapsBuiltin);
  uint64_t result = 0;
  CHECK(h.Call(kCallBuiltin, 4, &result) == std::nullopt);
  CHECK(result == 8);
  EntryFrame frame;
  CHECK(h.Call(kCallBuiltin, 3, nullptr, &frame) == TrapCode::kOutOfBoundsTableAccess);
  CHECK(FormatBacktrace(frame).rfind("  at t.call_builtin+0x", 0) == 0);
  CHECK(h.Call(kCallBuiltin, 6, &result) == std::nullopt);
  CHECK(result == 12);
}

// The nested harness lets a builtin enter Wasm again (Wasm → host → Wasm).
Harness* g_nested = nullptr;
uint32_t NestedBuiltin(void* /*vmctx*/, uint32_t value) {
  std::optional<TrapCode> inner = g_nested->Call(kDivide, value);
  return inner.has_value() ? 1000 + static_cast<uint32_t>(*inner) : 0;
}

TEST_CASE("a trap in a nested entry returns to the inner trampoline", "[trap]") {
  Harness h;
  g_nested = &h;
  h.builtins[0] = reinterpret_cast<const void*>(&NestedBuiltin);
  uint64_t result = 0;
  CHECK(h.Call(kCallBuiltin, 0, &result) == std::nullopt);
  CHECK(result == 1000 + static_cast<uint32_t>(TrapCode::kIntegerDivideByZero));
  CHECK(CurrentEntryFrame() == nullptr);
}

TEST_CASE("the code registry finds pcs inside placed code only", "[trap]") {
  Harness h;
  uintptr_t begin = h.blob->begin();
  CHECK(LookupCode(begin).range == h.blob.get());
  CHECK(LookupCode(h.blob->end() - 1).range == h.blob.get());
  CHECK(LookupCode(h.blob->end()).range == nullptr);
  CHECK(LookupCode(reinterpret_cast<uintptr_t>(&OddTrapsBuiltin)).range == nullptr);
  uintptr_t end = h.blob->end();
  h.blob.reset();
  CHECK(LookupCode(begin).range == nullptr);
  CHECK(LookupCode(end - 1).range == nullptr);
}

// -- Chaining (in child processes, since handlers are process-wide) --------------------------

int RunChild(void (*body)()) {
  pid_t child = fork();
  if (child == 0) {
    body();
    _exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return status;
}

void ExitWith42(int, siginfo_t*, void*) { _exit(42); }
void PlainExitWith43(int) { _exit(43); }

void FaultOnNull() {
  volatile int* null_pointer = nullptr;
  *null_pointer = 1;
}

TEST_CASE("a fault outside kiln code reaches the previously installed handler", "[trap]") {
  SECTION("an SA_SIGINFO handler") {
    int status = RunChild([] {
      struct sigaction action;
      std::memset(&action, 0, sizeof(action));
      action.sa_sigaction = ExitWith42;
      action.sa_flags = SA_SIGINFO;
      sigaction(SIGSEGV, &action, nullptr);
      InstallTrapHandlers();
      FaultOnNull();
    });
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 42);
  }
  SECTION("a plain handler") {
    int status = RunChild([] {
      signal(SIGFPE, PlainExitWith43);
      InstallTrapHandlers();
      raise(SIGFPE);
    });
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 43);
  }
  SECTION("the default action") {
    int status = RunChild([] {
      signal(SIGSEGV, SIG_DFL);
      InstallTrapHandlers();
      FaultOnNull();
    });
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGSEGV);
  }
  SECTION("inside a Wasm call, a fault in kiln code that is no trap site") {
    int status = RunChild([] {
      struct sigaction action;
      std::memset(&action, 0, sizeof(action));
      action.sa_sigaction = ExitWith42;
      action.sa_flags = SA_SIGINFO;
      sigaction(SIGSEGV, &action, nullptr);
      Harness h;
      h.Call(kStoreWild, 16);
    });
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 42);
  }
}

}  // namespace
}  // namespace kiln::trap

#endif  // defined(__x86_64__)
