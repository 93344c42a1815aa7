// KILN_RETURN_IF_ERROR and KILN_ASSIGN_OR_RETURN: the early-return helpers that Abseil 20220623
// does not ship. Every boundary that input can break (decode, validate, parse, link) returns
// absl::Status or absl::StatusOr<T> and uses these to pass errors up unchanged.
#ifndef KILN_COMPILER_BASE_STATUS_MACROS_H_
#define KILN_COMPILER_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KILN_STATUS_CONCAT_INNER_(a, b) a##b
#define KILN_STATUS_CONCAT_(a, b) KILN_STATUS_CONCAT_INNER_(a, b)

// KILN_RETURN_IF_ERROR(expr) returns the status of `expr` from the enclosing function when it
// is not OK.
#define KILN_RETURN_IF_ERROR(expr)                                                   \
  do {                                                                               \
    ::absl::Status kiln_status_ = (expr);                                            \
    if (ABSL_PREDICT_FALSE(!kiln_status_.ok())) return kiln_status_;                 \
  } while (false)

// KILN_ASSIGN_OR_RETURN(lhs, expr) evaluates the StatusOr `expr`; on error it returns the
// status, otherwise it moves the value into `lhs` (which may be a declaration).
#define KILN_ASSIGN_OR_RETURN(lhs, expr) \
  KILN_ASSIGN_OR_RETURN_IMPL_(KILN_STATUS_CONCAT_(kiln_statusor_, __LINE__), lhs, expr)

#define KILN_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)             \
  auto statusor = (expr);                                            \
  if (ABSL_PREDICT_FALSE(!statusor.ok())) return statusor.status();  \
  lhs = std::move(statusor).value()

#endif  // KILN_COMPILER_BASE_STATUS_MACROS_H_
