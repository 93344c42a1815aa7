// kiln::Context: cancellation shared by copies and inherited by derived contexts, deadlines
// that only tighten, and values that derived contexts add without touching their parent.
#include "api/context.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln {
namespace {

using ::kiln::testing::IsOk;
using ::kiln::testing::StatusIs;

TEST_CASE("a background context is live", "[api][context]") {
  const Context ctx = Context::Background();
  CHECK_FALSE(ctx.Done());
  CHECK_FALSE(ctx.Cancelled());
  CHECK_FALSE(ctx.Deadline().has_value());
  CHECK(ctx.Value("anything") == nullptr);
  CHECK_THAT(ctx.Err(), IsOk());
}

TEST_CASE("cancelling a context reaches its copies and descendants", "[api][context]") {
  const Context root;
  const Context copy = root;
  const Context valued = root.WithValue("k", 1);
  const Context child = root.WithCancel();
  root.Cancel();
  CHECK(copy.Done());
  CHECK(valued.Done());
  CHECK(child.Done());
  CHECK_THAT(child.Err(), StatusIs(absl::StatusCode::kCancelled, "context canceled"));
}

TEST_CASE("cancelling a WithCancel child leaves the parent live", "[api][context]") {
  const Context root;
  const Context child = root.WithCancel();
  const Context grandchild = child.WithCancel();
  child.Cancel();
  CHECK(child.Cancelled());
  CHECK(grandchild.Cancelled());
  CHECK_FALSE(root.Cancelled());
}

TEST_CASE("cancellation from another thread is seen", "[api][context]") {
  const Context ctx;
  std::thread canceller([ctx] { ctx.Cancel(); });
  canceller.join();
  CHECK(ctx.Cancelled());
}

TEST_CASE("a deadline makes the context done once it passes", "[api][context]") {
  const absl::Time deadline = absl::Now() + absl::Hours(1);
  const Context ctx = Context().WithDeadline(deadline);
  REQUIRE(ctx.Deadline().has_value());
  CHECK(*ctx.Deadline() == deadline);
  CHECK_FALSE(ctx.Done(deadline - absl::Seconds(1)));
  CHECK(ctx.Done(deadline));
  CHECK_FALSE(ctx.Cancelled());

  SECTION("a later deadline does not extend it") {
    CHECK(*ctx.WithDeadline(deadline + absl::Hours(1)).Deadline() == deadline);
  }
  SECTION("an earlier deadline tightens it") {
    CHECK(*ctx.WithDeadline(deadline - absl::Hours(2)).Deadline() < deadline);
  }
  SECTION("an expired timeout reports deadline exceeded") {
    const Context expired = ctx.WithTimeout(absl::ZeroDuration() - absl::Seconds(1));
    CHECK(expired.Done());
    CHECK_THAT(expired.Err(),
               StatusIs(absl::StatusCode::kDeadlineExceeded, "context deadline exceeded"));
  }
}

TEST_CASE("values are inherited and shadowed without changing the parent", "[api][context]") {
  const Context parent = Context().WithValue("logger", std::string("stderr"));
  const Context child = parent.WithValue("request", 7).WithValue("logger", std::string("file"));

  REQUIRE(child.Value("request") != nullptr);
  CHECK(std::any_cast<int>(*child.Value("request")) == 7);
  CHECK(std::any_cast<std::string>(*child.Value("logger")) == "file");
  CHECK(std::any_cast<std::string>(*parent.Value("logger")) == "stderr");
  CHECK(parent.Value("request") == nullptr);
}

TEST_CASE("AfterFunc runs once when the context is cancelled, on the cancelling thread",
          "[api][context][after_func]") {
  const Context ctx;
  std::atomic<int> runs{0};
  std::thread::id ran_on;
  AfterFuncHandle handle = ctx.AfterFunc([&] {
    ran_on = std::this_thread::get_id();
    runs.fetch_add(1);
  });
  CHECK(runs.load() == 0);
  std::thread canceller([&] { ctx.Cancel(); });
  std::thread::id canceller_id = canceller.get_id();
  canceller.join();
  CHECK(runs.load() == 1);
  CHECK(ran_on == canceller_id);
  ctx.Cancel();
  CHECK(runs.load() == 1);
  CHECK_FALSE(handle.Stop());  // it ran
}

TEST_CASE("AfterFunc is reached by a parent's cancellation, not a child's",
          "[api][context][after_func]") {
  const Context parent;
  const Context child = parent.WithCancel().WithValue("k", 1);
  const Context grandchild = child.WithCancel();
  int on_parent = 0, on_grandchild = 0;
  AfterFuncHandle parent_handle = parent.AfterFunc([&] { ++on_parent; });
  AfterFuncHandle grandchild_handle = grandchild.AfterFunc([&] { ++on_grandchild; });
  grandchild.Cancel();
  CHECK(on_grandchild == 1);
  CHECK(on_parent == 0);

  int on_child = 0;
  AfterFuncHandle child_handle = child.AfterFunc([&] { ++on_child; });
  parent.Cancel();
  CHECK(on_parent == 1);
  CHECK(on_child == 1);
  CHECK(on_grandchild == 1);
}

TEST_CASE("AfterFunc runs immediately on a context that is already done",
          "[api][context][after_func]") {
  int runs = 0;
  const Context cancelled;
  cancelled.Cancel();
  AfterFuncHandle a = cancelled.AfterFunc([&] { ++runs; });
  CHECK(runs == 1);
  const Context expired = Context().WithDeadline(absl::Now() - absl::Seconds(1));
  AfterFuncHandle b = expired.AfterFunc([&] { ++runs; });
  CHECK(runs == 2);
  const Context inherited = cancelled.WithCancel();
  AfterFuncHandle c = inherited.AfterFunc([&] { ++runs; });
  CHECK(runs == 3);
  CHECK_FALSE(a.Stop());
}

TEST_CASE("Stop prevents AfterFunc from running, once", "[api][context][after_func]") {
  const Context ctx = Context().WithTimeout(absl::Milliseconds(20));
  std::atomic<int> runs{0};
  AfterFuncHandle handle = ctx.AfterFunc([&] { runs.fetch_add(1); });
  CHECK(handle.Stop());
  CHECK_FALSE(handle.Stop());
  ctx.Cancel();
  absl::SleepFor(absl::Milliseconds(40));  // past the deadline too
  CHECK(runs.load() == 0);
  CHECK_FALSE(AfterFuncHandle().Stop());
}

TEST_CASE("AfterFunc runs at the deadline on the timer thread, earliest first",
          "[api][context][after_func]") {
  // Registered latest-deadline first: the timer must wake early for each earlier one.
  absl::Time start = absl::Now();
  absl::Mutex mu;
  std::vector<int> order;
  std::vector<absl::Duration> late;
  std::vector<AfterFuncHandle> handles;
  const int delays_ms[] = {120, 60, 30};
  for (int i = 0; i < 3; ++i) {
    absl::Time deadline = start + absl::Milliseconds(delays_ms[i]);
    const Context ctx = Context().WithDeadline(deadline);
    handles.push_back(ctx.AfterFunc([&, i, deadline] {
      absl::MutexLock lock(&mu);
      order.push_back(i);
      late.push_back(absl::Now() - deadline);
    }));
  }
  // One registration that is stopped before its deadline never runs.
  const Context stopped = Context().WithTimeout(absl::Milliseconds(40));
  bool stopped_ran = false;
  AfterFuncHandle stopped_handle = stopped.AfterFunc([&] { stopped_ran = true; });
  REQUIRE(stopped_handle.Stop());

  absl::Time give_up = start + absl::Seconds(5);
  for (;;) {
    {
      absl::MutexLock lock(&mu);
      if (order.size() == 3 || absl::Now() > give_up) break;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  absl::MutexLock lock(&mu);
  REQUIRE(order.size() == 3);
  CHECK(order == std::vector<int>{2, 1, 0});
  for (absl::Duration d : late) {
    CHECK(d >= absl::ZeroDuration());
    CHECK(d < absl::Milliseconds(50));  // generous: catches polling or a missed wake-up
  }
  CHECK_FALSE(stopped_ran);
  for (AfterFuncHandle& handle : handles) CHECK_FALSE(handle.Stop());
}

TEST_CASE("AfterFunc registrations from many threads each run once on cancel",
          "[api][context][after_func]") {
  const Context ctx;
  std::atomic<int> runs{0};
  std::atomic<int> stopped{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        AfterFuncHandle handle = ctx.AfterFunc([&] { runs.fetch_add(1); });
        if ((i + t) % 2 == 0 && handle.Stop()) stopped.fetch_add(1);
      }
    });
  }
  std::thread canceller([&] {
    absl::SleepFor(absl::Microseconds(200));
    ctx.Cancel();
  });
  for (std::thread& thread : threads) thread.join();
  canceller.join();
  // Every registration either ran exactly once or was stopped.
  CHECK(runs.load() + stopped.load() == 2000);
}

// Counter is the function a ContextWatch runs in these tests.
struct Counter {
  std::atomic<int> runs{0};
  static void Count(void* self) { static_cast<Counter*>(self)->runs.fetch_add(1); }
};

TEST_CASE("ContextWatch runs once when a parent is cancelled from another thread",
          "[api][context][watch]") {
  const Context parent;
  const Context child = parent.WithCancel().WithValue("k", 1);
  Counter counter;
  ContextWatch watch(child, &Counter::Count, &counter);
  CHECK(counter.runs.load() == 0);
  std::thread canceller([&] { parent.Cancel(); });
  canceller.join();
  CHECK(counter.runs.load() == 1);
  CHECK_FALSE(watch.Stop());
  parent.Cancel();
  child.Cancel();
  CHECK(counter.runs.load() == 1);
}

TEST_CASE("ContextWatch Stop before cancellation keeps the function from running",
          "[api][context][watch]") {
  const Context ctx;
  Counter counter;
  {
    ContextWatch watch(ctx, &Counter::Count, &counter);
    CHECK(watch.Stop());
  }
  { ContextWatch unstopped(ctx, &Counter::Count, &counter); }  // the destructor stops it
  ctx.Cancel();
  CHECK(counter.runs.load() == 0);
}

TEST_CASE("ContextWatch on a context that is already done runs at once",
          "[api][context][watch]") {
  const Context ctx;
  ctx.Cancel();
  Counter counter;
  ContextWatch watch(ctx.WithCancel(), &Counter::Count, &counter);
  CHECK(counter.runs.load() == 1);
  CHECK_FALSE(watch.Stop());
}

TEST_CASE("ContextWatch fires at the deadline and through long chains",
          "[api][context][watch]") {
  Counter counter;
  const Context timed = Context().WithTimeout(absl::Milliseconds(5));
  ContextWatch watch(timed, &Counter::Count, &counter);
  absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (counter.runs.load() == 0 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(1));
  CHECK(counter.runs.load() == 1);
  CHECK_FALSE(watch.Stop());

  const Context root;
  Context deep = root;
  for (int i = 0; i < ContextWatch::kInlineFlags + 2; ++i) deep = deep.WithCancel();
  Counter deep_counter;
  ContextWatch deep_watch(deep, &Counter::Count, &deep_counter);
  root.Cancel();
  CHECK(deep_counter.runs.load() == 1);
  CHECK_FALSE(deep_watch.Stop());
}

TEST_CASE("ContextWatch stopped before its deadline never runs; racing deadlines run once",
          "[api][context][watch]") {
  Counter counter;
  {
    ContextWatch watch(Context().WithTimeout(absl::Milliseconds(5)), &Counter::Count, &counter);
    CHECK(watch.Stop());
  }
  absl::SleepFor(absl::Milliseconds(20));
  CHECK(counter.runs.load() == 0);

  // Deadlines that pass while watches register and stop, on several threads.
  std::atomic<int> runs{0};
  std::atomic<int> stopped{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        const Context ctx = Context().WithTimeout(absl::Microseconds(i % 50));
        Counter each;
        ContextWatch watch(ctx, &Counter::Count, &each);
        if (i % 3 == 0) absl::SleepFor(absl::Microseconds(20));
        if (watch.Stop()) {
          stopped.fetch_add(1);
          CHECK(each.runs.load() == 0);
        } else {
          runs.fetch_add(1);
          CHECK(each.runs.load() == 1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(runs.load() + stopped.load() == 8000);
  CHECK(runs.load() > 0);
}

TEST_CASE("ContextWatch Stop returns only after a running function has returned",
          "[api][context][watch]") {
  struct Slow {
    std::atomic<bool> started{false};
    std::atomic<bool> returned{false};
    static void Run(void* self) {
      auto* slow = static_cast<Slow*>(self);
      slow->started.store(true);
      absl::SleepFor(absl::Milliseconds(30));
      slow->returned.store(true);
    }
  };
  const Context ctx;
  Slow slow;
  ContextWatch watch(ctx, &Slow::Run, &slow);
  std::thread canceller([&] { ctx.Cancel(); });
  while (!slow.started.load()) std::this_thread::yield();
  CHECK_FALSE(watch.Stop());
  CHECK(slow.returned.load());
  canceller.join();
}

TEST_CASE("ContextWatches from many threads each run once or are stopped",
          "[api][context][watch]") {
  const Context root;
  const Context child = root.WithCancel();
  std::atomic<int> runs{0};
  std::atomic<int> stopped{0};
  std::atomic<int> total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      // Until the cancellation and a little after it: watches registered on a done context
      // run at once, so some runs are certain.
      int after_cancel = 0;
      for (int i = 0; after_cancel < 100; ++i) {
        if (root.Cancelled()) ++after_cancel;
        total.fetch_add(1);
        Counter counter;
        const Context& ctx = (i + t) % 2 == 0 ? root : child;
        ContextWatch watch(ctx, &Counter::Count, &counter);
        if (watch.Stop()) {
          stopped.fetch_add(1);
          CHECK(counter.runs.load() == 0);
        } else {
          CHECK(counter.runs.load() == 1);
          runs.fetch_add(1);
        }
      }
    });
  }
  std::thread canceller([&] {
    absl::SleepFor(absl::Microseconds(300));
    root.Cancel();
  });
  for (std::thread& thread : threads) thread.join();
  canceller.join();
  CHECK(runs.load() + stopped.load() == total.load());
  CHECK(runs.load() >= 4 * 100);
}

}  // namespace
}  // namespace kiln
