#include "api/clock.h"

#include <errno.h>
#include <sched.h>
#include <time.h>

#include <atomic>
#include <memory>

namespace kiln {

Walltime NewFakeWalltime() {
  auto readings = std::make_shared<std::atomic<int64_t>>(0);
  return [readings]() {
    int64_t elapsed = readings->fetch_add(1, std::memory_order_relaxed) * kFakeClockStepNanos;
    return WallTimestamp{kFakeWalltimeEpochSeconds + elapsed / 1'000'000'000,
                         static_cast<int32_t>(elapsed % 1'000'000'000)};
  };
}

Nanotime NewFakeNanotime() {
  auto readings = std::make_shared<std::atomic<int64_t>>(0);
  return [readings]() {
    return readings->fetch_add(1, std::memory_order_relaxed) * kFakeClockStepNanos;
  };
}

Nanosleep FakeNanosleep() {
  return [](int64_t) {};
}

Osyield FakeOsyield() {
  return [] {};
}

Walltime SysWalltime() {
  return [] {
    timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return WallTimestamp{static_cast<int64_t>(now.tv_sec), static_cast<int32_t>(now.tv_nsec)};
  };
}

Nanotime SysNanotime() {
  return [] {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  };
}

Nanosleep SysNanosleep() {
  return [](int64_t nanos) {
    if (nanos <= 0) return;
    timespec duration{static_cast<time_t>(nanos / 1'000'000'000),
                      static_cast<long>(nanos % 1'000'000'000)};
    // Resume after a signal interrupts the sleep, with the time that remained.
    while (nanosleep(&duration, &duration) != 0 && errno == EINTR) {
    }
  };
}

Osyield SysOsyield() {
  return [] { sched_yield(); };
}

}  // namespace kiln
