#!/usr/bin/env bash
# Sets up, builds and runs every test: native (ctest), the WebAssembly module
# in Node, and the page in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
tools/build.sh

echo "test: native (ctest)"
(cd build/native && ctest --output-on-failure -j"$(nproc)")

echo "test: parser fuzzing, a short run per file format (clang, libFuzzer, ASan, UBSan)"
CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINIREC_FUZZ=ON \
  -DMINIREC_FUZZ_SECONDS=3 >/dev/null
cmake --build build/fuzz -j"$(nproc)" >/dev/null
(cd build/fuzz && ctest --output-on-failure -R '_short$')

echo "test: WebAssembly in Node and the page in Chromium"
node --test --test-concurrency=1 tests/node/ tests/browser/
