#!/usr/bin/env bash
# Runs the kiln binary the way a user would and checks what it prints and its exit codes:
# `inspect` on examples/add.wat, `validate` on good and broken modules, `compile --emit=ssa`,
# `run` (with and without --invoke, traps, bad arguments, --timeout, WASI commands with --dir,
# --env, --argv0 and a cache directory), `compile --cache-dir`, `cache`, `version`,
# and command-line mistakes.
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

# -- run --invoke ----------------------------------------------------------------------------
cat >"$tmp/math.wat" <<'WAT'
(module $math
  (func $add (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "divmod") (param i32 i32) (result i32 i32)
    local.get 0 local.get 1 i32.div_u local.get 0 local.get 1 i32.rem_u)
  (func (export "half") (param f64) (result f64) local.get 0 f64.const 2 f64.div)
  (func (export "wide") (param i64 f32) (result i64 f32) local.get 0 local.get 1)
  (func $crash (export "crash") (param i32) (result i32) i32.const 1 local.get 0 i32.div_s)
  (func (export "calls_crash") (result i32) i32.const 0 call $crash)
  (func (export "nothing")))
WAT
expect_exit 0 "$kiln" run --invoke add "$tmp/math.wat" 7 35
[[ "$(cat "$tmp/out")" == "42" ]] || fail "invoke add printed: $(cat "$tmp/out")"
# The issue's order too: arguments before the module.
expect_exit 0 "$kiln" run --invoke add -1 0x10 "$tmp/math.wat"
[[ "$(cat "$tmp/out")" == "15" ]] || fail "invoke add -1 0x10 printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" run --invoke=add "$tmp/math.wat" 2147483647 1
[[ "$(cat "$tmp/out")" == "-2147483648" ]] || fail "i32 overflow printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" run --invoke divmod "$tmp/math.wat" 17 5
[[ "$(cat "$tmp/out")" == $'3\n2' ]] || fail "divmod printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" run --invoke half "$tmp/math.wat" 7
[[ "$(cat "$tmp/out")" == "3.5" ]] || fail "half printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" run --invoke half "$tmp/math.wat" -inf
[[ "$(cat "$tmp/out")" == "-inf" ]] || fail "half -inf printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" run --invoke wide "$tmp/math.wat" -9223372036854775808 nan:0x200000
[[ "$(cat "$tmp/out")" == $'-9223372036854775808\nnan:0x200000' ]] ||
  fail "wide printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" run --invoke nothing "$tmp/math.wat"
[[ ! -s "$tmp/out" ]] || fail "a function without results printed: $(cat "$tmp/out")"

# Arguments that do not fit the signature are command-line mistakes: exit code 2.
expect_exit 2 "$kiln" run --invoke add "$tmp/math.wat" 1 x
grep -qx "kiln: $tmp/math.wat: argument 2 of add: \"x\" is not an i32" "$tmp/err" ||
  fail "bad argument: $(cat "$tmp/err")"
expect_exit 2 "$kiln" run --invoke add "$tmp/math.wat" 1
grep -q "add takes 2 arguments (i32 i32), got 1" "$tmp/err" || fail "arity: $(cat "$tmp/err")"
expect_exit 1 "$kiln" run --invoke nope "$tmp/math.wat"
grep -q "no function exported as \"nope\" (exported functions: add, calls_crash, " "$tmp/err" ||
  fail "missing export: $(cat "$tmp/err")"

# A trap: one line naming the file and the trap, then the backtrace, exit code 1.
expect_exit 1 "$kiln" run --invoke calls_crash "$tmp/math.wat"
[[ "$(head -1 "$tmp/err")" == "kiln: $tmp/math.wat: integer divide by zero" ]] ||
  fail "trap: $(cat "$tmp/err")"
grep -q '^  at .*crash' "$tmp/err" || fail "trap without a backtrace: $(cat "$tmp/err")"
[[ ! -s "$tmp/out" ]] || fail "a trap printed results: $(cat "$tmp/out")"

# -- run (_start) ----------------------------------------------------------------------------
printf '(module (func (export "_start")))\n' >"$tmp/start_ok.wat"
expect_exit 0 "$kiln" run "$tmp/start_ok.wat"
printf '(module (func (export "_start") unreachable))\n' >"$tmp/start_trap.wat"
expect_exit 1 "$kiln" run "$tmp/start_trap.wat"
grep -q "^kiln: $tmp/start_trap.wat: unreachable" "$tmp/err" || fail "_start trap: $(cat "$tmp/err")"
# --invoke runs only the export: _start is not called first.
printf '(module (func (export "_start") unreachable) (func (export "f") (result i32) i32.const 9))\n' \
  >"$tmp/start_and_f.wat"
expect_exit 0 "$kiln" run --invoke f "$tmp/start_and_f.wat"
[[ "$(cat "$tmp/out")" == "9" ]] || fail "--invoke ran _start: $(cat "$tmp/out") $(cat "$tmp/err")"
# An import WASI does not have is reported in one line, not crashed on.
printf '(module (import "wasi_snapshot_preview1" "no_such_function" (func (param i32))) (func (export "_start")))\n' \
  >"$tmp/wasi.wat"
expect_exit 1 "$kiln" run "$tmp/wasi.wat"
grep -q "^kiln: $tmp/wasi.wat: .*no_such_function" "$tmp/err" || fail "wasi: $(cat "$tmp/err")"
[[ $(wc -l <"$tmp/err") -eq 1 ]] || fail "an import error took more than one line: $(cat "$tmp/err")"
expect_exit 1 "$kiln" run "$tmp/missing.wasm"
grep -q "^kiln: $tmp/missing.wasm: cannot open" "$tmp/err" || fail "missing: $(cat "$tmp/err")"
expect_exit 1 "$kiln" run "$tmp/invalid.wasm"
grep -q "^kiln: $tmp/invalid.wasm: type mismatch" "$tmp/err" || fail "invalid: $(cat "$tmp/err")"
expect_exit 2 "$kiln" run
expect_exit 2 "$kiln" run --frobnicate "$tmp/math.wat"
grep -q "unknown option --frobnicate" "$tmp/err" || fail "unknown option: $(cat "$tmp/err")"
expect_exit 2 "$kiln" run --invoke
# After the module, arguments are the guest's: math.wat has no _start, so nothing runs.
expect_exit 0 "$kiln" run "$tmp/math.wat" --invoke
# A --dir that is not a directory is a command-line mistake, found before anything runs.
expect_exit 2 "$kiln" run --dir "$tmp/no_such_dir" "$tmp/start_ok.wat"
[[ "$(cat "$tmp/err")" == "kiln: --dir $tmp/no_such_dir: No such file or directory" ]] ||
  fail "--dir missing: $(cat "$tmp/err")"
expect_exit 2 "$kiln" run --dir "$tmp/math.wat:/m" "$tmp/start_ok.wat"
grep -qx "kiln: --dir $tmp/math.wat: not a directory" "$tmp/err" || fail "--dir file: $(cat "$tmp/err")"
expect_exit 2 "$kiln" run --dir "::/guest" "$tmp/start_ok.wat"
expect_exit 2 "$kiln" run --env "=x" "$tmp/start_ok.wat"

# --timeout stops a guest that does not return; the exit code is the low byte of the reserved
# deadline exit code (0xefffffff), and the one line says why.
printf '(module (func (export "_start") (loop br 0)) (func (export "spin") (result i32) (loop br 0) i32.const 1))\n' \
  >"$tmp/spin.wat"
expect_exit 255 "$kiln" run --timeout 100ms "$tmp/spin.wat"
[[ "$(cat "$tmp/err")" == "kiln: $tmp/spin.wat: module closed with context deadline exceeded" ]] ||
  fail "_start timeout: $(cat "$tmp/err")"
expect_exit 255 "$kiln" run --timeout=100ms --invoke spin "$tmp/spin.wat"
[[ "$(cat "$tmp/err")" == "kiln: $tmp/spin.wat: module closed with context deadline exceeded" ]] ||
  fail "--invoke timeout: $(cat "$tmp/err")"
expect_exit 0 "$kiln" run --timeout 10s --invoke add "$tmp/math.wat" 1 2
[[ "$(cat "$tmp/out")" == "3" ]] || fail "a call within the timeout printed: $(cat "$tmp/out")"
expect_exit 2 "$kiln" run --timeout soon "$tmp/math.wat"

# -- run a WASI command ---------------------------------------------------------------------
# echo.wat prints its arguments, "--", then its environment, one per line, and exits with
# its argument count (proc_exit).
cat >"$tmp/echo.wat" <<'WAT'
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get"
    (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 2)
  (data (i32.const 16) "\n--\n")
  (func $strlen (param $p i32) (result i32) (local $n i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $n)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $next)))
    (local.get $n))
  (func $write (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $print_lines (param $count i32) (local $i i32) (local $s i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
      (local.set $s (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
      (call $write (local.get $s) (call $strlen (local.get $s)))
      (call $write (i32.const 16) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))
  (func (export "_start")
    (drop (call $args_sizes_get (i32.const 32) (i32.const 36)))
    (drop (call $args_get (i32.const 1024) (i32.const 16384)))
    (call $print_lines (i32.load (i32.const 32)))
    (call $write (i32.const 17) (i32.const 3))
    (drop (call $environ_sizes_get (i32.const 40) (i32.const 44)))
    (drop (call $environ_get (i32.const 1024) (i32.const 16384)))
    (call $print_lines (i32.load (i32.const 40)))
    (call $proc_exit (i32.load (i32.const 32)))))
WAT
# argv[0] is the module as given; nothing from kiln's environment by default.
expect_exit 3 env SECRET=1 "$kiln" run "$tmp/echo.wat" one "two words"
[[ "$(cat "$tmp/out")" == "$tmp/echo.wat"$'\none\ntwo words\n--' ]] || fail "echo: $(cat "$tmp/out")"
# Arguments after the module that look like kiln's options are the guest's.
expect_exit 3 "$kiln" run --argv0 prog "$tmp/echo.wat" --env X=1
[[ "$(cat "$tmp/out")" == $'prog\n--env\nX=1\n--' ]] || fail "guest options: $(cat "$tmp/out")"
expect_exit 1 "$kiln" run --env A=1 --env B=x=y --env A=2 --argv0 prog "$tmp/echo.wat"
[[ "$(cat "$tmp/out")" == $'prog\n--\nA=2\nB=x=y' ]] || fail "--env: $(cat "$tmp/out")"
# --env-inherit: kiln's environment, then --env on top; --env KEY copies one variable.
expect_exit 1 env KILN_TEST_A=from_host KILN_TEST_B=b "$kiln" run --env-inherit \
  --env KILN_TEST_A=override "$tmp/echo.wat"
grep -qx "KILN_TEST_A=override" "$tmp/out" || fail "--env-inherit override: $(cat "$tmp/out")"
grep -qx "KILN_TEST_B=b" "$tmp/out" || fail "--env-inherit: $(cat "$tmp/out")"
grep -qx "PATH=$PATH" "$tmp/out" || fail "--env-inherit PATH: $(cat "$tmp/out")"
expect_exit 1 env KILN_TEST_A=from_host "$kiln" run --env KILN_TEST_A --env KILN_TEST_UNSET \
  "$tmp/echo.wat"
[[ "$(cat "$tmp/out")" == "$tmp/echo.wat"$'\n--\nKILN_TEST_A=from_host' ]] ||
  fail "--env KEY: $(cat "$tmp/out")"

# cat.wat (a snapshot 0 program: wasi_unstable) prints in.txt of its first preopen (fd 3),
# then creates out.txt there and exits with path_open's errno (100 + errno if in.txt fails).
cat >"$tmp/cat.wat" <<'WAT'
(module
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "in.txt")
  (data (i32.const 80) "out.txt")
  (func (export "_start") (local $err i32)
    (local.set $err (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 6)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))
    (if (local.get $err) (then (call $proc_exit (i32.add (i32.const 100) (local.get $err)))))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 4096))
    (local.set $err
      (call $fd_read (i32.load (i32.const 32)) (i32.const 0) (i32.const 1) (i32.const 40)))
    (if (local.get $err) (then (call $proc_exit (i32.add (i32.const 100) (local.get $err)))))
    (i32.store (i32.const 4) (i32.load (i32.const 40)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 44)))
    ;; oflags creat, rights fd_write
    (call $proc_exit (call $path_open (i32.const 3) (i32.const 0) (i32.const 80) (i32.const 7)
      (i32.const 1) (i64.const 64) (i64.const 0) (i32.const 0) (i32.const 32)))))
WAT
mount="$tmp/mount"
rm -rf "$mount" && mkdir -p "$mount" && echo "hello from the host" >"$mount/in.txt"
# Read-only: the file is read, creating one is refused (errno rofs = 69) and nothing appears.
expect_exit 69 "$kiln" run --dir "$mount:/data:ro" "$tmp/cat.wat"
[[ "$(cat "$tmp/out")" == "hello from the host" ]] || fail "cat :ro printed: $(cat "$tmp/out")"
[[ ! -e "$mount/out.txt" ]] || fail "a read-only mount was written"
# wasmtime's HOST::GUEST and a plain HOST mount read and write.
expect_exit 0 "$kiln" run --dir "$mount::/data" "$tmp/cat.wat"
[[ "$(cat "$tmp/out")" == "hello from the host" ]] || fail "cat printed: $(cat "$tmp/out")"
[[ -e "$mount/out.txt" ]] || fail "out.txt was not created"
rm -f "$mount/out.txt"
expect_exit 0 "$kiln" run --dir "$mount" "$tmp/cat.wat"
[[ -e "$mount/out.txt" ]] || fail "out.txt was not created under --dir HOST"
# Without --dir there is no fd 3: path_open reports badf (8).
expect_exit 108 "$kiln" run "$tmp/cat.wat"

# A trap in a WASI command: the message, the backtrace, exit code 1.
printf '%s\n' '(module (import "wasi_snapshot_preview1" "sched_yield" (func $y (result i32)))' \
  '(func $crash (drop (call $y)) unreachable) (func (export "_start") call $crash))' \
  >"$tmp/wasi_trap.wat"
expect_exit 1 "$kiln" run "$tmp/wasi_trap.wat"
[[ "$(head -1 "$tmp/err")" == "kiln: $tmp/wasi_trap.wat: unreachable" ]] ||
  fail "wasi trap: $(cat "$tmp/err")"
grep -q '^  at .*crash' "$tmp/err" || fail "wasi trap without a backtrace: $(cat "$tmp/err")"
# proc_exit(0) is success; codes beyond 255 do not read as success.
printf '(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (call $exit (i32.const %s))))\n' 0 >"$tmp/exit0.wat"
expect_exit 0 "$kiln" run "$tmp/exit0.wat"
printf '(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (call $exit (i32.const %s))))\n' 256 >"$tmp/exit256.wat"
expect_exit 1 "$kiln" run "$tmp/exit256.wat"
[[ ! -s "$tmp/err" ]] || fail "proc_exit printed: $(cat "$tmp/err")"
# stdin is the real one.
printf '%s\n' '(module' \
  '(import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))' \
  '(import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))' \
  '(memory (export "memory") 1)' \
  '(func (export "_start")' \
  '  (i32.store (i32.const 0) (i32.const 64)) (i32.store (i32.const 4) (i32.const 100))' \
  '  (drop (call $read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))' \
  '  (i32.store (i32.const 4) (i32.load (i32.const 8)))' \
  '  (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))' \
  >"$tmp/stdin.wat"
echo "piped in" | "$kiln" run "$tmp/stdin.wat" >"$tmp/out" 2>"$tmp/err" ||
  fail "stdin.wat: $(cat "$tmp/err")"
[[ "$(cat "$tmp/out")" == "piped in" ]] || fail "stdin: $(cat "$tmp/out")"

# A large WASI command run twice with --cache-dir: the second run loads the entry the first
# stored (one entry, left untouched) instead of compiling again.
body=$(printf 'local.get 0 i32.const 1000 i32.add local.set 0 %.0s' {1..10000})
{
  echo '(module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))'
  for i in $(seq 16); do echo "(func \$f$i (param i32) (result i32) $body local.get 0)"; done
  echo '(func (export "_start") (call $exit (i32.and (call $f16 (i32.const 5)) (i32.const 127)))))'
} >"$tmp/large_wasi.wat"
run_cache="$tmp/run_cache"
rm -rf "$run_cache"
expect_exit $(((5 + 10000000) & 127)) "$kiln" run --cache-dir "$run_cache" "$tmp/large_wasi.wat"
[[ $(ls "$run_cache" | grep -c '\.kiln$') -eq 1 ]] || fail "run cache holds: $(ls "$run_cache")"
entry=$(ls "$run_cache"/*.kiln)
before=$(stat -c '%y %s %i' "$entry")
expect_exit $(((5 + 10000000) & 127)) "$kiln" run --cache-dir "$run_cache" "$tmp/large_wasi.wat"
[[ $(ls "$run_cache" | grep -c '\.kiln$') -eq 1 ]] || fail "second run added: $(ls "$run_cache")"
[[ "$(stat -c '%y %s %i' "$entry")" == "$before" ]] || fail "the second run rewrote the entry"

# -- compile --cache-dir, then run from the cache --------------------------------------------
cache="$tmp/cache"
rm -rf "$cache"
expect_exit 0 "$kiln" compile --cache-dir "$cache" "$tmp/math.wat" "$tmp/good.wasm"
grep -Eqx "compiled $tmp/math.wat: 7 functions, [0-9]+ KiB code in [0-9.]+ s" "$tmp/out" ||
  fail "first compile: $(cat "$tmp/out")"
grep -Eqx "compiled $tmp/good.wasm: 1 function, [0-9]+ KiB code in [0-9.]+ s" "$tmp/out" ||
  fail "first compile: $(cat "$tmp/out")"
[[ $(ls "$cache" | grep -c '\.kiln$') -eq 2 ]] || fail "cache holds: $(ls "$cache")"
expect_exit 0 "$kiln" compile --cache-dir="$cache" "$tmp/math.wat" "$tmp/good.wasm"
[[ "$(cat "$tmp/out")" == "$tmp/math.wat: already cached"$'\n'"$tmp/good.wasm: already cached" ]] ||
  fail "second compile: $(cat "$tmp/out")"
# Interruption polling changes the code, so it is another entry.
expect_exit 0 "$kiln" compile --cache-dir "$cache" --close-on-context-done "$tmp/math.wat"
grep -q "^compiled $tmp/math.wat" "$tmp/out" || fail "--close-on-context-done hit: $(cat "$tmp/out")"
expect_exit 0 "$kiln" run --cache-dir "$cache" --invoke add "$tmp/math.wat" 1 2
[[ "$(cat "$tmp/out")" == "3" ]] || fail "run from the cache printed: $(cat "$tmp/out")"
# One bad module does not stop the others, and makes the exit code 1.
expect_exit 1 "$kiln" compile --cache-dir "$cache" "$tmp/invalid.wasm" "$tmp/math.wat"
grep -q "^kiln: $tmp/invalid.wasm: type mismatch" "$tmp/err" || fail "compile invalid: $(cat "$tmp/err")"
grep -qx "$tmp/math.wat: already cached" "$tmp/out" || fail "compile after a failure: $(cat "$tmp/out")"
# A module with more than 1 MiB of code announces that it is compiling, but not when cached:
# 16 functions of 10000 (local.get, i32.const, i32.add, local.set) groups, 1.3 MB of code.
body=$(printf 'local.get 0 i32.const 1000 i32.add local.set 0 %.0s' {1..10000})
{
  echo '(module'
  for i in $(seq 16); do echo "(func (export \"f$i\") (param i32) (result i32) $body local.get 0)"; done
  echo ')'
} >"$tmp/large.wat"
expect_exit 0 "$kiln" compile --cache-dir "$cache" "$tmp/large.wat"
grep -qx "compiling $tmp/large.wat: 16 functions, 1.[0-9] MiB of Wasm code..." "$tmp/out" ||
  fail "no progress line for a large module: $(cat "$tmp/out")"
grep -q "^compiled $tmp/large.wat: 16 functions" "$tmp/out" || fail "large: $(cat "$tmp/out")"
expect_exit 0 "$kiln" compile --cache-dir "$cache" "$tmp/large.wat"
[[ "$(cat "$tmp/out")" == "$tmp/large.wat: already cached" ]] ||
  fail "a cached large module printed: $(cat "$tmp/out")"
expect_exit 0 "$kiln" run --cache-dir "$cache" --invoke f3 "$tmp/large.wat" 1
[[ "$(cat "$tmp/out")" == "10000001" ]] ||
  fail "large f3 printed: $(cat "$tmp/out")"

# -- cache: the entries written above, as `kiln cache` sees them --------------------------------
expect_exit 0 "$kiln" cache list "$cache"
entries=$(ls "$cache" | grep -c '\.kiln$')
[[ $(grep -c ' valid$' "$tmp/out") -eq $entries ]] || fail "cache list: $(cat "$tmp/out")"
grep -qx "$entries entries, [0-9]* bytes" "$tmp/out" || fail "cache list summary: $(cat "$tmp/out")"
rm -rf "$tmp/one" && "$kiln" compile --cache-dir "$tmp/one" "$tmp/math.wat" >/dev/null
expect_exit 0 "$kiln" cache explain "$tmp/one"/*.kiln --module "$tmp/math.wat"
grep -q "matches the running configuration" "$tmp/out" || fail "cache explain: $(cat "$tmp/out")"
expect_exit 0 "$kiln" cache explain "$tmp/one"/*.kiln --interrupt-checks
grep -q "interrupt-checks: off vs on" "$tmp/out" || fail "cache explain: $(cat "$tmp/out")"
expect_exit 2 "$kiln" cache

expect_exit 2 "$kiln" compile --cache-dir "$cache"
expect_exit 2 "$kiln" compile --cache-dir "$cache" --opt-level=7 "$tmp/math.wat"
grep -q -- "--opt-level 7: the level is 0 or 1" "$tmp/err" || fail "opt-level 7: $(cat "$tmp/err")"
# The cache key's spelling of the interruption flag, and --opt-level with a separate value.
expect_exit 0 "$kiln" compile --cache-dir "$cache" --interrupt-checks "$tmp/math.wat"
grep -qx "$tmp/math.wat: already cached" "$tmp/out" || fail "--interrupt-checks: $(cat "$tmp/out")"
expect_exit 0 "$kiln" compile --cache-dir "$cache" --opt-level 0 "$tmp/math.wat"
grep -q "^compiled $tmp/math.wat" "$tmp/out" || fail "--opt-level 0 hit: $(cat "$tmp/out")"

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
