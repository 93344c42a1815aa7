// kiln::Context: cancellation shared by copies and inherited by derived contexts, deadlines
// that only tighten, and values that derived contexts add without touching their parent.
#include "api/context.h"

#include <string>
#include <thread>

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

}  // namespace
}  // namespace kiln
