#!/usr/bin/env bash
# Runs the real WASI programs of programs.json through the kiln binary (run_programs.py does
# the work; see wasi_cases.py for what a case means).
#
#   wasi_programs_test.sh stored   the programs stored in the shared folder: found through
#                                  KILN_WASI_PROGRAMS_DIR, else ../shared/wasi/programs beside
#                                  the checkout
#   wasi_programs_test.sh npm      Flite, Yosys and Clang, fetched beforehand by
#                                  fetch-npm-programs.sh into KILN_NPM_PROGRAMS_DIR
#
# A folder that is missing fails the test: a check that cannot run has not passed.
set -uo pipefail

source=${1:?usage: $0 stored|npm [run_programs.py options]}
shift
script=testing/wasi_programs/run_programs.py

programs_dir=${KILN_WASI_PROGRAMS_DIR:-}
if [[ -z "$programs_dir" ]]; then
  # The runfiles link to the checkout's files: the checkout is three levels above the script.
  checkout=$(cd "$(dirname "$(readlink -f "$script")")/../.." && pwd)
  if [[ -d "$checkout/../shared/wasi/programs" ]]; then
    programs_dir=$(cd "$checkout/../shared/wasi/programs" && pwd)
  fi
fi
if [[ -z "$programs_dir" || ! -f "$programs_dir/programs.json" ]]; then
  echo "FAIL: the WASI programs were not found (KILN_WASI_PROGRAMS_DIR='${KILN_WASI_PROGRAMS_DIR:-}'," \
    "default ../shared/wasi/programs beside the checkout); set KILN_WASI_PROGRAMS_DIR to the" \
    "folder holding programs.json" >&2
  echo "wasi-programs: 0 passed, 1 failed"
  exit 1
fi

extra=()
if [[ "$source" == npm ]]; then
  npm_dir=${KILN_NPM_PROGRAMS_DIR:-}
  if [[ -z "$npm_dir" || ! -f "$npm_dir/clang/llvm.wasm" ]]; then
    echo "FAIL: the npm programs were not found (KILN_NPM_PROGRAMS_DIR='$npm_dir'); fetch them" \
      "with $programs_dir/fetch-npm-programs.sh DEST and set KILN_NPM_PROGRAMS_DIR=DEST" \
      "(tools/test.sh does both)" >&2
    echo "wasi-programs: 0 passed, 1 failed"
    exit 1
  fi
  # Clang's cold compile takes minutes on a busy 2-core machine.
  extra=(--npm-dir "$npm_dir" --timeout 1500)
fi

exec python3 "$script" --programs-dir "$programs_dir" --source "$source" --kiln tools/kiln \
  "${extra[@]}" "$@"
