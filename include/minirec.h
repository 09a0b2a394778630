/* minirec.h: a small movie recommender in C11 (libc and libm only), the core of
 * the minirec page and command-line tool.
 *
 * Contents
 *   1. Status codes and errors
 *   2. Data set: movies, ratings, id maps, loading (built-in, MovieLens and
 *      MovieTweetings files)
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
 *   (UTF-8 expected, not validated). Training ratings are stored as float. The
 *   exact kernel (the default up to 50,000 ratings) trains in double precision
 *   and reproduces numpy's float64 arithmetic bit for bit; see mr_kernel.
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
    int n_duplicates;          /* (user, movie) pairs seen again, counted by mr_dataset_finish,
                                  which keeps the first position and the last rating */
    int n_movies_from_ratings; /* rated movies absent from the movies file, added untitled */
    int n_lines;               /* data lines read, headers and skipped lines excluded */
    int n_files;               /* files read through parsers (see mr_dataset_file) */
    int n_skipped;             /* malformed lines skipped in lenient mode, all files */
    int n_converted_lines;     /* lines converted from Latin-1 or Windows-1252 to UTF-8 */
    int n_ratings_rounded;     /* ratings not exact in single precision, stored rounded */
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
 * genres. A repeated (user, movie) pair is resolved by mr_dataset_finish: the
 * pair keeps the position of its first rating and the value of its last, and
 * is counted in the load report. Ratings are stored in single precision, which
 * is exact for whole numbers and halves. Rejects non-finite ratings and
 * magnitudes above FLT_MAX (about 3.4e38). */
mr_status mr_dataset_add_rating(mr_dataset *ds, int64_t user_id, int64_t movie_id,
                                double rating, mr_error *err);

/* Builds the indexes every query needs: users sorted by id, per-user and
 * per-movie rating lists, the genre vocabulary, the rating scale, and resolves
 * repeated (user, movie) pairs. Call after the last add; queries on an
 * unfinished data set fail with MR_ERR_STATE. Memory: 20 bytes per rating once
 * finished, 12 in input order plus 8 in the per-user index. */
mr_status mr_dataset_finish(mr_dataset *ds, mr_error *err);

int mr_dataset_n_movies(const mr_dataset *ds);
int mr_dataset_n_users(const mr_dataset *ds);
/* Ratings stored; before mr_dataset_finish this still counts repeated pairs. */
int mr_dataset_n_ratings(const mr_dataset *ds);
/* Load counters; all zero for the built-in set. */
mr_load_report mr_dataset_report(const mr_dataset *ds);
/* Largest value of the rating scale: 5 when every rating is at most 5, 10 when
 * at most 10, otherwise the largest rating. A file read as MovieTweetings
 * declares a 0-10 scale, so its data set reports at least 10. Used to scale
 * content scores. */
double mr_dataset_rating_max(const mr_dataset *ds);
double mr_dataset_rating_min(const mr_dataset *ds);

/* Movie by catalog index (0 <= index < n_movies). Titles are "" when unknown. */
int64_t mr_dataset_movie_id(const mr_dataset *ds, int index);
const char *mr_dataset_movie_title(const mr_dataset *ds, int index);
/* The movie id as the file wrote it, for display: "0000008" for MovieTweetings
 * id 8, the decimal id for movies added by mr_dataset_add_movie or
 * mr_dataset_add_rating, "" for an invalid index. Lookups use the integer id. */
const char *mr_dataset_movie_label(const mr_dataset *ds, int index);
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

/* ------------------------------------------------------------------------ */
/* Loading files                                                            */
/* ------------------------------------------------------------------------ */

/* Streaming loader for the MovieLens and MovieTweetings files as downloaded.
 * Bytes may be fed in chunks of any size, split anywhere; no whole-file copy
 * is made. Load movies before ratings so titles attach to the catalog order,
 * and u.genre before u.item.
 *
 *   kind                  release               line
 *   MR_FILE_RATINGS_CSV   ml-latest(-small),    header userId,movieId,rating[,timestamp]
 *                         ml-20m/25m/32m
 *   MR_FILE_MOVIES_CSV    same                  header movieId,title,genres; titles may be
 *                                               quoted with commas and doubled quotes
 *   MR_FILE_RATINGS_DAT   ml-1m, ml-10m,        user::movie::rating::timestamp
 *                         MovieTweetings
 *   MR_FILE_MOVIES_DAT    same                  movie::title (year)::Genre|Genre
 *   MR_FILE_ML100K_DATA   ml-100k u.data        user TAB item TAB rating TAB timestamp
 *   MR_FILE_ML100K_ITEM   ml-100k u.item        id|title|release date|video release
 *                                               date|IMDb URL|one 0/1 flag per genre
 *   MR_FILE_ML100K_GENRE  ml-100k u.genre       name|index
 *
 * MR_FILE_AUTO decides the kind from the file name when it is one of u.data,
 * u.item, u.genre, ratings.dat, movies.dat, ratings.csv, movies.csv (any
 * directory, any letter case), otherwise from the first non-empty line: a CSV
 * header, then the separator ("::", tab or '|'), the field count and which
 * fields are numbers (see mr_detect_file_kind). A first line that matches no
 * format fails the file with MR_ERR_PARSE, also in lenient mode.
 *
 * Details shared by all kinds:
 *   - Line ends are LF or CRLF; a UTF-8 byte order mark is skipped; blank
 *     lines are ignored; lines longer than 65536 bytes are malformed.
 *   - Text is decided per line: valid UTF-8 passes through, any other line is
 *     read as Windows-1252 (Latin-1, with 0x80-0x9F as Windows-1252 letters
 *     and punctuation) and converted to UTF-8, so byte 0xE9 becomes "é".
 *   - Ids are decimal integers; the text of a movie id is kept as its label
 *     (mr_dataset_movie_label), so "0000008" displays as written. Timestamps
 *     are not read. A ratings line may omit the timestamp.
 *   - u.item genre flags take their names from u.genre when it was loaded
 *     first. Otherwise they take the 19 standard ml-100k names, in this
 *     order: unknown, Action, Adventure, Animation, Children's, Comedy,
 *     Crime, Documentary, Drama, Fantasy, Film-Noir, Horror, Musical,
 *     Mystery, Romance, Sci-Fi, Thriller, War, Western. The flag of the genre named
 *     "unknown" is not a genre: a movie with only that flag has no genres,
 *     like "(no genres listed)" in movies.csv. A u.genre read after u.item
 *     must then repeat those names.
 *   - Strict mode (the default) stops at the first malformed line with
 *     MR_ERR_PARSE and a message naming file, line number, reason and the
 *     start of the line. Lenient mode (mr_parser_set_max_skipped) skips up to
 *     N malformed lines and records them (mr_dataset_skipped_line), but still
 *     fails when the first data line is malformed or more than N are.
 *   - A malformed last line without a line end is reported as truncated.
 *     In lenient mode, so is a last ratings line without a line end that
 *     has fewer fields than the line before it; strict mode accepts that
 *     line, since the timestamp is optional. */
typedef enum mr_file_kind {
    MR_FILE_AUTO = 0,         /* decide from the file name, else from the first line */
    MR_FILE_MOVIES_CSV = 1,   /* movieId,title,genres */
    MR_FILE_RATINGS_CSV = 2,  /* userId,movieId,rating[,timestamp] */
    MR_FILE_MOVIES_DAT = 3,   /* movie::title::genres */
    MR_FILE_RATINGS_DAT = 4,  /* user::movie::rating::timestamp */
    MR_FILE_ML100K_DATA = 5,  /* u.data */
    MR_FILE_ML100K_ITEM = 6,  /* u.item */
    MR_FILE_ML100K_GENRE = 7  /* u.genre */
} mr_file_kind;

/* Returns the kind a file would be read as: from `file_name` when it is one of
 * the known names, else from the first non-empty line in `bytes` (pass the
 * first few kilobytes). Returns MR_FILE_AUTO when neither decides. Lets a
 * caller order files (movies before ratings) before parsing them. */
mr_file_kind mr_detect_file_kind(const char *file_name, const char *bytes, size_t n);
/* Static name of a kind, e.g. "ratings.dat"; "automatic" for MR_FILE_AUTO. */
const char *mr_file_kind_name(mr_file_kind kind);

/* One file read through a parser. The strings belong to the data set and stay
 * valid until it changes (a new parser or add) or is destroyed. */
typedef struct mr_file_report {
    const char *file_name;  /* as given to mr_parser_create */
    mr_file_kind kind;      /* as given, or as detected */
    const char *format;     /* e.g. "MovieLens 100K u.item", "MovieTweetings ratings.dat" */
    const char *encoding;   /* "UTF-8", "Latin-1", "Windows-1252", "UTF-8 and Latin-1"
                               or "UTF-8 and Windows-1252" */
    long n_lines;           /* lines read, header included */
    long n_data_lines;      /* lines that added a movie, rating or genre name */
    long n_converted_lines; /* lines converted to UTF-8 */
    long n_skipped;         /* malformed lines skipped */
    int complete;           /* 1 once mr_parser_end succeeded */
} mr_file_report;

/* A malformed line skipped in lenient mode. */
typedef struct mr_skipped_line {
    int file_index;   /* into mr_dataset_file */
    long line;        /* 1-based line number in that file */
    char text[64];    /* start of the line as UTF-8, control characters as spaces */
    char reason[224]; /* what is wrong, e.g. "rating 'x' is not a number; ..." */
} mr_skipped_line;

/* Skipped lines are recorded in full for the first 20 of each file; the
 * rest are only counted (mr_file_report.n_skipped, mr_load_report.n_skipped). */
#define MR_SKIPPED_KEPT_PER_FILE 20

typedef struct mr_parser mr_parser;

/* Creates a parser that adds what it reads to `ds` and records the file in
 * the data set (mr_dataset_file). `file_name` names the file in messages and
 * drives MR_FILE_AUTO; it is copied. Returns NULL when out of memory, when
 * `ds` is NULL or when `kind` is not an mr_file_kind value. */
mr_parser *mr_parser_create(mr_dataset *ds, mr_file_kind kind, const char *file_name);
/* Frees the parser; the data set keeps what was added. Accepts NULL. */
void mr_parser_destroy(mr_parser *p);
/* Lenient mode: skip and record up to `max_skipped` malformed lines; 0 (the
 * default) restores strict mode. Applies to the lines parsed afterwards. */
void mr_parser_set_max_skipped(mr_parser *p, long max_skipped);
/* Optional: sets the file's size in bytes. Once a million ratings are
 * stored, the parser then sizes the rating array from the bytes per line seen
 * so far, instead of growing it by half each time it fills. Each growth copies
 * the array, so the size lowers peak memory: with 25 million synthetic ratings
 * laid out like ml-25m, the WebAssembly heap peaked at 562 MiB with it and at
 * 750 MiB without. A wrong size costs only memory or copies. */
void mr_parser_set_file_size(mr_parser *p, uint64_t total_bytes);
/* Parses every complete line in the bytes; keeps a trailing partial line for
 * the next call. In strict mode, stops at the first malformed line with
 * MR_ERR_PARSE and a message giving file, line number and reason. After any
 * failure the parser rejects further calls with MR_ERR_STATE. */
mr_status mr_parser_feed(mr_parser *p, const char *bytes, size_t n, mr_error *err);
/* Parses the last line (which may lack a newline). Fails with MR_ERR_PARSE,
 * naming the last line, if the file was empty or blank, had a header but no
 * data lines, or (u.genre) skipped a genre index. Does not finish the data set. */
mr_status mr_parser_end(mr_parser *p, mr_error *err);
/* Lines read so far, header included. */
long mr_parser_line(const mr_parser *p);
/* The kind being read: the one given, or the one detected (MR_FILE_AUTO until
 * the first non-empty line). */
mr_file_kind mr_parser_kind(const mr_parser *p);
/* What was read so far: format, encoding and counts. The same record stays in
 * the data set after the parser is destroyed. */
mr_file_report mr_parser_report(const mr_parser *p);

int mr_dataset_n_files(const mr_dataset *ds);
/* File record by index in reading order; a zeroed record with "" strings for
 * an invalid index. */
mr_file_report mr_dataset_file(const mr_dataset *ds, int index);
/* Recorded skipped lines, all files, in reading order. */
int mr_dataset_n_skipped_kept(const mr_dataset *ds);
/* Skipped line by index, or NULL for an invalid index. */
const mr_skipped_line *mr_dataset_skipped_line(const mr_dataset *ds, int index);

/* Reads a whole file from disk through a parser (native builds). */
mr_status mr_dataset_load_file(mr_dataset *ds, mr_file_kind kind, const char *path,
                               mr_error *err);
/* As mr_dataset_load_file, in lenient mode with up to `max_skipped` skipped lines. */
mr_status mr_dataset_load_file_lenient(mr_dataset *ds, mr_file_kind kind, const char *path,
                                       long max_skipped, mr_error *err);

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
 *                 with -msimd128); the tests allow 1e-4 relative from SCALAR_FLOAT
 *   AUTO          EXACT up to 50,000 ratings, SIMD_FLOAT above
 * Float kernels keep padded float copies of U and V, with rows of k rounded up
 * to a multiple of 4, and copy them back to the double U and V after each
 * training call. Training ratings are stored as float, which is exact
 * for halves and integers.
 * Layout and shuffling: the model stores its training ratings as 12-byte
 * (user row, movie row, rating) triples, 12 bytes per rating beside U and V,
 * so an SGD step reads one triple and two factor rows. Every epoch shuffles
 * the triples in place with numpy's Fisher-Yates draws from the model's
 * generator. The generator refills and tempers its 624-word block 4 words at
 * a time, and each swap picks between the next two words without a branch.
 * At k = 3 the shuffle costs about as much as the SGD pass. The default k = 3
 * runs a copy of the EXACT kernel compiled for that k, with the same
 * operations in the same order.
 * For ranking, every model also keeps 4 bytes per movie: an upper bound of
 * the norm of its V row, recomputed when training ends an SGD pass. It keeps
 * 12 bytes per movie of the catalog it was made from: the movie id and its
 * model row. */
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
 * records each epoch's training RMSE. An epoch left unfinished by
 * mr_model_train_steps is completed first and counts as one of them. Fails with MR_ERR_DIVERGED, naming the
 * epoch and learning rate, as soon as an epoch's RMSE is not finite or exceeds
 * 1e6; the model then keeps the RMSE history but its factors are unusable. */
mr_status mr_model_train(mr_model *m, int n_epochs, mr_error *err);
/* Runs the next `n_steps` units of training, crossing epoch ends as needed.
 * A unit is one swap of the shuffle or one SGD step (one rating): an epoch
 * is n_ratings - 1 swaps, then n_ratings steps, then its RMSE is recorded.
 * Any split gives the same model, bit for bit, as whole epochs, so a caller
 * can bound the time of one call on large data. Fails like mr_model_train. */
mr_status mr_model_train_steps(mr_model *m, long n_steps, mr_error *err);
/* SGD steps of the current epoch already run (0 between epochs and while
 * shuffling), and the SGD steps per epoch (the number of training ratings). */
int mr_model_epoch_step(const mr_model *m);
int mr_model_n_ratings(const mr_model *m);

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

/* Ranking settings; start from mr_rank_defaults(). A like_threshold or top_n
 * of 0 takes its default, but alpha 0 means content only. */
typedef struct mr_rank_params {
    double alpha;          /* weight of CF in [0, 1]; MR_ALPHA_DEFAULT when < 0 */
    double like_threshold; /* ratings at or above count as liked; 0 means 0.8 * rating max (4 on 1-5) */
    int top_n;             /* entries to return; 0 means all candidates */
    int min_ratings;       /* skip candidates with fewer ratings; 0 keeps every candidate,
                              including movies with no ratings */
} mr_rank_params;

#define MR_ALPHA_DEFAULT 0.7

/* Returns alpha 0.7, like_threshold 0 (that is, 0.8 * rating max), top_n 5,
 * min_ratings 0. On real data a few ratings give CF scores above the rating
 * scale, so a min_ratings of about 10 gives steadier lists. */
mr_rank_params mr_rank_defaults(void);

typedef struct mr_recommendation {
    int movie_index;
    int has_cf;           /* 0 when the model has no factors for the movie */
    double cf_score;      /* predicted rating; 0 when has_cf is 0 */
    double content_score; /* mean similarity to liked movies, in [0, 1] */
    double score;         /* alpha*cf + (1-alpha)*rating_max*content */
} mr_recommendation;

/* Ranks the movies `user_id` has not rated. A movie without CF factors (no
 * ratings when the model was trained) is kept: its CF term counts as 0, so its
 * score is (1-alpha)*rating_max*content. Sorted by score descending, ties by
 * movie id. `model` may be NULL before any training: then no movie has CF
 * factors and every score is content-based. Writes at most `capacity` entries.
 * The content score comes from per-genre sums, so it may differ from a mean of
 * pairwise cosines in the last bits (about 1e-16). With a top_n, movies whose
 * score bound (from factor norms and genre weights) cannot reach the top N
 * are skipped, and the result is the same as scoring every candidate, bit for
 * bit. After mr_model_train_steps stops inside an epoch's SGD pass, the norms
 * are stale, so every movie with CF factors is scored until training ends the
 * pass. */
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
