#!/usr/bin/env bash
# Runs the cache_dir example twice on one empty directory: the first run must compile and
# store, the second must load without compiling, and both must compute the same answer.
set -uo pipefail

example=$1
wasm=$2
cache="${TEST_TMPDIR:-$(mktemp -d)}/cache"
rm -rf "$cache"
failures=0

check_run() {
  local want_first_line=$1
  local out
  out=$("$example" "$wasm" "$cache")
  local status=$?
  if [[ $status -ne 0 ]]; then
    echo "FAIL: cache_dir exited $status" >&2
    failures=$((failures + 1))
    return
  fi
  local want
  want=$(printf '%s\nfib(90) = 2880067194370816120' "$want_first_line")
  if [[ "$out" != "$want" ]]; then
    printf 'FAIL: cache_dir printed\n%s\nwant\n%s\n' "$out" "$want" >&2
    failures=$((failures + 1))
  fi
}

check_run "compiled fib.wasm and stored it in $cache"
if [[ -z "$(ls -A "$cache" 2>/dev/null)" ]]; then
  echo "FAIL: the first run left $cache empty" >&2
  failures=$((failures + 1))
fi
check_run "loaded fib.wasm from $cache without compiling"

[[ $failures -eq 0 ]] || exit 1
echo "cache_dir: compiled once, loaded the second time"
