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

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <utility>

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
  Id Schedule(absl::Time deadline, std::function<void()> fire);

  // Cancel removes entry `id`; true when it had not started to run (it never will).
  bool Cancel(Id id);

 private:
  // Run is the timer thread's loop.
  void Run();

  // A std::mutex rather than an absl::Mutex: an interruptible call with a deadline schedules
  // and cancels an entry, and std::mutex's uncontended lock costs a fraction of absl's here.
  std::mutex mu_;
  std::condition_variable wake_;
  // Everything below is guarded by mu_.
  bool thread_started_ = false;
  // sleeping_until_ is when the timer thread will next wake by itself: only an earlier new
  // deadline needs to wake it (a call per registration would cost a context switch each).
  absl::Time sleeping_until_ = absl::InfiniteFuture();
  Id next_id_ = 1;
  // Entries by (deadline, id): the first is the next to fire; ids keep equal deadlines apart.
  std::map<std::pair<absl::Time, Id>, std::function<void()>> entries_;
  std::map<Id, absl::Time> deadlines_;  // id → its key in entries_
};

}  // namespace kiln

#endif  // KILN_API_DEADLINE_TIMER_H_
