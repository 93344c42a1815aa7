#!/usr/bin/env bash
# expect_output.sh EXPECTED COMMAND [ARGS...]: runs COMMAND and fails unless it exits 0 and its
# standard output is exactly the contents of the file EXPECTED. Each example's test uses it, so
# an example that stops printing what docs/embedding.md shows fails the build.
set -uo pipefail

expected=$1
shift
actual="${TEST_TMPDIR:-$(mktemp -d)}/actual_output"
"$@" >"$actual"
status=$?
if [[ $status -ne 0 ]]; then
  echo "FAIL: '$*' exited $status" >&2
  cat "$actual" >&2
  exit 1
fi
if ! diff -u "$expected" "$actual"; then
  echo "FAIL: '$*' printed something else (diff above: - expected, + actual)" >&2
  exit 1
fi
echo "ok: $*"
