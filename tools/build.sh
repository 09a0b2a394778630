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
rm -rf build/wasm
mkdir -p build/wasm
# Each build is a glue script (MODULARIZE) and a separate .wasm. build-web.mjs
# embeds the .wasm files deflated in the page, which hands the inflated bytes
# to the glue as Module.wasmBinary; Node callers pass wasmBinary too.
# -ffp-contract=off keeps the arithmetic identical to the native build.
c_flags=(-std=c11 -Wall -Wextra -Werror -ffp-contract=off -Iinclude)
# Both builds link with the same flags, so their glue scripts come out the same
# apart from the factory's name and the .wasm file name, and the page carries
# one. -O3 at link time runs wasm-opt -O3; linking at -Os instead made the SIMD
# core's parser about 3% slower in bench/parse_node.mjs.
link_flags=(-O3 -sMODULARIZE=1 -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=2GB
  "-sEXPORTED_RUNTIME_METHODS=['UTF8ToString','stringToUTF8','lengthBytesUTF8']")

# Compiles every src/*.c into build/wasm/DIR/ in parallel and lists the objects
# in `objects`. Usage: compile_objects DIR "EXTRA FLAGS" [FAST_SOURCE...]. The
# sources named FAST_SOURCE (without .c) get -O2, the others -Os.
compile_objects() {
  local dir=build/wasm/$1 extra=$2
  shift 2
  mkdir -p "$dir"
  objects=()
  local jobs=() source name level fast
  for source in src/*.c; do
    name=$(basename "$source" .c)
    level=-Os
    for fast in "$@"; do
      if [[ $name == "$fast" ]]; then level=-O2; fi
    done
    # shellcheck disable=SC2086 # $extra holds zero or more flags
    emcc "${c_flags[@]}" $extra "$level" -c "$source" -o "$dir/$name.o" &
    jobs+=($!)
    objects+=("$dir/$name.o")
  done
  # Waiting on each job by id makes a failed compile stop the build (set -e).
  for job in "${jobs[@]}"; do wait "$job"; done
}

# The plain core only serves browsers without SIMD, so it is compiled for size.
compile_objects plain-objects ""
emcc "${objects[@]}" "${link_flags[@]}" -sEXPORT_NAME=createMinirecCore -o build/wasm/minirec_core.js

# The page picks the SIMD core when the browser validates SIMD code. Training,
# ranking, similarity and parsing are compiled for speed, the rest for size.
compile_objects simd-objects -msimd128 sgd_kernels rank mf content parse formats formats_text rng dataset
emcc -msimd128 "${objects[@]}" "${link_flags[@]}" -sEXPORT_NAME=createMinirecCoreSimd \
  -o build/wasm/minirec_core_simd.js

echo "build: page"
node tools/build-web.mjs
