// The deadline timer's thread: wait for the earliest entry, run what is due, repeat.
#include "api/deadline_timer.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "absl/time/clock.h"

namespace kiln {

DeadlineTimer& DeadlineTimer::Global() {
  static DeadlineTimer* timer = new DeadlineTimer();
  return *timer;
}

DeadlineTimer::Id DeadlineTimer::Schedule(absl::Time deadline, std::function<void()> fire) {
  std::unique_lock<std::mutex> lock(mu_);
  Id id = next_id_++;
  entries_.emplace(std::make_pair(deadline, id), std::move(fire));
  deadlines_.emplace(id, deadline);
  if (!thread_started_) {
    thread_started_ = true;
    // The timer lives for the whole process (Global never destroys it).
    std::thread([this] { Run(); }).detach();
  } else if (deadline < sleeping_until_) {
    sleeping_until_ = deadline;  // the thread will wake and recompute it
    wake_.notify_one();
  }
  return id;
}

bool DeadlineTimer::Cancel(Id id) {
  std::unique_lock<std::mutex> lock(mu_);
  auto it = deadlines_.find(id);
  if (it == deadlines_.end()) return false;
  entries_.erase(std::make_pair(it->second, id));
  deadlines_.erase(it);
  return true;
}

void DeadlineTimer::Run() {
  std::vector<std::function<void()>> due;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      for (;;) {
        if (entries_.empty()) {
          sleeping_until_ = absl::InfiniteFuture();
          wake_.wait(lock);
          continue;
        }
        absl::Time now = absl::Now();
        absl::Time next = entries_.begin()->first.first;
        if (next <= now) break;
        sleeping_until_ = next;
        // A relative wait, capped so that no far-off deadline overflows a chrono duration;
        // the loop recomputes what is due after every wake-up.
        wake_.wait_for(lock, absl::ToChronoNanoseconds(std::min(next - now, absl::Hours(24))));
      }
      sleeping_until_ = absl::InfinitePast();  // awake: no need to signal
      absl::Time now = absl::Now();
      while (!entries_.empty() && entries_.begin()->first.first <= now) {
        auto first = entries_.begin();
        deadlines_.erase(first->first.second);
        due.push_back(std::move(first->second));
        entries_.erase(first);
      }
    }
    for (std::function<void()>& fire : due) fire();
    due.clear();
  }
}

}  // namespace kiln
