// Clocks a guest sees, as functions the embedder can replace (the C++ form of wazero's
// sys.Walltime, sys.Nanotime, sys.Nanosleep and Osyield). ModuleConfig holds one of each; WASI's
// clock_time_get, poll_oneoff and sched_yield call them.
//
// The defaults are fake and deterministic so a module behaves the same on every run: the fake
// wall clock starts at 2022-01-01T00:00:00Z and the fake monotonic clock at zero, and both
// advance by exactly one millisecond each time they are read; the fake sleep and yield return
// at once. The Sys* ones use the host's clocks. For example, real time but no sleeping:
//   config = config.WithSysWalltime().WithSysNanotime();
#ifndef KILN_API_CLOCK_H_
#define KILN_API_CLOCK_H_

#include <cstdint>
#include <functional>

namespace kiln {

// WallTimestamp is a point in wall-clock time: seconds since the Unix epoch plus nanoseconds
// in [0, 1e9).
struct WallTimestamp {
  int64_t seconds = 0;
  int32_t nanos = 0;
};

// Walltime reads the wall clock (it may jump, e.g. when the host's time is set).
using Walltime = std::function<WallTimestamp()>;

// Nanotime reads a monotonic clock in nanoseconds; only differences between readings mean
// anything.
using Nanotime = std::function<int64_t()>;

// Nanosleep suspends the calling thread for `nanos` nanoseconds (or returns at once when fake).
using Nanosleep = std::function<void(int64_t nanos)>;

// Osyield gives up the calling thread's processor for a moment.
using Osyield = std::function<void()>;

// ClockResolution is the granularity a clock reports, in nanoseconds (never zero).
using ClockResolution = uint64_t;

// kFakeClockStep is how far a fake clock advances per reading.
inline constexpr int64_t kFakeClockStepNanos = 1'000'000;
// kFakeWalltimeEpochSeconds is the fake wall clock's first reading: 2022-01-01T00:00:00Z.
inline constexpr int64_t kFakeWalltimeEpochSeconds = 1640995200;

// NewFakeWalltime returns a fresh fake wall clock: its first reading is
// kFakeWalltimeEpochSeconds, and each reading is kFakeClockStepNanos after the previous.
// Thread-safe; copies of the returned function share its state.
Walltime NewFakeWalltime();

// NewFakeNanotime returns a fresh fake monotonic clock: 0, then +kFakeClockStepNanos per read.
Nanotime NewFakeNanotime();

// FakeNanosleep returns at once; FakeOsyield does nothing.
Nanosleep FakeNanosleep();
Osyield FakeOsyield();

// SysWalltime, SysNanotime and SysNanosleep use the host (CLOCK_REALTIME, CLOCK_MONOTONIC,
// nanosleep); SysOsyield calls sched_yield.
Walltime SysWalltime();
Nanotime SysNanotime();
Nanosleep SysNanosleep();
Osyield SysOsyield();

}  // namespace kiln

#endif  // KILN_API_CLOCK_H_
