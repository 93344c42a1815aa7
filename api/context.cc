// kiln::Context: shared cancellation flags, deadlines, copy-on-write values, and the functions
// AfterFunc runs when a context is done.
#include "api/context.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/time/clock.h"
#include "api/deadline_timer.h"

namespace kiln {
namespace context_internal {

// AfterFuncState is one AfterFunc registration. Whoever moves `phase` out of kPending (the
// canceller, the timer, or Stop) owns `f`; the registrations it leaves in cancel states and
// the timer are then removed.
struct AfterFuncState {
  enum Phase : int { kPending, kStarted, kStopped };
  std::atomic<int> phase{kPending};
  std::function<void()> f;

  // A std::mutex rather than an absl::Mutex: every interruptible call takes these locks a few
  // times, never for long, and std::mutex's uncontended lock costs a fraction of absl's here.
  std::mutex mu;
  // One entry per flag in the context's chain (rarely more than two); guarded by mu once the
  // state is published (AfterFunc fills it before).
  absl::InlinedVector<std::weak_ptr<CancelState>, 2> registered;
  DeadlineTimer::Id timer = 0;                                      // guarded by mu
  bool unregistered = false;                                        // guarded by mu

  // Claim moves the phase from kPending to `to`; true for the one caller that does.
  bool Claim(Phase to) {
    int expected = kPending;
    return phase.compare_exchange_strong(expected, to, std::memory_order_acq_rel);
  }
};

// CancelState is one cancellation flag, with a link to the flag it inherits from and the
// AfterFunc registrations to run when it is cancelled.
struct CancelState {
  std::atomic<bool> cancelled{false};
  std::shared_ptr<CancelState> parent;

  std::mutex mu;  // std::mutex for the reason given at AfterFuncState::mu
  std::vector<std::shared_ptr<AfterFuncState>> after;  // guarded by mu
  ContextWatch::Link* watches = nullptr;                // guarded by mu: a doubly-linked list
};

namespace {

// Unregister removes `state` from every cancel state and from the timer.
void Unregister(const std::shared_ptr<AfterFuncState>& state) {
  absl::InlinedVector<std::weak_ptr<CancelState>, 2> registered;
  DeadlineTimer::Id timer = 0;
  {
    std::lock_guard<std::mutex> lock(state->mu);
    registered.swap(state->registered);
    timer = state->timer;
    state->timer = 0;
    state->unregistered = true;
  }
  if (timer != 0) DeadlineTimer::Global().Cancel(timer);
  for (const std::weak_ptr<CancelState>& weak : registered) {
    std::shared_ptr<CancelState> cancel = weak.lock();
    if (cancel == nullptr) continue;
    std::lock_guard<std::mutex> lock(cancel->mu);
    auto it = std::find(cancel->after.begin(), cancel->after.end(), state);
    if (it != cancel->after.end()) cancel->after.erase(it);
  }
}

// Fire runs the function of `state` unless it started or was stopped already.
void Fire(const std::shared_ptr<AfterFuncState>& state) {
  if (!state->Claim(AfterFuncState::kStarted)) return;
  Unregister(state);
  std::function<void()> f = std::move(state->f);
  f();
}

}  // namespace
}  // namespace context_internal

using context_internal::AfterFuncState;
using context_internal::CancelState;

bool AfterFuncHandle::Stop() {
  if (state_ == nullptr || !state_->Claim(AfterFuncState::kStopped)) return false;
  context_internal::Unregister(state_);
  state_->f = nullptr;  // release what it captured now
  return true;
}

AfterFuncHandle Context::AfterFunc(std::function<void()> f) const {
  auto state = std::make_shared<AfterFuncState>();
  state->f = std::move(f);
  // Register with this flag and every flag it inherits from: cancelling any of them makes this
  // context done. Checking `cancelled` under each flag's lock pairs with Cancel setting it
  // under the lock, so a concurrent Cancel either sees the registration or is seen here.
  bool done = false;
  // `registered` lists the whole chain before the state is published to any flag, so it needs
  // no lock of its own here: whoever reaches the state through a flag's list took that flag's
  // lock after this thread released it. Flags the loop stops short of are listed but hold no
  // entry, which Unregister tolerates. The chain is walked through the links this context
  // holds, without copying them (each copy is an atomic update on every call).
  for (const std::shared_ptr<CancelState>* link = &cancel_; *link != nullptr;
       link = &(*link)->parent) {
    state->registered.emplace_back(*link);
  }
  for (const std::shared_ptr<CancelState>* link = &cancel_; *link != nullptr && !done;
       link = &(*link)->parent) {
    CancelState* cancel = link->get();
    std::lock_guard<std::mutex> lock(cancel->mu);
    if (cancel->cancelled.load(std::memory_order_acquire)) {
      done = true;
    } else {
      cancel->after.push_back(state);
    }
  }
  if (!done && deadline_.has_value()) {
    if (absl::Now() >= *deadline_) {
      done = true;
    } else {
      std::weak_ptr<AfterFuncState> weak = state;
      DeadlineTimer::Id timer = DeadlineTimer::Global().Schedule(*deadline_, [weak] {
        if (std::shared_ptr<AfterFuncState> fired = weak.lock()) context_internal::Fire(fired);
      });
      bool stale = false;
      {
        std::lock_guard<std::mutex> lock(state->mu);
        // Fired or stopped meanwhile: the entry is no longer wanted.
        stale = state->unregistered;
        if (!stale) state->timer = timer;
      }
      if (stale) DeadlineTimer::Global().Cancel(timer);
    }
  }
  if (done) context_internal::Fire(state);
  return AfterFuncHandle(std::move(state));
}

Context::Context()
    : cancel_(std::make_shared<CancelState>()), values_(std::make_shared<const ValueMap>()) {}

void Context::Cancel() const {
  std::vector<std::shared_ptr<AfterFuncState>> due;
  // Watches are claimed under the lock: one claimed here cannot go away before its Fire
  // finishes (its Stop waits), and one not claimed is never touched again after the unlock.
  absl::InlinedVector<ContextWatch*, 4> due_watches;
  {
    std::lock_guard<std::mutex> lock(cancel_->mu);
    if (cancel_->cancelled.load(std::memory_order_relaxed)) return;
    cancel_->cancelled.store(true, std::memory_order_release);
    due.swap(cancel_->after);
    for (ContextWatch::Link* link = cancel_->watches; link != nullptr;) {
      ContextWatch::Link* next = link->next;
      link->prev = link->next = nullptr;
      link->linked = false;
      if (link->watch->Claim()) due_watches.push_back(link->watch);
      link = next;
    }
    cancel_->watches = nullptr;
  }
  for (const std::shared_ptr<AfterFuncState>& state : due) context_internal::Fire(state);
  for (ContextWatch* watch : due_watches) watch->Fire();
}

namespace {
constexpr int kWatchPending = 0;
constexpr int kWatchStarted = 1;
constexpr int kWatchStopped = 2;
}  // namespace

ContextWatch::ContextWatch(const Context& ctx, void (*fn)(void*), void* arg)
    : fn_(fn), arg_(arg) {
  int depth = 0;
  for (const CancelState* c = ctx.cancel_.get(); c != nullptr; c = c->parent.get()) ++depth;
  if (depth > kInlineFlags) {
    uses_fallback_ = true;
    fallback_ = ctx.AfterFunc([this] {
      fn_(arg_);
      finished_.store(true, std::memory_order_release);  // the last touch of this watch
    });
    return;
  }
  // Every link is set up before the first is published, so a canceller that claims the watch
  // early reads a complete, unchanging `links_` (UnlinkAll checks `linked` under each lock).
  num_links_ = depth;
  int i = 0;
  for (CancelState* c = ctx.cancel_.get(); c != nullptr; c = c->parent.get(), ++i) {
    links_[i].watch = this;
    links_[i].flag = c;
  }
  bool done = false;
  for (i = 0; i < num_links_ && !done; ++i) {
    Link& link = links_[i];
    CancelState* flag = link.flag;
    std::lock_guard<std::mutex> lock(flag->mu);
    if (flag->cancelled.load(std::memory_order_acquire)) {
      done = true;
    } else if (phase_.load(std::memory_order_acquire) == kWatchPending) {
      // Not yet claimed by a canceller of an earlier flag, whose UnlinkAll has then not reached
      // this flag yet (it claims before unlinking, and takes this lock to unlink).
      link.next = flag->watches;
      if (link.next != nullptr) link.next->prev = &link;
      flag->watches = &link;
      link.linked = true;
    }
  }
  if (!done && ctx.deadline_.has_value()) {
    if (absl::Now() >= *ctx.deadline_) {
      done = true;
    } else {
      // The entry reaches the watch by pointer: Stop cancels it, or waits for `timer_done_`,
      // the entry's last touch of the watch, when the timer has already taken it.
      timer_ = DeadlineTimer::Global().Schedule(*ctx.deadline_, [this] {
        if (Claim()) Fire();
        timer_done_.store(true, std::memory_order_release);
      });
    }
  }
  if (done && Claim()) Fire();
}

ContextWatch::~ContextWatch() {
  if (!stopped_) Stop();
}

bool ContextWatch::Claim() {
  int expected = kWatchPending;
  return phase_.compare_exchange_strong(expected, kWatchStarted, std::memory_order_acq_rel);
}

void ContextWatch::UnlinkAll() {
  for (int i = 0; i < num_links_; ++i) {
    Link& link = links_[i];
    std::lock_guard<std::mutex> lock(link.flag->mu);
    if (!link.linked) continue;
    if (link.prev != nullptr) {
      link.prev->next = link.next;
    } else {
      link.flag->watches = link.next;
    }
    if (link.next != nullptr) link.next->prev = link.prev;
    link.prev = link.next = nullptr;
    link.linked = false;
  }
}

void ContextWatch::Fire() {
  UnlinkAll();
  fn_(arg_);
  finished_.store(true, std::memory_order_release);  // the last touch of this watch
}

bool ContextWatch::Stop() {
  stopped_ = true;
  if (uses_fallback_) {
    if (fallback_.Stop()) return true;
    // Started: by a canceller or the deadline timer, which is running fn_ or has run it.
    while (!finished_.load(std::memory_order_acquire)) std::this_thread::yield();
    return false;
  }
  int expected = kWatchPending;
  const bool stopped =
      phase_.compare_exchange_strong(expected, kWatchStopped, std::memory_order_acq_rel);
  if (stopped) UnlinkAll();
  // A timer entry the timer has taken may still be about to look at the watch: wait for it.
  if (timer_ != 0 && !DeadlineTimer::Global().Cancel(timer_)) {
    while (!timer_done_.load(std::memory_order_acquire)) std::this_thread::yield();
  }
  if (stopped) return true;
  // Started: by a canceller or the deadline timer, which is running fn_ or has run it. It is
  // short, and this path is taken once per interruption, so a yielding wait is enough.
  while (!finished_.load(std::memory_order_acquire)) std::this_thread::yield();
  return false;
}

Context Context::WithCancel() const {
  Context child = *this;
  child.cancel_ = std::make_shared<CancelState>();
  child.cancel_->parent = cancel_;
  return child;
}

Context Context::WithDeadline(absl::Time deadline) const {
  Context child = *this;
  if (!deadline_.has_value() || deadline < *deadline_) child.deadline_ = deadline;
  return child;
}

Context Context::WithTimeout(absl::Duration timeout) const {
  return WithDeadline(absl::Now() + timeout);
}

Context Context::WithValue(absl::string_view key, std::any value) const {
  Context child = *this;
  auto values = std::make_shared<ValueMap>(*values_);
  (*values)[std::string(key)] = std::move(value);
  child.values_ = std::move(values);
  return child;
}

const std::any* Context::Value(absl::string_view key) const {
  auto it = values_->find(key);
  return it == values_->end() ? nullptr : &it->second;
}

bool Context::Cancelled() const {
  for (const CancelState* state = cancel_.get(); state != nullptr; state = state->parent.get()) {
    if (state->cancelled.load(std::memory_order_acquire)) return true;
  }
  return false;
}

bool Context::Done(absl::Time now) const {
  return Cancelled() || (deadline_.has_value() && now >= *deadline_);
}

absl::Status Context::Err() const {
  if (Cancelled()) return absl::CancelledError("context canceled");
  if (deadline_.has_value() && absl::Now() >= *deadline_) {
    return absl::DeadlineExceededError("context deadline exceeded");
  }
  return absl::OkStatus();
}

}  // namespace kiln
