/* bench.h: helpers shared by the minirec benchmarks (bench_main.c runs them).
 * Each benchmark prints one JSON object per line on stdout, so the same
 * program reports the same way natively, in Node and in Chromium. */
#ifndef MINIREC_BENCH_H
#define MINIREC_BENCH_H

#include "minirec.h"
#include "../tools/synth/synth.h"

/* Monotonic wall clock in seconds (performance.now() in WebAssembly). */
double bench_now(void);

/* "native", "wasm" or "wasm-simd128": how this program was compiled. */
const char *bench_build_name(void);

/* Summary of repeated timings, in seconds. */
typedef struct bench_stats {
    int n;
    double median, min, p90;
} bench_stats;

/* Sorts `seconds` in place and summarises it. */
bench_stats bench_summarise(double *seconds, int n);

/* Builds and finishes a data set from the generator: every catalog movie
 * with its title and genres, then every rating. Returns NULL on failure,
 * with the reason in `message`. */
mr_dataset *bench_synth_dataset(const synth_params *p, char *message, size_t size);

/* Value of "--name" in argv as an int, or `fallback`. */
int bench_arg_int(int argc, char **argv, const char *name, int fallback);
/* Value of "--name" in argv, or `fallback`. */
const char *bench_arg_str(int argc, char **argv, const char *name, const char *fallback);

/* The benchmarks; argv[0] is the benchmark name. Each returns 0 or 1. */
int bench_sgd(int argc, char **argv);
int bench_pipeline(int argc, char **argv);
int bench_rank(int argc, char **argv);
int bench_parse(int argc, char **argv);

#endif
