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
  python3           # developer scripts
)

missing=()
for p in "${packages[@]}"; do
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
