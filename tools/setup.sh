#!/usr/bin/env bash
# Installs every Debian package kiln's build and tests need. Idempotent: packages already
# present are skipped, and apt-get update runs at most once per call.
set -euo pipefail

packages=(
  bazel-bootstrap   # Bazel 4.2.3, run offline (see WORKSPACE)
  g++               # the C++ toolchain Bazel drives
  libabsl-dev       # Abseil 20220623
  libasmjit-dev     # x86 and a64 assemblers
  catch2            # Catch2 v2 single header
  wabt              # wat2wasm / wast2json, to cross-check the text encoder
  clang             # libFuzzer for the fuzz targets (tagged manual)
  python3           # developer scripts, the WASI program checks
  nodejs            # node:wasi: fetch-npm-programs.sh unpacks Yosys's share files, and
  npm               # //bench:wasi_programs_bench compares against Node (npm pack fetches)
)

# provided_by PACKAGE: a command that, when present, means PACKAGE's job is already done by
# something else. NodeSource's nodejs bundles npm and conflicts with Debian's npm package, so
# asking apt for npm there would fail.
provided_by() {
  case $1 in
    nodejs) echo node ;;
    npm) echo npm ;;
  esac
}

missing=()
for p in "${packages[@]}"; do
  command_name=$(provided_by "$p")
  if [[ -n "$command_name" ]] && command -v "$command_name" >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
echo "setup: all packages present"
