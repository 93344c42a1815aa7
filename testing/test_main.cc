// The single Catch2 runner shared by all kiln tests. It adds `--bless`, which filetest-style
// tests read through kiln::testing::Bless() to rewrite their expectations instead of checking.
#define CATCH_CONFIG_RUNNER
#include "catch2/catch.hpp"

#include "testing/status_matchers.h"

namespace kiln::testing {
namespace {
bool bless_flag = false;
}  // namespace

bool Bless() { return bless_flag; }

}  // namespace kiln::testing

int main(int argc, char* argv[]) {
  Catch::Session session;
  auto cli = session.cli() |
             Catch::clara::Opt(kiln::testing::bless_flag)["--bless"](
                 "rewrite expectations in the source tree instead of checking them");
  session.cli(cli);
  int rc = session.applyCommandLine(argc, argv);
  if (rc != 0) return rc;
  return session.run();
}
