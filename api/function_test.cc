// The parts of the function and module interfaces that hold behaviour of their own: the lambda
// adapters for host functions, and Module::Close delegating to CloseWithExitCode.
#include "api/function.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/module.h"
#include "api/wasm.h"
#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::api {
namespace {

using ::kiln::testing::IsOk;

// RecordingModule is a module with no exports that records how it was closed.
class RecordingModule final : public Module {
 public:
  std::string String() const override { return "Module[recording]"; }
  absl::string_view Name() const override { return "recording"; }
  api::Memory* Memory() override { return nullptr; }
  api::Function* ExportedFunction(absl::string_view) override { return nullptr; }
  std::map<std::string, const FunctionDefinition*> ExportedFunctionDefinitions()
      const override {
    return {};
  }
  api::Memory* ExportedMemory(absl::string_view) override { return nullptr; }
  std::map<std::string, const MemoryDefinition*> ExportedMemoryDefinitions() const override {
    return {};
  }
  api::Global* ExportedGlobal(absl::string_view) override { return nullptr; }
  absl::Status CloseWithExitCode(const Context&, uint32_t exit_code) override {
    exit_code_ = exit_code;
    return absl::OkStatus();
  }
  bool IsClosed() const override { return exit_code_.has_value(); }

  std::optional<uint32_t> exit_code() const { return exit_code_; }

 private:
  std::optional<uint32_t> exit_code_;
};

TEST_CASE("HostFunc reads params from the stack and writes results back", "[api][function]") {
  HostFunc add([](const Context&, absl::Span<uint64_t> stack) {
    stack[0] = EncodeU32(DecodeU32(stack[0]) + DecodeU32(stack[1]));
  });
  HostFunction& fn = add;
  std::vector<uint64_t> stack = {EncodeU32(40), EncodeU32(2)};
  fn.Call(Context(), absl::MakeSpan(stack));
  CHECK(DecodeU32(stack[0]) == 42);
}

TEST_CASE("HostFunc sees the caller's context", "[api][function]") {
  HostFunc read_value([](const Context& ctx, absl::Span<uint64_t> stack) {
    const std::any* value = ctx.Value("answer");
    stack[0] = EncodeI32(value == nullptr ? -1 : std::any_cast<int>(*value));
  });
  std::vector<uint64_t> stack(1);
  read_value.Call(Context().WithValue("answer", 42), absl::MakeSpan(stack));
  CHECK(DecodeI32(stack[0]) == 42);
  read_value.Call(Context(), absl::MakeSpan(stack));
  CHECK(DecodeI32(stack[0]) == -1);
}

TEST_CASE("HostModuleFunc is given the calling module", "[api][function]") {
  RecordingModule caller;
  HostModuleFunc exit([](const Context& ctx, Module& mod, absl::Span<uint64_t> stack) {
    // A proc_exit-like host function closes the module that called it.
    (void)mod.CloseWithExitCode(ctx, DecodeU32(stack[0]));
  });
  std::vector<uint64_t> stack = {EncodeU32(3)};
  exit.Call(Context(), caller, absl::MakeSpan(stack));
  CHECK(caller.IsClosed());
  CHECK(caller.exit_code() == 3u);
}

TEST_CASE("HostFunc keeps state captured by its lambda", "[api][function]") {
  int calls = 0;
  HostFunc counter([&calls](const Context&, absl::Span<uint64_t>) { ++calls; });
  counter.Call(Context(), {});
  counter.Call(Context(), {});
  CHECK(calls == 2);
}

TEST_CASE("closing a module closes it with exit code zero", "[api][module]") {
  RecordingModule mod;
  Closer& closer = mod;
  CHECK_THAT(closer.Close(Context()), IsOk());
  CHECK(mod.exit_code() == 0u);
}

}  // namespace
}  // namespace kiln::api
