// Interrupting running calls: with StoreOptions::close_on_context_done and code compiled with
// interrupt polls, a call whose Context passes its deadline or is cancelled ends with
// sys::ExitError, whether it spins in a loop, recurses without loops, or loops inside an
// imported module; Module::CloseWithExitCode stops a running call the same way. The module is
// closed afterwards and the store stays usable. Latencies are printed: the bound asserted here
// is deliberately loose (it catches hangs); interrupt_bench measures them.
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "api/function.h"
#include "api/module.h"
#include "api/sys.h"
#include "api/wasm.h"
#include "backend/compile.h"
#include "catch2/catch.hpp"
#include "compiler/text/wat_parser.h"
#include "compiler/wasm/decoder.h"
#include "compiler/wasm/validator.h"
#include "runtime/engine/compiled_module.h"
#include "runtime/engine/host_module.h"
#include "runtime/engine/store.h"
#include "testing/status_matchers.h"

namespace kiln::runtime {
namespace {

using ::kiln::testing::StatusIs;

constexpr absl::Duration kLatencyBound = absl::Milliseconds(200);

constexpr absl::string_view kSpinner = R"((module
  (func (export "spin") (loop $forever (br $forever)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "count") (param i32) (result i32) (local i32)
    (loop $next
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))))";

// kCaller calls into an instance registered as "spinner"; its own code has no loop.
constexpr absl::string_view kCaller = R"((module
  (import "spinner" "spin" (func $spin))
  (func (export "call_spin") (call $spin))))";

std::shared_ptr<const CompiledModule> Compile(absl::string_view wat, bool interrupt_checks) {
  absl::StatusOr<std::vector<uint8_t>> bytes = text::ParseWat(wat);
  INFO(bytes.status());
  REQUIRE(bytes.ok());
  absl::StatusOr<wasm::Module> module = wasm::Decode(*bytes);
  REQUIRE(module.ok());
  REQUIRE(wasm::Validate(*module).ok());
  backend::CompileOptions options;
  options.interrupt_checks = interrupt_checks;
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      CompileModule(*std::move(module), options);
  INFO(compiled.status());
  REQUIRE(compiled.ok());
  return *compiled;
}

api::Module* Instantiate(Store& store, absl::string_view wat, absl::string_view name,
                         bool interrupt_checks = true) {
  absl::StatusOr<api::Module*> instance =
      store.Instantiate(Context(), Compile(wat, interrupt_checks), name);
  INFO(instance.status());
  REQUIRE(instance.ok());
  return *instance;
}

StoreOptions CloseOnContextDone() {
  StoreOptions options;
  options.close_on_context_done = true;
  return options;
}

// CallPastDeadline calls `name` with a deadline `after` from now and returns its status and
// how long after the deadline it returned.
absl::Status CallPastDeadline(api::Module* module, absl::string_view name,
                              std::vector<uint64_t> params, absl::Duration after,
                              absl::Duration* late) {
  absl::Time deadline = absl::Now() + after;
  const Context ctx = Context().WithDeadline(deadline);
  absl::Status status = module->ExportedFunction(name)->Call(ctx, params).status();
  *late = absl::Now() - deadline;
  return status;
}

TEST_CASE("a deadline stops an infinite loop with an exit error and closes the module",
          "[engine][interrupt]") {
  Store store(CloseOnContextDone());
  api::Module* m = Instantiate(store, kSpinner, "spinner");
  absl::Duration late;
  absl::Status status = CallPastDeadline(m, "spin", {}, absl::Milliseconds(50), &late);
  std::printf("infinite loop: returned %.3f ms after the deadline\n",
              absl::ToDoubleMilliseconds(late));
  CHECK_THAT(status, StatusIs(absl::StatusCode::kDeadlineExceeded,
                              "module closed with context deadline exceeded"));
  CHECK(sys::ExitCodeOf(status) == sys::kExitCodeDeadlineExceeded);
  CHECK(late < kLatencyBound);
  CHECK(m->IsClosed());
  CHECK(m->ExportedFunction("count") == nullptr);  // closed modules hand out no functions

  // The store goes on: a new instance of the same module runs.
  api::Module* again = Instantiate(store, kSpinner, "again");
  absl::StatusOr<std::vector<uint64_t>> counted =
      again->ExportedFunction("count")->Call(Context(), {1000});
  REQUIRE(counted.ok());
  CHECK((*counted)[0] == 1000);
}

TEST_CASE("a deadline stops a recursion without loops (fib 45)", "[engine][interrupt]") {
  Store store(CloseOnContextDone());
  api::Module* m = Instantiate(store, kSpinner, "spinner");
  api::Function* fib = m->ExportedFunction("fib");
  REQUIRE(fib != nullptr);
  // Small inputs complete normally under a generous deadline and leave the module open.
  absl::StatusOr<std::vector<uint64_t>> small =
      fib->Call(Context().WithTimeout(absl::Seconds(30)), {20});
  REQUIRE(small.ok());
  CHECK((*small)[0] == 6765);
  CHECK_FALSE(m->IsClosed());

  absl::Duration late;
  absl::Status status = CallPastDeadline(m, "fib", {45}, absl::Milliseconds(50), &late);
  std::printf("fib(45): returned %.3f ms after the deadline\n", absl::ToDoubleMilliseconds(late));
  CHECK(sys::ExitCodeOf(status) == sys::kExitCodeDeadlineExceeded);
  CHECK(late < kLatencyBound);
  CHECK(m->IsClosed());
  // A handle taken before closing reports the exit.
  CHECK(sys::ExitCodeOf(fib->Call(Context(), {3}).status()) == sys::kExitCodeDeadlineExceeded);
}

TEST_CASE("cancelling from another thread stops the call with context canceled",
          "[engine][interrupt]") {
  Store store(CloseOnContextDone());
  api::Module* m = Instantiate(store, kSpinner, "spinner");
  const Context ctx = Context().WithCancel();
  absl::Time cancelled_at;
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(30));
    cancelled_at = absl::Now();
    ctx.Cancel();
  });
  absl::Status status = m->ExportedFunction("spin")->Call(ctx, {}).status();
  absl::Time returned = absl::Now();
  canceller.join();
  std::printf("cancel: returned %.3f ms after Cancel()\n",
              absl::ToDoubleMilliseconds(returned - cancelled_at));
  CHECK_THAT(status, StatusIs(absl::StatusCode::kCancelled, "module closed with context canceled"));
  CHECK(sys::ExitCodeOf(status) == sys::kExitCodeContextCanceled);
  CHECK(returned - cancelled_at < kLatencyBound);
  CHECK(m->IsClosed());
}

TEST_CASE("a context done before the call closes the module without running it",
          "[engine][interrupt]") {
  Store store(CloseOnContextDone());
  api::Module* m = Instantiate(store, kSpinner, "spinner");
  const Context cancelled;
  cancelled.Cancel();
  CHECK(sys::ExitCodeOf(m->ExportedFunction("spin")->Call(cancelled, {}).status()) ==
        sys::kExitCodeContextCanceled);
  CHECK(m->IsClosed());

  // Without the option, the context's own error comes back and the module stays open.
  Store plain;
  api::Module* open = Instantiate(plain, kSpinner, "spinner");
  CHECK_THAT(open->ExportedFunction("spin")->Call(cancelled, {}).status(),
             StatusIs(absl::StatusCode::kCancelled, "context canceled"));
  CHECK_FALSE(open->IsClosed());
}

TEST_CASE("an interrupted call stops a loop inside the module it imports from",
          "[engine][interrupt]") {
  Store store(CloseOnContextDone());
  api::Module* spinner = Instantiate(store, kSpinner, "spinner");
  REQUIRE(store.Register("spinner", spinner).ok());
  api::Module* caller = Instantiate(store, kCaller, "caller");
  absl::Duration late;
  absl::Status status =
      CallPastDeadline(caller, "call_spin", {}, absl::Milliseconds(50), &late);
  std::printf("loop in an imported module: returned %.3f ms after the deadline\n",
              absl::ToDoubleMilliseconds(late));
  CHECK(sys::ExitCodeOf(status) == sys::kExitCodeDeadlineExceeded);
  CHECK(late < kLatencyBound);
  CHECK(caller->IsClosed());
  // The imported module was only asked to stop for that call: it is open and runs again.
  CHECK_FALSE(spinner->IsClosed());
  absl::StatusOr<std::vector<uint64_t>> counted =
      spinner->ExportedFunction("count")->Call(Context(), {100000});
  REQUIRE(counted.ok());
  CHECK((*counted)[0] == 100000);
}

TEST_CASE("CloseWithExitCode stops a running call with that exit code", "[engine][interrupt]") {
  // No close-on-context-done: closing alone interrupts compiled polls.
  Store store;
  api::Module* m = Instantiate(store, kSpinner, "spinner");
  std::thread closer([&] {
    absl::SleepFor(absl::Milliseconds(30));
    REQUIRE(m->CloseWithExitCode(Context(), 42).ok());
  });
  absl::Status status = m->ExportedFunction("spin")->Call(Context(), {}).status();
  closer.join();
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "module closed with exit_code(42)"));
  CHECK(sys::ExitCodeOf(status) == 42u);
}

TEST_CASE("a host function that closes its caller ends the call, even without polls",
          "[engine][interrupt]") {
  Store store;
  HostModule sys_module("sys");
  sys_module.AddFunction(
      "exit", {api::kValueTypeI32}, {},
      std::make_unique<api::HostModuleFunc>(
          [](const Context& ctx, api::Module& caller, absl::Span<uint64_t> stack) {
            caller.CloseWithExitCode(ctx, static_cast<uint32_t>(stack[0])).IgnoreError();
          }));
  REQUIRE(store.InstantiateHost(std::move(sys_module)).ok());
  // After exit the code would spin forever; it is compiled without polls.
  api::Module* m = Instantiate(store, R"((module
    (import "sys" "exit" (func $exit (param i32)))
    (func (export "run") (call $exit (i32.const 7)) (loop $forever (br $forever)))))",
                               "command", /*interrupt_checks=*/false);
  absl::Status status = m->ExportedFunction("run")->Call(Context(), {}).status();
  CHECK_THAT(status, StatusIs(absl::StatusCode::kAborted, "module closed with exit_code(7)"));
  CHECK(sys::ExitCodeOf(status) == 7u);
  CHECK(m->IsClosed());
}

TEST_CASE("without polls the call finishes but the module is still closed",
          "[engine][interrupt]") {
  Store store(CloseOnContextDone());
  api::Module* m = Instantiate(store, kSpinner, "spinner", /*interrupt_checks=*/false);
  // fib(32) takes several milliseconds, well past the deadline.
  const Context ctx = Context().WithTimeout(absl::Milliseconds(1));
  absl::StatusOr<std::vector<uint64_t>> result = m->ExportedFunction("fib")->Call(ctx, {32});
  REQUIRE(result.ok());
  CHECK((*result)[0] == 2178309);
  CHECK(m->IsClosed());
}

}  // namespace
}  // namespace kiln::runtime
