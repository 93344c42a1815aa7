#!/usr/bin/env bash
# Runs every kiln test: all Bazel test targets, then the spec-suite runner over the WebAssembly
# 2.0 suite. Ends with one line, `tests: N passed, N failed`, counting test targets and spec
# commands (skipped spec commands are reported by the runner, never counted as passed).
#
# The suite is found through KILN_SPECTEST_DIR, defaulting to ../shared/spectest beside the
# checkout. Usage: tools/test.sh [extra bazel flags]
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [[ -z "${KILN_SPECTEST_DIR:-}" && -d "$root/../shared/spectest" ]]; then
  KILN_SPECTEST_DIR=$(cd "$root/../shared/spectest" && pwd)
fi
export KILN_SPECTEST_DIR="${KILN_SPECTEST_DIR:-}"

log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

# -c opt everywhere: one build serves the unit tests and the spec runner.
bazel test -c opt --keep_going "$@" //... 2>&1 | tee "$log_dir/bazel_test.log"
targets_passed=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log_dir/bazel_test.log")
targets_failed=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|FLAKY)|FAILED TO BUILD' "$log_dir/bazel_test.log")
if ! grep -qE '^//' "$log_dir/bazel_test.log"; then
  # Nothing was reported per target: the build itself broke. Count that as one failure.
  targets_failed=$((targets_failed + 1))
fi

spec_passed=0
spec_failed=0
if [[ -n "$KILN_SPECTEST_DIR" && -d "$KILN_SPECTEST_DIR/core-2.0" ]]; then
  bazel run -c opt "$@" //spectest -- --json="$log_dir/spectest.json" \
    "$KILN_SPECTEST_DIR/core-2.0" 2>&1 | tee "$log_dir/spectest.log"
  summary=$(grep -E '^spectest: ' "$log_dir/spectest.log" | tail -n 1)
  if [[ -n "$summary" ]]; then
    spec_passed=$(sed -E 's/^spectest: ([0-9]+) passed.*/\1/' <<<"$summary")
    spec_failed=$(sed -E 's/^spectest: [0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")
  else
    echo "spectest: the runner printed no summary" >&2
    spec_failed=$((spec_failed + 1))
  fi
else
  echo "spectest: suite not found; set KILN_SPECTEST_DIR (expected \$KILN_SPECTEST_DIR/core-2.0)" >&2
  spec_failed=$((spec_failed + 1))
fi

echo "test targets: $targets_passed passed, $targets_failed failed; spec commands: $spec_passed passed, $spec_failed failed"
echo "tests: $((targets_passed + spec_passed)) passed, $((targets_failed + spec_failed)) failed"
[[ $((targets_failed + spec_failed)) -eq 0 ]]
