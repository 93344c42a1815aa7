"""The cases of /work/shared/wasi/programs/programs.json, set up and checked for any runner.

A runner is a command that takes the options of `kiln run`:

    RUNNER... [--dir HOST:GUEST]... [--env K=V]... [--argv0 NAME] -- MODULE ARGS...

so the same case runs under `kiln run --cache-dir DIR` (the tests, the benchmark) and under
node_wasi_run.mjs (to check these scripts themselves, and the benchmark's comparison).

What a case means (see the README beside programs.json):
  - `steps` run in order and share one set of directories: every `@scratch` guest path gets one
    new empty dir per case, and with `writable: true` each preopened host dir is copied once
    per case, so a later step sees what an earlier one wrote.
  - `argv0` defaults to the module's file name without `.wasm`; `env` is the whole
    environment; `stdin` is a file, else an empty pipe.
  - `copy_in` puts files into the guest fs before the step runs (`@programs/...` = the folder
    of programs.json); `@root:/x` as a module is the file /x of the guest fs of earlier steps.
  - `expect`: exit_code (default 0), trap (any status but 0), stdout_sha1, stdout_exact,
    stdout_glob ('*' matches any text, newlines included, and the glob covers all of stdout),
    files_sha1 / files_glob (guest paths), min_seconds.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import time


class CaseError(Exception):
    """A case failed: its message says which step and why."""


def load_cases(programs_dir):
    with open(os.path.join(programs_dir, "programs.json"), encoding="utf-8") as f:
        return json.load(f)["cases"]


def glob_matches(glob, text):
    """Whether `text` is all matched by `glob`, where only '*' is special (any text at all)."""
    pattern = ".*".join(re.escape(part) for part in glob.split("*"))
    return re.fullmatch(pattern, text, flags=re.DOTALL) is not None


def sha1_hex(data):
    return hashlib.sha1(data).hexdigest()


def excerpt(data, limit=400):
    """The start of some output, printable on one line, for failure messages."""
    text = data.decode("utf-8", errors="replace")
    if len(text) > limit:
        text = text[:limit] + f"... ({len(data)} bytes)"
    return repr(text)


class StepRun:
    """What one step produced."""

    def __init__(self, exit_code, stdout, stderr, seconds):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds


class CaseSetup:
    """The directories of one case: where each guest path of its steps lives on the host.

    `programs_dir` is the folder of programs.json (for `@programs/...` and stored cases);
    `source_dir` is where the case's own paths are relative to (the same folder for `stored`,
    the fetch destination for `npm`); `work_dir` is an empty dir this case may fill.
    """

    def __init__(self, case, programs_dir, source_dir, work_dir):
        self.case = case
        self.programs_dir = programs_dir
        self.source_dir = source_dir
        self.work_dir = work_dir
        self.writable = bool(case.get("writable"))
        self.scratch_for_guest = {}  # guest path of an @scratch preopen -> its host dir
        self.copy_of_host = {}  # preopened host dir -> its writable copy (writable cases)
        self.guest_mounts = {}  # every guest path mounted by a step so far -> host dir
        self._dirs_made = 0

    def _new_dir(self, label):
        self._dirs_made += 1
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", label).strip("_") or "root"
        path = os.path.join(self.work_dir, f"{self._dirs_made:02d}-{safe}")
        os.makedirs(path)
        return path

    def host_dir(self, guest, host_spec):
        """The host dir preopened at `guest` for a step's `preopens` entry `host_spec`."""
        if host_spec == "@scratch":
            if guest not in self.scratch_for_guest:
                self.scratch_for_guest[guest] = self._new_dir("scratch" + guest)
            return self.scratch_for_guest[guest]
        source = os.path.join(self.source_dir, host_spec)
        if not os.path.isdir(source):
            raise CaseError(f"preopen {guest} -> {host_spec}: no such directory {source}")
        if not self.writable:
            return source
        if source not in self.copy_of_host:
            copy = self._new_dir("copy-" + host_spec)
            shutil.rmtree(copy)
            shutil.copytree(source, copy, symlinks=True)
            self.copy_of_host[source] = copy
        return self.copy_of_host[source]

    def guest_to_host(self, guest_path, mounts=None):
        """The host file behind an absolute guest path, through the longest matching preopen."""
        mounts = self.guest_mounts if mounts is None else mounts
        best = None
        for guest, host in mounts.items():
            prefix = guest.rstrip("/")
            if guest_path == prefix or guest_path.startswith(prefix + "/"):
                if best is None or len(prefix) > len(best[0]):
                    best = (prefix, host)
        if best is None:
            raise CaseError(f"guest path {guest_path} is under no preopen ({sorted(mounts)})")
        rest = guest_path[len(best[0]):].lstrip("/")
        return os.path.join(best[1], rest) if rest else best[1]

    def prepare_step(self, index, step):
        """The module path, argv0, preopens (guest -> host), env and stdin of one step, with
        its copy_in files in place."""
        mounts = {}
        for guest, host_spec in step.get("preopens", {}).items():
            mounts[guest] = self.host_dir(guest, host_spec)
        self.guest_mounts.update(mounts)

        for guest_path, what in step.get("copy_in", {}).items():
            if not what.startswith("@programs/"):
                raise CaseError(f"step {index}: copy_in {guest_path}: unknown source {what}")
            if not self.writable and not any(
                    spec == "@scratch" for spec in step.get("preopens", {}).values()):
                raise CaseError(f"step {index}: copy_in needs a writable case")
            source = os.path.join(self.programs_dir, what[len("@programs/"):])
            target = self.guest_to_host(guest_path, mounts)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)

        module_spec = step["module"]
        if module_spec.startswith("@root:"):
            module = self.guest_to_host(module_spec[len("@root:"):])
        else:
            module = os.path.join(self.source_dir, module_spec)
        if not os.path.isfile(module):
            raise CaseError(f"step {index}: module {module_spec} not found at {module}")
        argv0 = step.get("argv0") or os.path.basename(module_spec).removesuffix(".wasm")
        stdin = step.get("stdin")
        if stdin is not None:
            stdin = os.path.join(self.source_dir, stdin)
            if not os.path.isfile(stdin):
                raise CaseError(f"step {index}: stdin file {stdin} not found")
        return {
            "module": module,
            "argv0": argv0,
            "args": list(step.get("args", [])),
            "env": dict(step.get("env", {})),
            "preopens": mounts,
            "stdin": stdin,
        }


def runner_command(runner, prepared):
    """The full command line of one step under `runner` (a list: the runner and its options)."""
    command = list(runner)
    for guest, host in prepared["preopens"].items():
        command += ["--dir", f"{host}:{guest}"]
    for key, value in prepared["env"].items():
        command += ["--env", f"{key}={value}"]
    command += ["--argv0", prepared["argv0"], "--", prepared["module"]]
    return command + prepared["args"]


def run_step(runner, prepared, timeout, cwd=None):
    """Runs one prepared step; a step that outlives `timeout` seconds is killed and fails."""
    command = runner_command(runner, prepared)
    stdin = open(prepared["stdin"], "rb") if prepared["stdin"] else subprocess.PIPE
    start = time.monotonic()
    try:
        process = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, cwd=cwd)
        try:
            # An empty pipe for stdin: communicate closes it at once.
            stdout, stderr = process.communicate(
                input=b"" if stdin is subprocess.PIPE else None, timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            raise CaseError(f"killed after {timeout} s: {' '.join(command)}; "
                            f"stderr: {excerpt(stderr)}")
    finally:
        if stdin is not subprocess.PIPE:
            stdin.close()
    return StepRun(process.returncode, stdout, stderr, time.monotonic() - start)


def check_step(setup, index, run, expect):
    """Raises CaseError unless `run` is what `expect` says."""
    where = f"step {index}"
    if expect.get("trap"):
        if run.exit_code == 0:
            raise CaseError(f"{where}: exit code 0, want a trap (any other status)")
    else:
        want = expect.get("exit_code", 0)
        if run.exit_code != want:
            raise CaseError(f"{where}: exit code {run.exit_code}, want {want}; "
                            f"stderr: {excerpt(run.stderr)}; stdout: {excerpt(run.stdout)}")
    if "stdout_sha1" in expect and sha1_hex(run.stdout) != expect["stdout_sha1"]:
        raise CaseError(f"{where}: stdout sha1 {sha1_hex(run.stdout)}, want "
                        f"{expect['stdout_sha1']}; stdout: {excerpt(run.stdout)}")
    if "stdout_exact" in expect and run.stdout != expect["stdout_exact"].encode("utf-8"):
        raise CaseError(f"{where}: stdout {excerpt(run.stdout)}, want "
                        f"{expect['stdout_exact']!r}")
    if "stdout_glob" in expect:
        text = run.stdout.decode("utf-8", errors="replace")
        if not glob_matches(expect["stdout_glob"], text):
            raise CaseError(f"{where}: stdout {excerpt(run.stdout)} does not match "
                            f"{expect['stdout_glob']!r}")
    for guest_path, want in expect.get("files_sha1", {}).items():
        data = read_guest_file(setup, where, guest_path)
        if sha1_hex(data) != want:
            raise CaseError(f"{where}: {guest_path} has sha1 {sha1_hex(data)} "
                            f"({len(data)} bytes), want {want}")
    for guest_path, glob in expect.get("files_glob", {}).items():
        data = read_guest_file(setup, where, guest_path)
        if not glob_matches(glob, data.decode("utf-8", errors="replace")):
            raise CaseError(f"{where}: {guest_path} is {excerpt(data)}, "
                            f"which does not match {glob!r}")
    if "min_seconds" in expect and run.seconds < expect["min_seconds"]:
        raise CaseError(f"{where}: took {run.seconds:.2f} s, want at least "
                        f"{expect['min_seconds']} s (sleeps too short?)")


def read_guest_file(setup, where, guest_path):
    host = setup.guest_to_host(guest_path)
    try:
        with open(host, "rb") as f:
            return f.read()
    except OSError as error:
        raise CaseError(f"{where}: expected file {guest_path} ({host}): {error.strerror}")


def run_case(case, runner, programs_dir, source_dir, work_dir, timeout):
    """Runs every step of `case`; returns the seconds each step took, raises CaseError."""
    setup = CaseSetup(case, programs_dir, source_dir, work_dir)
    seconds = []
    for index, step in enumerate(case["steps"]):
        prepared = setup.prepare_step(index, step)
        run = run_step(runner, prepared, timeout)
        check_step(setup, index, run, step.get("expect", {}))
        seconds.append(run.seconds)
    return seconds
