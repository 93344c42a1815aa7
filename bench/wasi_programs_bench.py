#!/usr/bin/env python3
"""kiln on three large real WASI programs, next to Node 20's node:wasi.

    bazel run -c opt //bench:wasi_programs_bench [-- --npm-dir DIR] [--only flite,yosys,clang]
        [--repeat N] [--cold-repeat N]

For Flite, Yosys and Clang (fetched by the shared fetch-npm-programs.sh into --npm-dir,
default $KILN_NPM_PROGRAMS_DIR, else ~/.cache/kiln/npm-programs) it measures, each as wall
time of a whole process:

  cold compile   `kiln compile --cache-dir EMPTY MODULE`: decode, validate, compile, write
                 the cache entry (best of --cold-repeat, default 1: Clang takes minutes)
  cached start   `kiln run --cache-dir WARM MODULE` of a trivial command (flite -lv, yosys -V,
                 clang --version): load from the cache, instantiate, run a few ms of guest code
  run            `kiln run --cache-dir WARM` of the real command of programs.json (flite-tts,
                 yosys-synth, the compile step of clang-hello), best of --repeat (default 3)
  node start / node run: the same two commands under node:wasi (node_wasi_run.mjs: version
                 preview1, the same preopens and environment, returnOnExit), best of --repeat.
                 Node compiles lazily while it runs (Liftoff, then TurboFan), and keeps no
                 code between processes, so its times include its compiling.

Every timed run is also checked against programs.json's expectations; a run that fails is
reported as FAILED with the reason, never timed. Needs `node` on PATH.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

CHECKOUT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
sys.path.insert(0, os.path.join(CHECKOUT, "testing", "wasi_programs"))
import wasi_cases  # noqa: E402

# program -> (module in the npm dir, the trivial case, the real case and its step)
PROGRAMS = {
    "flite": ("flite/flite.wasm", "flite-voices", ("flite-tts", 0)),
    "yosys": ("yosys/yosys.wasm", "yosys-version", ("yosys-synth", 0)),
    "clang": ("clang/llvm.wasm", "clang-version", ("clang-hello", 0)),
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kiln", default="tools/kiln", help="the kiln binary")
    parser.add_argument("--node-runner",
                        default=os.path.join(CHECKOUT, "testing/wasi_programs/node_wasi_run.mjs"))
    parser.add_argument("--programs-dir", help="folder of programs.json (default: "
                        "$KILN_WASI_PROGRAMS_DIR, else ../shared/wasi/programs beside the checkout)")
    parser.add_argument("--npm-dir", help="DEST of fetch-npm-programs.sh")
    parser.add_argument("--only", default=",".join(PROGRAMS), help="comma-separated programs")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each warm measurement")
    parser.add_argument("--start-repeat", type=int, default=5, help="runs of each start measurement")
    parser.add_argument("--cold-repeat", type=int, default=1, help="cold compiles per program")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per process")
    return parser.parse_args()


def find_programs_dir(flag):
    for candidate in (flag, os.environ.get("KILN_WASI_PROGRAMS_DIR"),
                      os.path.join(CHECKOUT, "..", "shared", "wasi", "programs")):
        if candidate and os.path.isfile(os.path.join(candidate, "programs.json")):
            return os.path.abspath(candidate)
    sys.exit("wasi_programs_bench: programs.json not found; pass --programs-dir or set "
             "KILN_WASI_PROGRAMS_DIR")


def find_npm_dir(flag, programs_dir):
    cache_home = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    for candidate in (flag, os.environ.get("KILN_NPM_PROGRAMS_DIR"),
                      os.path.join(cache_home, "kiln", "npm-programs")):
        if candidate and os.path.isfile(os.path.join(candidate, "clang", "llvm.wasm")):
            return os.path.abspath(candidate)
    sys.exit(f"wasi_programs_bench: the npm programs were not found; fetch them with "
             f"{programs_dir}/fetch-npm-programs.sh DEST and pass --npm-dir DEST (or set "
             f"KILN_NPM_PROGRAMS_DIR)")


def loadavg():
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


class Failed(Exception):
    pass


def time_process(command, timeout):
    start = time.monotonic()
    result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True,
                            timeout=timeout)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        raise Failed(f"{' '.join(command)} exited {result.returncode}: "
                     f"{wasi_cases.excerpt(result.stderr)}")
    return seconds


def time_case_step(case, step_index, runner, programs_dir, npm_dir, work_dir, timeout):
    """Runs step `step_index` of `case` once (earlier steps first, untimed) in fresh dirs and
    returns its wall time, after checking its result."""
    shutil.rmtree(work_dir, ignore_errors=True)
    os.makedirs(work_dir)
    setup = wasi_cases.CaseSetup(case, programs_dir, npm_dir, work_dir)
    try:
        for index, step in enumerate(case["steps"][:step_index + 1]):
            prepared = setup.prepare_step(index, step)
            run = wasi_cases.run_step(runner, prepared, timeout)
            wasi_cases.check_step(setup, index, run, step.get("expect", {}))
    except wasi_cases.CaseError as error:
        raise Failed(f"{case['id']}: {error}")
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    return run.seconds


def cache_entries(cache_dir):
    try:
        return sorted(os.listdir(cache_dir))
    except OSError:
        return []


def best_of(n, measure):
    times = [measure() for _ in range(n)]
    return min(times)


def fmt(seconds):
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def ratio(a, b):
    return f"{a / b:.2f}x" if a is not None and b else "-"


def main():
    args = parse_args()
    programs_dir = find_programs_dir(args.programs_dir)
    npm_dir = find_npm_dir(args.npm_dir, programs_dir)
    kiln = os.path.abspath(args.kiln)
    if not os.access(kiln, os.X_OK):
        sys.exit(f"wasi_programs_bench: no kiln binary at {kiln} (pass --kiln)")
    node = shutil.which("node")
    if node is None:
        sys.exit("wasi_programs_bench: node is not on PATH (tools/setup.sh installs it)")
    node_version = subprocess.run([node, "--version"], capture_output=True,
                                  text=True).stdout.strip()
    cases = {c["id"]: c for c in wasi_cases.load_cases(programs_dir)}
    chosen = [p for p in args.only.split(",") if p]
    for p in chosen:
        if p not in PROGRAMS:
            sys.exit(f"wasi_programs_bench: unknown program {p} (choose from {', '.join(PROGRAMS)})")

    print(f"wasi_programs_bench: kiln {kiln}, node {node_version}, programs from {npm_dir}")
    print(f"load average at start: {loadavg()} ({os.cpu_count()} cores)", flush=True)
    root = tempfile.mkdtemp(prefix="wasi-programs-bench-")
    node_runner = [node, "--no-warnings", os.path.abspath(args.node_runner)]
    rows = []
    try:
        for name in chosen:
            module_rel, trivial_id, (real_id, real_step) = PROGRAMS[name]
            module = os.path.join(npm_dir, module_rel)
            row = {"program": name, "module_mb": os.path.getsize(module) / 1e6}
            cache = os.path.join(root, f"{name}-cache")
            kiln_runner = [kiln, "run", "--cache-dir", cache]
            work = os.path.join(root, f"{name}-work")
            trivial = cases[trivial_id]

            def cold_compile():
                shutil.rmtree(cache, ignore_errors=True)
                os.makedirs(cache)
                return time_process([kiln, "compile", "--cache-dir", cache, module], args.timeout)

            measurements = [
                ("cold", lambda: best_of(args.cold_repeat, cold_compile)),
                ("kiln_start", lambda: best_of(args.start_repeat, lambda: time_case_step(
                    trivial, 0, kiln_runner, programs_dir, npm_dir, work, args.timeout))),
                ("kiln_run", lambda: best_of(args.repeat, lambda: time_case_step(
                    cases[real_id], real_step, kiln_runner, programs_dir, npm_dir, work,
                    args.timeout))),
                ("node_start", lambda: best_of(args.start_repeat, lambda: time_case_step(
                    trivial, 0, node_runner, programs_dir, npm_dir, work, args.timeout))),
                ("node_run", lambda: best_of(args.repeat, lambda: time_case_step(
                    cases[real_id], real_step, node_runner, programs_dir, npm_dir, work,
                    args.timeout))),
            ]
            for key, measure in measurements:
                print(f"  {name}: {key} ...", end="", flush=True)
                entries_before = cache_entries(cache)
                try:
                    row[key] = measure()
                    print(f" {fmt(row[key])}", flush=True)
                    if key.startswith("kiln_") and cache_entries(cache) != entries_before:
                        # kiln run compiled again: the times would include a compile.
                        raise Failed("kiln run wrote a new cache entry: `kiln compile`'s entry "
                                     "was not a hit")
                except (Failed, subprocess.TimeoutExpired) as error:
                    row[key] = None
                    row.setdefault("failures", []).append(f"{key}: {error}")
                    print(" FAILED", flush=True)
            shutil.rmtree(cache, ignore_errors=True)
            rows.append(row)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print()
    print("| program | module | kiln cold compile | kiln cached start | kiln run (warm cache) "
          "| node start | node run | node run / kiln run | node start / kiln start |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['program']} | {r['module_mb']:.1f} MB | {fmt(r['cold'])} | "
              f"{fmt(r['kiln_start'])} | {fmt(r['kiln_run'])} | {fmt(r['node_start'])} | "
              f"{fmt(r['node_run'])} | {ratio(r['node_run'], r['kiln_run'])} | "
              f"{ratio(r['node_start'], r['kiln_start'])} |")
    print()
    print("run commands: flite -t \"hello world\" -o /out/hello.wav; yosys -q -p 'read_verilog "
          "/counter.v; synth -top counter -noabc; tee -o /stat.txt stat'; clang -O2 -c /hello.c "
          "-o /hello.o. start commands: flite -lv; yosys -V; clang --version.")
    print(f"load average at end: {loadavg()}")
    failures = [(r["program"], f) for r in rows for f in r.get("failures", [])]
    for program, failure in failures:
        print(f"FAILED {program} {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
