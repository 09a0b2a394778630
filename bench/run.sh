#!/usr/bin/env bash
# run.sh: builds the benchmark programs and runs every minirec benchmark on
# this machine (SGD throughput, the built-in pipeline, top-N ranking, the
# page's weight and first render, parse throughput), then rewrites
# bench/RESULTS.md. bench/README.md describes each one. Takes about 3 minutes
# on 2 cores.
#
# Usage: [ML_LATEST_SMALL=DIR] bench/run.sh [--quick]
#   --quick  fewer epochs and repeats, and a 2.5M-rating parse file instead of
#            the ml-25m shape: checks that everything runs (about 1 minute);
#            RESULTS.md is then written to build/bench/RESULTS-quick.md
#
# Needs gcc, Debian's emcc 3.1.6, node, /usr/bin/python3 with numpy and
# /usr/bin/chromium (tools/setup.sh installs them). Runs `npm ci` when
# node_modules/playwright-core is missing. Large generated files go to
# build/bench/data/. Everything runs on this machine; nothing is sent anywhere.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

QUICK=0
if [[ "${1:-}" == "--quick" ]]; then
  QUICK=1
elif [[ $# -gt 0 ]]; then
  echo "usage: bench/run.sh [--quick]" >&2
  exit 2
fi

OUT=build/bench
RESULTS=$OUT/results.jsonl
LOG=$OUT/run.log
mkdir -p "$OUT/wasm" "$OUT/data"
: >"$RESULTS"
: >"$LOG"

# Load average before and after, so a busy machine shows in RESULTS.md.
record_load() {
  printf '{"bench":"load","when":"%s","date":"%s","loadavg":"%s"}\n' "$1" "$(date -u '+%Y-%m-%d %H:%M UTC')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS"
}
record_load start

# Debian's emcc 3.1.6 finds its JavaScript dependencies (acorn) only here.
export NODE_PATH=/usr/share/nodejs
PYTHON=/usr/bin/python3
FAILED=0

log() { echo "bench: $*" | tee -a "$LOG" >&2; }

# Runs a benchmark command; its JSON lines go to RESULTS, everything else to
# the log. A failure is recorded in RESULTS and the run goes on.
run_step() {
  local name=$1
  shift
  log "$name: $*"
  local start=$SECONDS output=$OUT/step-output.jsonl status=0
  "$@" >"$output" 2>>"$LOG" || status=$?
  cat "$output" >>"$RESULTS"
  cat "$output" >>"$LOG"
  if [[ $status == 0 ]]; then
    log "$name: done in $((SECONDS - start)) s"
  else
    FAILED=1
    log "$name: FAILED with exit status $status; see $LOG"
    printf '{"bench":"step","name":"%s","error":"exit status %d; see %s"}\n' "$name" "$status" "$LOG" >>"$RESULTS"
  fi
}

# ---------------------------------------------------------------------------
# Tools and builds
# ---------------------------------------------------------------------------

for tool in gcc emcc node "$PYTHON" /usr/bin/chromium; do
  if ! command -v "$tool" >/dev/null; then
    log "$tool not found; run tools/setup.sh to install the build tools"
    exit 1
  fi
done
if [[ ! -d node_modules/playwright-core ]]; then
  log "node_modules/playwright-core is missing; running npm ci"
  npm ci >>"$LOG" 2>&1 || { log "npm ci failed; see $LOG"; exit 1; }
fi

LIB_SOURCES=()
for file in src/*.c; do
  [[ $file == src/js_abi.c ]] || LIB_SOURCES+=("$file")
done
BENCH_SOURCES=(tools/synth/synth.c bench/bench_main.c bench/bench_common.c bench/sgd_bench.c
  bench/pipeline_bench.c bench/rank_bench.c bench/parse_bench.c)
# The library's own warning and contraction flags (CMakeLists.txt, tools/build.sh).
C_FLAGS=(-O2 -std=c11 -Wall -Wextra -Werror -ffp-contract=off -Iinclude)
WASM_BENCH_FLAGS=(-sSINGLE_FILE=1 -sMODULARIZE=1 -sEXPORT_NAME=createMinirecBench -sALLOW_MEMORY_GROWTH=1
  -sMAXIMUM_MEMORY=2GB "-sENVIRONMENT=web,node" -sEXIT_RUNTIME=1)

build() {
  log "build: $1"
  shift
  if ! "$@" >>"$LOG" 2>&1; then
    log "build failed: $*; see $LOG"
    exit 1
  fi
}

build "minirec-synth (gcc -O2)" gcc -O2 -std=c11 -Wall -Wextra -Werror tools/synth/synth.c \
  tools/synth/synth_main.c -lm -o "$OUT/minirec-synth"
build "minirec-bench native (gcc -O2, SSE2)" gcc "${C_FLAGS[@]}" "${LIB_SOURCES[@]}" "${BENCH_SOURCES[@]}" \
  -lm -o "$OUT/minirec-bench"
build "minirec-bench WebAssembly" emcc "${C_FLAGS[@]}" "${LIB_SOURCES[@]}" "${BENCH_SOURCES[@]}" \
  "${WASM_BENCH_FLAGS[@]}" -o "$OUT/wasm/bench.js"
build "minirec-bench WebAssembly -msimd128" emcc "${C_FLAGS[@]}" -msimd128 "${LIB_SOURCES[@]}" \
  "${BENCH_SOURCES[@]}" "${WASM_BENCH_FLAGS[@]}" -o "$OUT/wasm/bench_simd.js"

if [[ $QUICK == 1 ]]; then
  SGD_ARGS=(--epochs 3 --repeats 1)
  PY_ARGS=(--loop-epochs 1 --batch-epochs 3)
  PIPELINE_ARGS=(--batches 5)
  RANK_ARGS=(--queries 5)
  PAGE_LOADS=2
else
  SGD_ARGS=(--epochs 20 --repeats 5)
  PY_ARGS=(--loop-epochs 3 --batch-epochs 20)
  PIPELINE_ARGS=(--batches 31)
  RANK_ARGS=(--queries 51)
  PAGE_LOADS=15
fi

# ---------------------------------------------------------------------------
# a. SGD throughput
# ---------------------------------------------------------------------------

run_step "sgd native" $OUT/minirec-bench sgd "${SGD_ARGS[@]}"
run_step "sgd node wasm" node bench/run_wasm.mjs $OUT/wasm/bench.js sgd "${SGD_ARGS[@]}"
run_step "sgd node wasm-simd128" node bench/run_wasm.mjs $OUT/wasm/bench_simd.js sgd "${SGD_ARGS[@]}"
run_step "sgd chromium wasm" node bench/browser_bench.mjs wasm $OUT/wasm/bench.js sgd "${SGD_ARGS[@]}"
run_step "sgd chromium wasm-simd128" node bench/browser_bench.mjs wasm $OUT/wasm/bench_simd.js sgd "${SGD_ARGS[@]}"

# The Python runs read the same data set from a file.
build "ml-100k-shaped data set for Python" $OUT/minirec-synth --format ml-100k --users 943 --movies 1682 \
  --ratings 80000 --seed 1 --out $OUT/data/sgd-100k
run_step "sgd python" "$PYTHON" bench/sgd_numpy.py $OUT/data/sgd-100k "${PY_ARGS[@]}"

# ---------------------------------------------------------------------------
# b. The built-in pipeline, c. top-N ranking
# ---------------------------------------------------------------------------

run_step "pipeline native" $OUT/minirec-bench pipeline "${PIPELINE_ARGS[@]}"
run_step "pipeline node wasm" node bench/run_wasm.mjs $OUT/wasm/bench.js pipeline "${PIPELINE_ARGS[@]}"
run_step "pipeline node wasm-simd128" node bench/run_wasm.mjs $OUT/wasm/bench_simd.js pipeline "${PIPELINE_ARGS[@]}"
run_step "pipeline chromium wasm" node bench/browser_bench.mjs wasm $OUT/wasm/bench.js pipeline "${PIPELINE_ARGS[@]}"
run_step "pipeline chromium wasm-simd128" node bench/browser_bench.mjs wasm $OUT/wasm/bench_simd.js pipeline \
  "${PIPELINE_ARGS[@]}"

run_step "rank native" $OUT/minirec-bench rank "${RANK_ARGS[@]}"
run_step "rank node wasm" node bench/run_wasm.mjs $OUT/wasm/bench.js rank "${RANK_ARGS[@]}"
run_step "rank node wasm-simd128" node bench/run_wasm.mjs $OUT/wasm/bench_simd.js rank "${RANK_ARGS[@]}"

# ---------------------------------------------------------------------------
# e. The page: dist/minirec.html from tools/build.sh
# ---------------------------------------------------------------------------

log "page: tools/build.sh (output in $OUT/build-page.log)"
if bash tools/build.sh >"$OUT/build-page.log" 2>&1 && [[ -f dist/minirec.html ]]; then
  bytes=$(stat -c %s dist/minirec.html)
  gzip_bytes=$(gzip -9 -c dist/minirec.html | wc -c)
  printf '{"bench":"page_weight","file":"dist/minirec.html","bytes":%d,"gzip9_bytes":%d}\n' \
    "$bytes" "$gzip_bytes" >>"$RESULTS"
  run_step "page chromium" node bench/browser_bench.mjs page dist/minirec.html --loads "$PAGE_LOADS"
else
  # The first error line goes into RESULTS.md, keeping only characters that need no JSON escape.
  reason=$(grep -m1 -iE 'error|undefined reference' "$OUT/build-page.log" | tr -cd '[:alnum:] ._:/()=-' | cut -c1-200)
  log "page: tools/build.sh failed ($reason); the page figures are pending"
  printf '{"bench":"page_weight","pending":"tools/build.sh failed: %s (full output in %s)"}\n' \
    "${reason:-no dist/minirec.html}" "$OUT/build-page.log" >>"$RESULTS"
fi

# ---------------------------------------------------------------------------
# d. Parse throughput (last: the parser changes most often)
# ---------------------------------------------------------------------------

# The page's own modules, which tools/build.sh built in part e.
CORE=build/wasm/minirec_core.js
CORE_SIMD=build/wasm/minirec_core_simd.js

# The real ml-latest-small files, by default where the tests read them.
SMALL=${ML_LATEST_SMALL:-../shared/data/ml-latest-small}
if [[ -f $SMALL/ratings.csv && -f $SMALL/movies.csv ]]; then
  small_args=(--movies "$SMALL/movies.csv" --ratings "$SMALL/ratings.csv" --label ml-latest-small --repeats 5)
  run_step "parse native ml-latest-small" $OUT/minirec-bench parse "${small_args[@]}"
  run_step "parse node wasm ml-latest-small" node bench/parse_node.mjs $CORE "${small_args[@]}" --build wasm
  run_step "parse node wasm-simd128 ml-latest-small" node bench/parse_node.mjs $CORE_SIMD \
    "${small_args[@]}" --build wasm-simd128
else
  log "parse: $SMALL has no movies.csv and ratings.csv; skipping the real ml-latest-small files (set ML_LATEST_SMALL)"
fi

if [[ $QUICK == 1 ]]; then
  BIG_LABEL=ml-csv-2.5m
  build "ml-csv data set, 2.5M ratings" $OUT/minirec-synth --format ml-csv --users 16254 --ratings 2500010 \
    --out $OUT/data/$BIG_LABEL
else
  BIG_LABEL=ml-25m-shape
  build "ml-25m-shaped data set" $OUT/minirec-synth --preset ml-25m --out $OUT/data/$BIG_LABEL
fi
big_args=(--movies "$OUT/data/$BIG_LABEL/movies.csv" --ratings "$OUT/data/$BIG_LABEL/ratings.csv"
  --label "$BIG_LABEL")
run_step "parse native $BIG_LABEL" $OUT/minirec-bench parse "${big_args[@]}"
run_step "parse node wasm-simd128 $BIG_LABEL" node bench/parse_node.mjs $CORE_SIMD "${big_args[@]}" \
  --build wasm-simd128

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------

record_load end
if [[ $QUICK == 1 ]]; then
  REPORT=$OUT/RESULTS-quick.md
else
  REPORT=bench/RESULTS.md
fi
command_line="bench/run.sh${1:+ $1}"
# Keeps this run's raw figures beside the others, since results.jsonl is rewritten every run.
cp "$RESULTS" "$OUT/results-$(date -u +%Y%m%d-%H%M%S).jsonl"
if "$PYTHON" bench/report.py "$RESULTS" "$REPORT" --command "$command_line" >>"$LOG" 2>&1; then
  log "wrote $REPORT"
else
  log "writing $REPORT failed; see $LOG"
  exit 1
fi
if [[ $FAILED == 1 ]]; then
  log "some steps failed; $REPORT lists them"
  exit 1
fi
