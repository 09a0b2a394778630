/* fuzz_formats.c: libFuzzer target for the file parsers, built once per file
 * kind (FUZZ_KIND, FUZZ_FILE_NAME). Each input is read three ways: in one
 * piece, in random chunks (sizes from a generator seeded by the input), and
 * byte by byte for inputs up to 2 KiB. Any difference in status, message,
 * counts or stored text between the three traps, as does a string from the
 * library that is not valid UTF-8. AddressSanitizer reports memory errors
 * and leaks.
 *
 * For MR_FILE_AUTO the input may hold two files separated by a line "--",
 * read in order into one data set (movies then ratings, u.genre then u.item).
 *
 * Without libFuzzer, replay_main.c runs the same checks over files. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minirec.h"

#ifndef FUZZ_KIND
#define FUZZ_KIND MR_FILE_AUTO
#endif
#ifndef FUZZ_FILE_NAME
#define FUZZ_FILE_NAME "input"
#endif

/* A file name that the data set must cut inside a character, used by the
 * MR_FILE_AUTO target for half of the inputs. */
#define LONG_UTF8_NAME \
    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9" \
    "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC" \
    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9" \
    "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC" \
    "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC.txt"

/* Inputs up to this size are also fed one byte per call. */
#define BYTE_BY_BYTE_MAX 2048

#define FAIL_CHECK(what)                                                          \
    do {                                                                          \
        fprintf(stderr, "fuzz_formats: %s (%s:%d)\n", what, __FILE__, __LINE__); \
        abort();                                                                  \
    } while (0)

/* ======================================================================== */
/* Summary of one reading                                                   */
/* ======================================================================== */

typedef struct summary {
    mr_status status;
    char message[MR_ERROR_MESSAGE_SIZE];
    int n_movies, n_users, n_ratings, n_genres;
    mr_load_report report;
    uint64_t text_hash; /* titles, labels, genres, file records, skipped lines */
    double rating_sum;
} summary;

static uint64_t hash_bytes(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

/* Sequence length a UTF-8 lead byte announces, 0 for an invalid lead. */
static size_t lead_length(unsigned c)
{
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        return 2;
    return c < 0xF0 ? 3 : 4;
}

static int utf8_valid(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        unsigned c = *u;
        size_t len = lead_length(c);
        if (len == 0)
            return 0;
        for (size_t i = 1; i < len; i++)
            if ((u[i] & 0xC0) != 0x80)
                return 0;
        if ((c == 0xE0 && u[1] < 0xA0) || (c == 0xED && u[1] > 0x9F) || (c == 0xF0 && u[1] < 0x90) ||
            (c == 0xF4 && u[1] > 0x8F))
            return 0;
        u += len;
    }
    return 1;
}

/* Hashes a string from the library after checking it is valid UTF-8. */
static uint64_t hash_text(uint64_t h, const char *s)
{
    if (!s)
        FAIL_CHECK("the library returned a NULL string");
    if (!utf8_valid(s))
        FAIL_CHECK("the library returned text that is not valid UTF-8");
    return hash_bytes(h, s, strlen(s) + 1);
}

static void summarize(const mr_dataset *ds, int finished, summary *out)
{
    out->n_movies = mr_dataset_n_movies(ds);
    out->n_users = mr_dataset_n_users(ds);
    out->n_ratings = mr_dataset_n_ratings(ds);
    out->n_genres = mr_dataset_n_genres(ds);
    out->report = mr_dataset_report(ds);
    uint64_t h = 0xcbf29ce484222325ull;
    for (int m = 0; m < out->n_movies; m++) {
        int64_t id = mr_dataset_movie_id(ds, m);
        h = hash_bytes(h, &id, sizeof id);
        h = hash_text(h, mr_dataset_movie_title(ds, m));
        h = hash_text(h, mr_dataset_movie_label(ds, m));
        if (mr_dataset_movie_index(ds, id) != m)
            FAIL_CHECK("a movie id does not find its own index");
        if (finished) {
            int n = 0;
            const int *g = mr_dataset_movie_genres(ds, m, &n);
            for (int i = 0; i < n; i++)
                h = hash_text(h, mr_dataset_genre_name(ds, g[i]));
        }
    }
    for (int f = 0; f < mr_dataset_n_files(ds); f++) {
        mr_file_report r = mr_dataset_file(ds, f);
        h = hash_text(h, r.file_name);
        h = hash_text(h, r.format);
        h = hash_text(h, r.encoding);
        long counts[5] = {r.n_lines, r.n_data_lines, r.n_converted_lines, r.n_skipped, r.complete};
        h = hash_bytes(h, counts, sizeof counts);
    }
    for (int s = 0; s < mr_dataset_n_skipped_kept(ds); s++) {
        const mr_skipped_line *k = mr_dataset_skipped_line(ds, s);
        h = hash_bytes(h, &k->line, sizeof k->line);
        h = hash_text(h, k->text);
        h = hash_text(h, k->reason);
    }
    out->rating_sum = 0.0;
    if (finished) {
        for (int u = 0; u < out->n_users; u++) {
            int64_t id = mr_dataset_user_id(ds, u);
            if (mr_dataset_user_index(ds, id) != u)
                FAIL_CHECK("a user id does not find its own index");
            if (u > 0 && mr_dataset_user_id(ds, u - 1) >= id)
                FAIL_CHECK("users are not in ascending id order");
        }
        for (int u = 0; u < out->n_users && u < 50; u++)
            for (int m = 0; m < out->n_movies && m < 50; m++) {
                double r;
                if (mr_dataset_rating(ds, u, m, &r))
                    out->rating_sum += r * (double)(u + 1) + (double)m;
            }
    }
    out->text_hash = h;
}

/* ======================================================================== */
/* Reading                                                                  */
/* ======================================================================== */

enum split { SPLIT_NONE, SPLIT_RANDOM, SPLIT_BYTES };

static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* Size of the next feed: whole, random (zero-length feeds included), or 1. */
static size_t next_chunk(enum split split, uint64_t *state, size_t left)
{
    size_t n = left;
    if (split == SPLIT_BYTES)
        n = 1;
    else if (split == SPLIT_RANDOM) {
        uint64_t r = next_random(state);
        n = r % 8 == 0 ? (size_t)(r >> 8) % 4096 : (size_t)(r >> 8) % 24;
    }
    return n < left ? n : left;
}

/* Exercises the queries on a finished data set, so a malformed index would
 * show up as a sanitizer report. */
static void use_dataset(const mr_dataset *ds)
{
    int top[8];
    mr_dataset_most_active_users(ds, top, 8);
    mr_dataset_most_rated_movies(ds, top, 8);
    mr_popularity rows[8];
    int n = 0;
    mr_error err;
    mr_popularity_rank(ds, 1, rows, 8, &n, &err);
    if (mr_dataset_n_movies(ds) > 0) {
        mr_scored_movie similar[8];
        mr_similar_movies(ds, mr_dataset_movie_id(ds, 0), 8, similar, &n, &err);
    }
    if (mr_dataset_n_users(ds) > 0) {
        mr_recommendation recs[8];
        mr_recommend(ds, NULL, mr_dataset_user_id(ds, 0), NULL, recs, 8, &n, &err);
    }
}

/* Adds a rating that may repeat a pair and one that cannot, finishes again,
 * and checks the count and the stored values. */
static void add_after_finish(mr_dataset *ds)
{
    if (mr_dataset_n_users(ds) == 0 || mr_dataset_n_movies(ds) == 0)
        return;
    int64_t user = mr_dataset_user_id(ds, 0), movie = mr_dataset_movie_id(ds, 0);
    int64_t new_user = mr_dataset_user_id(ds, mr_dataset_n_users(ds) - 1) + 1;
    if (new_user <= user)
        return; /* the last id is INT64_MAX */
    int repeated = mr_dataset_rating(ds, 0, 0, NULL);
    int before = mr_dataset_n_ratings(ds);
    mr_error err;
    if (mr_dataset_add_rating(ds, user, movie, 2.5, &err) != MR_OK ||
        mr_dataset_add_rating(ds, new_user, movie, 1.5, &err) != MR_OK || mr_dataset_finish(ds, &err) != MR_OK)
        FAIL_CHECK("adding to a finished data set failed");
    if (mr_dataset_n_ratings(ds) != before + 2 - repeated)
        FAIL_CHECK("rating count after adding to a finished data set");
    double r = 0.0;
    if (!mr_dataset_rating(ds, mr_dataset_user_index(ds, user), mr_dataset_movie_index(ds, movie), &r) || r != 2.5)
        FAIL_CHECK("the rating added last does not win");
}

static void read_input(const uint8_t *data, size_t size, enum split split, uint64_t seed, summary *out)
{
    memset(out, 0, sizeof *out);
    mr_dataset *ds = mr_dataset_create();
    if (!ds)
        FAIL_CHECK("out of memory creating a data set");
    mr_error err = {MR_OK, ""};
    uint64_t state = seed | 1;
    static const long max_skipped_choices[3] = {0, 3, 1000};
    long max_skipped = max_skipped_choices[seed % 3];

    /* Up to two files: for MR_FILE_AUTO the first line "--" ends the first. */
    const char *text = (const char *)data;
    size_t first = size;
    if (FUZZ_KIND == MR_FILE_AUTO) {
        for (size_t i = 0; i + 3 < size; i++)
            if (memcmp(text + i, "\n--\n", 4) == 0) {
                first = i + 1;
                break;
            }
    }
    struct part {
        const char *bytes;
        size_t n;
    } parts[2] = {{text, first}, {text + first, first < size ? size - first - 3 : 0}};
    int n_parts = first < size ? 2 : 1;

    mr_status s = MR_OK;
    for (int f = 0; f < n_parts && s == MR_OK; f++) {
        const char *name = FUZZ_KIND == MR_FILE_AUTO && (seed & 16) ? LONG_UTF8_NAME : FUZZ_FILE_NAME;
        mr_parser *p = mr_parser_create(ds, FUZZ_KIND, name);
        if (!p)
            FAIL_CHECK("out of memory creating a parser");
        mr_parser_set_max_skipped(p, max_skipped);
        if (seed & 8)
            mr_parser_set_file_size(p, parts[f].n);
        size_t at = 0;
        do {
            size_t k = next_chunk(split, &state, parts[f].n - at);
            s = mr_parser_feed(p, parts[f].bytes + at, k, &err);
            at += k;
        } while (s == MR_OK && at < parts[f].n);
        if (s == MR_OK)
            s = mr_parser_end(p, &err);
        mr_parser_destroy(p);
    }
    int finished = 0;
    if (s == MR_OK) {
        s = mr_dataset_finish(ds, &err);
        finished = s == MR_OK;
    }
    out->status = s;
    if (s != MR_OK) {
        if (!utf8_valid(err.message))
            FAIL_CHECK("an error message is not valid UTF-8");
        snprintf(out->message, sizeof out->message, "%s", err.message);
    }
    summarize(ds, finished, out);
    if (finished)
        use_dataset(ds);
    if (finished && (seed & 32))
        add_after_finish(ds);
    mr_dataset_destroy(ds);
}

static void compare(const summary *a, const summary *b, const char *how)
{
    if (a->status != b->status)
        FAIL_CHECK(how);
    if (strcmp(a->message, b->message) != 0) {
        fprintf(stderr, "whole:   %s\nchunked: %s\n", a->message, b->message);
        FAIL_CHECK(how);
    }
    if (a->n_movies != b->n_movies || a->n_users != b->n_users || a->n_ratings != b->n_ratings ||
        a->n_genres != b->n_genres || memcmp(&a->report, &b->report, sizeof a->report) != 0 ||
        a->text_hash != b->text_hash || a->rating_sum != b->rating_sum)
        FAIL_CHECK(how);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t seed = hash_bytes(0xcbf29ce484222325ull, data, size);
    summary whole, chunked, bytes;
    read_input(data, size, SPLIT_NONE, seed, &whole);
    read_input(data, size, SPLIT_RANDOM, seed, &chunked);
    compare(&whole, &chunked, "reading in random chunks differs from reading in one piece");
    if (size <= BYTE_BY_BYTE_MAX) {
        read_input(data, size, SPLIT_BYTES, seed, &bytes);
        compare(&whole, &bytes, "reading byte by byte differs from reading in one piece");
    }
    return 0;
}
