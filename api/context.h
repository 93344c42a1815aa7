// kiln::Context travels with every call into and out of Wasm, as Go's context.Context does in
// wazero: it carries a cancellation flag, an optional deadline and values keyed by name (for
// host functions that need request-scoped data such as a logger). Compiled code polls the
// cancellation state at function entries and loop back-edges, so cancelling a Context or passing
// its deadline stops a running call (with the Store's close-on-context-done option; the runtime
// learns of it through AfterFunc).
#ifndef KILN_API_CONTEXT_H_
#define KILN_API_CONTEXT_H_

#include <any>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiln {

namespace context_internal {
struct CancelState;
struct AfterFuncState;
}  // namespace context_internal

// AfterFuncHandle is what Context::AfterFunc returns: the way to call the registration off.
// A default handle is registered to nothing.
class AfterFuncHandle {
 public:
  AfterFuncHandle() = default;

  // Stop prevents the function from running. True when it did: the function had not started
  // and now never will; false when it has already started (or run), or was already stopped.
  // Like Go's stop function it does not wait for a running function to return.
  bool Stop();

 private:
  friend class Context;
  explicit AfterFuncHandle(std::shared_ptr<context_internal::AfterFuncState> state)
      : state_(std::move(state)) {}
  std::shared_ptr<context_internal::AfterFuncState> state_;
};

// Context is a cheap-to-copy handle. Copies and contexts derived with WithDeadline/WithValue
// share one cancellation flag, so cancelling any of them cancels all; deadlines and values are
// per derived context. WithCancel starts a new flag that the parent's cancellation still
// reaches. Thread-safe: Cancel may be called from any thread while a call runs.
class Context {
 public:
  // A default Context is a root: not cancelled, with no deadline and no values.
  Context();

  // Background returns a new root context, as Go's context.Background() does.
  static Context Background() { return Context(); }

  // Cancel marks this context (and every context sharing or inheriting its flag) as done.
  void Cancel() const;

  // WithCancel returns a context with its own flag: cancelling it leaves this one running, but
  // cancelling this one also cancels it.
  Context WithCancel() const;

  // WithDeadline returns a context that is done at `deadline` (or earlier, if this one's
  // deadline is earlier).
  Context WithDeadline(absl::Time deadline) const;

  // WithTimeout is WithDeadline(now + timeout).
  Context WithTimeout(absl::Duration timeout) const;

  // WithValue returns a context where Value(key) is `value`; other keys are inherited.
  Context WithValue(absl::string_view key, std::any value) const;

  // Value returns the value stored under `key`, or nullptr when there is none. The pointer is
  // valid while any context holding the value lives.
  const std::any* Value(absl::string_view key) const;

  // Deadline returns the time this context expires, if it has one.
  std::optional<absl::Time> Deadline() const { return deadline_; }

  // Cancelled is true once Cancel was called on this context or one it derives from.
  bool Cancelled() const;

  // Done is true when the context was cancelled or its deadline has passed.
  bool Done() const { return Done(absl::Now()); }
  bool Done(absl::Time now) const;

  // Err explains Done: kCancelled, kDeadlineExceeded, or OK while the context is live.
  absl::Status Err() const;

  // AfterFunc arranges for `f` to run once when this context is done, like Go's
  // context.AfterFunc: on the thread that cancels it (this context, a copy, or an ancestor
  // it inherits cancellation from), or, when its deadline passes first, on the process's one
  // deadline timer thread (started on first use; it sleeps until the earliest registered
  // deadline); immediately on the calling thread when the context is already done. `f` runs
  // at most once and must be short: it runs with no kiln lock held but delays other timers.
  // Stop the returned handle once `f` is no longer wanted (it releases the registration).
  // Thread-safe.
  //   AfterFuncHandle stop = ctx.AfterFunc([&] { worker.Interrupt(); });
  //   worker.Run();
  //   stop.Stop();
  AfterFuncHandle AfterFunc(std::function<void()> f) const;

 private:
  friend class ContextWatch;
  using ValueMap = std::map<std::string, std::any, std::less<>>;

  // cancel_ is this context's cancellation flag; it links to the flag it inherits from.
  std::shared_ptr<context_internal::CancelState> cancel_;
  std::optional<absl::Time> deadline_;
  std::shared_ptr<const ValueMap> values_;  // copy-on-write: derived contexts never mutate it
};

// ContextWatch is AfterFunc for a scope that outlives its registration, such as one call into
// Wasm: it runs `fn(arg)` once when the context is done and, unlike AfterFunc, allocates
// nothing and takes one lock per cancellation flag to register and one to unregister (its
// list nodes live inside it), plus one deadline timer entry when the context has a deadline.
// The context must outlive the watch. Chains of more than kInlineFlags flags go through
// AfterFunc instead.
//   ContextWatch watch(ctx, &Interrupt, &worker);
//   worker.Run();
//   if (!watch.Stop()) { /* Interrupt(&worker) ran, and has returned */ }
class ContextWatch {
 public:
  static constexpr int kInlineFlags = 4;

  // Registers `fn(arg)`; runs it right away on this thread when the context is already done.
  ContextWatch(const Context& ctx, void (*fn)(void*), void* arg);
  // The destructor stops the watch if Stop was not called.
  ~ContextWatch();
  ContextWatch(const ContextWatch&) = delete;
  ContextWatch& operator=(const ContextWatch&) = delete;

  // Stop unregisters. True when `fn` had not started and now never will; false when it
  // started, in which case Stop returns only once `fn` has returned (so whatever `arg`
  // points to may go away afterwards). Call it at most once, on the thread that owns the watch.
  bool Stop();

  // Link is the watch's node in one flag's list of watches.
  struct Link {
    ContextWatch* watch = nullptr;
    context_internal::CancelState* flag = nullptr;
    Link* prev = nullptr;
    Link* next = nullptr;
    bool linked = false;  // guarded by flag's lock
  };

 private:
  friend class Context;
  // Claim moves the watch from pending to started; true for the one canceller that does (false
  // when Stop or another canceller came first). The canceller that claims then calls Fire:
  // unlink from every flag, run `fn`, and let Stop return.
  bool Claim();
  void UnlinkAll();
  void Fire();

  void (*const fn_)(void*);
  void* const arg_;
  std::atomic<int> phase_{0};           // 0 pending, 1 started, 2 stopped
  std::atomic<bool> finished_{false};  // fn_ has returned
  bool stopped_ = false;                // Stop was called
  Link links_[kInlineFlags];
  int num_links_ = 0;
  uint64_t timer_ = 0;                     // the deadline timer entry, if any
  std::atomic<bool> timer_done_{false};  // the timer entry ran and no longer touches the watch
  AfterFuncHandle fallback_;  // chains of more than kInlineFlags flags
  bool uses_fallback_ = false;
};

}  // namespace kiln

#endif  // KILN_API_CONTEXT_H_
