#!/bin/bash
# Builds entry_fuzzer with clang++ (libFuzzer + AddressSanitizer + UBSan) outside Bazel and
# fuzzes the compilation cache's entry parser.
#
#   runtime/cache/fuzz/run_fuzzer.sh [seconds=60] [corpus_dir=/tmp/kiln_entry_fuzz/corpus]
#
# Crashes are written to /tmp/kiln_entry_fuzz/crash-*; reproduce one with
#   /tmp/kiln_entry_fuzz/entry_fuzzer /tmp/kiln_entry_fuzz/crash-<hash>
# and turn it into an entry_format_test case.
set -euo pipefail

seconds="${1:-60}"
corpus="${2:-/tmp/kiln_entry_fuzz/corpus}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
work=/tmp/kiln_entry_fuzz
binary="$work/entry_fuzzer"
mkdir -p "$work" "$corpus"

sources=(
  "$root/runtime/cache/fuzz/entry_fuzzer.cc"
  "$root/runtime/cache/entry_format.cc"
  "$root/runtime/cache/cache_key.cc"
  "$root/compiler/base/sha256.cc"
)
# Abseil's libraries, read from the one place that lists them (//third_party:absl).
mapfile -t absl_libs < <(sed -n '/name = "absl"/,/^)/p' "$root/third_party/BUILD" |
                         grep -o '"-l[^"]*"' | tr -d '"')

echo "building $binary"
clang++ -std=c++17 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" "${sources[@]}" -o "$binary" "${absl_libs[@]}"

echo "fuzzing for ${seconds}s on $(ls "$corpus" | wc -l) corpus files"
"$binary" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/crash-" "$corpus"
