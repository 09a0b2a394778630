/* parse_bench.c: native parse throughput of a movies.csv + ratings.csv pair.
 * Both files are read into memory first, so the figures exclude the disk.
 * Then a fresh data set is filled by feeding 1 MiB chunks to mr_parser_feed,
 * as the page does, and finished. The WebAssembly figures come from
 * bench/parse_node.mjs, which drives the page's module the same way.
 * Options: --movies PATH, --ratings PATH, --repeats N (1), --chunk BYTES. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "bench.h"

#ifdef __EMSCRIPTEN__

int bench_parse(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "parse: this benchmark runs natively; bench/parse_node.mjs measures WebAssembly\n");
    return 1;
}

#else

typedef struct file_bytes {
    char *data;
    size_t size;
} file_bytes;

static int read_file(const char *path, file_bytes *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "parse: cannot open %s\n", path);
        return -1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    out->data = malloc(size > 0 ? (size_t)size : 1);
    out->size = size > 0 ? (size_t)size : 0;
    int ok = out->data && fread(out->data, 1, out->size, f) == out->size;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "parse: reading %s failed\n", path);
        return -1;
    }
    return 0;
}

/* Feeds a file through a new parser in chunks; returns seconds or -1. */
static double parse_file(mr_dataset *ds, mr_file_kind kind, const char *name, const file_bytes *f,
                         size_t chunk)
{
    mr_error err;
    double t0 = bench_now();
    mr_parser *p = mr_parser_create(ds, kind, name);
    mr_status s = p ? MR_OK : MR_ERR_NO_MEMORY;
    for (size_t off = 0; s == MR_OK && off < f->size; off += chunk) {
        size_t n = f->size - off < chunk ? f->size - off : chunk;
        s = mr_parser_feed(p, f->data + off, n, &err);
    }
    if (s == MR_OK)
        s = mr_parser_end(p, &err);
    mr_parser_destroy(p);
    if (s != MR_OK) {
        fprintf(stderr, "parse: %s failed: %s\n", name, s == MR_ERR_NO_MEMORY ? "out of memory" : err.message);
        return -1.0;
    }
    return bench_now() - t0;
}

/* Bytes the allocator hands out now (glibc only; 0 elsewhere). */
static double heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    return (double)mi.uordblks + (double)mi.hblkhd;
#else
    return 0.0;
#endif
}

int bench_parse(int argc, char **argv)
{
    const char *movies_path = bench_arg_str(argc, argv, "--movies", NULL);
    const char *ratings_path = bench_arg_str(argc, argv, "--ratings", NULL);
    const char *label = bench_arg_str(argc, argv, "--label", "data");
    int repeats = bench_arg_int(argc, argv, "--repeats", 1);
    size_t chunk = (size_t)bench_arg_int(argc, argv, "--chunk", 1 << 20);
    if (!movies_path || !ratings_path || repeats < 1 || repeats > 64 || chunk < 1) {
        fprintf(stderr, "parse: usage: parse --movies PATH --ratings PATH [--label NAME] [--repeats N] [--chunk BYTES]\n");
        return 1;
    }
    file_bytes movies = {0}, ratings = {0};
    if (read_file(movies_path, &movies) != 0 || read_file(ratings_path, &ratings) != 0) {
        free(movies.data);
        free(ratings.data);
        return 1;
    }

    double movie_s[64], rating_s[64], finish_s[64], dataset_bytes = 0.0;
    int n_ratings = 0, status = 0;
    for (int r = 0; r < repeats && !status; r++) {
        double before = heap_in_use();
        mr_dataset *ds = mr_dataset_create();
        mr_error err;
        movie_s[r] = parse_file(ds, MR_FILE_MOVIES_CSV, "movies.csv", &movies, chunk);
        rating_s[r] = movie_s[r] < 0 ? -1.0 : parse_file(ds, MR_FILE_RATINGS_CSV, "ratings.csv", &ratings, chunk);
        double t0 = bench_now();
        if (rating_s[r] < 0 || mr_dataset_finish(ds, &err) != MR_OK) {
            if (rating_s[r] >= 0)
                fprintf(stderr, "parse: finishing the data set failed: %s\n", err.message);
            status = 1;
        }
        finish_s[r] = bench_now() - t0;
        n_ratings = mr_dataset_n_ratings(ds);
        dataset_bytes = heap_in_use() - before;
        mr_dataset_destroy(ds);
    }
    if (!status) {
        bench_stats ms = bench_summarise(movie_s, repeats), rs = bench_summarise(rating_s, repeats);
        bench_stats fs = bench_summarise(finish_s, repeats);
        printf("{\"bench\":\"parse\",\"build\":\"%s\",\"data\":\"%s\",\"repeats\":%d,\"chunk\":%zu,"
               "\"movies_bytes\":%zu,\"ratings_bytes\":%zu,\"ratings\":%d,"
               "\"movies_s\":%.4f,\"ratings_s\":%.4f,\"finish_s\":%.4f,"
               "\"ratings_mb_per_s\":%.1f,\"movies_mb_per_s\":%.1f,"
               "\"dataset_bytes\":%.0f,\"bytes_per_rating\":%.1f}\n",
               bench_build_name(), label, repeats, chunk, movies.size, ratings.size, n_ratings, ms.median,
               rs.median, fs.median, ratings.size / 1e6 / rs.median, movies.size / 1e6 / ms.median,
               dataset_bytes, n_ratings ? dataset_bytes / n_ratings : 0.0);
    }
    free(movies.data);
    free(ratings.data);
    return status;
}

#endif
