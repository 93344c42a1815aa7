#!/usr/bin/env bash
# Runs `kiln cache explain|list|prune` on a cache directory filled by `kiln compile --cache-dir`
# and damaged by hand (truncated, a flipped byte, a foreign file), and checks what the
# commands print, that `kiln run --cache-dir` replaces a damaged entry, and the exit codes.
set -uo pipefail

kiln=tools/kiln
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_exit CODE COMMAND...: runs COMMAND, keeping its stdout in $tmp/out and stderr in
# $tmp/err, and checks the exit code.
expect_exit() {
  local want=$1
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "'$*' exited $got, want $want; stdout: $(cat "$tmp/out") stderr: $(cat "$tmp/err")"
  fi
}

# expect_out TEXT: the last command's stdout contains TEXT (a fixed string).
expect_out() {
  grep -qF -- "$1" "$tmp/out" || fail "expected '$1' in: $(cat "$tmp/out")"
}

cat >"$tmp/add.wat" <<'WAT'
(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))
WAT
cache="$tmp/cache"
rm -rf "$cache"

# -- one entry, explained ------------------------------------------------------------------
expect_exit 0 "$kiln" compile --cache-dir "$cache" "$tmp/add.wat"
entries=("$cache"/*.kiln)
[[ ${#entries[@]} -eq 1 ]] || fail "expected one entry, found: $(ls -a "$cache")"
entry="${entries[0]}"

expect_exit 0 "$kiln" cache explain "$entry"
[[ "$(sed -n 2p "$tmp/out")" == module-sha256:* ]] || fail "explain starts: $(head -3 "$tmp/out")"
expect_out "compiler-version: 0.1.0-dev "
expect_out "interrupt-checks: off"
expect_out "checksum and format: valid"
expect_out "  matches the running configuration"
expect_exit 0 "$kiln" cache explain "$entry" --module "$tmp/add.wat"
expect_out "  matches the running configuration"

expect_exit 0 "$kiln" cache explain --interrupt-checks --opt-level 0 "$entry"
expect_out "2 fields differ (entry vs running):"
expect_out "    interrupt-checks: off vs on"
expect_out "    optimization-level: 1 vs 0"

# The same module compiled with interrupt checks is another entry, matching those flags.
expect_exit 0 "$kiln" compile --cache-dir "$cache" --interrupt-checks "$tmp/add.wat"
[[ $(ls "$cache" | grep -c '\.kiln$') -eq 2 ]] || fail "expected two entries: $(ls "$cache")"
for other in "$cache"/*.kiln; do [[ "$other" != "$entry" ]] && checked="$other"; done
expect_exit 0 "$kiln" cache explain --interrupt-checks "$checked"
expect_out "  matches the running configuration"

# -- list ----------------------------------------------------------------------------------
expect_exit 0 "$kiln" cache list "$cache"
[[ $(grep -c '  valid$' "$tmp/out") -eq 2 ]] || fail "list: $(cat "$tmp/out")"
expect_out "$(basename "$entry")  "
expect_out "2 entries, "

# -- a truncated entry: listed as invalid, replaced by the next run ------------------------
head -c 100 "$entry" >"$tmp/cut" && cp "$tmp/cut" "$entry"
expect_exit 0 "$kiln" cache list "$cache"
expect_out "$(basename "$entry")  100 bytes  module "
expect_out "invalid: cache entry is truncated"
expect_exit 0 "$kiln" run --cache-dir "$cache" --invoke add "$tmp/add.wat" 2 3
[[ "$(cat "$tmp/out")" == "5" ]] || fail "run after truncation printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" cache explain "$entry"
expect_out "checksum and format: valid"

# -- a flipped byte: explained as a checksum mismatch, replaced by the next run ------------
size=$(stat -c %s "$entry")
printf '\x5a' | dd of="$entry" bs=1 seek=$((size - 40)) conv=notrunc status=none
expect_exit 0 "$kiln" cache explain "$entry"
expect_out "checksum and format: INVALID: cache entry checksum mismatch"
expect_exit 0 "$kiln" run --cache-dir "$cache" --invoke add "$tmp/add.wat" 20 22
[[ "$(cat "$tmp/out")" == "42" ]] || fail "run after a flipped byte printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" cache list "$cache"
[[ $(grep -c '  valid$' "$tmp/out") -eq 2 ]] || fail "list after the runs: $(cat "$tmp/out")"

# -- prune ---------------------------------------------------------------------------------
echo "not an entry" >"$cache/foreign.kiln"
expect_exit 0 "$kiln" cache prune "$cache"
expect_out "removed $cache/foreign.kiln"
expect_out "1 file removed, 2 entries ("
expect_exit 0 "$kiln" cache prune "$cache" --max-bytes 0
expect_out "2 files removed, 0 entries (0 bytes) kept"
expect_exit 0 "$kiln" cache list "$cache"
expect_out "0 entries, 0 bytes"

# -- mistakes ------------------------------------------------------------------------------
expect_exit 1 "$kiln" cache explain "$tmp/add.wat"
grep -qF "not a kiln compilation cache entry" "$tmp/err" || fail "explain of a .wat: $(cat "$tmp/err")"
expect_exit 1 "$kiln" cache list "$tmp/missing"
expect_exit 1 "$kiln" cache prune "$tmp/missing"
[[ ! -e "$tmp/missing" ]] || fail "prune created a missing directory"
expect_exit 2 "$kiln" cache
expect_exit 2 "$kiln" cache list
expect_exit 2 "$kiln" cache explain "$entry" --opt-level 9
expect_exit 2 "$kiln" cache prune "$cache" --max-bytes lots
expect_exit 2 "$kiln" cache frobnicate

if [[ $failures -ne 0 ]]; then
  echo "$failures failed" >&2
  exit 1
fi
echo "kiln cache: all checks passed"
