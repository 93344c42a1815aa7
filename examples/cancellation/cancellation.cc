// cancellation: stopping guest code that runs too long, with a deadline on the Context or by
// cancelling it from another thread.
//
// By default kiln never interrupts running Wasm (checking costs a little time). With
// RuntimeConfig::WithCloseOnContextDone(true), compiled code polls at every function entry
// and loop back-edge; when the call's Context is cancelled or passes its deadline, the call
// returns a sys::ExitError and the module is closed. The runtime stays usable.
//   $ bazel run //examples/cancellation
//   forever() stopped by the deadline: module closed with context deadline exceeded
//   the instance is closed: yes
//   fib(45) stopped by cancellation: module closed with context canceled
//   fib(20) = 6765
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/kiln.h"

namespace {

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

int Fail(const std::string& what, const absl::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), std::string(status.message()).c_str());
  return 1;
}

// Explain prints how a call ended. An ExitError is a status with an exit code attached:
// sys::ExitCodeOf finds it. The two reserved codes say the Context ended the call.
void Explain(const char* call, const absl::Status& status) {
  std::optional<uint32_t> code = kiln::sys::ExitCodeOf(status);
  if (!code) {
    std::printf("%s ended with another error: %s\n", call, std::string(status.message()).c_str());
    return;
  }
  const char* why = *code == kiln::sys::kExitCodeDeadlineExceeded  ? "the deadline"
                    : *code == kiln::sys::kExitCodeContextCanceled ? "cancellation"
                                                                   : "the guest exiting";
  std::printf("%s stopped by %s: %s\n", call, why, std::string(status.message()).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cancellation SPIN.wasm\n");
    return 2;
  }
  const std::vector<uint8_t> wasm = ReadFile(argv[1]);
  const kiln::Context ctx = kiln::Context::Background();

  // Interruption must be enabled when the code is compiled: it is part of the code.
  std::unique_ptr<kiln::Runtime> runtime =
      kiln::NewRuntimeWithConfig(ctx, kiln::NewRuntimeConfig().WithCloseOnContextDone(true));
  absl::StatusOr<std::shared_ptr<const kiln::CompiledModule>> compiled =
      runtime->CompileModule(ctx, wasm);
  if (!compiled.ok()) return Fail(argv[1], compiled.status());

  // An interrupted call closes its module, so each call below gets a fresh instance of the
  // same compiled code. Anonymous instances (empty name) never clash with each other.
  const kiln::ModuleConfig config = kiln::NewModuleConfig().WithName("");

  // 1. An infinite loop, given 100 ms. WithTimeout derives a context with a deadline; the
  //    original ctx is unaffected.
  {
    absl::StatusOr<kiln::api::Module*> mod = runtime->InstantiateModule(ctx, *compiled, config);
    if (!mod.ok()) return Fail(argv[1], mod.status());
    const absl::Time start = absl::Now();
    absl::StatusOr<std::vector<uint64_t>> result =
        (*mod)->ExportedFunction("forever")->Call(ctx.WithTimeout(absl::Milliseconds(100)), {});
    if (result.ok()) return Fail("forever", absl::InternalError("returned"));
    Explain("forever()", result.status());
    std::fprintf(stderr, "forever() ran for %s\n",
                 absl::FormatDuration(absl::Now() - start).c_str());
    std::printf("the instance is closed: %s\n", (*mod)->IsClosed() ? "yes" : "no");
  }

  // 2. A recursion with no loops at all (fib(45) takes many seconds), cancelled by another
  //    thread after 100 ms: Cancel may be called from anywhere, e.g. when a client goes away.
  //    WithCancel derives a context with its own cancellation flag.
  {
    absl::StatusOr<kiln::api::Module*> mod = runtime->InstantiateModule(ctx, *compiled, config);
    if (!mod.ok()) return Fail(argv[1], mod.status());
    const kiln::Context cancellable = ctx.WithCancel();
    std::thread canceller([cancellable] {
      absl::SleepFor(absl::Milliseconds(100));
      cancellable.Cancel();
    });
    absl::StatusOr<std::vector<uint64_t>> result =
        (*mod)->ExportedFunction("fib")->Call(cancellable, {kiln::api::EncodeU32(45)});
    canceller.join();
    if (result.ok()) return Fail("fib", absl::InternalError("returned before the cancellation"));
    Explain("fib(45)", result.status());
  }

  // 3. The runtime is still fine: a short call on a new instance completes.
  {
    absl::StatusOr<kiln::api::Module*> mod = runtime->InstantiateModule(ctx, *compiled, config);
    if (!mod.ok()) return Fail(argv[1], mod.status());
    absl::StatusOr<std::vector<uint64_t>> result = (*mod)->ExportedFunction("fib")->Call(
        ctx.WithTimeout(absl::Seconds(10)), {kiln::api::EncodeU32(20)});
    if (!result.ok()) return Fail("fib(20)", result.status());
    std::printf("fib(20) = %llu\n", static_cast<unsigned long long>((*result)[0]));
  }

  absl::Status closed = runtime->Close(ctx);
  if (!closed.ok()) return Fail("close", closed);
  return 0;
}
