#!/usr/bin/env bash
# Builds everything: the native library, CLI and tests (build/native), the
# WebAssembly module (build/wasm) and the page (dist/minirec.html, dist/site/).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's emcc 3.1.6 finds its JavaScript dependencies (acorn) only here.
export NODE_PATH=/usr/share/nodejs

echo "build: native library, CLI and tests"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$(nproc)" >/dev/null

echo "build: WebAssembly modules (plain and SIMD)"
mkdir -p build/wasm
# One file each with the .wasm embedded, so the page loads from file:// and in
# Node. -ffp-contract=off keeps the arithmetic identical to the native build.
# The page picks the SIMD module when the browser validates SIMD code.
wasm_flags=(-O2 -std=c11 -Wall -Wextra -Werror -ffp-contract=off -Iinclude
  -sSINGLE_FILE=1 -sMODULARIZE=1 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB
  "-sEXPORTED_RUNTIME_METHODS=['UTF8ToString','stringToUTF8','lengthBytesUTF8']")
# The plain core only serves browsers without SIMD, so it is built for size.
emcc "${wasm_flags[@]}" -Os src/*.c -sEXPORT_NAME=createMinirecCore -o build/wasm/minirec_core.js
emcc "${wasm_flags[@]}" -msimd128 src/*.c -sEXPORT_NAME=createMinirecCoreSimd \
  -o build/wasm/minirec_core_simd.js

echo "build: page"
node tools/build-web.mjs
