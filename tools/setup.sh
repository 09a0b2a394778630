#!/usr/bin/env bash
# Installs what building and testing minirec needs and is missing: Debian's
# compilers, Emscripten, Chromium and numpy, and the locked npm packages.
# Safe to run again: it installs only what is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v cc >/dev/null || missing+=(gcc)
command -v emcc >/dev/null || missing+=(emscripten)
command -v clang >/dev/null || missing+=(clang)
# libFuzzer and the sanitizer runtimes for the parser fuzz targets.
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
  missing+=(libclang-rt-dev)
command -v node >/dev/null || missing+=(nodejs npm)
[ -x /usr/bin/chromium ] || missing+=(chromium)
/usr/bin/python3 -c 'import numpy' 2>/dev/null || missing+=(python3-numpy)

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: apt-get needs root; run this as root or install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

# npm ci installs exactly the versions in package-lock.json.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi
