// Trap statuses keep the spec text first and carry their code.
#include "runtime/trap/trap_error.h"

#include "catch2/catch.hpp"
#include "testing/status_matchers.h"

namespace kiln::trap {
namespace {

TEST_CASE("a trap status starts with the spec message and carries its code", "[trap]") {
  absl::Status status = TrapError(TrapCode::kIntegerDivideByZero, "  at m.$0+0x3");
  CHECK(status.code() == absl::StatusCode::kAborted);
  CHECK(status.message() == "integer divide by zero\n  at m.$0+0x3");
  REQUIRE(TrapCodeOf(status).has_value());
  CHECK(*TrapCodeOf(status) == TrapCode::kIntegerDivideByZero);
}

TEST_CASE("call stack exhaustion is a resource-exhausted trap", "[trap]") {
  absl::Status status = TrapError(TrapCode::kCallStackExhausted);
  CHECK(status.code() == absl::StatusCode::kResourceExhausted);
  CHECK(status.message() == "call stack exhausted");
  CHECK(TrapCodeOf(status) == TrapCode::kCallStackExhausted);
}

TEST_CASE("statuses that are not traps have no trap code", "[trap]") {
  CHECK_FALSE(TrapCodeOf(absl::OkStatus()).has_value());
  CHECK_FALSE(TrapCodeOf(absl::AbortedError("integer divide by zero")).has_value());
}

}  // namespace
}  // namespace kiln::trap
