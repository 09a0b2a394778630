/* synth.h: synthetic rating data shaped like the MovieLens and MovieTweetings
 * releases, generated user by user so that any size streams in O(movies +
 * largest user) memory. synth_main.c writes it in each release's file format;
 * the benchmarks in bench/ feed it straight into a minirec data set.
 *
 * Usage
 *   synth_params p;
 *   synth_preset("ml-25m", &p);            (or synth_defaults(SYNTH_ML_CSV, &p))
 *   synth_generator *g = synth_create(&p, message, sizeof message);
 *   for (int i = 0; i < synth_n_movies(g); i++) synth_movie(g, i, &movie);
 *   while ((n = synth_next_user(g, &rows)) > 0) ... rows[0..n-1] ...
 *   synth_destroy(g);
 *
 * Shape
 *   - Users are 1..n_users. Each has at least min_per_user ratings. The other
 *     ratings are shared out in proportion to exp(user_spread * z) with z
 *     standard normal, a lognormal tail in which a few users rate thousands.
 *   - Each user's movies are drawn without replacement with weights
 *     (rank + 1 + q)^-movie_skew over a random ranking of the movies, with q
 *     chosen so that the top movie is drawn by about head_share of the users.
 *     No (user, movie) pair repeats.
 *   - A rating is mean + user bias + movie bias + a 4-factor dot product +
 *     noise, rounded to the format's scale, so matrix factorization can learn
 *     it. Timestamps come in bursts per user.
 *   - Same parameters and seed, same bytes, on every platform (integer
 *     arithmetic and IEEE double only; no libc random numbers).
 */
#ifndef MINIREC_SYNTH_H
#define MINIREC_SYNTH_H

#include <stddef.h>
#include <stdint.h>

typedef enum synth_format {
    SYNTH_ML_CSV = 0,   /* ml-latest, ml-20m, ml-25m: movies.csv, ratings.csv, half stars */
    SYNTH_ML_100K = 1,  /* u.data (tab), u.item (pipe, latin-1, 19 genre flags), u.genre */
    SYNTH_ML_1M = 2,    /* movies.dat, ratings.dat with "::", latin-1, whole stars */
    SYNTH_ML_10M = 3,   /* movies.dat, ratings.dat with "::", half stars */
    SYNTH_TWEETINGS = 4 /* MovieTweetings movies.dat, ratings.dat, 0-10, 7-digit movie ids */
} synth_format;

typedef enum synth_order {
    SYNTH_ORDER_USER_MOVIE = 0, /* by user, then movie id */
    SYNTH_ORDER_USER_TIME = 1   /* by user, then timestamp (ties by movie id) */
} synth_order;

typedef struct synth_params {
    synth_format format;
    int n_users;          /* users with at least one rating, >= 1 */
    int n_movies;         /* catalog size; some movies may get no rating */
    int64_t n_ratings;    /* n_users <= n_ratings <= n_users * n_movies */
    uint64_t seed;
    synth_order order;
    int min_per_user;     /* lowered to n_ratings / n_users when that is smaller */
    double user_spread;   /* sigma of the lognormal user activity, > 0 */
    double movie_skew;    /* exponent of the movie popularity tail, > 0 */
    double head_share;    /* fraction of users expected to draw the top movie, (0, 1] */
    double no_genre_share;   /* fraction of movies without genres */
    double mean_id_gap;   /* mean step between movie ids, >= 1; ml-100k ignores it (ids 1..n) and
                             MovieTweetings lowers it so that ids fit 7 digits */
    int64_t time_first, time_last; /* Unix seconds of the first and last rating */
    int crlf;             /* 1: CRLF line ends (ml-latest-small uses them) */
} synth_params;

/* Fills `p` with the format's defaults and the size of its namesake release.
 * Returns 0, or -1 for an unknown format. */
int synth_defaults(synth_format format, synth_params *p);

/* Fills `p` for a named preset: "ml-25m", "ml-latest-small", "ml-100k",
 * "ml-1m", "ml-10m", "tweetings-100k". Returns 0, or -1 for an unknown name. */
int synth_preset(const char *name, synth_params *p);

/* Comma-separated preset names, for help text. */
const char *synth_preset_names(void);

/* Format by name ("ml-csv", "ml-100k", "ml-1m", "ml-10m", "tweetings");
 * returns 0, or -1 for an unknown name. */
int synth_format_from_name(const char *name, synth_format *out);
const char *synth_format_name(synth_format format);

typedef struct synth_generator synth_generator;

/* Creates a generator, or returns NULL and writes the reason to `message`
 * (invalid parameters or out of memory). Takes O(n_users + n_movies) time. */
synth_generator *synth_create(const synth_params *p, char *message, size_t message_size);
void synth_destroy(synth_generator *g);

const synth_params *synth_get_params(const synth_generator *g);
int synth_n_movies(const synth_generator *g);

/* Genre vocabulary of the format, in the release's order (ml-100k: the 19
 * u.genre entries, "unknown" first). */
int synth_n_genres(const synth_generator *g);
const char *synth_genre_name(const synth_generator *g, int genre);

typedef struct synth_movie_info {
    int64_t id;
    int year;
    uint32_t genres;  /* bit g set: genre g of synth_genre_name; 0 means none */
    char title[128];  /* UTF-8, with " (year)" except for a few ml-csv titles */
} synth_movie_info;

/* Describes catalog movie `index` (0 <= index < n_movies, ascending ids). */
void synth_movie(const synth_generator *g, int index, synth_movie_info *out);

typedef struct synth_rating {
    int user_id;
    int movie_index;   /* catalog index; synth_movie gives its id */
    int64_t movie_id;
    float rating;      /* on the format's scale, exact in float */
    int64_t timestamp;
} synth_rating;

/* Generates the next user's ratings in the chosen order and points *rows at
 * them (valid until the next call). Returns the count, or 0 after the last
 * user. Users come in ascending id order. */
int synth_next_user(synth_generator *g, const synth_rating **rows);

#endif
