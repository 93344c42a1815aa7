// The spec suite's `spectest` host module, which every .wast script may import from (as the
// reference interpreter's spectest.ml defines it):
//   print, print_i32, print_i64, print_f32, print_f64, print_i32_f32, print_f64_f64
//                 functions of those parameter types and no results;
//   global_i32 = 666, global_i64 = 666, global_f32 = 666.6, global_f64 = 666.6 (immutable);
//   table         funcref, 10 to 20 elements;
//   memory        1 to 2 pages.
// The print functions hand their text ("42 : i32", one line per call) to an optional sink;
// the runner passes none, so scripts print nothing into its report.
#ifndef KILN_SPECTEST_SPECTEST_HOST_H_
#define KILN_SPECTEST_SPECTEST_HOST_H_

#include <functional>
#include <string>

#include "absl/strings/string_view.h"
#include "runtime/engine/host_module.h"

namespace kiln::spectest {

// kSpectestModuleName is the import module name scripts use.
inline constexpr absl::string_view kSpectestModuleName = "spectest";

// PrintSink receives one line of text per print call.
using PrintSink = std::function<void(absl::string_view line)>;

// MakeSpectestModule describes the `spectest` module; `print` may be empty.
runtime::HostModule MakeSpectestModule(PrintSink print = {});

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_SPECTEST_HOST_H_
