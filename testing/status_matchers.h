// Catch2 helpers for absl::Status: a printer so failures show the status text, and the
// StatusIs(code, substring) matcher used across kiln's tests.
#ifndef KILN_TESTING_STATUS_MATCHERS_H_
#define KILN_TESTING_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catch2/catch.hpp"

namespace Catch {
template <>
struct StringMaker<absl::Status> {
  static std::string convert(const absl::Status& status) { return status.ToString(); }
};
}  // namespace Catch

namespace kiln::testing {

// Bless is true when the test binary runs with --bless (see test_main.cc).
bool Bless();

// StatusIsMatcher accepts a status with the given code whose message contains `substring`.
class StatusIsMatcher : public Catch::MatcherBase<absl::Status> {
 public:
  StatusIsMatcher(absl::StatusCode code, std::string substring)
      : code_(code), substring_(std::move(substring)) {}

  bool match(const absl::Status& status) const override {
    return status.code() == code_ &&
           std::string(status.message()).find(substring_) != std::string::npos;
  }

  std::string describe() const override {
    return "is " + absl::StatusCodeToString(code_) + " containing \"" + substring_ + "\"";
  }

 private:
  absl::StatusCode code_;
  std::string substring_;
};

// StatusIs matches a status by code and a substring of its message.
inline StatusIsMatcher StatusIs(absl::StatusCode code, std::string substring = "") {
  return StatusIsMatcher(code, std::move(substring));
}

// IsOk matches an OK status.
inline StatusIsMatcher IsOk() { return StatusIsMatcher(absl::StatusCode::kOk, ""); }

}  // namespace kiln::testing

#endif  // KILN_TESTING_STATUS_MATCHERS_H_
