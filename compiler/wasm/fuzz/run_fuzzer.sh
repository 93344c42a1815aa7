#!/bin/bash
# Builds decode_validate_fuzzer with clang++ (libFuzzer + AddressSanitizer + UBSan) outside
# Bazel, seeds a corpus with the spec suite's modules, and fuzzes Decode + Validate.
#
#   compiler/wasm/fuzz/run_fuzzer.sh [seconds=60] [corpus_dir=/tmp/kiln_fuzz/corpus]
#
# Crashes are written to /tmp/kiln_fuzz/crash-*; reproduce one with
#   /tmp/kiln_fuzz/decode_validate_fuzzer /tmp/kiln_fuzz/crash-<hash>
# and turn it into a decoder_test or validator_test case.
set -euo pipefail

seconds="${1:-60}"
corpus="${2:-/tmp/kiln_fuzz/corpus}"
root="$(cd "$(dirname "$0")/../../.." && pwd)"
work=/tmp/kiln_fuzz
binary="$work/decode_validate_fuzzer"
mkdir -p "$work" "$corpus"

# Every library source of compiler/wasm (decoder, validator, reader, opcode table) and of
# compiler/base, which it uses (UTF-8 checks).
sources=("$root/compiler/wasm/fuzz/decode_validate_fuzzer.cc")
for file in "$root"/compiler/base/*.cc "$root"/compiler/wasm/*.cc; do
  [[ "$file" == *_test.cc ]] || sources+=("$file")
done

# Abseil's libraries, read from the one place that lists them (//third_party:absl).
mapfile -t absl_libs < <(sed -n '/name = "absl"/,/^)/p' "$root/third_party/BUILD" |
                         grep -o '"-l[^"]*"' | tr -d '"')

echo "building $binary"
clang++ -std=c++17 -O1 -g -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root" "${sources[@]}" -o "$binary" "${absl_libs[@]}"

# Seed an empty corpus with every module the spec suite defines (valid and malformed alike).
if [[ -z "$(ls -A "$corpus")" ]]; then
  echo "seeding $corpus from the spec suite"
  seed="$work/seed"
  mkdir -p "$seed"
  for wast in "${SPECTEST_DIR:-$root/../shared/spectest/core-2.0}"/*.wast; do
    name="$(basename "$wast" .wast)"
    wast2json "$wast" -o "$seed/$name.json" >/dev/null 2>&1 || true
  done
  find "$seed" -name '*.wasm' -size -64k -exec cp -t "$corpus" {} +
fi

echo "fuzzing for ${seconds}s on $(ls "$corpus" | wc -l) corpus files"
"$binary" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/crash-" "$corpus"
