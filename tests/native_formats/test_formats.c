/* test_formats.c: reading every MovieLens release and MovieTweetings from the
 * hand-written files in tests/fixtures/formats: detection, per-line encoding,
 * movie id labels, duplicates, rating scales, strict and lenient handling of
 * malformed lines, chunked input, and the load report. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "minirec.h"

#ifndef MINIREC_FORMATS_DIR
#error "define MINIREC_FORMATS_DIR as the path of tests/fixtures/formats"
#endif

/* Chunk sizes 1..MAX_CHUNK are tried, and 0 stands for the whole file. */
#define MAX_CHUNK 13

/* ======================================================================== */
/* Loading fixtures                                                         */
/* ======================================================================== */

typedef struct feed_result {
    mr_status status;
    mr_error err;
} feed_result;

/* Feeds bytes to a new parser in pieces of `chunk` bytes (0: all at once) and
 * ends it unless a feed failed. `max_skipped` > 0 selects lenient mode. */
static feed_result feed_bytes(mr_dataset *ds, mr_file_kind kind, const char *name, const char *data,
                              size_t size, size_t chunk, long max_skipped)
{
    feed_result r = {MR_OK, {MR_OK, ""}};
    mr_parser *p = mr_parser_create(ds, kind, name);
    if (!p) {
        r.status = MR_ERR_NO_MEMORY;
        return r;
    }
    mr_parser_set_max_skipped(p, max_skipped);
    size_t step = chunk ? chunk : (size ? size : 1);
    for (size_t at = 0; at < size && r.status == MR_OK; at += step) {
        size_t n = size - at < step ? size - at : step;
        r.status = mr_parser_feed(p, data + at, n, &r.err);
    }
    if (r.status == MR_OK)
        r.status = mr_parser_end(p, &r.err);
    mr_parser_destroy(p);
    return r;
}

/* Reads tests/fixtures/formats/PATH and feeds it under its base name with
 * automatic detection. */
static feed_result feed_fixture(mr_dataset *ds, const char *path, size_t chunk, long max_skipped)
{
    char full[512];
    snprintf(full, sizeof full, "%s/%s", MINIREC_FORMATS_DIR, path);
    size_t size = 0;
    char *data = read_whole_file(full, &size);
    if (!data) {
        FAIL("read fixture %s", full);
        feed_result missing = {MR_ERR_IO, {MR_ERR_IO, "fixture missing"}};
        return missing;
    }
    const char *base = strrchr(path, '/');
    feed_result r = feed_bytes(ds, MR_FILE_AUTO, base ? base + 1 : path, data, size, chunk, max_skipped);
    free(data);
    return r;
}

/* Loads fixtures in order (NULL-terminated) and finishes the data set;
 * returns NULL after reporting a failure. */
static mr_dataset *load_fixtures(size_t chunk, const char *first, ...)
{
    mr_dataset *ds = mr_dataset_create();
    va_list args;
    va_start(args, first);
    int ok = 1;
    for (const char *path = first; path && ok; path = va_arg(args, const char *)) {
        feed_result r = feed_fixture(ds, path, chunk, 0);
        ok = CHECK_STATUS(r.status, MR_OK, &r.err, "load %s in chunks of %zu", path, chunk);
    }
    va_end(args);
    mr_error err = {MR_OK, ""};
    if (ok)
        ok = CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish");
    if (!ok) {
        mr_dataset_destroy(ds);
        return NULL;
    }
    return ds;
}

/* Rating of (user id, movie id), or NAN when absent. */
static double rating_of(const mr_dataset *ds, int64_t user, int64_t movie)
{
    double r = NAN;
    int u = mr_dataset_user_index(ds, user), m = mr_dataset_movie_index(ds, movie);
    if (u < 0 || m < 0 || !mr_dataset_rating(ds, u, m, &r))
        return NAN;
    return r;
}

/* Title of a movie id, or "(missing)". */
static const char *title_of(const mr_dataset *ds, int64_t movie)
{
    int m = mr_dataset_movie_index(ds, movie);
    return m < 0 ? "(missing)" : mr_dataset_movie_title(ds, m);
}

/* Writes a movie's genre names joined by '|' into buf. */
static const char *genres_of(const mr_dataset *ds, int64_t movie, char *buf, size_t size)
{
    int n = 0;
    const int *g = mr_dataset_movie_genres(ds, mr_dataset_movie_index(ds, movie), &n);
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i ? "|" : "", mr_dataset_genre_name(ds, g[i]));
    }
    return buf;
}

/* ======================================================================== */
/* Detection                                                                */
/* ======================================================================== */

static void detect_kind_from_file_name(void)
{
    static const struct {
        const char *name;
        mr_file_kind kind;
    } cases[] = {
        {"u.data", MR_FILE_ML100K_DATA},         {"u.item", MR_FILE_ML100K_ITEM},
        {"u.genre", MR_FILE_ML100K_GENRE},       {"ratings.dat", MR_FILE_RATINGS_DAT},
        {"movies.dat", MR_FILE_MOVIES_DAT},      {"ratings.csv", MR_FILE_RATINGS_CSV},
        {"movies.csv", MR_FILE_MOVIES_CSV},      {"ml-1m/Ratings.DAT", MR_FILE_RATINGS_DAT},
        {"C:\\data\\ml-100k\\U.ITEM", MR_FILE_ML100K_ITEM}, {"ratings (1).csv", MR_FILE_AUTO},
        {"tags.csv", MR_FILE_AUTO},              {"", MR_FILE_AUTO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_INT(mr_detect_file_kind(cases[i].name, NULL, 0), cases[i].kind, "kind of name '%s'", cases[i].name);
    CHECK_INT(mr_detect_file_kind(NULL, NULL, 0), MR_FILE_AUTO, "kind with no name and no bytes");
}

static void detect_kind_from_first_line(void)
{
    static const struct {
        const char *bytes;
        mr_file_kind kind;
    } cases[] = {
        {"userId,movieId,rating,timestamp\n1,1,4.0,1\n", MR_FILE_RATINGS_CSV},
        {"\xEF\xBB\xBFmovieId,title,genres\r\n", MR_FILE_MOVIES_CSV},
        {"1::1193::5::978300760\n", MR_FILE_RATINGS_DAT},
        {"1::0114508::8::1381006850", MR_FILE_RATINGS_DAT},
        {"1::122::4.5::838985046\n", MR_FILE_RATINGS_DAT},
        {"1::Toy Story (1995)::Animation|Children's|Comedy\n", MR_FILE_MOVIES_DAT},
        {"0100002::A Quiet Title (1990)::\n", MR_FILE_MOVIES_DAT},
        {"196\t242\t3\t881250949\n", MR_FILE_ML100K_DATA},
        {"1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n", MR_FILE_ML100K_ITEM},
        {"unknown|0\n", MR_FILE_ML100K_GENRE},
        {"\n\r\n196\t242\t3\t881250949\n", MR_FILE_ML100K_DATA},
        {"userId,movieId,tag,timestamp\n", MR_FILE_AUTO},
        {"1::F::1::10::48067\n", MR_FILE_AUTO},
        {"1,2,3.5,4\n", MR_FILE_AUTO},
        {"15::4973::excellent!::1215184630\n", MR_FILE_AUTO},
        {"", MR_FILE_AUTO},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *b = cases[i].bytes;
        CHECK_INT(mr_detect_file_kind("input.txt", b, strlen(b)), cases[i].kind, "kind of content case %zu", i);
    }
}

static void detect_kind_names(void)
{
    CHECK_STR(mr_file_kind_name(MR_FILE_AUTO), "automatic", "name of MR_FILE_AUTO");
    CHECK_STR(mr_file_kind_name(MR_FILE_ML100K_ITEM), "u.item", "name of MR_FILE_ML100K_ITEM");
    CHECK_STR(mr_file_kind_name(MR_FILE_RATINGS_DAT), "ratings.dat", "name of MR_FILE_RATINGS_DAT");
    CHECK_STR(mr_file_kind_name((mr_file_kind)99), "unknown", "name of an invalid kind");
}

/* ======================================================================== */
/* Each release                                                             */
/* ======================================================================== */

static void ml100k_reads_genre_item_and_data(void)
{
    mr_dataset *ds = load_fixtures(0, "ml-100k/u.genre", "ml-100k/u.item", "ml-100k/u.data", NULL);
    if (!ds)
        return;
    char g[256];
    CHECK_INT(mr_dataset_n_movies(ds), 7, "movies: 6 from u.item and 1 only rated");
    CHECK_INT(mr_dataset_n_users(ds), 5, "users");
    CHECK_INT(mr_dataset_n_ratings(ds), 11, "ratings: 12 lines, one repeated pair");
    CHECK_STR(title_of(ds, 3), "Les Rivi\xC3\xA8res du sud (1996)", "Latin-1 title of movie 3 in UTF-8");
    CHECK_STR(title_of(ds, 6), "Caf\xC3\xA9 Noir (1992)", "Latin-1 title of movie 6 in UTF-8");
    CHECK_STR(genres_of(ds, 1, g, sizeof g), "Drama|Romance", "genres of movie 1 from flags 8 and 14");
    CHECK_STR(genres_of(ds, 5, g, sizeof g), "Animation|Children's|Comedy", "genres of movie 5");
    CHECK_STR(genres_of(ds, 4, g, sizeof g), "", "movie 4 with only the 'unknown' flag has no genres");
    CHECK_INT(mr_dataset_n_genres(ds), 9, "genre vocabulary size");
    CHECK_SAME(rating_of(ds, 2, 5), 4.0, "repeated pair (2, 5) keeps the last rating");
    CHECK_SAME(rating_of(ds, 4, 7), 3.0, "rating of the movie only u.data names");
    CHECK_SAME(mr_dataset_rating_max(ds), 5.0, "scale max");

    mr_load_report r = mr_dataset_report(ds);
    CHECK_INT(r.n_duplicates, 1, "duplicates resolved");
    CHECK_INT(r.n_movies_from_ratings, 1, "movies added from ratings");
    CHECK_INT(r.n_lines, 19 + 6 + 12, "data lines of the three files");
    CHECK_INT(r.n_files, 3, "files");
    CHECK_INT(r.n_converted_lines, 2, "Latin-1 lines converted");
    CHECK_INT(r.n_skipped, 0, "skipped lines");

    mr_file_report genre = mr_dataset_file(ds, 0), item = mr_dataset_file(ds, 1), data = mr_dataset_file(ds, 2);
    CHECK_STR(genre.format, "MovieLens 100K u.genre", "format of u.genre");
    CHECK_INT(genre.n_lines, 20, "u.genre lines, the blank last one included");
    CHECK_INT(genre.n_data_lines, 19, "u.genre data lines");
    CHECK_STR(item.format, "MovieLens 100K u.item", "format of u.item");
    CHECK_STR(item.encoding, "Latin-1", "encoding of u.item");
    CHECK_INT(item.n_converted_lines, 2, "u.item lines converted");
    CHECK_STR(data.format, "MovieLens 100K u.data", "format of u.data");
    CHECK_STR(data.encoding, "UTF-8", "encoding of u.data");
    CHECK_INT(data.kind, MR_FILE_ML100K_DATA, "kind of u.data");
    CHECK_INT(data.complete, 1, "u.data complete");
    mr_dataset_destroy(ds);
}

static void ml100k_item_before_genre_uses_standard_names(void)
{
    mr_dataset *ds = load_fixtures(0, "ml-100k/u.item", "ml-100k/u.data", NULL);
    if (!ds)
        return;
    char g[256];
    CHECK_STR(genres_of(ds, 6, g, sizeof g), "Crime|Film-Noir", "genres of movie 6 from the standard names");
    CHECK_STR(genres_of(ds, 4, g, sizeof g), "", "the 'unknown' flag is no genre");

    /* A u.genre that repeats the standard names is accepted afterwards... */
    feed_result r = feed_fixture(ds, "ml-100k/u.genre", 0, 0);
    CHECK_STATUS(r.status, MR_OK, &r.err, "standard u.genre after u.item");

    /* ...one that renames a genre u.item already used is not. */
    const char *renamed = "unknown|0\nAction Movies|1\n";
    r = feed_bytes(ds, MR_FILE_AUTO, "u.genre", renamed, strlen(renamed), 0, 0);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "renamed genre after u.item");
    CHECK_CONTAINS(r.err.message, "u.genre line 2", "renamed genre: file and line");
    CHECK_CONTAINS(r.err.message, "load u.genre before u.item", "renamed genre: what to do");
    mr_dataset_destroy(ds);
}

static void ml100k_custom_genre_names_apply(void)
{
    mr_dataset *ds = mr_dataset_create();
    const char *genres = "none|0\nFast|1\nSlow|2\n\n";
    const char *item = "10|Quick (2000)|||url|0|1|0\n11|Both (2001)|||url|0|1|1\n12|Neither (2002)|||url|1|0|0\n";
    feed_result r = feed_bytes(ds, MR_FILE_ML100K_GENRE, "genres.txt", genres, strlen(genres), 0, 0);
    CHECK_STATUS(r.status, MR_OK, &r.err, "three-genre u.genre");
    r = feed_bytes(ds, MR_FILE_ML100K_ITEM, "items.txt", item, strlen(item), 0, 0);
    CHECK_STATUS(r.status, MR_OK, &r.err, "u.item with 3 flags");
    mr_error err = {MR_OK, ""};
    CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish");
    char g[128];
    CHECK_STR(genres_of(ds, 11, g, sizeof g), "Fast|Slow", "genres of movie 11 from u.genre names");
    CHECK_STR(genres_of(ds, 12, g, sizeof g), "none", "a flag named other than 'unknown' is a genre");

    const char *wrong = "13|Short (2003)|||url|0|1\n";
    r = feed_bytes(ds, MR_FILE_ML100K_ITEM, "u.item", wrong, strlen(wrong), 0, 0);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "u.item line with 2 flags for 3 genres");
    CHECK_CONTAINS(r.err.message, "expected 8 '|'-separated fields", "flag count message");
    mr_dataset_destroy(ds);
}

static void ml100k_genre_gap_rejected(void)
{
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_fixture(ds, "edge/u_genre_gap.genre", 0, 0);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "u.genre without index 2");
    CHECK_CONTAINS(r.err.message, "has no genre with index 2", "gap message");
    CHECK_INT(mr_dataset_file(ds, 0).kind, MR_FILE_ML100K_GENRE, "detected from 'unknown|0'");
    mr_dataset_destroy(ds);
}

static void ml1m_reads_latin1_movies_and_ratings(void)
{
    mr_dataset *ds = load_fixtures(0, "ml-1m/movies.dat", "ml-1m/ratings.dat", NULL);
    if (!ds)
        return;
    char g[256];
    CHECK_INT(mr_dataset_n_movies(ds), 5, "movies");
    CHECK_INT(mr_dataset_n_users(ds), 3, "users");
    CHECK_INT(mr_dataset_n_ratings(ds), 8, "ratings");
    CHECK_STR(title_of(ds, 4), "Se\xC3\xB1ora Bonita (1998)", "Latin-1 0xF1 becomes UTF-8 n with tilde");
    CHECK_STR(genres_of(ds, 5, g, sizeof g), "Animation|Children's|Comedy", "genres of movie 5");
    CHECK_SAME(rating_of(ds, 3, 4), 2.0, "rating (3, 4)");
    CHECK_SAME(rating_of(ds, 1, 5), 5.0, "rating (1, 5), listed before (1, 1)");
    CHECK_INT(mr_dataset_user_n_ratings(ds, mr_dataset_user_index(ds, 1)), 3, "ratings of user 1");

    mr_file_report movies = mr_dataset_file(ds, 0), ratings = mr_dataset_file(ds, 1);
    CHECK_STR(movies.format, "MovieLens 1M/10M movies.dat", "format of movies.dat");
    CHECK_STR(movies.encoding, "Latin-1", "encoding of movies.dat");
    CHECK_INT(movies.n_converted_lines, 2, "movies.dat lines converted");
    CHECK_STR(ratings.format, "MovieLens 1M/10M ratings.dat", "format of whole-star ratings.dat");
    mr_dataset_destroy(ds);
}

static void ml10m_reads_half_stars_and_no_genres(void)
{
    mr_dataset *ds = load_fixtures(0, "ml-10m/movies.dat", "ml-10m/ratings.dat", NULL);
    if (!ds)
        return;
    char g[256];
    CHECK_STR(title_of(ds, 3), "\xC3\x89t\xC3\xA9 \xC3\xA0 Paris (2003)", "UTF-8 title kept");
    CHECK_STR(genres_of(ds, 4, g, sizeof g), "", "(no genres listed) means no genres");
    CHECK_SAME(rating_of(ds, 1, 2), 3.5, "half-star rating (1, 2)");
    CHECK_SAME(rating_of(ds, 2, 3), 0.5, "half-star rating (2, 3)");
    CHECK_SAME(mr_dataset_rating_min(ds), 0.5, "scale min");
    CHECK_SAME(mr_dataset_rating_max(ds), 5.0, "scale max");
    CHECK_STR(mr_dataset_file(ds, 1).format, "MovieLens 10M ratings.dat", "format once half stars appear");
    CHECK_STR(mr_dataset_file(ds, 0).encoding, "UTF-8", "encoding of movies.dat");
    mr_dataset_destroy(ds);
}

static void csv_reads_quotes_crlf_and_duplicates(void)
{
    mr_dataset *ds = load_fixtures(0, "ml-latest-small/movies.csv", "ml-latest-small/ratings.csv", NULL);
    if (!ds)
        return;
    char g[256];
    CHECK_STR(title_of(ds, 2), "Night Train, Slow Boat (1995)", "quoted title with a comma");
    CHECK_STR(title_of(ds, 3), "The \"Quiet\" Neighbour (1999)", "doubled quotes");
    CHECK_STR(title_of(ds, 4), "Am\xC3\xA9lie\xE2\x80\x99s Garden (2001)", "UTF-8 accent and apostrophe");
    CHECK_STR(genres_of(ds, 2, g, sizeof g), "Action|Thriller", "genres before the CR");
    CHECK_STR(genres_of(ds, 5, g, sizeof g), "", "(no genres listed)");
    CHECK_INT(mr_dataset_n_ratings(ds), 7, "ratings: 8 lines, one repeated pair");
    CHECK_SAME(rating_of(ds, 1, 2), 4.5, "repeated pair (1, 2) keeps the last rating");
    CHECK_INT(mr_dataset_report(ds).n_duplicates, 1, "duplicates");
    CHECK_STR(mr_dataset_file(ds, 0).encoding, "UTF-8", "encoding of movies.csv");
    CHECK_INT(mr_dataset_file(ds, 0).n_converted_lines, 0, "no line of movies.csv converted");
    mr_dataset_destroy(ds);
}

static void movietweetings_keeps_leading_zero_labels(void)
{
    mr_dataset *ds = load_fixtures(0, "movietweetings/movies.dat", "movietweetings/ratings.dat", NULL);
    if (!ds)
        return;
    char g[256];
    int m8 = mr_dataset_movie_index(ds, 8);
    CHECK_INT(m8, 0, "integer id 8 finds movie 0000008");
    CHECK_STR(mr_dataset_movie_label(ds, m8), "0000008", "label of id 8 as written");
    CHECK_STR(mr_dataset_movie_label(ds, mr_dataset_movie_index(ds, 1234567)), "1234567", "label without zeros");
    CHECK_STR(genres_of(ds, 100002, g, sizeof g), "", "empty genre field");
    CHECK_STR(title_of(ds, 1234567), "Ze\xC3\xABn (2013)", "UTF-8 title");
    CHECK_SAME(rating_of(ds, 1, 8), 10.0, "rating 10");
    CHECK_SAME(rating_of(ds, 1, 12349), 0.0, "rating 0");
    CHECK_SAME(mr_dataset_rating_max(ds), 10.0, "scale max");
    CHECK_SAME(mr_dataset_rating_min(ds), 0.0, "scale min");
    CHECK_STR(mr_dataset_file(ds, 0).format, "MovieTweetings movies.dat", "format of movies.dat");
    CHECK_STR(mr_dataset_file(ds, 1).format, "MovieTweetings ratings.dat", "format of ratings.dat");
    CHECK_STR(mr_dataset_movie_label(ds, -1), "", "label of an invalid index");
    mr_dataset_destroy(ds);
}

static void movietweetings_ratings_alone_label_and_scale(void)
{
    /* Without movies.dat, movies come from ratings with their written ids,
     * and the MovieTweetings scale is 0-10 even when no rating exceeds 5. */
    const char *text = "1::0000008::3::1\n2::0012349::4::2\n";
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_bytes(ds, MR_FILE_AUTO, "ratings.dat", text, strlen(text), 0, 0);
    CHECK_STATUS(r.status, MR_OK, &r.err, "MovieTweetings ratings only");
    mr_error err = {MR_OK, ""};
    CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish");
    CHECK_STR(mr_dataset_movie_label(ds, mr_dataset_movie_index(ds, 12349)), "0012349", "label from ratings");
    CHECK_SAME(mr_dataset_rating_max(ds), 10.0, "declared 0-10 scale");
    CHECK_STR(mr_dataset_file(ds, 0).format, "MovieTweetings ratings.dat", "format from leading zeros");
    mr_dataset_destroy(ds);
}

static void every_chunk_size_gives_same_data(void)
{
    static const char *const sets[][3] = {
        {"ml-100k/u.genre", "ml-100k/u.item", "ml-100k/u.data"},
        {"ml-1m/movies.dat", "ml-1m/ratings.dat", NULL},
        {"ml-latest-small/movies.csv", "ml-latest-small/ratings.csv", NULL},
        {"movietweetings/movies.dat", "movietweetings/ratings.dat", NULL},
    };
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        mr_dataset *whole = load_fixtures(0, sets[s][0], sets[s][1], sets[s][2], NULL);
        if (!whole)
            continue;
        for (size_t chunk = 1; chunk <= MAX_CHUNK; chunk++) {
            mr_dataset *ds = load_fixtures(chunk, sets[s][0], sets[s][1], sets[s][2], NULL);
            if (!ds)
                continue;
            CHECK_INT(mr_dataset_n_ratings(ds), mr_dataset_n_ratings(whole), "%s ratings, chunks of %zu", sets[s][0], chunk);
            CHECK_INT(mr_dataset_n_movies(ds), mr_dataset_n_movies(whole), "%s movies, chunks of %zu", sets[s][0], chunk);
            CHECK_INT(mr_dataset_report(ds).n_converted_lines, mr_dataset_report(whole).n_converted_lines,
                      "%s converted lines, chunks of %zu", sets[s][0], chunk);
            for (int m = 0; m < mr_dataset_n_movies(whole) && m < mr_dataset_n_movies(ds); m++) {
                CHECK_STR(mr_dataset_movie_title(ds, m), mr_dataset_movie_title(whole, m), "%s title %d, chunks of %zu",
                          sets[s][0], m, chunk);
                CHECK_STR(mr_dataset_movie_label(ds, m), mr_dataset_movie_label(whole, m), "%s label %d, chunks of %zu",
                          sets[s][0], m, chunk);
            }
            mr_dataset_destroy(ds);
        }
        mr_dataset_destroy(whole);
    }
}

/* ======================================================================== */
/* Encodings                                                                */
/* ======================================================================== */

static void encoding_windows_1252_punctuation(void)
{
    mr_dataset *ds = load_fixtures(0, "edge/movies_cp1252.dat", NULL);
    if (!ds)
        return;
    CHECK_STR(title_of(ds, 1), "Schindler\xE2\x80\x99s Garden (1993)", "0x92 becomes a right single quote");
    CHECK_STR(title_of(ds, 2), "Night \xE2\x80\x93 Day (1994)", "0x96 becomes an en dash");
    CHECK_STR(mr_dataset_file(ds, 0).encoding, "Windows-1252", "encoding name");
    mr_dataset_destroy(ds);
}

static void encoding_decided_per_line(void)
{
    mr_dataset *ds = load_fixtures(0, "edge/movies_mixed.dat", NULL);
    if (!ds)
        return;
    CHECK_STR(title_of(ds, 1), "Caf\xC3\xA9 Noir (1992)", "UTF-8 line kept");
    CHECK_STR(title_of(ds, 2), "Caf\xC3\xA9 Blanc (1993)", "Latin-1 line converted");
    CHECK_STR(mr_dataset_file(ds, 0).encoding, "UTF-8 and Latin-1", "encoding name");
    CHECK_INT(mr_dataset_file(ds, 0).n_converted_lines, 1, "converted lines");
    mr_dataset_destroy(ds);
}

static void encoding_invalid_utf8_read_as_latin1(void)
{
    /* An overlong '/' (C0 AF) and a UTF-16 surrogate (ED A0 80) are not UTF-8,
     * so those lines are read byte by byte as Windows-1252. */
    const char *text = "1::A\xC0\xAF (1990)::Drama\n2::B\xED\xA0\x80 (1991)::Drama\n3::C\xE2\x82\xAC (1992)::Drama\n";
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_bytes(ds, MR_FILE_MOVIES_DAT, "movies.dat", text, strlen(text), 0, 0);
    CHECK_STATUS(r.status, MR_OK, &r.err, "load");
    CHECK_STR(title_of(ds, 1), "A\xC3\x80\xC2\xAF (1990)", "overlong sequence converted");
    CHECK_STR(title_of(ds, 2), "B\xC3\xAD\xC2\xA0\xE2\x82\xAC (1991)", "surrogate converted");
    CHECK_STR(title_of(ds, 3), "C\xE2\x82\xAC (1992)", "valid euro sign kept");
    CHECK_INT(mr_dataset_file(ds, 0).n_converted_lines, 2, "converted lines");
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* Malformed lines: strict and lenient                                      */
/* ======================================================================== */

static void strict_stops_at_first_bad_line(void)
{
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_fixture(ds, "edge/ratings_bad_lines.dat", 0, 0);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "strict load");
    CHECK_CONTAINS(r.err.message, "ratings_bad_lines.dat line 2:", "file and line");
    CHECK_CONTAINS(r.err.message, "movie id 'x' is not an integer", "reason");
    CHECK_CONTAINS(r.err.message, "(line starts '1::x::3::978300761')", "start of the line");
    CHECK_INT(mr_dataset_n_skipped_kept(ds), 0, "nothing recorded in strict mode");
    mr_dataset_destroy(ds);
}

static void lenient_skips_and_records(void)
{
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_fixture(ds, "edge/ratings_bad_lines.dat", 0, 5);
    CHECK_STATUS(r.status, MR_OK, &r.err, "lenient load");
    CHECK_INT(mr_dataset_n_ratings(ds), 3, "good lines kept (a rating without timestamp included)");
    CHECK_INT(mr_dataset_report(ds).n_skipped, 2, "skipped in the report");
    CHECK_INT(mr_dataset_file(ds, 0).n_skipped, 2, "skipped in the file record");
    CHECK_INT(mr_dataset_n_skipped_kept(ds), 2, "records kept");
    const mr_skipped_line *a = mr_dataset_skipped_line(ds, 0), *b = mr_dataset_skipped_line(ds, 1);
    if (CHECK(a && b, "both records exist")) {
        CHECK_INT(a->line, 2, "first record line");
        CHECK_STR(a->text, "1::x::3::978300761", "first record text");
        CHECK_STR(a->reason, "movie id 'x' is not an integer", "first record reason");
        CHECK_INT(a->file_index, 0, "first record file");
        CHECK_INT(b->line, 3, "second record line");
        CHECK_STR(b->reason, "rating 'five' is not a number; expected a decimal such as 3.5", "second record reason");
    }
    CHECK(mr_dataset_skipped_line(ds, 2) == NULL, "no third record");
    CHECK(mr_dataset_skipped_line(ds, -1) == NULL, "no record at -1");
    mr_dataset_destroy(ds);
}

static void lenient_limit_exceeded_fails(void)
{
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_fixture(ds, "edge/ratings_bad_lines.dat", 0, 1);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "load with limit 1");
    CHECK_CONTAINS(r.err.message, "ratings_bad_lines.dat line 3: more than 1 malformed lines", "limit message");
    CHECK_CONTAINS(r.err.message, "rating 'five' is not a number", "the line over the limit");
    mr_dataset_destroy(ds);
}

static void lenient_first_data_line_must_be_valid(void)
{
    const char *text = "userId,movieId,rating\n1,x,4\n1,2,4\n";
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_bytes(ds, MR_FILE_RATINGS_CSV, "ratings.csv", text, strlen(text), 0, 10);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "bad first data line, lenient");
    CHECK_CONTAINS(r.err.message, "ratings.csv line 2:", "file and line");
    CHECK_CONTAINS(r.err.message, "the first data line must be valid", "rule");
    mr_dataset_destroy(ds);
}

static void truncated_last_line(void)
{
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_fixture(ds, "edge/ratings_truncated.csv", 0, 3);
    CHECK_STATUS(r.status, MR_OK, &r.err, "lenient load of a cut file");
    CHECK_INT(mr_dataset_n_ratings(ds), 2, "ratings before the cut line");
    const mr_skipped_line *s = mr_dataset_skipped_line(ds, 0);
    if (CHECK(s != NULL, "the cut line is recorded")) {
        CHECK_INT(s->line, 4, "line of the cut line");
        CHECK_STR(s->text, "2,1,5", "text of the cut line");
        CHECK_CONTAINS(s->reason, "looks truncated", "reason");
    }
    mr_dataset_destroy(ds);

    /* Strict mode reads a 3-field last line as a rating without timestamp. */
    ds = mr_dataset_create();
    r = feed_fixture(ds, "edge/ratings_truncated.csv", 0, 0);
    CHECK_STATUS(r.status, MR_OK, &r.err, "strict load of the same file");
    CHECK_INT(mr_dataset_n_ratings(ds), 3, "strict mode keeps the 3-field line");
    mr_dataset_destroy(ds);

    /* A last line that does not parse is named truncated in both modes. */
    const char *cut = "1::1::4::978300760\n1::2::";
    ds = mr_dataset_create();
    r = feed_bytes(ds, MR_FILE_AUTO, "ratings.dat", cut, strlen(cut), 0, 0);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "strict load of a cut ratings.dat");
    CHECK_CONTAINS(r.err.message, "ratings.dat line 2:", "file and line");
    CHECK_CONTAINS(r.err.message, "looks truncated", "truncation named");
    mr_dataset_destroy(ds);
}

static void skipped_records_capped_per_file(void)
{
    /* 30 malformed lines after a good one: all counted, 20 recorded. */
    char text[4096] = "1::1::4::1\n";
    for (int i = 0; i < 30; i++)
        strcat(text, "1::bad::4::1\n");
    strcat(text, "2::2::3::1\n");
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_bytes(ds, MR_FILE_AUTO, "ratings.dat", text, strlen(text), 7, 100);
    CHECK_STATUS(r.status, MR_OK, &r.err, "lenient load");
    CHECK_INT(mr_dataset_file(ds, 0).n_skipped, 30, "skipped lines counted");
    CHECK_INT(mr_dataset_n_skipped_kept(ds), MR_SKIPPED_KEPT_PER_FILE, "records kept");
    const mr_skipped_line *last = mr_dataset_skipped_line(ds, MR_SKIPPED_KEPT_PER_FILE - 1);
    if (CHECK(last != NULL, "last kept record exists"))
        CHECK_INT(last->line, 21, "line of the last kept record");
    CHECK_INT(mr_dataset_n_ratings(ds), 2, "good lines");
    mr_dataset_destroy(ds);
}

static void long_line_is_malformed(void)
{
    size_t n = 70000;
    char *text = malloc(n + 64);
    if (!CHECK(text != NULL, "allocate"))
        return;
    strcpy(text, "1::1::4::1\n1::2::");
    size_t at = strlen(text);
    memset(text + at, '7', n);
    strcpy(text + at + n, "\n2::2::3::1\n");
    for (size_t chunk = 0; chunk <= 4096; chunk += 4096) {
        mr_dataset *ds = mr_dataset_create();
        feed_result r = feed_bytes(ds, MR_FILE_AUTO, "ratings.dat", text, strlen(text), chunk, 2);
        CHECK_STATUS(r.status, MR_OK, &r.err, "lenient load, chunks of %zu", chunk);
        const mr_skipped_line *s = mr_dataset_skipped_line(ds, 0);
        if (CHECK(s != NULL, "long line recorded, chunks of %zu", chunk))
            CHECK_STR(s->reason, "the line is longer than 65536 bytes", "reason, chunks of %zu", chunk);
        CHECK_INT(mr_dataset_n_ratings(ds), 2, "lines around it, chunks of %zu", chunk);
        mr_dataset_destroy(ds);
    }
    free(text);
}

static void not_a_ratings_file_rejected(void)
{
    static const struct {
        const char *path, *part;
    } cases[] = {
        {"edge/tags.csv", "header of a MovieLens tags.csv"},
        {"edge/users.dat", "'::'-separated fields that fit neither"},
        {"edge/movies_utf16.csv", "contains NUL bytes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (long max_skipped = 0; max_skipped <= 50; max_skipped += 50) {
            mr_dataset *ds = mr_dataset_create();
            feed_result r = feed_fixture(ds, cases[i].path, 0, max_skipped);
            CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "%s with up to %ld skipped", cases[i].path, max_skipped);
            CHECK_CONTAINS(r.err.message, "line 1 matches no supported format", "%s: message", cases[i].path);
            CHECK_CONTAINS(r.err.message, cases[i].part, "%s: description", cases[i].path);
            mr_dataset_destroy(ds);
        }
    }
}

static void empty_files_rejected(void)
{
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_fixture(ds, "edge/empty.dat", 0, 0);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "empty file");
    CHECK_CONTAINS(r.err.message, "empty.dat line 1: the file is empty", "empty message");
    r = feed_fixture(ds, "edge/blank_lines.dat", 0, 5);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "blank lines, lenient");
    CHECK_CONTAINS(r.err.message, "blank_lines.dat line 3: the file has only blank lines", "blank message");
    mr_dataset_destroy(ds);
}

static void explicit_kind_header_mismatch_hints(void)
{
    const char *text = "movieId,title,genres\n1,A (1990),Drama\n";
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_bytes(ds, MR_FILE_RATINGS_CSV, "ratings.csv", text, strlen(text), 0, 10);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "movies header read as ratings");
    CHECK_CONTAINS(r.err.message, "expected the header 'userId,movieId,rating'", "expected header");
    CHECK_CONTAINS(r.err.message, "(this line looks like movies.csv)", "hint");
    mr_dataset_destroy(ds);
}

static void content_detection_without_known_name(void)
{
    mr_dataset *ds = load_fixtures(0, "edge/ratings_renamed.txt", NULL);
    if (!ds)
        return;
    CHECK_INT(mr_dataset_file(ds, 0).kind, MR_FILE_RATINGS_DAT, "kind from the first line");
    CHECK_INT(mr_dataset_n_ratings(ds), 2, "ratings");
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* Numbers, duplicates and the API around parsers                           */
/* ======================================================================== */

static void ratings_parse_like_strtod(void)
{
    static const char *const values[] = {"3.5", "4", "10", "0.5", "0", "4.000001", "123456789.25",
                                         "1e0", "+2.5", " 3", "2.", ".5", "0x1p1", "1234567890123"};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char line[96];
        snprintf(line, sizeof line, "userId,movieId,rating\n1,%zu,%s\n", i + 1, values[i]);
        mr_dataset *ds = mr_dataset_create();
        feed_result r = feed_bytes(ds, MR_FILE_RATINGS_CSV, "ratings.csv", line, strlen(line), 0, 0);
        mr_error err = {MR_OK, ""};
        if (CHECK_STATUS(r.status, MR_OK, &r.err, "rating '%s'", values[i]) &&
            CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish"))
            CHECK_SAME(rating_of(ds, 1, (int64_t)i + 1), (double)(float)strtod(values[i], NULL),
                       "rating '%s' as strtod then float", values[i]);
        mr_dataset_destroy(ds);
    }
}

static void ratings_rounded_and_out_of_range(void)
{
    const char *text = "1::1::3.7::1\n1::2::4.5::1\n";
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_bytes(ds, MR_FILE_RATINGS_DAT, "ratings.dat", text, strlen(text), 0, 0);
    CHECK_STATUS(r.status, MR_OK, &r.err, "load");
    CHECK_INT(mr_dataset_report(ds).n_ratings_rounded, 1, "3.7 is not exact in single precision");

    const char *huge = "1::3::1e39::1\n";
    r = feed_bytes(ds, MR_FILE_RATINGS_DAT, "ratings.dat", huge, strlen(huge), 0, 0);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "rating 1e39");
    CHECK_CONTAINS(r.err.message, "rating '1e39' is not a finite number within +-3.4e38", "range message");

    mr_error err = {MR_OK, ""};
    CHECK_STATUS(mr_dataset_add_rating(ds, 1, 4, 1e300, &err), MR_ERR_INVALID_ARGUMENT, &err, "add 1e300");
    CHECK_STATUS(mr_dataset_add_rating(ds, 1, 4, NAN, &err), MR_ERR_INVALID_ARGUMENT, &err, "add NaN");
    mr_dataset_destroy(ds);
}

static void duplicates_keep_first_position_last_value(void)
{
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_fixture(ds, "edge/ratings_duplicates.csv", 0, 0);
    CHECK_STATUS(r.status, MR_OK, &r.err, "load");
    CHECK_INT(mr_dataset_n_ratings(ds), 5, "before finish every line is stored");
    mr_error err = {MR_OK, ""};
    CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish");
    CHECK_INT(mr_dataset_n_ratings(ds), 3, "after finish each pair once");
    CHECK_INT(mr_dataset_report(ds).n_duplicates, 2, "pair (1, 10) seen three times");
    CHECK_SAME(rating_of(ds, 1, 10), 5.0, "last value of (1, 10)");
    CHECK_SAME(rating_of(ds, 1, 20), 2.0, "value of (1, 20)");

    /* Adding after finish and finishing again counts only the new repeat. */
    CHECK_STATUS(mr_dataset_add_rating(ds, 2, 10, 1.5, &err), MR_OK, &err, "add (2, 10) again");
    CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish again");
    CHECK_SAME(rating_of(ds, 2, 10), 1.5, "new value of (2, 10)");
    CHECK_INT(mr_dataset_report(ds).n_duplicates, 3, "duplicates after the second finish");
    CHECK_INT(mr_dataset_n_ratings(ds), 3, "ratings after the second finish");
    mr_dataset_destroy(ds);
}

static void adding_after_finish_of_tiny_set(void)
{
    /* Finishing shrinks the rating array to its length; later adds must
     * still grow it, also from a length of 0 or 1. */
    for (int start = 0; start <= 2; start++) {
        mr_dataset *ds = mr_dataset_create();
        mr_error err = {MR_OK, ""};
        for (int i = 0; i < start; i++)
            mr_dataset_add_rating(ds, 1, 10 + i, 3.0, &err);
        CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish with %d ratings", start);
        for (int i = 0; i < 40; i++)
            CHECK_STATUS(mr_dataset_add_rating(ds, 2, 100 + i, 4.0, &err), MR_OK, &err, "add %d after finish", i);
        CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish again");
        CHECK_INT(mr_dataset_n_ratings(ds), start + 40, "ratings after adding to a set of %d", start);
        CHECK_SAME(rating_of(ds, 2, 139), 4.0, "last added rating, set of %d", start);
        mr_dataset_destroy(ds);
    }
}

/* Compares the per-user index with a brute-force table for users whose
 * ratings arrive shuffled or descending, with repeats, in lists long enough
 * for the quicksort rather than the insertion sort. */
static void duplicates_match_brute_force(void)
{
    enum { USERS = 7, MOVIES = 300, ADDS = 6000 };
    static double expected[USERS][MOVIES];
    for (int u = 0; u < USERS; u++)
        for (int m = 0; m < MOVIES; m++)
            expected[u][m] = NAN;
    mr_dataset *ds = mr_dataset_create();
    mr_error err = {MR_OK, ""};
    uint32_t state = 12345;
    int distinct = 0;
    for (int i = 0; i < ADDS; i++) {
        state = state * 1664525u + 1013904223u;
        int u = (int)(state >> 8) % USERS;
        /* User 0 rates in descending order, the others in random order. */
        int m = u == 0 ? MOVIES - 1 - i % MOVIES : (int)(state >> 16) % MOVIES;
        double value = (double)((state >> 4) % 10) / 2.0;
        if (isnan(expected[u][m]))
            distinct++;
        expected[u][m] = value;
        if (mr_dataset_add_rating(ds, 100 - u, 1000 + m, value, &err) != MR_OK)
            break;
    }
    if (CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish")) {
        CHECK_INT(mr_dataset_n_ratings(ds), distinct, "distinct pairs");
        CHECK_INT(mr_dataset_report(ds).n_duplicates, ADDS - distinct, "repeats");
        int wrong = 0;
        for (int u = 0; u < USERS; u++)
            for (int m = 0; m < MOVIES; m++) {
                double got = rating_of(ds, 100 - u, 1000 + m);
                if (!(got == expected[u][m] || (isnan(got) && isnan(expected[u][m]))))
                    wrong++;
            }
        CHECK_INT(wrong, 0, "pairs whose value differs from the last one added");
    }
    mr_dataset_destroy(ds);
}

static void builtin_labels_and_report(void)
{
    mr_error err = {MR_OK, ""};
    mr_dataset *ds = mr_dataset_create_builtin(&err);
    if (!CHECK(ds != NULL, "builtin created"))
        return;
    CHECK_INT(mr_dataset_n_ratings(ds), 15, "ratings");
    CHECK_STR(mr_dataset_movie_label(ds, 0), "1", "label of movie 1");
    CHECK_STR(mr_dataset_movie_label(ds, 7), "8", "label of movie 8");
    mr_load_report r = mr_dataset_report(ds);
    CHECK_INT(r.n_files + r.n_duplicates + r.n_skipped + r.n_converted_lines + r.n_ratings_rounded, 0,
              "report of the built-in set is zero");
    CHECK_INT(mr_dataset_n_files(ds), 0, "no files");
    mr_dataset_destroy(ds);
}

static void parser_api_edges(void)
{
    mr_dataset *ds = mr_dataset_create();
    CHECK(mr_parser_create(NULL, MR_FILE_AUTO, "x") == NULL, "NULL data set");
    CHECK(mr_parser_create(ds, (mr_file_kind)8, "x") == NULL, "invalid kind");
    mr_parser *p = mr_parser_create(ds, MR_FILE_AUTO, NULL);
    if (CHECK(p != NULL, "parser without a name")) {
        CHECK_INT(mr_parser_kind(p), MR_FILE_AUTO, "kind before any line");
        CHECK_STR(mr_parser_report(p).file_name, "input", "default name");
        mr_error err = {MR_OK, ""};
        const char *line = "5\t6\t4\t1\n";
        CHECK_STATUS(mr_parser_feed(p, line, strlen(line), &err), MR_OK, &err, "feed");
        CHECK_INT(mr_parser_kind(p), MR_FILE_ML100K_DATA, "kind after the first line");
        CHECK_STR(mr_parser_report(p).format, "MovieLens 100K u.data", "format after the first line");
        CHECK_STATUS(mr_parser_end(p, &err), MR_OK, &err, "end");
        CHECK_INT(mr_parser_report(p).complete, 1, "complete");
        mr_parser_destroy(p);
    }
    mr_parser *named = mr_parser_create(ds, MR_FILE_AUTO, "data/u.item");
    if (CHECK(named != NULL, "parser with a known name"))
        CHECK_INT(mr_parser_kind(named), MR_FILE_ML100K_ITEM, "kind from the name, before any line");
    mr_parser_destroy(named);
    mr_file_report none = mr_dataset_file(ds, 99);
    CHECK_STR(none.file_name, "", "record out of range: name");
    CHECK_STR(none.encoding, "", "record out of range: encoding");
    CHECK_INT(mr_parser_report(NULL).n_lines, 0, "report of NULL parser");
    mr_parser_destroy(NULL);
    mr_dataset_destroy(ds);
}

/* Returns 1 when a string is valid UTF-8 (shortest form, no surrogates). */
static int is_utf8(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        size_t len = 1;
        if (*u >= 0xF0 && *u <= 0xF4)
            len = 4;
        else if (*u >= 0xE0)
            len = 3;
        else if (*u >= 0xC2)
            len = 2;
        else if (*u >= 0x80)
            return 0;
        for (size_t i = 1; i < len; i++)
            if ((u[i] & 0xC0) != 0x80)
                return 0;
        if ((*u == 0xE0 && u[1] < 0xA0) || (*u == 0xED && u[1] > 0x9F) || (*u == 0xF0 && u[1] < 0x90) ||
            (*u == 0xF4 && u[1] > 0x8F) || *u > 0xF4)
            return 0;
        u += len;
    }
    return 1;
}

static void long_file_name_cut_stays_utf8(void)
{
    /* 60 two-byte characters: the record keeps 95 bytes, which would end
     * inside a character. */
    char name[160] = "";
    for (int i = 0; i < 60; i++)
        strcat(name, "\xC3\xA9");
    strcat(name, ".dat");
    const char *text = "1::x::4::1\n";
    mr_dataset *ds = mr_dataset_create();
    feed_result r = feed_bytes(ds, MR_FILE_RATINGS_DAT, name, text, strlen(text), 0, 0);
    CHECK_STATUS(r.status, MR_ERR_PARSE, &r.err, "bad line in a file with a long name");
    const char *kept = mr_dataset_file(ds, 0).file_name;
    CHECK(is_utf8(kept), "stored file name is valid UTF-8: '%s'", kept);
    CHECK_INT(strlen(kept), 94, "stored file name bytes: 47 whole characters");
    CHECK(is_utf8(r.err.message), "message is valid UTF-8: '%s'", r.err.message);
    CHECK_CONTAINS(r.err.message, "movie id 'x' is not an integer", "reason still in the message");
    mr_dataset_destroy(ds);
}

static void load_file_lenient_from_disk(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/edge/ratings_bad_lines.dat", MINIREC_FORMATS_DIR);
    mr_dataset *ds = mr_dataset_create();
    mr_error err = {MR_OK, ""};
    CHECK_STATUS(mr_dataset_load_file_lenient(ds, MR_FILE_AUTO, path, 2, &err), MR_OK, &err, "lenient load");
    CHECK_INT(mr_dataset_report(ds).n_skipped, 2, "skipped");
    CHECK_STR(mr_dataset_file(ds, 0).file_name, "ratings_bad_lines.dat", "record names the base name");
    CHECK_STATUS(mr_dataset_load_file(ds, MR_FILE_AUTO, path, &err), MR_ERR_PARSE, &err, "strict load");
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* Main                                                                     */
/* ======================================================================== */

static const test_case tests[] = {
    {"detect_kind_from_file_name", detect_kind_from_file_name},
    {"detect_kind_from_first_line", detect_kind_from_first_line},
    {"detect_kind_names", detect_kind_names},
    {"ml100k_reads_genre_item_and_data", ml100k_reads_genre_item_and_data},
    {"ml100k_item_before_genre_uses_standard_names", ml100k_item_before_genre_uses_standard_names},
    {"ml100k_custom_genre_names_apply", ml100k_custom_genre_names_apply},
    {"ml100k_genre_gap_rejected", ml100k_genre_gap_rejected},
    {"ml1m_reads_latin1_movies_and_ratings", ml1m_reads_latin1_movies_and_ratings},
    {"ml10m_reads_half_stars_and_no_genres", ml10m_reads_half_stars_and_no_genres},
    {"csv_reads_quotes_crlf_and_duplicates", csv_reads_quotes_crlf_and_duplicates},
    {"movietweetings_keeps_leading_zero_labels", movietweetings_keeps_leading_zero_labels},
    {"movietweetings_ratings_alone_label_and_scale", movietweetings_ratings_alone_label_and_scale},
    {"every_chunk_size_gives_same_data", every_chunk_size_gives_same_data},
    {"encoding_windows_1252_punctuation", encoding_windows_1252_punctuation},
    {"encoding_decided_per_line", encoding_decided_per_line},
    {"encoding_invalid_utf8_read_as_latin1", encoding_invalid_utf8_read_as_latin1},
    {"strict_stops_at_first_bad_line", strict_stops_at_first_bad_line},
    {"lenient_skips_and_records", lenient_skips_and_records},
    {"lenient_limit_exceeded_fails", lenient_limit_exceeded_fails},
    {"lenient_first_data_line_must_be_valid", lenient_first_data_line_must_be_valid},
    {"truncated_last_line", truncated_last_line},
    {"skipped_records_capped_per_file", skipped_records_capped_per_file},
    {"long_line_is_malformed", long_line_is_malformed},
    {"not_a_ratings_file_rejected", not_a_ratings_file_rejected},
    {"empty_files_rejected", empty_files_rejected},
    {"explicit_kind_header_mismatch_hints", explicit_kind_header_mismatch_hints},
    {"content_detection_without_known_name", content_detection_without_known_name},
    {"ratings_parse_like_strtod", ratings_parse_like_strtod},
    {"ratings_rounded_and_out_of_range", ratings_rounded_and_out_of_range},
    {"duplicates_keep_first_position_last_value", duplicates_keep_first_position_last_value},
    {"duplicates_match_brute_force", duplicates_match_brute_force},
    {"adding_after_finish_of_tiny_set", adding_after_finish_of_tiny_set},
    {"builtin_labels_and_report", builtin_labels_and_report},
    {"parser_api_edges", parser_api_edges},
    {"long_file_name_cut_stays_utf8", long_file_name_cut_stays_utf8},
    {"load_file_lenient_from_disk", load_file_lenient_from_disk},
};

int main(int argc, char **argv)
{
    return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
