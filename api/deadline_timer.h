// DeadlineTimer runs callbacks at points in time, for Context::AfterFunc's deadlines. One
// process-wide timer thread, started on first use, sleeps until the earliest scheduled
// deadline (a condition-variable wait with that deadline, woken early only when an earlier
// one is scheduled), so a deadline fires within the scheduler's wake-up latency and an idle
// process wakes up never:
//   DeadlineTimer::Id id = DeadlineTimer::Global().Schedule(absl::Now() + absl::Seconds(1),
//                                                           [] { ... });
//   bool cancelled_in_time = DeadlineTimer::Global().Cancel(id);
// Callbacks run on the timer thread, one at a time, without the timer's lock held: they must
// be short (they may schedule and cancel).
#ifndef KILN_API_DEADLINE_TIMER_H_
#define KILN_API_DEADLINE_TIMER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace kiln {

// DeadlineTimer is a set of (deadline, callback) entries served by one thread.
class DeadlineTimer {
 public:
  using Id = uint64_t;

  // Global is the process-wide timer (never destroyed).
  static DeadlineTimer& Global();

  DeadlineTimer() = default;
  DeadlineTimer(const DeadlineTimer&) = delete;
  DeadlineTimer& operator=(const DeadlineTimer&) = delete;

  // Schedule runs `fire` on the timer thread once `deadline` has passed (soon, if it already
  // has). The returned id is never 0.
  Id Schedule(absl::Time deadline, std::function<void()> fire) ABSL_LOCKS_EXCLUDED(mu_);

  // Cancel removes entry `id`; true when it had not started to run (it never will).
  bool Cancel(Id id) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // Run is the timer thread's loop.
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  absl::Mutex mu_;
  absl::CondVar wake_;
  bool thread_started_ ABSL_GUARDED_BY(mu_) = false;
  // sleeping_until_ is when the timer thread will next wake by itself: only an earlier new
  // deadline needs to wake it (a call per registration would cost a context switch each).
  absl::Time sleeping_until_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  Id next_id_ ABSL_GUARDED_BY(mu_) = 1;
  // Entries by (deadline, id): the first is the next to fire; ids keep equal deadlines apart.
  std::map<std::pair<absl::Time, Id>, std::function<void()>> entries_ ABSL_GUARDED_BY(mu_);
  std::map<Id, absl::Time> deadlines_ ABSL_GUARDED_BY(mu_);  // id → its key in entries_
};

}  // namespace kiln

#endif  // KILN_API_DEADLINE_TIMER_H_
