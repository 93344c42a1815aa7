#!/usr/bin/env bash
# Bazel's entry point for //testing/wasi_testsuite:wasi_testsuite_test: runs run.py (which says
# what it checks) on the kiln binary from the runfiles. The suite comes from
# KILN_WASI_TESTSUITE_DIR (.bazelrc passes it with --test_env) or is found beside the checkout;
# without it the test fails. Extra arguments (e.g. --filter, from `bazel test --test_arg=`) go
# to run.py. The suite takes seconds; a test that hangs is killed after 30 s, so even several
# of them leave the summary inside Bazel's default (moderate, 300 s) test timeout.
set -euo pipefail
exec python3 testing/wasi_testsuite/run.py --kiln tools/kiln --timeout 30 "$@"
