// Tests of how calls end early through the Runtime: WithCloseOnContextDone turns a deadline or
// a cancellation into sys::ExitError for both loops and loop-free recursion, and a start
// function that exits (a host function closing its caller, as WASI proc_exit does) is success
// with code 0 and an error otherwise.
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"

#include "api/kiln.h"
#include "catch2/catch.hpp"
#include "runtime/embedding/testing/wat_binaries.h"
#include "testing/status_matchers.h"

namespace kiln {
namespace {

using embedding::testing::WatToWasm;
using testing::IsOk;
using testing::StatusIs;

constexpr absl::string_view kSpin = R"((module
  (func (export "spin") (loop $forever (br $forever)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "one") (result i32) (i32.const 1))))";

absl::Duration Since(absl::Time start) { return absl::Now() - start; }

TEST_CASE("a deadline stops a loop and a loop-free recursion with ExitError",
          "[embedding][interrupt]") {
  Context background;
  std::unique_ptr<Runtime> runtime =
      NewRuntimeWithConfig(background, NewRuntimeConfig().WithCloseOnContextDone(true));
  absl::StatusOr<std::shared_ptr<const CompiledModule>> compiled =
      runtime->CompileModule(background, WatToWasm(kSpin));
  REQUIRE_THAT(compiled.status(), IsOk());

  const char* name = GENERATE("spin", "fib");
  CAPTURE(name);
  absl::StatusOr<api::Module*> module =
      runtime->InstantiateModule(background, *compiled, NewModuleConfig().WithName(name));
  REQUIRE_THAT(module.status(), IsOk());
  std::vector<uint64_t> params;
  if (std::string(name) == "fib") params.push_back(45);  // minutes without interruption

  Context ctx = background.WithTimeout(absl::Milliseconds(50));
  absl::Time start = absl::Now();
  absl::StatusOr<std::vector<uint64_t>> result =
      (*module)->ExportedFunction(name)->Call(ctx, params);
  absl::Duration took = Since(start);
  CAPTURE(absl::FormatDuration(took));
  REQUIRE_FALSE(result.ok());
  CHECK(sys::ExitCodeOf(result.status()) == sys::kExitCodeDeadlineExceeded);
  CHECK_THAT(result.status(), StatusIs(absl::StatusCode::kDeadlineExceeded));
  CHECK(took >= absl::Milliseconds(50));
  CHECK(took < absl::Seconds(2));  // generous for a loaded machine; the point is "it stops"
  CHECK((*module)->IsClosed());
  CHECK(runtime->Module(name) == nullptr);

  // The runtime stays usable, and the name can be taken again.
  absl::StatusOr<api::Module*> again =
      runtime->InstantiateModule(background, *compiled, NewModuleConfig().WithName(name));
  REQUIRE_THAT(again.status(), IsOk());
  absl::StatusOr<std::vector<uint64_t>> one = (*again)->ExportedFunction("one")->Call(background, {});
  REQUIRE_THAT(one.status(), IsOk());
  CHECK((*one)[0] == 1);
}

TEST_CASE("cancelling from another thread stops a call with the canceled exit code",
          "[embedding][interrupt]") {
  Context background;
  std::unique_ptr<Runtime> runtime =
      NewRuntimeWithConfig(background, NewRuntimeConfig().WithCloseOnContextDone(true));
  absl::StatusOr<api::Module*> module = runtime->Instantiate(background, WatToWasm(kSpin));
  REQUIRE_THAT(module.status(), IsOk());
  Context ctx = background.WithCancel();
  std::thread canceller([ctx] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ctx.Cancel();
  });
  absl::StatusOr<std::vector<uint64_t>> result =
      (*module)->ExportedFunction("spin")->Call(ctx, {});
  canceller.join();
  REQUIRE_FALSE(result.ok());
  CHECK(sys::ExitCodeOf(result.status()) == sys::kExitCodeContextCanceled);
}

TEST_CASE("closing the runtime stops calls in flight with its exit code",
          "[embedding][interrupt]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime =
      NewRuntimeWithConfig(ctx, NewRuntimeConfig().WithCloseOnContextDone(true));
  absl::StatusOr<api::Module*> module = runtime->Instantiate(ctx, WatToWasm(kSpin));
  REQUIRE_THAT(module.status(), IsOk());
  absl::Status spun;
  std::thread spinner([&] { spun = (*module)->ExportedFunction("spin")->Call(ctx, {}).status(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  CHECK_THAT(runtime->CloseWithExitCode(ctx, 7), IsOk());
  spinner.join();
  CHECK(sys::ExitCodeOf(spun) == 7u);
  CHECK((*module)->IsClosed());
  CHECK_THAT(runtime->Instantiate(ctx, WatToWasm(kSpin)).status(),
             StatusIs(absl::StatusCode::kFailedPrecondition, "runtime is closed"));
}

TEST_CASE("without WithCloseOnContextDone a finished context only stops calls from starting",
          "[embedding][interrupt]") {
  Context background;
  std::unique_ptr<Runtime> runtime = NewRuntime(background);
  absl::StatusOr<api::Module*> module = runtime->Instantiate(background, WatToWasm(kSpin));
  REQUIRE_THAT(module.status(), IsOk());
  Context cancelled = background.WithCancel();
  cancelled.Cancel();
  CHECK_FALSE((*module)->ExportedFunction("one")->Call(cancelled, {}).ok());
  absl::StatusOr<std::vector<uint64_t>> fib =
      (*module)->ExportedFunction("fib")->Call(background, {api::EncodeI32(20)});
  REQUIRE_THAT(fib.status(), IsOk());
  CHECK((*fib)[0] == 6765);
}

// Exiter is a host module whose "exit" closes the calling module with the given code, as WASI
// proc_exit does.
absl::Status InstantiateExiter(Runtime& runtime) {
  return runtime.NewHostModuleBuilder("sys")
      .NewFunctionBuilder()
      .WithFunc([](const Context& ctx, api::Module& caller, uint32_t code) {
        caller.CloseWithExitCode(ctx, code).IgnoreError();
      })
      .Export("exit")
      .Instantiate(Context())
      .status();
}

constexpr absl::string_view kCommand = R"((module
  (import "sys" "exit" (func $exit (param i32)))
  (global $code (import "env" "code") i32)
  (func (export "_start") (call $exit (global.get $code)) unreachable)))";

TEST_CASE("a start function exiting with 0 is success, with another code an ExitError",
          "[embedding][exit]") {
  Context ctx;
  std::unique_ptr<Runtime> runtime = NewRuntime(ctx);
  REQUIRE_THAT(InstantiateExiter(*runtime), IsOk());
  std::vector<uint8_t> binary = WatToWasm(kCommand);
  auto run = [&](uint32_t code) {
    // A global cannot come from the builder; a tiny module exports it instead.
    absl::StatusOr<api::Module*> globals = runtime->InstantiateWithConfig(
        ctx,
        WatToWasm(absl::StrCat("(module (global (export \"code\") i32 (i32.const ", code, ")))")),
        NewModuleConfig().WithName("env"));
    REQUIRE_THAT(globals.status(), IsOk());
    absl::StatusOr<api::Module*> command =
        runtime->InstantiateWithConfig(ctx, binary, NewModuleConfig().WithName("cmd"));
    REQUIRE_THAT((*globals)->Close(ctx), IsOk());
    return command;
  };

  absl::StatusOr<api::Module*> success = run(0);
  REQUIRE_THAT(success.status(), IsOk());
  CHECK((*success)->IsClosed());
  CHECK(runtime->Module("cmd") == nullptr);

  absl::StatusOr<api::Module*> failure = run(3);
  REQUIRE_FALSE(failure.ok());
  CHECK(sys::ExitCodeOf(failure.status()) == 3u);
  CHECK_THAT(failure.status(), StatusIs(absl::StatusCode::kAborted, "exit_code(3)"));
  CHECK(runtime->Module("cmd") == nullptr);
}

}  // namespace
}  // namespace kiln
