// The spectest runner's --ssa-only mode: translate every function of every valid module in
// .wast scripts to SSA, verify it, run the optimization pipeline with the verifier after each
// pass, and count what verified and what failed. Modules that do not parse, decode or validate
// (assert_malformed, assert_invalid) are skipped: only valid modules have an SSA form. Nothing
// is executed.
#ifndef KILN_SPECTEST_SSA_RUNNER_H_
#define KILN_SPECTEST_SSA_RUNNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiln::spectest {

// SsaTally counts the outcome of --ssa-only over one or more files.
struct SsaTally {
  int64_t modules = 0;    // valid modules translated
  int64_t skipped_modules = 0;   // assertion modules that do not parse, decode or validate
  int64_t rejected_modules = 0;  // plain `module` commands that do not: a bug elsewhere
  int64_t functions = 0;  // defined functions attempted
  int64_t verified = 0;   // translated, verified, and verified after every pass
  int64_t failed = 0;
  int64_t instructions_before = 0;  // SSA instructions right after translation
  int64_t instructions_after = 0;   // ... and after the pipeline
  absl::Duration translate_time;    // the frontend alone
  absl::Duration verify_time;       // the verifier on the frontend's output
  absl::Duration pass_time;         // the pipeline, with its verifier after each pass
  // failures lists "file:line: function: error" for the first failures (capped).
  std::vector<std::string> failures;

  void Add(const SsaTally& other);
};

// SsaOptions choose what --ssa-only does to each function.
struct SsaOptions {
  bool run_passes = true;  // run the pipeline after translating
};

// RunSsaFile translates the valid modules of one .wast file.
SsaTally RunSsaFile(const std::string& path, absl::string_view display_name,
                    const SsaOptions& options);

// SsaFileSummary is the per-file line: "core-2.0/i32.wast: 3 modules, 85 functions, 0 failed".
std::string SsaFileSummary(absl::string_view display_name, const SsaTally& tally);

// SsaTotalLines are the closing lines: timing, sizes, then "ssa: N functions verified, F
// failed" last.
std::vector<std::string> SsaTotalLines(const SsaTally& tally);

}  // namespace kiln::spectest

#endif  // KILN_SPECTEST_SSA_RUNNER_H_
