// Walks trap_codes.def: tokens and messages are unique, tokens round-trip through the lookup,
// and the messages are the spec's texts that assert_trap matches.
#include "runtime/trap/trap_codes.h"

#include <set>
#include <string>

#include "catch2/catch.hpp"

namespace kiln::trap {
namespace {

TEST_CASE("every trap code token round-trips and messages are unique", "[trap]") {
  std::set<std::string_view> tokens;
  std::set<std::string_view> messages;
  for (int i = 0; i < kNumTrapCodes; ++i) {
    auto code = static_cast<TrapCode>(i);
    CAPTURE(i);
    CHECK(tokens.insert(TrapCodeToken(code)).second);
    CHECK(messages.insert(TrapMessage(code)).second);
    auto found = LookupTrapCodeToken(TrapCodeToken(code));
    REQUIRE(found.has_value());
    CHECK(*found == code);
  }
  CHECK_FALSE(LookupTrapCodeToken("integer divide by zero").has_value());
}

TEST_CASE("trap messages are the spec's texts", "[trap]") {
  CHECK(TrapMessage(TrapCode::kIntegerDivideByZero) == "integer divide by zero");
  CHECK(TrapMessage(TrapCode::kOutOfBoundsMemoryAccess) == "out of bounds memory access");
  CHECK(TrapMessage(TrapCode::kIndirectCallTypeMismatch) == "indirect call type mismatch");
  CHECK(TrapMessage(TrapCode::kCallStackExhausted) == "call stack exhausted");
  CHECK(TrapCodeToken(TrapCode::kUninitializedElement) == "uninitialized_element");
}

}  // namespace
}  // namespace kiln::trap
