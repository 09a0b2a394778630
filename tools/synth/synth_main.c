/* synth_main.c: command-line front end of the synthetic data generator. It
 * writes one release's files (MovieLens CSV, ml-100k, ml-1m, ml-10m or
 * MovieTweetings) into an output folder. Run with --help for the options. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "synth.h"

/* ======================================================================== */
/* Buffered output                                                          */
/* ======================================================================== */

#define OUT_BUFFER_SIZE (1 << 20)

typedef struct out_file {
    FILE *f;
    char path[4096];
    char buf[OUT_BUFFER_SIZE];
    size_t len;
    long long written;
    int crlf;
    int failed;
} out_file;

static void out_flush(out_file *o)
{
    if (o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = 1;
    o->written += (long long)o->len;
    o->len = 0;
}

static inline void out_reserve(out_file *o, size_t n)
{
    if (o->len + n > OUT_BUFFER_SIZE)
        out_flush(o);
}

static inline void out_char(out_file *o, char c)
{
    out_reserve(o, 1);
    o->buf[o->len++] = c;
}

static void out_bytes(out_file *o, const char *s, size_t n)
{
    out_reserve(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void out_str(out_file *o, const char *s) { out_bytes(o, s, strlen(s)); }

static inline void out_newline(out_file *o)
{
    out_reserve(o, 2);
    if (o->crlf)
        o->buf[o->len++] = '\r';
    o->buf[o->len++] = '\n';
}

/* Writes a non-negative integer, zero-padded to `width` digits. */
static inline void out_uint(out_file *o, unsigned long long v, int width)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        digits[n++] = '0';
    out_reserve(o, (size_t)n);
    while (n)
        o->buf[o->len++] = digits[--n];
}

/* Writes a rating: "4.0" and "3.5" with `one_decimal`, else "4" and "3.5". */
static inline void out_rating(out_file *o, float r, int one_decimal)
{
    int halves = (int)(r * 2.0f + 0.5f);
    out_uint(o, (unsigned)(halves / 2), 0);
    if (halves % 2) {
        out_bytes(o, ".5", 2);
    } else if (one_decimal) {
        out_bytes(o, ".0", 2);
    }
}

/* Writes UTF-8 text as Latin-1; every character the generator uses fits. */
static void out_latin1(out_file *o, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80 && *p <= 0xC3) {
            out_char(o, (char)(((*p & 0x1F) << 6) | (p[1] & 0x3F)));
            p++;
        } else {
            out_char(o, (char)*p);
        }
    }
}

/* Writes a CSV field, quoted (with doubled quotes) when it contains a comma or quote. */
static void out_csv_field(out_file *o, const char *s)
{
    if (!strpbrk(s, ",\"")) {
        out_str(o, s);
        return;
    }
    out_char(o, '"');
    for (; *s; s++) {
        if (*s == '"')
            out_char(o, '"');
        out_char(o, *s);
    }
    out_char(o, '"');
}

static int out_open(out_file *o, const char *dir, const char *name, int crlf)
{
    snprintf(o->path, sizeof o->path, "%s/%s", dir, name);
    o->f = fopen(o->path, "wb");
    o->len = 0;
    o->written = 0;
    o->crlf = crlf;
    o->failed = 0;
    if (!o->f) {
        fprintf(stderr, "minirec-synth: cannot create %s: %s\n", o->path, strerror(errno));
        return -1;
    }
    return 0;
}

static int out_close(out_file *o)
{
    out_flush(o);
    int bad = o->failed | (fclose(o->f) != 0);
    if (bad) {
        fprintf(stderr, "minirec-synth: writing %s failed: %s\n", o->path, strerror(errno));
        return -1;
    }
    fprintf(stderr, "minirec-synth: wrote %s (%lld bytes)\n", o->path, o->written);
    return 0;
}

/* ======================================================================== */
/* Movie files                                                              */
/* ======================================================================== */

/* Writes the genre names joined by '|', or `none` when the movie has none. */
static void out_genres(out_file *o, const synth_generator *g, uint32_t mask, const char *none)
{
    if (!mask) {
        out_str(o, none);
        return;
    }
    int first = 1;
    for (int i = 0; i < synth_n_genres(g); i++) {
        if (!(mask & (1u << i)))
            continue;
        if (!first)
            out_char(o, '|');
        out_str(o, synth_genre_name(g, i));
        first = 0;
    }
}

/* movies.csv: movieId,title,genres */
static void write_movies_csv(out_file *o, const synth_generator *g)
{
    synth_movie_info m;
    out_str(o, "movieId,title,genres");
    out_newline(o);
    for (int i = 0; i < synth_n_movies(g); i++) {
        synth_movie(g, i, &m);
        out_uint(o, (unsigned long long)m.id, 0);
        out_char(o, ',');
        out_csv_field(o, m.title);
        out_char(o, ',');
        out_genres(o, g, m.genres, "(no genres listed)");
        out_newline(o);
    }
}

/* movies.dat: id::title::genres, in Latin-1 for ml-1m and with 7-digit ids
 * for MovieTweetings. */
static void write_movies_dat(out_file *o, const synth_generator *g)
{
    synth_format f = synth_get_params(g)->format;
    synth_movie_info m;
    for (int i = 0; i < synth_n_movies(g); i++) {
        synth_movie(g, i, &m);
        out_uint(o, (unsigned long long)m.id, f == SYNTH_TWEETINGS ? 7 : 0);
        out_bytes(o, "::", 2);
        if (f == SYNTH_ML_1M)
            out_latin1(o, m.title);
        else
            out_str(o, m.title);
        out_bytes(o, "::", 2);
        out_genres(o, g, m.genres, f == SYNTH_ML_10M ? "(no genres listed)" : "");
        out_newline(o);
    }
}

/* u.item: id|title|release date|video release date|IMDb URL|19 genre flags,
 * in Latin-1. The URL field is left empty. */
static void write_u_item(out_file *o, const synth_generator *g)
{
    static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    synth_movie_info m;
    for (int i = 0; i < synth_n_movies(g); i++) {
        synth_movie(g, i, &m);
        out_uint(o, (unsigned long long)m.id, 0);
        out_char(o, '|');
        out_latin1(o, m.title);
        out_char(o, '|');
        out_uint(o, 1 + (unsigned)(m.id % 28), 2);
        out_char(o, '-');
        out_str(o, MONTHS[m.id % 12]);
        out_char(o, '-');
        out_uint(o, (unsigned)m.year, 0);
        out_bytes(o, "|||", 3);
        /* Flag 0 is "unknown": set for a movie without genres. */
        uint32_t mask = m.genres ? m.genres : 1u;
        for (int gi = 0; gi < synth_n_genres(g); gi++) {
            out_char(o, (mask & (1u << gi)) ? '1' : '0');
            if (gi + 1 < synth_n_genres(g))
                out_char(o, '|');
        }
        out_newline(o);
    }
}

/* u.genre: name|index */
static void write_u_genre(out_file *o, const synth_generator *g)
{
    for (int i = 0; i < synth_n_genres(g); i++) {
        out_str(o, synth_genre_name(g, i));
        out_char(o, '|');
        out_uint(o, (unsigned)i, 0);
        out_newline(o);
    }
}

/* ======================================================================== */
/* Rating files                                                             */
/* ======================================================================== */

/* Writes every rating as user SEP movie SEP rating SEP timestamp, under an
 * optional header. Returns the number of ratings written. */
static long long write_ratings(out_file *o, synth_generator *g, const char *header,
                               const char *sep, int movie_width, int one_decimal)
{
    size_t sep_len = strlen(sep);
    long long total = 0;
    if (header) {
        out_str(o, header);
        out_newline(o);
    }
    const synth_rating *rows;
    int n;
    while ((n = synth_next_user(g, &rows)) > 0) {
        for (int i = 0; i < n; i++) {
            out_uint(o, (unsigned)rows[i].user_id, 0);
            out_bytes(o, sep, sep_len);
            out_uint(o, (unsigned long long)rows[i].movie_id, movie_width);
            out_bytes(o, sep, sep_len);
            out_rating(o, rows[i].rating, one_decimal);
            out_bytes(o, sep, sep_len);
            out_uint(o, (unsigned long long)rows[i].timestamp, 0);
            out_newline(o);
        }
        total += n;
    }
    return total;
}

/* Writes the format's files into `dir`; returns 0 or -1. */
static int write_release(synth_generator *g, const char *dir)
{
    const synth_params *p = synth_get_params(g);
    out_file *o = malloc(sizeof *o);
    if (!o) {
        fprintf(stderr, "minirec-synth: out of memory for the output buffer\n");
        return -1;
    }
    int status = -1;

    switch (p->format) {
    case SYNTH_ML_CSV:
        if (out_open(o, dir, "movies.csv", p->crlf) != 0)
            break;
        write_movies_csv(o, g);
        if (out_close(o) != 0 || out_open(o, dir, "ratings.csv", p->crlf) != 0)
            break;
        write_ratings(o, g, "userId,movieId,rating,timestamp", ",", 0, 1);
        status = out_close(o);
        break;
    case SYNTH_ML_100K:
        if (out_open(o, dir, "u.genre", p->crlf) != 0)
            break;
        write_u_genre(o, g);
        if (out_close(o) != 0 || out_open(o, dir, "u.item", p->crlf) != 0)
            break;
        write_u_item(o, g);
        if (out_close(o) != 0 || out_open(o, dir, "u.data", p->crlf) != 0)
            break;
        write_ratings(o, g, NULL, "\t", 0, 0);
        status = out_close(o);
        break;
    case SYNTH_ML_1M:
    case SYNTH_ML_10M:
    case SYNTH_TWEETINGS:
        if (out_open(o, dir, "movies.dat", p->crlf) != 0)
            break;
        write_movies_dat(o, g);
        if (out_close(o) != 0 || out_open(o, dir, "ratings.dat", p->crlf) != 0)
            break;
        write_ratings(o, g, NULL, "::", p->format == SYNTH_TWEETINGS ? 7 : 0, 0);
        status = out_close(o);
        break;
    }
    free(o);
    return status;
}

/* ======================================================================== */
/* Command line                                                             */
/* ======================================================================== */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: minirec-synth (--preset NAME | --format FORMAT) --out DIR [options]\n"
            "Writes a synthetic rating data set in the file format of a MovieLens or\n"
            "MovieTweetings release.\n"
            "\n"
            "  --preset NAME      size, format and time span of a release: %s\n"
            "  --format FORMAT    ml-csv (movies.csv, ratings.csv), ml-100k (u.data, u.item,\n"
            "                     u.genre), ml-1m, ml-10m (movies.dat, ratings.dat with \"::\"),\n"
            "                     tweetings (movies.dat, ratings.dat, 0-10, 7-digit movie ids)\n"
            "  --out DIR          output folder, created if missing\n"
            "  --users N          users, each with at least one rating\n"
            "  --movies N         movies in the catalog\n"
            "  --ratings N        ratings, no (user, movie) pair twice\n"
            "  --seed N           generator seed (default 1); the same seed gives the same bytes\n"
            "  --order ORDER      user-movie (by user, then movie id) or user-time (by user,\n"
            "                     then timestamp); default: user-movie for ml-csv and tweetings,\n"
            "                     user-time for the others\n"
            "  --min-per-user N   fewest ratings per user (default 20, tweetings 1)\n"
            "  --user-spread S    sigma of the lognormal user activity (default 1.3, tweetings 1.8)\n"
            "  --movie-skew S     exponent of the movie popularity tail (default 1.8)\n"
            "  --crlf             end lines with CRLF (ml-latest-small does)\n"
            "  --help             print this help\n",
            synth_preset_names());
}

static int parse_long(const char *option, const char *text, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || end == text || v < min || v > max) {
        fprintf(stderr, "minirec-synth: %s '%s' is invalid; expected an integer from %lld to %lld\n",
                option, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_double(const char *option, const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (*end || end == text || !(v > 0)) {
        fprintf(stderr, "minirec-synth: %s '%s' is invalid; expected a positive number\n", option, text);
        return -1;
    }
    *out = v;
    return 0;
}

/* Creates `dir` and its parents as needed; returns 0 or -1. */
static int make_dirs(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "minirec-synth: cannot create folder %s: %s\n", path, strerror(errno));
                return -1;
            }
            *p = saved;
            if (!saved)
                return 0;
        }
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *preset = NULL, *format = NULL, *dir = NULL;
    long long users = -1, movies = -1, ratings = -1, seed = -1, min_per_user = -1;
    double user_spread = 0, movie_skew = 0;
    int order = -1, crlf = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(a, "--crlf") == 0) {
            crlf = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "minirec-synth: %s is unknown or lacks a value; see --help\n", a);
            return 2;
        }
        const char *v = argv[++i];
        int bad = 0;
        if (strcmp(a, "--preset") == 0)
            preset = v;
        else if (strcmp(a, "--format") == 0)
            format = v;
        else if (strcmp(a, "--out") == 0)
            dir = v;
        else if (strcmp(a, "--users") == 0)
            bad = parse_long(a, v, 1, 2000000000, &users);
        else if (strcmp(a, "--movies") == 0)
            bad = parse_long(a, v, 1, 2000000000, &movies);
        else if (strcmp(a, "--ratings") == 0)
            bad = parse_long(a, v, 1, 4000000000000000000LL, &ratings);
        else if (strcmp(a, "--seed") == 0)
            bad = parse_long(a, v, 0, 4000000000000000000LL, &seed);
        else if (strcmp(a, "--min-per-user") == 0)
            bad = parse_long(a, v, 1, 2000000000, &min_per_user);
        else if (strcmp(a, "--user-spread") == 0)
            bad = parse_double(a, v, &user_spread);
        else if (strcmp(a, "--movie-skew") == 0)
            bad = parse_double(a, v, &movie_skew);
        else if (strcmp(a, "--order") == 0) {
            if (strcmp(v, "user-movie") == 0)
                order = SYNTH_ORDER_USER_MOVIE;
            else if (strcmp(v, "user-time") == 0)
                order = SYNTH_ORDER_USER_TIME;
            else {
                fprintf(stderr, "minirec-synth: --order '%s' is unknown; use user-movie or user-time\n", v);
                bad = 1;
            }
        } else {
            fprintf(stderr, "minirec-synth: option %s is unknown; see --help\n", a);
            bad = 1;
        }
        if (bad)
            return 2;
    }

    synth_params p;
    if (preset && format) {
        fprintf(stderr, "minirec-synth: give --preset or --format, not both\n");
        return 2;
    }
    if (!dir) {
        fprintf(stderr, "minirec-synth: --out DIR is missing; see --help\n");
        return 2;
    }
    if (preset && synth_preset(preset, &p) != 0) {
        fprintf(stderr, "minirec-synth: preset '%s' is unknown; use one of %s\n", preset, synth_preset_names());
        return 2;
    }
    if (!preset) {
        synth_format f;
        if (!format) {
            fprintf(stderr, "minirec-synth: --preset or --format is missing; see --help\n");
            return 2;
        }
        if (synth_format_from_name(format, &f) != 0) {
            fprintf(stderr, "minirec-synth: format '%s' is unknown; use ml-csv, ml-100k, ml-1m, ml-10m or tweetings\n",
                    format);
            return 2;
        }
        synth_defaults(f, &p);
    }
    if (users > 0)
        p.n_users = (int)users;
    if (movies > 0)
        p.n_movies = (int)movies;
    if (ratings > 0)
        p.n_ratings = ratings;
    if (seed >= 0)
        p.seed = (uint64_t)seed;
    if (min_per_user > 0)
        p.min_per_user = (int)min_per_user;
    if (user_spread > 0)
        p.user_spread = user_spread;
    if (movie_skew > 0)
        p.movie_skew = movie_skew;
    if (order >= 0)
        p.order = (synth_order)order;
    if (crlf)
        p.crlf = 1;

    char message[256] = "";
    double t0 = now_seconds();
    synth_generator *g = synth_create(&p, message, sizeof message);
    if (!g) {
        fprintf(stderr, "minirec-synth: %s\n", message);
        return 1;
    }
    if (make_dirs(dir) != 0) {
        synth_destroy(g);
        return 1;
    }
    int status = write_release(g, dir);
    synth_destroy(g);
    if (status != 0)
        return 1;
    fprintf(stderr, "minirec-synth: %s, %d users, %d movies, %lld ratings, seed %llu in %.2f s\n",
            synth_format_name(p.format), p.n_users, p.n_movies, (long long)p.n_ratings,
            (unsigned long long)p.seed, now_seconds() - t0);
    return 0;
}
