// KILN_CHECK and KILN_DCHECK: invariants of kiln itself, not of its input. A failed check is a
// kiln bug, so it prints file:line and the condition and aborts. Input errors never use these:
// they travel as absl::Status (see status_macros.h).
#ifndef KILN_COMPILER_BASE_CHECK_H_
#define KILN_COMPILER_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#include "absl/base/optimization.h"

namespace kiln::base {

// CheckFailed reports a broken invariant and aborts the process.
[[noreturn]] inline void CheckFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: KILN_CHECK failed: %s\n", file, line, condition);
  std::abort();
}

}  // namespace kiln::base

#define KILN_CHECK(condition)                                          \
  do {                                                                 \
    if (ABSL_PREDICT_FALSE(!(condition))) {                            \
      ::kiln::base::CheckFailed(__FILE__, __LINE__, #condition);       \
    }                                                                  \
  } while (false)

#ifdef NDEBUG
#define KILN_DCHECK(condition) \
  do {                         \
  } while (false && (condition))
#else
#define KILN_DCHECK(condition) KILN_CHECK(condition)
#endif

#endif  // KILN_COMPILER_BASE_CHECK_H_
