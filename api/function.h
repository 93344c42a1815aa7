// Functions across the API boundary, in both directions: Function calls into an instance's
// Wasm (or host) function, and HostModuleFunction / HostFunction are how the embedder writes
// functions in C++ that Wasm imports. Every value travels as uint64_t slots encoded as
// described at ValueType (api/wasm.h).
#ifndef KILN_API_FUNCTION_H_
#define KILN_API_FUNCTION_H_

#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "api/context.h"
#include "api/definitions.h"

namespace kiln::api {

class Module;

// Function is a function exported by an instantiated module. Only kiln implements it.
//
// A Function is not thread-safe: make one per thread to call the same export concurrently.
// Sequential calls are fine, but a call must return before the next one starts.
class Function {
 public:
  virtual ~Function() = default;

  // Definition describes this function as its defining module declares it.
  virtual const FunctionDefinition& Definition() const = 0;

  // Call runs the function with `params` (one slot per ParamTypes entry, two for a v128) and
  // returns its results. A wrong number of params is kInvalidArgument; a trap, or the module
  // being closed while the call ran (see Module::CloseWithExitCode), is an error status.
  // A `ctx` already done fails the call without running it. With WithCloseOnContextDone,
  // cancelling `ctx` or passing its deadline during the call interrupts it and closes the
  // module: the call returns sys::ExitError with kExitCodeContextCanceled or
  // kExitCodeDeadlineExceeded.
  virtual absl::StatusOr<std::vector<uint64_t>> Call(const Context& ctx,
                                                     absl::Span<const uint64_t> params) = 0;

  // CallWithStack is Call without allocation: the caller writes the params into `stack` in
  // order and reads the results from its start after an OK return. `stack` must hold the
  // larger of the param and result slot counts, and can be reused across calls, e.g.
  //   std::vector<uint64_t> stack(2);
  //   for (auto [a, b] : pairs) {
  //     stack[0] = EncodeU32(a); stack[1] = EncodeU32(b);
  //     KILN_RETURN_IF_ERROR(add.CallWithStack(ctx, absl::MakeSpan(stack)));
  //     total += DecodeU32(stack[0]);
  //   }
  virtual absl::Status CallWithStack(const Context& ctx, absl::Span<uint64_t> stack) = 0;
};

// HostModuleFunction is a function the embedder implements in C++ for Wasm to import. `mod`
// is the calling module: use it to reach the caller's memory (mod.Memory()) or exports.
//
// `stack` holds the params in order, encoded per ValueType, and has room for the larger of
// the param and result slot counts; write the results from index zero. It is only valid
// during the call. For example, reading two params and writing one result:
//   uint32_t ptr = DecodeU32(stack[0]), len = DecodeU32(stack[1]);
//   stack[0] = EncodeU32(kErrnoSuccess);
//
// Host functions may have side effects and need not be deterministic. Most embedders will
// prefer typed wrappers built on this; it is the fastest form, trading safety for speed.
class HostModuleFunction {
 public:
  virtual ~HostModuleFunction() = default;
  virtual void Call(const Context& ctx, Module& mod, absl::Span<uint64_t> stack) = 0;
};

// HostFunction is a HostModuleFunction that does not need the calling module, which lets kiln
// call it without materialising one.
class HostFunction {
 public:
  virtual ~HostFunction() = default;
  virtual void Call(const Context& ctx, absl::Span<uint64_t> stack) = 0;
};

// HostModuleFunc adapts a lambda to HostModuleFunction, e.g. a function returning the u32
// stored at the address given by its first param:
//   HostModuleFunc([](const Context&, Module& mod, absl::Span<uint64_t> stack) {
//     std::optional<uint32_t> value = mod.Memory()->ReadUint32Le(DecodeU32(stack[0]));
//     stack[0] = EncodeU32(value.value_or(0));
//   });
class HostModuleFunc final : public HostModuleFunction {
 public:
  using Fn = absl::AnyInvocable<void(const Context&, Module&, absl::Span<uint64_t>)>;

  // Constructing fn_ straight from the callable (rather than moving an AnyInvocable in) also
  // avoids a GCC -O2 false "used uninitialized" warning inside AnyInvocable's move.
  template <typename F, typename = std::enable_if_t<std::is_invocable_r_v<
                            void, F&, const Context&, Module&, absl::Span<uint64_t>>>>
  explicit HostModuleFunc(F&& fn) : fn_(std::forward<F>(fn)) {}

  void Call(const Context& ctx, Module& mod, absl::Span<uint64_t> stack) override {
    fn_(ctx, mod, stack);
  }

 private:
  Fn fn_;
};

// HostFunc adapts a lambda to HostFunction, e.g. the sum of two u32 params:
//   HostFunc([](const Context&, absl::Span<uint64_t> stack) {
//     stack[0] = EncodeU32(DecodeU32(stack[0]) + DecodeU32(stack[1]));
//   });
class HostFunc final : public HostFunction {
 public:
  using Fn = absl::AnyInvocable<void(const Context&, absl::Span<uint64_t>)>;

  template <typename F, typename = std::enable_if_t<
                            std::is_invocable_r_v<void, F&, const Context&, absl::Span<uint64_t>>>>
  explicit HostFunc(F&& fn) : fn_(std::forward<F>(fn)) {}

  void Call(const Context& ctx, absl::Span<uint64_t> stack) override { fn_(ctx, stack); }

 private:
  Fn fn_;
};

}  // namespace kiln::api

#endif  // KILN_API_FUNCTION_H_
