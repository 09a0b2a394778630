/* test_parser.c: the streaming MovieLens CSV reader on the hand-written files
 * in tests/fixtures/csv: quoting, line ends, byte order mark, UTF-8 titles,
 * genres, duplicates, large ids, chunked input and malformed lines. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "minirec.h"

#ifndef MINIREC_FIXTURE_DIR
#error "define MINIREC_FIXTURE_DIR as the path of tests/fixtures"
#endif
#define CSV_DIR MINIREC_FIXTURE_DIR "/csv/"

/* Chunk sizes 1..MAX_CHUNK are tried, and 0 stands for the whole file. */
#define MAX_CHUNK 17

/* ======================================================================== */
/* Feeding files                                                            */
/* ======================================================================== */

typedef struct feed_result {
    mr_status status;
    mr_error err;
    long line; /* mr_parser_line after the last call */
} feed_result;

/* Feeds `size` bytes to a new parser in pieces of `chunk` bytes (0: all at
 * once), then ends it unless a feed failed. */
static feed_result feed_bytes(mr_dataset *ds, mr_file_kind kind, const char *file_name, const char *data,
                              size_t size, size_t chunk)
{
    feed_result r = {MR_OK, {MR_OK, ""}, 0};
    mr_parser *p = mr_parser_create(ds, kind, file_name);
    if (!p) {
        r.status = MR_ERR_NO_MEMORY;
        return r;
    }
    size_t step = chunk ? chunk : (size ? size : 1);
    for (size_t at = 0; at < size && r.status == MR_OK; at += step) {
        size_t n = size - at < step ? size - at : step;
        r.status = mr_parser_feed(p, data + at, n, &r.err);
    }
    if (r.status == MR_OK)
        r.status = mr_parser_end(p, &r.err);
    r.line = mr_parser_line(p);
    mr_parser_destroy(p);
    return r;
}

/* Reads tests/fixtures/csv/NAME and feeds it; a missing file fails the test. */
static feed_result feed_fixture(mr_dataset *ds, mr_file_kind kind, const char *name, size_t chunk)
{
    char path[512];
    snprintf(path, sizeof path, CSV_DIR "%s", name);
    size_t size = 0;
    char *data = read_whole_file(path, &size);
    if (!data) {
        FAIL("read fixture %s", path);
        feed_result missing = {MR_ERR_IO, {MR_ERR_IO, "fixture missing"}, 0};
        return missing;
    }
    feed_result r = feed_bytes(ds, kind, name, data, size, chunk);
    free(data);
    return r;
}

typedef struct loaded {
    mr_dataset *ds;   /* NULL when loading failed */
    long movie_lines, rating_lines;
} loaded;

/* Loads a movies file, then a ratings file, and finishes the data set. */
static loaded load_pair(const char *movies, const char *ratings, size_t chunk)
{
    loaded out = {mr_dataset_create(), 0, 0};
    feed_result m = feed_fixture(out.ds, MR_FILE_MOVIES_CSV, movies, chunk);
    feed_result r = {MR_ERR_STATE, {MR_ERR_STATE, "not loaded"}, 0};
    if (CHECK_STATUS(m.status, MR_OK, &m.err, "load %s in chunks of %zu", movies, chunk))
        r = feed_fixture(out.ds, MR_FILE_RATINGS_CSV, ratings, chunk);
    mr_error err = {MR_OK, ""};
    int ok = m.status == MR_OK &&
             CHECK_STATUS(r.status, MR_OK, &r.err, "load %s in chunks of %zu", ratings, chunk) &&
             CHECK_STATUS(mr_dataset_finish(out.ds, &err), MR_OK, &err, "finish after %s", ratings);
    out.movie_lines = m.line;
    out.rating_lines = r.line;
    if (!ok) {
        mr_dataset_destroy(out.ds);
        out.ds = NULL;
    }
    return out;
}

/* ======================================================================== */
/* Summary of a data set, for comparing two loads                           */
/* ======================================================================== */

typedef struct text {
    char *data;
    size_t len, cap;
} text;

static void text_printf(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void text_printf(text *t, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *grown = realloc(t->data, cap);
        if (!grown)
            return;
        t->data = grown;
        t->cap = cap;
    }
    va_start(args, fmt);
    vsnprintf(t->data + t->len, t->cap - t->len, fmt, args);
    va_end(args);
    t->len += (size_t)n;
}

/* Writes every movie, genre, user, rating and load counter as text. The
 * caller frees the result. */
static char *describe_dataset(const mr_dataset *ds)
{
    text t = {NULL, 0, 0};
    text_printf(&t, "genres:");
    for (int g = 0; g < mr_dataset_n_genres(ds); g++)
        text_printf(&t, " %s", mr_dataset_genre_name(ds, g));
    text_printf(&t, "\n");

    for (int m = 0; m < mr_dataset_n_movies(ds); m++) {
        int n = 0;
        const int *genres = mr_dataset_movie_genres(ds, m, &n);
        text_printf(&t, "movie %lld \"%s\"", (long long)mr_dataset_movie_id(ds, m), mr_dataset_movie_title(ds, m));
        for (int j = 0; j < n; j++)
            text_printf(&t, " %s", mr_dataset_genre_name(ds, genres[j]));
        text_printf(&t, "\n");
    }
    for (int u = 0; u < mr_dataset_n_users(ds); u++) {
        text_printf(&t, "user %lld:", (long long)mr_dataset_user_id(ds, u));
        for (int m = 0; m < mr_dataset_n_movies(ds); m++) {
            double rating;
            if (mr_dataset_rating(ds, u, m, &rating))
                text_printf(&t, " %lld=%.17g", (long long)mr_dataset_movie_id(ds, m), rating);
        }
        text_printf(&t, "\n");
    }
    mr_load_report report = mr_dataset_report(ds);
    text_printf(&t, "ratings %d duplicates %d from ratings %d lines %d min %.17g max %.17g\n",
                mr_dataset_n_ratings(ds), report.n_duplicates, report.n_movies_from_ratings, report.n_lines,
                mr_dataset_rating_min(ds), mr_dataset_rating_max(ds));
    return t.data;
}

/* ======================================================================== */
/* Valid files: contents                                                    */
/* ======================================================================== */

typedef struct expected_movie {
    int64_t id;
    const char *title;
    const char *genres; /* space-separated names in vocabulary order */
} expected_movie;

/* tests/fixtures/csv/movies.csv in catalog order, then the movie that only
 * ratings.csv mentions. */
static const expected_movie fixture_movies[] = {
    {1, "Toy Story (1995)", "Adventure Animation Children Comedy Fantasy"},
    {88163, "Crazy, Stupid, Love (2011)", "Comedy Drama Romance"},
    {1000000007, "Night of the \"Living\" Dead (1968)", "Horror Sci-Fi"},
    {4973, "Fabuleux destin d'Am\xC3\xA9lie Poulain, Le (Am\xC3\xA9lie) (2001)", "Comedy Romance"},
    {293, "L\xC3\xA9on: The Professional (a.k.a. The Professional) (L\xC3\xA9on) (1994)",
     "Action Crime Drama Thriller"},
    {114335, "La cravate (1957)", ""},
    {2571, "Matrix, The (1999)", "Action Sci-Fi Thriller"},
    {858, "", ""},
};
#define N_FIXTURE_MOVIES 8

typedef struct expected_rating {
    int64_t user_id, movie_id;
    double rating;
} expected_rating;

/* The ratings of tests/fixtures/csv/ratings.csv after the duplicate (1, 88163)
 * kept its last value, 4.5. */
static const expected_rating fixture_ratings[] = {
    {1, 1, 4.0},           {1, 88163, 4.5},          {1, 2571, 5.0},
    {7, 1000000007, 0.5},  {7, 4973, 4.5},           {7, 1, 2.0},
    {3000000000LL, 293, 3.0}, {3000000000LL, 858, 5.0}, {7, 858, 1.5},
    {9007199254740993LL, 114335, 2.5},
};
#define N_FIXTURE_RATINGS 10

static void parser_movies_fixture_catalog(void)
{
    loaded l = load_pair("movies.csv", "ratings.csv", 0);
    if (!l.ds)
        return;
    if (!CHECK_INT(mr_dataset_n_movies(l.ds), N_FIXTURE_MOVIES, "movie count"))
        goto done;
    for (int m = 0; m < N_FIXTURE_MOVIES; m++) {
        const expected_movie *e = &fixture_movies[m];
        CHECK_INT(mr_dataset_movie_id(l.ds, m), e->id, "movie id at catalog index %d", m);
        CHECK_INT(mr_dataset_movie_index(l.ds, e->id), m, "catalog index of movie %lld", (long long)e->id);
        CHECK_STR(mr_dataset_movie_title(l.ds, m), e->title, "title of movie %lld", (long long)e->id);

        text t = {NULL, 0, 0};
        int n = 0;
        const int *genres = mr_dataset_movie_genres(l.ds, m, &n);
        text_printf(&t, "%s", "");
        for (int j = 0; j < n; j++)
            text_printf(&t, "%s%s", j ? " " : "", mr_dataset_genre_name(l.ds, genres[j]));
        CHECK_STR(t.data, e->genres, "genres of movie %lld", (long long)e->id);
        free(t.data);
    }
done:
    mr_dataset_destroy(l.ds);
}

static void parser_genre_vocabulary_and_no_genres(void)
{
    static const char *const vocabulary[] = {"Action", "Adventure", "Animation", "Children", "Comedy", "Crime",
                                             "Drama",  "Fantasy",   "Horror",    "Romance",  "Sci-Fi", "Thriller"};
    loaded l = load_pair("movies.csv", "ratings.csv", 0);
    if (!l.ds)
        return;
    if (CHECK_INT(mr_dataset_n_genres(l.ds), 12, "genre count ('(no genres listed)' is no genre)"))
        for (int g = 0; g < 12; g++)
            CHECK_STR(mr_dataset_genre_name(l.ds, g), vocabulary[g], "genre %d", g);

    int no_genres = mr_dataset_movie_index(l.ds, 114335);
    for (int m = 0; m < mr_dataset_n_movies(l.ds); m++)
        CHECK_SAME(mr_similarity(l.ds, no_genres, m), 0.0, "similarity of the movie without genres to index %d", m);
    CHECK_SAME(mr_similarity(l.ds, mr_dataset_movie_index(l.ds, 2571), mr_dataset_movie_index(l.ds, 293)),
               2.0 / sqrt(12.0), "similarity of 2571 and 293: 2 shared / sqrt(3 * 4)");
    mr_dataset_destroy(l.ds);
}

static void parser_ratings_fixture_values(void)
{
    static const int64_t users[] = {1, 7, 3000000000LL, 9007199254740993LL};
    loaded l = load_pair("movies.csv", "ratings.csv", 0);
    if (!l.ds)
        return;
    CHECK_INT(mr_dataset_n_ratings(l.ds), N_FIXTURE_RATINGS, "rating count after the duplicate");
    if (CHECK_INT(mr_dataset_n_users(l.ds), 4, "user count"))
        for (int u = 0; u < 4; u++)
            CHECK_INT(mr_dataset_user_id(l.ds, u), users[u], "user id at index %d (ascending)", u);

    for (int i = 0; i < N_FIXTURE_RATINGS; i++) {
        const expected_rating *e = &fixture_ratings[i];
        double rating = -1.0;
        int user = mr_dataset_user_index(l.ds, e->user_id);
        int movie = mr_dataset_movie_index(l.ds, e->movie_id);
        if (CHECK_INT(mr_dataset_rating(l.ds, user, movie, &rating), 1, "user %lld rated movie %lld",
                      (long long)e->user_id, (long long)e->movie_id))
            CHECK_SAME(rating, e->rating, "rating of user %lld for movie %lld", (long long)e->user_id,
                       (long long)e->movie_id);
    }
    CHECK_INT(mr_dataset_user_n_ratings(l.ds, mr_dataset_user_index(l.ds, 1)), 3, "ratings of user 1");
    CHECK_INT(mr_dataset_user_n_ratings(l.ds, mr_dataset_user_index(l.ds, 7)), 4, "ratings of user 7");
    CHECK_SAME(mr_dataset_rating_min(l.ds), 0.5, "lowest rating");
    CHECK_SAME(mr_dataset_rating_max(l.ds), 5.0, "rating scale maximum");
    mr_dataset_destroy(l.ds);
}

static void parser_report_counts(void)
{
    loaded l = load_pair("movies.csv", "ratings.csv", 0);
    if (!l.ds)
        return;
    mr_load_report report = mr_dataset_report(l.ds);
    CHECK_INT(report.n_duplicates, 1, "duplicate (user, movie) pairs");
    CHECK_INT(report.n_movies_from_ratings, 1, "movies added from ratings.csv");
    CHECK_INT(report.n_lines, 7 + 11, "data lines in both files");
    CHECK_INT(l.movie_lines, 8, "lines read from movies.csv, header included");
    CHECK_INT(l.rating_lines, 12, "lines read from ratings.csv, header included");
    mr_dataset_destroy(l.ds);
}

static void parser_popularity_on_fixture(void)
{
    static const int64_t order[] = {2571, 4973, 88163, 858, 1, 293, 114335, 1000000007};
    static const double means[] = {5.0, 4.5, 4.5, 3.25, 3.0, 3.0, 2.5, 0.5};
    static const int counts[] = {1, 1, 1, 2, 2, 1, 1, 1};
    loaded l = load_pair("movies.csv", "ratings.csv", 0);
    if (!l.ds)
        return;
    mr_popularity rows[16];
    int n = -1;
    mr_error err;
    CHECK_STATUS(mr_popularity_rank(l.ds, 1, rows, 16, &n, &err), MR_OK, &err, "popularity");
    if (CHECK_INT(n, 8, "rated movies"))
        for (int i = 0; i < n; i++) {
            CHECK_INT(mr_dataset_movie_id(l.ds, rows[i].movie_index), order[i], "popularity row %d movie id", i);
            CHECK_SAME(rows[i].mean, means[i], "popularity row %d mean", i);
            CHECK_INT(rows[i].count, counts[i], "popularity row %d count", i);
        }

    CHECK_STATUS(mr_popularity_rank(l.ds, 2, rows, 16, &n, &err), MR_OK, &err, "popularity with min_count 2");
    if (CHECK_INT(n, 2, "movies with at least 2 ratings")) {
        CHECK_INT(mr_dataset_movie_id(l.ds, rows[0].movie_index), 858, "min_count 2 first movie");
        CHECK_INT(mr_dataset_movie_id(l.ds, rows[1].movie_index), 1, "min_count 2 second movie");
    }
    mr_dataset_destroy(l.ds);
}

/* ======================================================================== */
/* Valid files: line ends, BOM, chunks                                      */
/* ======================================================================== */

static void parser_bom_crlf_variant_matches_lf(void)
{
    loaded lf = load_pair("movies.csv", "ratings.csv", 0);
    loaded crlf = load_pair("movies_bom_crlf.csv", "ratings_crlf.csv", 0);
    if (lf.ds && crlf.ds) {
        char *a = describe_dataset(lf.ds), *b = describe_dataset(crlf.ds);
        CHECK_STR(b, a, "data set from the BOM, CRLF and empty-line files");
        free(a);
        free(b);
        CHECK_INT(crlf.movie_lines, 11, "lines of movies_bom_crlf.csv, empty lines included");
        CHECK_INT(crlf.rating_lines, 14, "lines of ratings_crlf.csv, empty lines included");
    }
    mr_dataset_destroy(lf.ds);
    mr_dataset_destroy(crlf.ds);
}

/* Every valid pair gives the same data set in chunks of 1 to MAX_CHUNK bytes
 * as in one piece. The chunk borders then fall inside the BOM, between CR and
 * LF, and inside multi-byte UTF-8 characters. */
static void parser_every_chunk_size_same_data(void)
{
    static const char *const pairs[][2] = {{"movies.csv", "ratings.csv"},
                                           {"movies_bom_crlf.csv", "ratings_crlf.csv"},
                                           {"movies_long_titles.csv", "ratings_long_titles.csv"}};
    for (int p = 0; p < 3; p++) {
        loaded whole = load_pair(pairs[p][0], pairs[p][1], 0);
        if (!whole.ds)
            continue;
        char *expected = describe_dataset(whole.ds);
        for (size_t chunk = 1; chunk <= MAX_CHUNK; chunk++) {
            loaded l = load_pair(pairs[p][0], pairs[p][1], chunk);
            if (!l.ds)
                continue;
            char *actual = describe_dataset(l.ds);
            CHECK_STR(actual, expected, "%s and %s in chunks of %zu bytes", pairs[p][0], pairs[p][1], chunk);
            CHECK_INT(l.movie_lines, whole.movie_lines, "%s lines in chunks of %zu", pairs[p][0], chunk);
            CHECK_INT(l.rating_lines, whole.rating_lines, "%s lines in chunks of %zu", pairs[p][1], chunk);
            free(actual);
            mr_dataset_destroy(l.ds);
        }
        free(expected);
        mr_dataset_destroy(whole.ds);
    }
}

static void parser_load_file_matches_feed(void)
{
    static const char *const pairs[][2] = {{"movies.csv", "ratings.csv"}, {"movies_bom_crlf.csv", "ratings_crlf.csv"}};
    loaded reference = load_pair("movies.csv", "ratings.csv", 0);
    if (!reference.ds)
        return;
    char *expected = describe_dataset(reference.ds);
    for (int p = 0; p < 2; p++) {
        mr_dataset *ds = mr_dataset_create();
        mr_error err;
        char movies[512], ratings[512];
        snprintf(movies, sizeof movies, CSV_DIR "%s", pairs[p][0]);
        snprintf(ratings, sizeof ratings, CSV_DIR "%s", pairs[p][1]);
        if (CHECK_STATUS(mr_dataset_load_file(ds, MR_FILE_MOVIES_CSV, movies, &err), MR_OK, &err, "load %s", movies) &&
            CHECK_STATUS(mr_dataset_load_file(ds, MR_FILE_RATINGS_CSV, ratings, &err), MR_OK, &err, "load %s", ratings) &&
            CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish")) {
            char *actual = describe_dataset(ds);
            CHECK_STR(actual, expected, "mr_dataset_load_file of %s and %s", pairs[p][0], pairs[p][1]);
            free(actual);
        }
        mr_dataset_destroy(ds);
    }
    free(expected);
    mr_dataset_destroy(reference.ds);
}

static void parser_partial_last_line_waits_for_end(void)
{
    static const char head[] = "movieId,title,genres\n1000000007,\"Night of the \"\"Living\"\" Dead";
    static const char tail[] = " (1968)\",Horror|Sci-Fi";
    mr_dataset *ds = mr_dataset_create();
    mr_parser *p = mr_parser_create(ds, MR_FILE_MOVIES_CSV, "movies.csv");
    mr_error err;
    CHECK_STATUS(mr_parser_feed(p, head, sizeof head - 1, &err), MR_OK, &err, "feed the header and half a line");
    CHECK_INT(mr_dataset_n_movies(ds), 0, "movies before the line is complete");
    CHECK_INT(mr_parser_line(p), 1, "lines read before the line is complete");
    CHECK_STATUS(mr_parser_feed(p, tail, sizeof tail - 1, &err), MR_OK, &err, "feed the rest without a newline");
    CHECK_INT(mr_dataset_n_movies(ds), 0, "movies before mr_parser_end");
    CHECK_STATUS(mr_parser_end(p, &err), MR_OK, &err, "end");
    CHECK_INT(mr_dataset_n_movies(ds), 1, "movies after mr_parser_end");
    CHECK_INT(mr_parser_line(p), 2, "lines read after mr_parser_end");
    CHECK_STR(mr_dataset_movie_title(ds, 0), "Night of the \"Living\" Dead (1968)", "title split across two feeds");
    mr_parser_destroy(p);
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* Malformed files                                                          */
/* ======================================================================== */

typedef struct malformed_case {
    const char *file;
    mr_file_kind kind;
    long line;          /* line at fault, counting from 1 */
    const char *reason; /* part of the message that states the reason */
} malformed_case;

static const malformed_case malformed_cases[] = {
    {"movies_wrong_header.csv", MR_FILE_MOVIES_CSV, 1, "expected the header 'movieId,title,genres'"},
    {"movies.csv", MR_FILE_RATINGS_CSV, 1, "expected the header 'userId,movieId,rating'"},
    {"ratings_bad_rating.csv", MR_FILE_RATINGS_CSV, 5, "rating 'four' is not a number"},
    {"ratings_too_few_fields.csv", MR_FILE_RATINGS_CSV, 3, "found 2"},
    {"movies_unterminated_quote.csv", MR_FILE_MOVIES_CSV, 3, "no closing quote"},
    {"movies_unquoted_comma.csv", MR_FILE_MOVIES_CSV, 4, "found 4"},
    {"ratings_bad_last_line.csv", MR_FILE_RATINGS_CSV, 4, "movieId 'abc' is not an integer"},
};
#define N_MALFORMED (int)(sizeof malformed_cases / sizeof malformed_cases[0])

static void parser_malformed_lines_name_file_and_line(void)
{
    for (int c = 0; c < N_MALFORMED; c++) {
        const malformed_case *mc = &malformed_cases[c];
        char where[160];
        snprintf(where, sizeof where, "%s line %ld:", mc->file, mc->line);
        char first_message[MR_ERROR_MESSAGE_SIZE] = "";

        for (size_t chunk = 0; chunk <= MAX_CHUNK; chunk++) {
            mr_dataset *ds = mr_dataset_create();
            feed_result r = feed_fixture(ds, mc->kind, mc->file, chunk);
            CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "%s in chunks of %zu", mc->file, chunk);
            CHECK_CONTAINS(r.err.message, where, "%s in chunks of %zu: file and line", mc->file, chunk);
            CHECK_CONTAINS(r.err.message, mc->reason, "%s in chunks of %zu: reason", mc->file, chunk);
            CHECK_INT(r.line, mc->line, "%s in chunks of %zu: parser line", mc->file, chunk);
            if (chunk == 0)
                snprintf(first_message, sizeof first_message, "%s", r.err.message);
            else
                CHECK_STR(r.err.message, first_message, "%s: message in chunks of %zu and whole", mc->file, chunk);
            CHECK(strchr(r.err.message, '\n') == NULL, "%s: message has no LF", mc->file);
            CHECK(strchr(r.err.message, '\r') == NULL, "%s: message has no CR", mc->file);
            mr_dataset_destroy(ds);
        }
    }
}

static void parser_empty_file_rejected(void)
{
    for (int kind = MR_FILE_MOVIES_CSV; kind <= MR_FILE_RATINGS_CSV; kind++) {
        mr_dataset *ds = mr_dataset_create();
        feed_result r = feed_fixture(ds, (mr_file_kind)kind, "empty.csv", 0);
        CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "empty.csv as file kind %d", kind);
        CHECK_CONTAINS(r.err.message, "empty.csv", "empty.csv as file kind %d: file name", kind);
        CHECK_INT(r.line, 0, "empty.csv as file kind %d: lines read", kind);
        mr_dataset_destroy(ds);
    }
}

static void parser_header_only_rejected(void)
{
    for (size_t chunk = 0; chunk <= MAX_CHUNK; chunk++) {
        mr_dataset *ds = mr_dataset_create();
        feed_result r = feed_fixture(ds, MR_FILE_RATINGS_CSV, "ratings_header_only.csv", chunk);
        CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "header only in chunks of %zu", chunk);
        CHECK_CONTAINS(r.err.message, "ratings_header_only.csv", "header only in chunks of %zu: file name", chunk);
        CHECK_INT(r.line, 1, "header only in chunks of %zu: lines read", chunk);
        mr_dataset_destroy(ds);
    }
}

/* Feed errors start with "FILE line N:". A file rejected by mr_parser_end
 * should name the line as well: line 1, where the header or the first data
 * line is missing. */
static void parser_end_message_names_line(void)
{
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_fixture(ds, MR_FILE_RATINGS_CSV, "empty.csv", 0);
    CHECK_CONTAINS(r.err.message, "empty.csv line 1", "empty file: message names the line");
    r = feed_fixture(ds, MR_FILE_RATINGS_CSV, "ratings_header_only.csv", 0);
    CHECK_CONTAINS(r.err.message, "ratings_header_only.csv line 1", "header only: message names the line");
    mr_dataset_destroy(ds);
}

/* A repeated id in movies.csv is a malformed line of that file, so the feed
 * reports it as a parse error at that line. */
static void parser_duplicate_movie_id_is_parse_error(void)
{
    for (size_t chunk = 0; chunk <= MAX_CHUNK; chunk++) {
        mr_dataset *ds = mr_dataset_create();
        feed_result r = feed_fixture(ds, MR_FILE_MOVIES_CSV, "movies_duplicate_id.csv", chunk);
        CHECK_CONTAINS(r.err.message, "movies_duplicate_id.csv line 4:", "chunks of %zu: file and line", chunk);
        CHECK_CONTAINS(r.err.message, "movie id 1 ", "chunks of %zu: message names the id", chunk);
        CHECK_INT(r.line, 4, "chunks of %zu: parser line", chunk);
        CHECK_INT(mr_dataset_n_movies(ds), 2, "chunks of %zu: movies kept before the repeated id", chunk);
        if (chunk == 0)
            CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "status of a repeated movie id in movies.csv");
        mr_dataset_destroy(ds);
    }
}

static void parser_feed_after_error_rejected(void)
{
    static const char bad[] = "userId,movieId,rating\n1,2,x\n";
    static const char good[] = "1,2,3.0\n";
    mr_dataset *ds = mr_dataset_create();
    mr_parser *p = mr_parser_create(ds, MR_FILE_RATINGS_CSV, NULL);
    mr_error err;
    CHECK_STATUS(mr_parser_feed(p, bad, sizeof bad - 1, &err), MR_ERR_PARSE, &err, "feed a bad rating");
    CHECK_CONTAINS(err.message, "ratings.csv line 2:", "default file name for ratings");
    CHECK_STATUS(mr_parser_feed(p, good, sizeof good - 1, &err), MR_ERR_STATE, &err, "feed after the error");
    CHECK_STATUS(mr_parser_end(p, &err), MR_ERR_STATE, &err, "end after the error");
    CHECK_INT(mr_dataset_n_ratings(ds), 0, "ratings stored");
    mr_parser_destroy(p);
    mr_dataset_destroy(ds);
}

static void load_file_missing_path_is_io_error(void)
{
    mr_dataset *ds = mr_dataset_create();
    mr_error err;
    const char *path = CSV_DIR "absent.csv";
    CHECK_STATUS(mr_dataset_load_file(ds, MR_FILE_RATINGS_CSV, path, &err), MR_ERR_IO, &err, "load %s", path);
    CHECK_CONTAINS(err.message, path, "message names the path");
    CHECK_STATUS(mr_dataset_load_file(ds, MR_FILE_RATINGS_CSV, CSV_DIR, &err), MR_ERR_IO, &err, "load a directory");
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* Main                                                                     */
/* ======================================================================== */

static const test_case tests[] = {
    {"parser_movies_fixture_catalog", parser_movies_fixture_catalog},
    {"parser_genre_vocabulary_and_no_genres", parser_genre_vocabulary_and_no_genres},
    {"parser_ratings_fixture_values", parser_ratings_fixture_values},
    {"parser_report_counts", parser_report_counts},
    {"parser_popularity_on_fixture", parser_popularity_on_fixture},
    {"parser_bom_crlf_variant_matches_lf", parser_bom_crlf_variant_matches_lf},
    {"parser_every_chunk_size_same_data", parser_every_chunk_size_same_data},
    {"parser_load_file_matches_feed", parser_load_file_matches_feed},
    {"parser_partial_last_line_waits_for_end", parser_partial_last_line_waits_for_end},
    {"parser_malformed_lines_name_file_and_line", parser_malformed_lines_name_file_and_line},
    {"parser_empty_file_rejected", parser_empty_file_rejected},
    {"parser_header_only_rejected", parser_header_only_rejected},
    {"parser_end_message_names_line", parser_end_message_names_line},
    {"parser_duplicate_movie_id_is_parse_error", parser_duplicate_movie_id_is_parse_error},
    {"parser_feed_after_error_rejected", parser_feed_after_error_rejected},
    {"load_file_missing_path_is_io_error", load_file_missing_path_is_io_error},
};

int main(int argc, char **argv)
{
    return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
