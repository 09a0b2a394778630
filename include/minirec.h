/* minirec.h: a small movie recommender in C11 (libc and libm only), the core of
 * the minirec page and command-line tool.
 *
 * Contents
 *   1. Status codes and errors
 *   2. Data set: movies, ratings, id maps, loading (built-in and MovieLens CSV)
 *   3. Popularity baseline
 *   4. Content: genre vocabulary, one-hot vectors, cosine similarity
 *   5. Matrix factorization trained by stochastic gradient descent
 *   6. Hybrid ranking
 *   7. Random numbers compatible with numpy's legacy RandomState
 *
 * Usage
 *   mr_error err;
 *   mr_dataset *ds = mr_dataset_create_builtin(&err);
 *   mr_train_params tp = mr_train_defaults();
 *   mr_model *m = mr_model_create(ds, &tp, &err);
 *   mr_model_train(m, tp.epochs, &err);
 *   mr_recommend(ds, m, 1, NULL, recs, 5, &n, &err);
 *   mr_model_destroy(m); mr_dataset_destroy(ds);
 *
 * Ownership
 *   Every *_create has a *_destroy beside it; destroy accepts NULL. Pointers
 *   returned by getters (titles, genre names, RMSE history) belong to the object
 *   and stay valid until it is changed or destroyed. A model copies what it
 *   needs from the data set, so the data set may be destroyed before the model.
 *
 * Errors
 *   The library never prints, exits or aborts on bad input. A function that can
 *   fail returns an mr_status and, when `err` is not NULL, writes a one-line
 *   message naming the value at fault and what was expected. MR_OK is 0.
 *
 * Ids and indices
 *   Users and movies have arbitrary 64-bit integer ids (not contiguous, not
 *   starting at 1). Movies are indexed 0..n-1 in catalog order (the order they
 *   were added; a movie first seen in a rating is appended). Users are indexed
 *   0..n-1 in ascending id order once the data set is finished.
 *
 * Limits
 *   Counts are int (about 2.1e9). Titles and genre names are stored as given
 *   (UTF-8 expected, not validated). Training uses double precision throughout
 *   so the default run reproduces numpy's float64 arithmetic exactly.
 */
#ifndef MINIREC_H
#define MINIREC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* 1. Status codes and errors                                               */
/* ======================================================================== */

typedef enum mr_status {
    MR_OK = 0,
    MR_ERR_INVALID_ARGUMENT = 1, /* a parameter is out of range or NULL */
    MR_ERR_NOT_FOUND = 2,        /* an id that the data set or model lacks */
    MR_ERR_PARSE = 3,            /* a malformed line in an input file */
    MR_ERR_NO_MEMORY = 4,        /* an allocation failed */
    MR_ERR_IO = 5,               /* a file could not be opened or read */
    MR_ERR_DIVERGED = 6,         /* training produced a non-finite or huge error */
    MR_ERR_STATE = 7             /* a call made in the wrong order */
} mr_status;

#define MR_ERROR_MESSAGE_SIZE 320

/* Failure details: the status and a message such as
 * "ratings.csv line 12: rating 'x' is not a number; expected a decimal such as 3.5". */
typedef struct mr_error {
    mr_status status;
    char message[MR_ERROR_MESSAGE_SIZE];
} mr_error;

/* Returns a static English name for a status, e.g. "parse error". */
const char *mr_status_name(mr_status status);

/* ======================================================================== */
/* 2. Data set                                                              */
/* ======================================================================== */

typedef struct mr_dataset mr_dataset;

/* Counts gathered while loading, for the "what was read" summary. */
typedef struct mr_load_report {
    int n_duplicates;        /* (user, movie) pairs seen again; the last rating wins */
    int n_movies_from_ratings; /* rated movies absent from the movies file, added untitled */
    int n_lines;             /* data lines read, headers excluded */
} mr_load_report;

/* Creates an empty data set, or returns NULL when out of memory. */
mr_dataset *mr_dataset_create(void);
/* Frees the data set and everything it owns. Accepts NULL. */
void mr_dataset_destroy(mr_dataset *ds);

/* Creates the built-in teaching data set: 8 movies, 5 users, 15 ratings on a
 * 1-5 scale, already finished. Returns NULL only when out of memory. */
mr_dataset *mr_dataset_create_builtin(mr_error *err);

/* Appends a movie. `genres` is a '|'-separated list ("Action|Sci-Fi"); NULL,
 * "" and "(no genres listed)" mean no genres. Fails with MR_ERR_INVALID_ARGUMENT
 * when the id is already in the catalog. Marks the data set unfinished. */
mr_status mr_dataset_add_movie(mr_dataset *ds, int64_t movie_id, const char *title,
                               const char *genres, mr_error *err);

/* Records a rating. A movie id not in the catalog is appended without title or
 * genres. A repeated (user, movie) pair overwrites the earlier value in place
 * and is counted in the load report. Rejects non-finite ratings. */
mr_status mr_dataset_add_rating(mr_dataset *ds, int64_t user_id, int64_t movie_id,
                                double rating, mr_error *err);

/* Builds the indexes every query needs: users sorted by id, per-user and
 * per-movie rating lists, the genre vocabulary, the rating scale. Call after the
 * last add; queries on an unfinished data set fail with MR_ERR_STATE. */
mr_status mr_dataset_finish(mr_dataset *ds, mr_error *err);

int mr_dataset_n_movies(const mr_dataset *ds);
int mr_dataset_n_users(const mr_dataset *ds);
int mr_dataset_n_ratings(const mr_dataset *ds);
/* Load counters; all zero for the built-in set. */
mr_load_report mr_dataset_report(const mr_dataset *ds);
/* Largest value of the rating scale: 5 when every rating is at most 5, 10 when
 * at most 10, otherwise the largest rating. Used to scale content scores. */
double mr_dataset_rating_max(const mr_dataset *ds);
double mr_dataset_rating_min(const mr_dataset *ds);

/* Movie by catalog index (0 <= index < n_movies). Titles are "" when unknown. */
int64_t mr_dataset_movie_id(const mr_dataset *ds, int index);
const char *mr_dataset_movie_title(const mr_dataset *ds, int index);
/* Genres of a movie as indices into the vocabulary, ascending. Writes the
 * count to *n_out; the array belongs to the data set. */
const int *mr_dataset_movie_genres(const mr_dataset *ds, int index, int *n_out);
/* Catalog index of a movie id, or -1. */
int mr_dataset_movie_index(const mr_dataset *ds, int64_t movie_id);

/* User by index (ascending id order). */
int64_t mr_dataset_user_id(const mr_dataset *ds, int index);
/* Index of a user id, or -1. */
int mr_dataset_user_index(const mr_dataset *ds, int64_t user_id);
/* Number of ratings a user gave, by user index. */
int mr_dataset_user_n_ratings(const mr_dataset *ds, int user_index);

/* Rating by catalog indices: returns 1 and writes *rating when the user rated
 * the movie, 0 when not. Binary search in the user's list: O(log n). */
int mr_dataset_rating(const mr_dataset *ds, int user_index, int movie_index, double *rating);

/* Genre vocabulary in ascending byte order (strcmp). */
int mr_dataset_n_genres(const mr_dataset *ds);
const char *mr_dataset_genre_name(const mr_dataset *ds, int genre_index);

/* Writes up to `capacity` user indices, most ratings first (ties by user id),
 * and returns how many were written. */
int mr_dataset_most_active_users(const mr_dataset *ds, int *out, int capacity);
/* Writes up to `capacity` movie indices, most ratings first (ties by movie id). */
int mr_dataset_most_rated_movies(const mr_dataset *ds, int *out, int capacity);

/* Streaming loader for MovieLens CSV files (ml-latest-small and later):
 * a header line, UTF-8, quoted titles containing commas or doubled quotes,
 * '|'-separated genres, half-star ratings, LF or CRLF line ends. Bytes may be
 * fed in chunks of any size, split anywhere. Movies must be loaded before
 * ratings for titles to attach in catalog order. */
typedef enum mr_file_kind {
    MR_FILE_MOVIES_CSV = 1,  /* movieId,title,genres */
    MR_FILE_RATINGS_CSV = 2  /* userId,movieId,rating[,timestamp] */
} mr_file_kind;

typedef struct mr_parser mr_parser;

/* Creates a parser that adds what it reads to `ds`. `file_name` is used in
 * messages only and copied. Returns NULL when out of memory. */
mr_parser *mr_parser_create(mr_dataset *ds, mr_file_kind kind, const char *file_name);
/* Frees the parser; the data set keeps what was added. Accepts NULL. */
void mr_parser_destroy(mr_parser *p);
/* Parses every complete line in the bytes; keeps a trailing partial line for
 * the next call. Stops at the first malformed line with MR_ERR_PARSE and a
 * message giving file, line number and reason. */
mr_status mr_parser_feed(mr_parser *p, const char *bytes, size_t n, mr_error *err);
/* Parses the last line (which may lack a newline). Fails with MR_ERR_PARSE if
 * the file had no header or no data lines. Does not finish the data set. */
mr_status mr_parser_end(mr_parser *p, mr_error *err);
/* Lines read so far, header included. */
long mr_parser_line(const mr_parser *p);

/* Reads a whole file from disk through a parser (native builds). */
mr_status mr_dataset_load_file(mr_dataset *ds, mr_file_kind kind, const char *path,
                               mr_error *err);

/* ======================================================================== */
/* 3. Popularity                                                            */
/* ======================================================================== */

typedef struct mr_popularity {
    int movie_index;
    double mean;  /* mean rating, NaN never: unrated movies are not listed */
    int count;
} mr_popularity;

/* Writes up to `capacity` rated movies by mean rating descending, ties by
 * movie id, keeping only movies with at least `min_count` ratings (values
 * below 1 mean 1). Writes the number of entries to *n_out. */
mr_status mr_popularity_rank(const mr_dataset *ds, int min_count, mr_popularity *out,
                             int capacity, int *n_out, mr_error *err);

/* ======================================================================== */
/* 4. Content: genres and cosine similarity                                 */
/* ======================================================================== */

/* Cosine similarity of two movies' one-hot genre vectors, by catalog index:
 * shared genres / sqrt(genres of a * genres of b), 0 when either has none. */
double mr_similarity(const mr_dataset *ds, int movie_a, int movie_b);

/* Fills out[i * n + j] with the similarity of movies[i] and movies[j]
 * (catalog indices). `out` has n * n doubles. */
mr_status mr_similarity_matrix(const mr_dataset *ds, const int *movies, int n,
                               double *out, mr_error *err);

typedef struct mr_scored_movie {
    int movie_index;
    double score;
} mr_scored_movie;

/* Most similar movies to `movie_id`, excluding itself, by similarity
 * descending, ties by movie id. Takes O(n_movies) time and no n^2 memory. */
mr_status mr_similar_movies(const mr_dataset *ds, int64_t movie_id, int top_n,
                            mr_scored_movie *out, int *n_out, mr_error *err);

/* ======================================================================== */
/* 5. Matrix factorization (SGD)                                            */
/* ======================================================================== */

/* SGD kernels. Every kernel applies the same update; they differ in
 * precision and speed.
 *   EXACT         double, scalar, sums left to right: reproduces numpy float64
 *                 results bit for bit (e.g. the default run on the built-in data)
 *   SCALAR_FLOAT  float, scalar: the plain reference for SIMD_FLOAT
 *   SIMD_FLOAT    float, 4 lanes (SSE natively, simd128 in WebAssembly built
 *                 with -msimd128); about 1e-6 relative from SCALAR_FLOAT
 *   AUTO          EXACT up to 50,000 ratings, SIMD_FLOAT above
 * Float kernels keep padded float copies of U and V, with rows of k rounded up
 * to a multiple of 4, and copy them back to the double U and V after each
 * mr_model_train call. Training ratings are stored as float, which is exact
 * for halves and integers. */
typedef enum mr_kernel {
    MR_KERNEL_AUTO = 0,
    MR_KERNEL_EXACT = 1,
    MR_KERNEL_SCALAR_FLOAT = 2,
    MR_KERNEL_SIMD_FLOAT = 3
} mr_kernel;

/* Returns a static name such as "exact (scalar double)". */
const char *mr_kernel_name(mr_kernel kernel);

/* Training settings; mr_train_defaults() gives k 3, learning rate 0.01,
 * regularization 0.1, 500 epochs, seed 42, kernel AUTO. */
typedef struct mr_train_params {
    int k;                 /* latent factors per user and movie, 1..1024 */
    double learning_rate;  /* step size, > 0 */
    double regularization; /* L2 weight, >= 0 */
    int epochs;            /* total epochs the caller intends to run, >= 1 */
    uint32_t seed;         /* seeds the generator that draws U, V and shuffles */
    mr_kernel kernel;      /* which SGD kernel runs the epochs */
} mr_train_params;

mr_train_params mr_train_defaults(void);

typedef struct mr_model mr_model;

/* Creates a model over the users and movies that appear in the ratings, each in
 * ascending id order, and draws U then V as 0.1 * standard normal values.
 * Fails on invalid params or a data set with no ratings. */
mr_model *mr_model_create(const mr_dataset *ds, const mr_train_params *params,
                          mr_error *err);
void mr_model_destroy(mr_model *m);

/* Runs `n_epochs` more epochs (shuffle the triples, then one SGD pass) and
 * records each epoch's training RMSE. Fails with MR_ERR_DIVERGED, naming the
 * epoch and learning rate, as soon as an epoch's RMSE is not finite or exceeds
 * 1e6; the model then keeps the RMSE history but its factors are unusable. */
mr_status mr_model_train(mr_model *m, int n_epochs, mr_error *err);

int mr_model_epochs_done(const mr_model *m);
/* RMSE of each finished epoch, mr_model_epochs_done() values. */
const double *mr_model_rmse(const mr_model *m);
int mr_model_k(const mr_model *m);
/* The kernel chosen at creation (AUTO resolved). */
mr_kernel mr_model_kernel(const mr_model *m);
int mr_model_n_users(const mr_model *m);
int mr_model_n_movies(const mr_model *m);
int64_t mr_model_user_id(const mr_model *m, int index);
int64_t mr_model_movie_id(const mr_model *m, int index);
/* Factor rows: U is (n_users, k), V is (n_movies, k), row-major. */
const double *mr_model_user_factors(const mr_model *m);
const double *mr_model_movie_factors(const mr_model *m);

/* Predicted rating U[user] . V[movie]. Fails with MR_ERR_NOT_FOUND when the
 * model never saw the user or the movie (it had no ratings in training). */
mr_status mr_model_predict(const mr_model *m, int64_t user_id, int64_t movie_id,
                           double *out, mr_error *err);

/* ======================================================================== */
/* 6. Hybrid ranking                                                        */
/* ======================================================================== */

/* Ranking settings; zero fields take the defaults. */
typedef struct mr_rank_params {
    double alpha;          /* weight of CF in [0, 1]; ALPHA_DEFAULT below when < 0 */
    double like_threshold; /* ratings at or above count as liked; 0 means 0.8 * rating max (4 on 1-5) */
    int top_n;             /* entries to return; 0 means all candidates */
} mr_rank_params;

#define MR_ALPHA_DEFAULT 0.7

/* Returns alpha 0.7, like_threshold 0 (that is, 0.8 * rating max), top_n 5. */
mr_rank_params mr_rank_defaults(void);

typedef struct mr_recommendation {
    int movie_index;
    int has_cf;           /* 0 when the model has no factors for the movie */
    double cf_score;      /* predicted rating; 0 when has_cf is 0 */
    double content_score; /* mean similarity to liked movies, in [0, 1] */
    double score;         /* alpha*cf + (1-alpha)*rating_max*content */
} mr_recommendation;

/* Ranks the movies `user_id` has not rated. A movie without CF factors (nobody
 * rated it when the model was trained) is kept: its CF term counts as 0, so its
 * score is (1-alpha)*rating_max*content. Sorted by score descending, ties by
 * movie id. `model` may be NULL before any training: then no movie has CF
 * factors and every score is content-based. Writes at most `capacity` entries. */
mr_status mr_recommend(const mr_dataset *ds, const mr_model *model, int64_t user_id,
                       const mr_rank_params *params, mr_recommendation *out,
                       int capacity, int *n_out, mr_error *err);

/* ======================================================================== */
/* 7. Random numbers (numpy legacy RandomState)                             */
/* ======================================================================== */

/* Mersenne Twister MT19937 with numpy's legacy Gaussian cache. Seeding with an
 * integer matches np.random.seed(n); gauss matches np.random.randn; shuffle
 * matches np.random.shuffle of a Python list. */
typedef struct mr_rng {
    uint32_t state[624];
    int pos;
    int has_gauss;
    double gauss;
} mr_rng;

void mr_rng_seed(mr_rng *rng, uint32_t seed);
uint32_t mr_rng_next_u32(mr_rng *rng);
/* Uniform double in [0, 1) with 53 random bits, as random_sample(). */
double mr_rng_uniform(mr_rng *rng);
/* Standard normal draw by the polar method, as randn(). */
double mr_rng_gauss(mr_rng *rng);
/* Uniform integer in [0, max] by masked rejection, as numpy's random_interval. */
uint32_t mr_rng_interval(mr_rng *rng, uint32_t max);

#ifdef __cplusplus
}
#endif

#endif /* MINIREC_H */
