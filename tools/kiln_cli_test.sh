#!/usr/bin/env bash
# Runs the kiln binary the way a user would and checks what it prints and its exit codes:
# `inspect` on examples/add.wat, `validate` on good and broken modules, `compile --emit=ssa`,
# `version`, and command-line mistakes.
set -uo pipefail

kiln=tools/kiln
example=examples/add.wat
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_exit CODE COMMAND...: runs COMMAND, keeping its stdout in $tmp/out, and checks the code.
expect_exit() {
  local want=$1
  shift
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "'$*' exited $got, want $want; stdout: $(cat "$tmp/out") stderr: $(cat "$tmp/err")"
  fi
}

# -- inspect -------------------------------------------------------------------------------
expect_exit 0 "$kiln" inspect "$example"
cat >"$tmp/want" <<'WANT'
module $example
import "env" "log_i32" func (i32) -> ()
func[0] $log_i32 (i32) -> () (imported)
func[1] $add (i32, i32) -> (i32)
func[2] $add_and_log (i32, i32) -> (i32)
func[3] () -> (i32)
memory[0] min=1
export "memory" memory[0]
export "add" func[1]
export "add_and_log" func[2]
export "calls" func[3]
WANT
# Names reach `inspect` only through a name section, which the text parser writes for .wat
# files; the binary below checks that a name section from elsewhere is read the same way.
if ! diff -u "$tmp/want" "$tmp/out"; then
  fail "inspect $example printed something else (diff above)"
fi

# (module $calc
#   (import "env" "log" (func $log (param i32)))
#   (import "env" "mem" (memory 1 2))
#   (func $add (export "add") (export "plus") (param $a i32) (param $b i32) (result i32) ...)
#   (func (param $x i64) (param i32) (result f32 f64) ...))
# in the binary format, with a name section.
printf '\x00asm\x01\x00\x00\x00\x01\x12\x03\x60\x01\x7f\x00\x60\x02\x7f\x7f\x01\x7f\x60\x02\x7e\x7f\x02\x7d\x7c\x02\x17\x02\x03env\x03log\x00\x00\x03env\x03mem\x02\x01\x01\x02\x03\x03\x02\x01\x02\x07\x0e\x02\x03add\x00\x01\x04plus\x00\x01\x0a\x1a\x02\x07\x00\x20\x00\x20\x01j\x0b\x10\x00C\x00\x00\x00\x00D\x00\x00\x00\x00\x00\x00\x00\x00\x0b\x00\x2b\x04name\x00\x05\x04calc\x01\x0b\x02\x00\x03log\x01\x03add\x02\x10\x03\x00\x00\x01\x02\x00\x01a\x01\x01b\x02\x01\x00\x01x' \
  >"$tmp/calc.wasm"
expect_exit 0 "$kiln" inspect "$tmp/calc.wasm"
cat >"$tmp/want" <<'WANT'
module $calc
import "env" "log" func (i32) -> ()
import "env" "mem" memory min=1 max=2
func[0] $log (i32) -> () (imported)
func[1] $add (i32, i32) -> (i32)
func[2] (i64, i32) -> (f32, f64)
export "add" func[1]
export "plus" func[1]
WANT
if ! diff -u "$tmp/want" "$tmp/out"; then
  fail "inspect calc.wasm printed something else (diff above)"
fi

# -- validate ------------------------------------------------------------------------------
# (module (func (export "f") (result i32) i32.const 7)) in the binary format.
printf '\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x00\x01\x7f\x03\x02\x01\x00\x07\x05\x01\x01f\x00\x00\x0a\x06\x01\x04\x00\x41\x07\x0b' \
  >"$tmp/good.wasm"
# The same function returning an i64 where an i32 is declared: decodes, but is invalid.
printf '\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x00\x01\x7f\x03\x02\x01\x00\x0a\x06\x01\x04\x00\x42\x07\x0b' \
  >"$tmp/invalid.wasm"
printf '\x00asm\x01\x00' >"$tmp/truncated.wasm"
printf '(module (func (result i32) (i32.const 1) (i32.const 2) (i32.add)))\n' >"$tmp/good.wat"
printf '(module (func (i32.frob)))\n' >"$tmp/bad.wat"

expect_exit 0 "$kiln" validate "$example" "$tmp/good.wasm" "$tmp/good.wat"
grep -qx "$example: ok" "$tmp/out" || fail "validate did not report $example ok"
grep -qx "$tmp/good.wasm: ok" "$tmp/out" || fail "validate did not report good.wasm ok"
grep -qx "$tmp/good.wat: ok" "$tmp/out" || fail "validate did not report good.wat ok"

expect_exit 1 "$kiln" validate "$tmp/good.wasm" "$tmp/invalid.wasm" "$tmp/truncated.wasm" \
  "$tmp/bad.wat" "$tmp/missing.wasm"
grep -qx "$tmp/good.wasm: ok" "$tmp/out" || fail "a failure hid the ok of good.wasm"
grep -q "^$tmp/invalid.wasm: type mismatch" "$tmp/out" || fail "invalid.wasm: $(cat "$tmp/out")"
grep -q "^$tmp/truncated.wasm: unexpected end" "$tmp/out" || fail "truncated.wasm: $(cat "$tmp/out")"
grep -q "^$tmp/bad.wat: unknown operator" "$tmp/out" || fail "bad.wat: $(cat "$tmp/out")"
grep -q "^$tmp/missing.wasm: cannot open" "$tmp/out" || fail "missing.wasm: $(cat "$tmp/out")"

# -- compile -------------------------------------------------------------------------------
expect_exit 0 "$kiln" compile --emit=ssa --verify-each "$example"
grep -qx 'function %add(ref, i32, i32) -> i32 {' "$tmp/out" || fail "compile: $(cat "$tmp/out")"
grep -q 'call fn1 sig0(v0, v1, v2)' "$tmp/out" || fail "compile lost the direct call: $(cat "$tmp/out")"
grep -q 'call_indirect sig1' "$tmp/out" || fail "compile lost the imported call: $(cat "$tmp/out")"
[[ $(grep -c '^function ' "$tmp/out") -eq 3 ]] || fail "compile printed other than 3 functions"
expect_exit 0 "$kiln" compile --emit=ssa --print-after=const_fold,dce "$example"
[[ $(grep -c '^; after const_fold' "$tmp/out") -eq 3 ]] || fail "print-after: $(cat "$tmp/out")"
[[ $(grep -c '^; after dce' "$tmp/out") -eq 3 ]] || fail "print-after: $(cat "$tmp/out")"
expect_exit 0 "$kiln" compile --no-opt "$tmp/good.wat"
grep -q 'iadd.i32' "$tmp/out" || fail "--no-opt folded the add: $(cat "$tmp/out")"
expect_exit 1 "$kiln" compile --print-after=no_such_pass "$example"
grep -q 'no_such_pass' "$tmp/err" || fail "unknown pass: $(cat "$tmp/err")"
expect_exit 2 "$kiln" compile --emit=asm "$example"
expect_exit 2 "$kiln" compile

# -- version and usage ---------------------------------------------------------------------
expect_exit 0 "$kiln" version
grep -q '^kiln ' "$tmp/out" || fail "version printed: $(cat "$tmp/out")"
expect_exit 2 "$kiln"
expect_exit 2 "$kiln" frobnicate
grep -q 'unknown command "frobnicate"' "$tmp/err" || fail "unknown command: $(cat "$tmp/err")"
expect_exit 2 "$kiln" inspect
expect_exit 2 "$kiln" validate

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "kiln command line: all checks passed"
