// Calling an export: checks, the thread's call context, EnterWasm, trap status.
#include "runtime/instance/function.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "api/sys.h"
#include "runtime/instance/instance.h"
#include "runtime/trap/trap_error.h"

namespace kiln::runtime {
namespace {

thread_local const Context* tls_call_context = nullptr;

// CallContextScope makes `ctx` the current call context for the duration of a call.
class CallContextScope {
 public:
  explicit CallContextScope(const Context* ctx) : previous_(tls_call_context) {
    tls_call_context = ctx;
  }
  ~CallContextScope() { tls_call_context = previous_; }

 private:
  const Context* previous_;
};

}  // namespace

const Context& CurrentCallContext() {
  static const Context* background = new Context();
  return tls_call_context != nullptr ? *tls_call_context : *background;
}

void CallHostFunction(void* raw_record, uint64_t* stack) {
  auto* record = static_cast<HostFuncRecord*>(raw_record);
  const HostFunctionImpl& impl = *record->impl;
  absl::Span<uint64_t> slots(stack, impl.slots);
  const Context& ctx = CurrentCallContext();
  if (auto* module_fn = std::get_if<std::unique_ptr<api::HostModuleFunction>>(&impl.fn)) {
    (*module_fn)->Call(ctx, *record->caller, slots);
  } else {
    std::get<std::unique_ptr<api::HostFunction>>(impl.fn)->Call(ctx, slots);
  }
  // A host function that closed its caller (WASI proc_exit, say) ends the call here, polls
  // or not: the entry sees `interrupted` with the module closed and returns its ExitError.
  if (ABSL_PREDICT_FALSE(record->caller->IsClosed())) {
    trap::RaiseTrap(trap::TrapCode::kInterrupted);
  }
}

WasmFunction::WasmFunction(Instance* owner, const FuncRefRecord* record,
                           const api::FunctionDefinition* definition,
                           trap::TrampolineFn trampoline, uintptr_t landing_pad,
                           uint32_t param_slots, uint32_t result_slots)
    : owner_(owner),
      record_(record),
      definition_(definition),
      trampoline_(trampoline),
      landing_pad_(landing_pad),
      param_slots_(param_slots),
      result_slots_(result_slots) {}

absl::StatusOr<std::vector<uint64_t>> WasmFunction::Call(const Context& ctx,
                                                         absl::Span<const uint64_t> params) {
  if (params.size() != param_slots_) {
    return absl::InvalidArgumentError(absl::StrCat("expected ", param_slots_,
                                                   " params, but passed ", params.size()));
  }
  std::vector<uint64_t> stack(std::max(param_slots_, result_slots_));
  std::copy(params.begin(), params.end(), stack.begin());
  absl::Status status = CallWithStack(ctx, absl::MakeSpan(stack));
  if (!status.ok()) return status;
  stack.resize(result_slots_);
  return stack;
}

absl::Status WasmFunction::CallWithStack(const Context& ctx, absl::Span<uint64_t> stack) {
  if (stack.size() < param_slots_ || stack.size() < result_slots_) {
    return absl::InvalidArgumentError(
        absl::StrCat("stack has ", stack.size(), " slots, but the function needs ",
                     std::max(param_slots_, result_slots_)));
  }
  if (ABSL_PREDICT_FALSE(owner_->IsClosed())) return sys::ExitError(owner_->exit_code());
  const bool close_on_context_done = owner_->store().close_on_context_done;
  // Reading the clock costs more than the rest of the call: only with a deadline.
  if (ABSL_PREDICT_FALSE(ctx.Cancelled() || (ctx.Deadline().has_value() && ctx.Done()))) {
    if (!close_on_context_done) return ctx.Err();
    owner_->Close(ContextExitCode(ctx));
    return sys::ExitError(owner_->exit_code());
  }
  CallContextScope scope(&ctx);
  trap::EntryFrame frame;
  std::optional<trap::TrapCode> trap;
  if (close_on_context_done) {
    trap = EnterInterruptible(ctx, stack, &frame);
  } else {
    trap = trap::EnterWasm(trampoline_, landing_pad_, record_->vmctx, record_->code,
                           stack.data(), &frame);
  }
  if (ABSL_PREDICT_FALSE(trap.has_value())) {
    if (*trap == trap::TrapCode::kInterrupted) {
      // Closed (by the context, CloseWithExitCode or a guest exit), here or in an instance
      // whose code was running.
      if (owner_->IsClosed()) return sys::ExitError(owner_->exit_code());
      for (Instance* peer : owner_->interrupt_peers()) {
        if (peer->IsClosed()) return sys::ExitError(peer->exit_code());
      }
    }
    return trap::TrapError(*trap, trap::FormatBacktrace(frame));
  }
  return absl::OkStatus();
}

uint32_t ContextExitCode(const Context& ctx) {
  return ctx.Cancelled() ? sys::kExitCodeContextCanceled : sys::kExitCodeDeadlineExceeded;
}

namespace {

// CallInterruption lives on the stack of one interruptible call; the function its context
// runs when done reaches it by pointer. That function, once started, runs to its end before
// the call returns (ContextWatch::Stop waits for it), so the pointer stays valid without an
// allocation or reference counting per call.
struct CallInterruption {
  Instance* owner = nullptr;
  const Context* ctx = nullptr;
};

// InterruptCall is what runs when the call's context is done: close the instance with the
// context's exit code and ask the instances the call can reach through imports to stop.
void InterruptCall(void* arg) {
  auto* interruption = static_cast<CallInterruption*>(arg);
  Instance* owner = interruption->owner;
  owner->Close(ContextExitCode(*interruption->ctx));
  for (Instance* peer : owner->interrupt_peers()) peer->AddInterruptRequest();
}

}  // namespace

std::optional<trap::TrapCode> WasmFunction::EnterInterruptible(const Context& ctx,
                                                               absl::Span<uint64_t> stack,
                                                               trap::EntryFrame* frame) {
  CallInterruption interruption;
  interruption.owner = owner_;
  interruption.ctx = &ctx;
  // A ContextWatch, not AfterFunc: its registration lives on this stack (no allocation per
  // call) and costs one lock per cancellation flag each way.
  ContextWatch watch(ctx, &InterruptCall, &interruption);
  std::optional<trap::TrapCode> trap = trap::EnterWasm(
      trampoline_, landing_pad_, record_->vmctx, record_->code, stack.data(), frame);
  if (!watch.Stop()) {
    // The context is done and InterruptCall ran (Stop waited for it to return): take back the
    // requests it made of other instances (their own closing, if any, stays).
    for (Instance* peer : owner_->interrupt_peers()) peer->RemoveInterruptRequest();
  }
  return trap;
}

}  // namespace kiln::runtime
