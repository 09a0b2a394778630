/* bench_common.c: clock, statistics, argument and data set helpers for the
 * benchmarks. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *bench_build_name(void)
{
#if defined(__wasm_simd128__)
    return "wasm-simd128";
#elif defined(__EMSCRIPTEN__)
    return "wasm";
#else
    return "native";
#endif
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bench_stats bench_summarise(double *seconds, int n)
{
    bench_stats s = {n, 0.0, 0.0, 0.0};
    if (n <= 0)
        return s;
    qsort(seconds, (size_t)n, sizeof(double), compare_doubles);
    s.min = seconds[0];
    s.median = n % 2 ? seconds[n / 2] : 0.5 * (seconds[n / 2 - 1] + seconds[n / 2]);
    s.p90 = seconds[(int)(0.9 * (n - 1) + 0.5)];
    return s;
}

int bench_arg_int(int argc, char **argv, const char *name, int fallback)
{
    const char *v = bench_arg_str(argc, argv, name, NULL);
    return v ? atoi(v) : fallback;
}

const char *bench_arg_str(int argc, char **argv, const char *name, const char *fallback)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return fallback;
}

mr_dataset *bench_synth_dataset(const synth_params *p, char *message, size_t size)
{
    synth_generator *g = synth_create(p, message, size);
    if (!g)
        return NULL;
    mr_dataset *ds = mr_dataset_create();
    if (!ds) {
        synth_destroy(g);
        snprintf(message, size, "out of memory for the data set");
        return NULL;
    }

    /* The catalog, with genres joined by '|' as in movies.csv. */
    mr_error err;
    synth_movie_info movie;
    char genres[512];
    for (int i = 0; i < synth_n_movies(g); i++) {
        synth_movie(g, i, &movie);
        size_t len = 0;
        genres[0] = '\0';
        for (int gi = 0; gi < synth_n_genres(g); gi++) {
            if (!(movie.genres & (1u << gi)))
                continue;
            len += (size_t)snprintf(genres + len, sizeof genres - len, "%s%s", len ? "|" : "",
                                    synth_genre_name(g, gi));
        }
        if (mr_dataset_add_movie(ds, movie.id, movie.title, genres, &err) != MR_OK)
            goto failed;
    }

    const synth_rating *rows;
    int n;
    while ((n = synth_next_user(g, &rows)) > 0)
        for (int i = 0; i < n; i++)
            if (mr_dataset_add_rating(ds, rows[i].user_id, rows[i].movie_id, rows[i].rating, &err) != MR_OK)
                goto failed;
    if (mr_dataset_finish(ds, &err) != MR_OK)
        goto failed;
    synth_destroy(g);
    return ds;

failed:
    snprintf(message, size, "%s", err.message);
    synth_destroy(g);
    mr_dataset_destroy(ds);
    return NULL;
}
