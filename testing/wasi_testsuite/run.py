#!/usr/bin/env python3
"""Runs the WASI preview 1 testsuite through `kiln run`.

The suite is the official WebAssembly/wasi-testsuite's prebuilt preview1 programs (see the
README.md in the suite folder): every `*.wasm` under tests/*/testsuite/wasm32-wasip1/ is one
test, configured by the `.json` file of the same name (args, env, root, exit_code, stdout,
stderr). For each test this runner

  * copies the config's `root` fixture folder to a fresh temporary folder (the suite itself
    is never written to), deletes any `*.cleanup` leftovers in the copy, and preopens the copy
    as the guest's `/` (`--dir COPY:/`);
  * passes exactly the config's environment (`--env K=V` each; nothing from the host) and
    arguments, an empty pipe as stdin, and captures stdout and stderr;
  * checks the exit status against `exit_code` (default 0) and, when the config has them, that
    stdout / stderr start with the expected text (upstream compares only that many characters);
  * deletes `*.cleanup` again and removes the copy.

It prints one line per test, `PASS name` or `FAIL name: reason` followed by the tail of the
test's stderr (and stdout), then `wasi-testsuite: N passed, N failed`, and exits 1 if any test
failed, 2 if it could not run at all (no kiln binary, no suite, no tests): it never passes
without having run something.

Usage, by hand from the checkout (after `bazel build -c opt //tools:kiln`):

  python3 testing/wasi_testsuite/run.py --kiln bazel-bin/tools/kiln \
      [--suite DIR] [--filter SUBSTR]... [--timeout SECONDS] [--jobs N] \
      [--cache-dir DIR] [--keep] [--verbose]

  --suite      the testsuite folder; default $KILN_WASI_TESTSUITE_DIR, else
               ../shared/wasi/testsuite beside the checkout.
  --filter     run only tests whose name (e.g. `rust/fd_readdir`, `c/lseek`) contains SUBSTR;
               repeatable (a test runs if any filter matches).
  --timeout    seconds per test before it is killed and failed (default 60).
  --jobs       tests run at once (default 1).
  --cache-dir  passed to `kiln run`, so a second run of the runner does not recompile.
  --keep       keep each failing test's temporary folder and print its path and command line.
  --verbose    print the kiln command line of every test.

Under Bazel it runs as //testing/wasi_testsuite:wasi_testsuite_test (run_test.sh, with
--timeout 30), the suite taken from KILN_WASI_TESTSUITE_DIR (passed through by .bazelrc's
--test_env) or found beside the real checkout this script lives in.

The suite's programs report failure only through their exit status (an assertion traps or
exits non-zero), so a runtime that ran nothing and exited 0 would pass all but the two tests
that check an exit code or output: the checks here are exactly upstream's, no stronger.
"""

import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

# The fields of the legacy configuration format that preview1 tests use. Anything else means a
# newer suite this runner does not understand, and the test fails rather than half-running.
KNOWN_FIELDS = {"args", "env", "root", "dirs", "exit_code", "stdout", "stderr"}

TAIL_LINES = 25
TAIL_CHARS = 3000


def default_suite_dir():
    """KILN_WASI_TESTSUITE_DIR, else ../shared/wasi/testsuite beside the checkout.

    The checkout is found from this script's real location: under Bazel the script is a
    runfiles symlink into the source tree, so its real path still names the checkout.
    """
    from_env = os.environ.get("KILN_WASI_TESTSUITE_DIR")
    if from_env:
        return from_env
    candidates = []
    workspace = os.environ.get("BUILD_WORKSPACE_DIRECTORY")  # set by `bazel run`
    if workspace:
        candidates.append(os.path.join(workspace, "..", "shared", "wasi", "testsuite"))
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    candidates.append(os.path.join(checkout, "..", "shared", "wasi", "testsuite"))
    for candidate in candidates:
        if os.path.isdir(candidate):
            return os.path.normpath(candidate)
    return None


class Test:
    """One `.wasm` of the suite and its configuration file (which may not exist)."""

    def __init__(self, suite_name, folder, wasm):
        stem = wasm[: -len(".wasm")]
        self.name = "%s/%s" % (suite_name, stem)
        self.folder = folder
        self.wasm = os.path.join(folder, wasm)
        self.config_path = os.path.join(folder, stem + ".json")


def find_tests(suite_dir):
    """Every tests/<suite>/testsuite/wasm32-wasip1/*.wasm, in a stable order."""
    tests = []
    tests_dir = os.path.join(suite_dir, "tests")
    if not os.path.isdir(tests_dir):
        return tests
    for suite_name in sorted(os.listdir(tests_dir)):
        folder = os.path.join(tests_dir, suite_name, "testsuite", "wasm32-wasip1")
        if not os.path.isdir(folder):
            continue
        for entry in sorted(os.listdir(folder)):
            if entry.endswith(".wasm") and os.path.isfile(os.path.join(folder, entry)):
                tests.append(Test(suite_name, folder, entry))
    return tests


def load_config(test):
    """The test's configuration, defaults filled in; raises ValueError on what it can't use."""
    config = {}
    if os.path.exists(test.config_path):
        with open(test.config_path, encoding="utf-8") as f:
            config = json.load(f)
        if not isinstance(config, dict):
            raise ValueError("%s is not a JSON object" % test.config_path)
    unknown = sorted(set(config) - KNOWN_FIELDS)
    if unknown:
        raise ValueError("unsupported config fields %s in %s" % (unknown, test.config_path))
    args = config.get("args", [])
    env = config.get("env", {})
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ValueError("`args` must be a list of strings")
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise ValueError("`env` must map names to strings")
    for key in env:
        if not key or "=" in key:
            raise ValueError("environment variable name %r cannot be passed as --env" % key)
    exit_code = config.get("exit_code", 0)
    if not isinstance(exit_code, int):
        raise ValueError("`exit_code` must be an integer")
    return {
        "args": args,
        "env": env,
        "root": config.get("root"),
        "dirs": config.get("dirs", []),
        "exit_code": exit_code,
        "stdout": config.get("stdout"),
        "stderr": config.get("stderr"),
    }


def make_writable(path):
    """The suite's files may be read-only (its copy here is); a test's copy must not be."""
    for parent, dirs, files in os.walk(path):
        os.chmod(parent, 0o755)
        for name in files:
            full = os.path.join(parent, name)
            if not os.path.islink(full):
                os.chmod(full, stat.S_IMODE(os.lstat(full).st_mode) | 0o644)


def copy_fixture(source, destination):
    """A fresh, writable copy of a fixture folder; symlinks are copied as symlinks."""
    shutil.copytree(source, destination, symlinks=True)
    make_writable(destination)
    remove_cleanup_leftovers(destination)


def remove_cleanup_leftovers(folder):
    """Deletes every `*.cleanup` file or folder under `folder` (leftovers of a test)."""
    for parent, dirs, files in os.walk(folder):
        for name in list(dirs) + files:
            if not name.endswith(".cleanup"):
                continue
            full = os.path.join(parent, name)
            if os.path.isdir(full) and not os.path.islink(full):
                remove_tree(full)
                dirs.remove(name)
            else:
                os.unlink(full)


def remove_tree(path):
    """rmtree that also removes what a test left without write permission."""

    def retry_writable(function, failed_path, _exc_info):
        os.chmod(os.path.dirname(failed_path), 0o755)
        if os.path.isdir(failed_path) and not os.path.islink(failed_path):
            os.chmod(failed_path, 0o755)
        function(failed_path)

    shutil.rmtree(path, onerror=retry_writable)


def tail(data):
    """The last lines of a captured stream, as text."""
    text = data.decode("utf-8", errors="replace")
    lines = text.rstrip("\n").split("\n")
    text = "\n".join(lines[-TAIL_LINES:])
    if len(text) > TAIL_CHARS:
        text = "..." + text[-TAIL_CHARS:]
    return text


def indent(text):
    return "\n".join("    | " + line for line in text.split("\n"))


def kiln_command(options, test, config, work_dir):
    """`kiln run` for one test; the fixture copies are made under work_dir."""
    command = [options.kiln, "run"]
    if options.cache_dir:
        command += ["--cache-dir", options.cache_dir]
    mounts = []
    if config["root"] is not None:
        mounts.append((config["root"], "/"))
    for folder in config["dirs"]:  # the format before `root`: preopened under its own name
        mounts.append((folder, folder))
    for index, (folder, guest_path) in enumerate(mounts):
        source = os.path.join(test.folder, folder)
        if not os.path.isdir(source):
            raise ValueError("fixture folder %s does not exist" % source)
        copy = os.path.join(work_dir, "mount%d" % index, os.path.basename(os.path.normpath(folder)))
        copy_fixture(source, copy)
        if ":" in copy:
            raise ValueError("temporary folder %s contains ':', which --dir cannot take" % copy)
        command += ["--dir", "%s:%s" % (copy, guest_path)]
    for key, value in config["env"].items():
        command += ["--env", "%s=%s" % (key, value)]
    # "--" ends kiln's own options, so no guest argument is read as one.
    command += ["--", test.wasm] + config["args"]
    return command


def run_process(command, cwd, timeout):
    """Runs the command with an empty pipe as stdin; returns (status, stdout, stderr, timed_out).

    The process gets its own process group so a timeout kills everything it started.
    """
    process = subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(input=b"", timeout=timeout)
        return process.returncode, stdout, stderr, False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        stdout, stderr = process.communicate()
        return process.returncode, stdout, stderr, True


def describe_status(status):
    if status < 0:
        try:
            return "killed by %s" % signal.Signals(-status).name
        except ValueError:
            return "killed by signal %d" % -status
    return "exit code %d" % status


def check_prefix(stream_name, expected, actual):
    """None when `actual` starts with `expected`, else the reason it does not."""
    actual_text = actual.decode("utf-8", errors="replace")
    if actual_text[: len(expected)] == expected:
        return None
    return "%s starts with %r, want %r" % (
        stream_name,
        actual_text[: max(len(expected), 1) + 20],
        expected,
    )


def run_test(options, test):
    """Runs one test; returns (passed, report text)."""
    started = time.monotonic()
    work_dir = tempfile.mkdtemp(prefix="wasi-%s-" % test.name.replace("/", "-"), dir=options.tmp)
    keep = False
    command = None
    try:
        try:
            config = load_config(test)
            command = kiln_command(options, test, config, work_dir)
        except (ValueError, OSError) as error:
            return False, "FAIL %s: cannot set up the test: %s" % (test.name, error)

        status, stdout, stderr, timed_out = run_process(command, work_dir, options.timeout)
        elapsed = time.monotonic() - started

        reasons = []
        if timed_out:
            reasons.append("timed out after %gs" % options.timeout)
        elif status != config["exit_code"]:
            reasons.append("%s, want exit code %d" % (describe_status(status), config["exit_code"]))
        if config["stdout"] is not None:
            reason = check_prefix("stdout", config["stdout"], stdout)
            if reason:
                reasons.append(reason)
        if config["stderr"] is not None:
            reason = check_prefix("stderr", config["stderr"], stderr)
            if reason:
                reasons.append(reason)

        lines = []
        if reasons:
            keep = options.keep
            lines.append("FAIL %s: %s (%.1fs)" % (test.name, "; ".join(reasons), elapsed))
            if stderr.strip():
                lines.append("  stderr (tail):")
                lines.append(indent(tail(stderr)))
            if stdout.strip():
                lines.append("  stdout (tail):")
                lines.append(indent(tail(stdout)))
            if keep:
                lines.append("  kept %s" % work_dir)
            if keep or options.verbose:
                lines.append("  command: %s" % " ".join(shlex.quote(part) for part in command))
        else:
            lines.append("PASS %s (%.1fs)" % (test.name, elapsed))
            if options.verbose:
                lines.append("  command: %s" % " ".join(shlex.quote(part) for part in command))
        return not reasons, "\n".join(lines)
    finally:
        # The *.cleanup leftovers go in any case; the whole copy unless it is kept to look at.
        if os.path.isdir(work_dir):
            if keep:
                remove_cleanup_leftovers(work_dir)
            else:
                remove_tree(work_dir)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Runs the WASI preview1 testsuite through `kiln run`."
    )
    parser.add_argument("--kiln", required=True, help="the kiln binary")
    parser.add_argument("--suite", help="the testsuite folder")
    parser.add_argument("--filter", action="append", default=[], help="run tests containing this")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per test")
    parser.add_argument("--jobs", type=int, default=1, help="tests run at once")
    parser.add_argument("--cache-dir", help="kiln's compilation cache folder")
    parser.add_argument("--keep", action="store_true", help="keep failing tests' folders")
    parser.add_argument("--verbose", action="store_true", help="print every command line")
    return parser.parse_args(argv)


def main(argv):
    options = parse_args(argv)
    if not (os.path.isfile(options.kiln) and os.access(options.kiln, os.X_OK)):
        print("wasi-testsuite: FAIL: no kiln binary at %s" % options.kiln, file=sys.stderr)
        return 2
    options.kiln = os.path.abspath(options.kiln)
    if options.cache_dir:
        options.cache_dir = os.path.abspath(options.cache_dir)

    suite_dir = options.suite or default_suite_dir()
    if not suite_dir or not os.path.isdir(suite_dir):
        print(
            "wasi-testsuite: FAIL: the WASI testsuite was not found (%s). Set "
            "KILN_WASI_TESTSUITE_DIR or pass --suite, e.g. /work/shared/wasi/testsuite; under "
            "Bazel, .bazelrc must pass it with --test_env=KILN_WASI_TESTSUITE_DIR."
            % (suite_dir or "no $KILN_WASI_TESTSUITE_DIR, no ../shared/wasi/testsuite"),
            file=sys.stderr,
        )
        return 2
    suite_dir = os.path.abspath(suite_dir)

    tests = find_tests(suite_dir)
    if not tests:
        print(
            "wasi-testsuite: FAIL: no tests under %s/tests/*/testsuite/wasm32-wasip1" % suite_dir,
            file=sys.stderr,
        )
        return 2
    total_in_suite = len(tests)
    if options.filter:
        tests = [t for t in tests if any(f in t.name for f in options.filter)]
        if not tests:
            print("wasi-testsuite: FAIL: no test matches %s" % options.filter, file=sys.stderr)
            return 2
    print("wasi-testsuite: %d of %d tests from %s" % (len(tests), total_in_suite, suite_dir))
    sys.stdout.flush()

    # Bazel gives each test a private temporary folder; by hand, the system's.
    options.tmp = os.environ.get("TEST_TMPDIR") or None

    passed = 0
    failed_names = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool:
        futures = [pool.submit(run_test, options, test) for test in tests]
        for test, future in zip(tests, futures):
            ok, report = future.result()
            print(report)
            sys.stdout.flush()
            if ok:
                passed += 1
            else:
                failed_names.append(test.name)

    if failed_names:
        print("failed: %s" % " ".join(failed_names))
    print("wasi-testsuite: %d passed, %d failed" % (passed, len(failed_names)))
    return 1 if failed_names else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
