/* js_abi.c: the flat C ABI that the WebAssembly build exports to JavaScript.
 * Only ints, doubles and pointers cross the boundary; ids travel as doubles
 * (exact up to 2^53). Functions that fail store the error for
 * mr_js_error_message() and return -1, 0 (NULL) or a status, as noted. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

#ifdef __EMSCRIPTEN__
#include <emscripten/emscripten.h>
#define MR_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define MR_EXPORT
#endif

static mr_error last_error;

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

MR_EXPORT const char *mr_js_error_message(void) { return last_error.message; }

/* Records an allocation failure of the ABI's own scratch arrays. */
static void scratch_failed(int rows, const char *what)
{
    mr_fail(&last_error, MR_ERR_NO_MEMORY, "out of memory allocating %d %s rows; load a smaller data set",
            rows, what);
}
MR_EXPORT int mr_js_error_status(void) { return (int)last_error.status; }

/* ------------------------------------------------------------------------ */
/* Data set and parsing                                                     */
/* ------------------------------------------------------------------------ */

/* Returns the built-in data set, or 0. */
MR_EXPORT mr_dataset *mr_js_builtin(void) { return mr_dataset_create_builtin(&last_error); }
MR_EXPORT mr_dataset *mr_js_dataset_create(void) { return mr_dataset_create(); }
MR_EXPORT void mr_js_dataset_destroy(mr_dataset *ds) { mr_dataset_destroy(ds); }
/* Returns a status (0 on success). */
MR_EXPORT int mr_js_dataset_finish(mr_dataset *ds) { return (int)mr_dataset_finish(ds, &last_error); }

/* kind: 1 movies.csv, 2 ratings.csv. Returns a parser, or 0. */
MR_EXPORT mr_parser *mr_js_parser_create(mr_dataset *ds, int kind, const char *file_name)
{
    return mr_parser_create(ds, (mr_file_kind)kind, file_name);
}
/* Returns a status (0 on success). */
MR_EXPORT int mr_js_parser_feed(mr_parser *p, const char *bytes, int n)
{
    return (int)mr_parser_feed(p, bytes, (size_t)n, &last_error);
}
MR_EXPORT int mr_js_parser_end(mr_parser *p) { return (int)mr_parser_end(p, &last_error); }
MR_EXPORT double mr_js_parser_line(const mr_parser *p) { return (double)mr_parser_line(p); }
MR_EXPORT void mr_js_parser_destroy(mr_parser *p) { mr_parser_destroy(p); }

MR_EXPORT int mr_js_n_movies(const mr_dataset *ds) { return mr_dataset_n_movies(ds); }
MR_EXPORT int mr_js_n_users(const mr_dataset *ds) { return mr_dataset_n_users(ds); }
MR_EXPORT int mr_js_n_ratings(const mr_dataset *ds) { return mr_dataset_n_ratings(ds); }
MR_EXPORT int mr_js_n_genres(const mr_dataset *ds) { return mr_dataset_n_genres(ds); }
MR_EXPORT double mr_js_rating_max(const mr_dataset *ds) { return mr_dataset_rating_max(ds); }
MR_EXPORT double mr_js_rating_min(const mr_dataset *ds) { return mr_dataset_rating_min(ds); }

/* Writes duplicates, movies added from ratings and data lines to out[0..2]. */
MR_EXPORT void mr_js_report(const mr_dataset *ds, int *out)
{
    mr_load_report r = mr_dataset_report(ds);
    out[0] = r.n_duplicates;
    out[1] = r.n_movies_from_ratings;
    out[2] = r.n_lines;
}

MR_EXPORT double mr_js_movie_id(const mr_dataset *ds, int i) { return (double)mr_dataset_movie_id(ds, i); }
MR_EXPORT const char *mr_js_movie_title(const mr_dataset *ds, int i) { return mr_dataset_movie_title(ds, i); }
MR_EXPORT int mr_js_movie_index(const mr_dataset *ds, double id) { return mr_dataset_movie_index(ds, (int64_t)id); }
MR_EXPORT int mr_js_movie_genre_count(const mr_dataset *ds, int i)
{
    int n = 0;
    mr_dataset_movie_genres(ds, i, &n);
    return n;
}
/* Genre index of the j-th genre of movie i. */
MR_EXPORT int mr_js_movie_genre(const mr_dataset *ds, int i, int j)
{
    int n = 0;
    const int *g = mr_dataset_movie_genres(ds, i, &n);
    return (j >= 0 && j < n) ? g[j] : -1;
}
MR_EXPORT const char *mr_js_genre_name(const mr_dataset *ds, int g) { return mr_dataset_genre_name(ds, g); }

MR_EXPORT double mr_js_user_id(const mr_dataset *ds, int i) { return (double)mr_dataset_user_id(ds, i); }
MR_EXPORT int mr_js_user_index(const mr_dataset *ds, double id) { return mr_dataset_user_index(ds, (int64_t)id); }
MR_EXPORT int mr_js_user_n_ratings(const mr_dataset *ds, int i) { return mr_dataset_user_n_ratings(ds, i); }

/* Rating by user and movie index, or NaN when the user did not rate the movie. */
MR_EXPORT double mr_js_rating(const mr_dataset *ds, int user_index, int movie_index)
{
    double r = 0.0;
    return mr_dataset_rating(ds, user_index, movie_index, &r) ? r : NAN;
}

/* Writes (movie_index, rating) pairs of one user, in catalog order; returns
 * the number of pairs, or -1 for an invalid user index or unfinished set. */
MR_EXPORT int mr_js_user_ratings(const mr_dataset *ds, int user_index, double *out, int capacity)
{
    if (mr_require_finished(ds, &last_error) != MR_OK)
        return -1;
    if (user_index < 0 || user_index >= ds->n_users) {
        mr_fail(&last_error, MR_ERR_INVALID_ARGUMENT, "user index %d is outside 0..%d", user_index,
                ds->n_users - 1);
        return -1;
    }
    int start = ds->user_offsets[user_index], n = ds->user_offsets[user_index + 1] - start;
    if (n > capacity)
        n = capacity;
    for (int i = 0; i < n; i++) {
        out[2 * i] = ds->user_movies[start + i];
        out[2 * i + 1] = ds->user_values[start + i];
    }
    return n;
}

/* Writes the current file's lines, data lines, converted lines and skipped
 * lines to out[0..3]. */
MR_EXPORT void mr_js_parser_counts(const mr_parser *p, double *out)
{
    mr_file_report r = mr_parser_report(p);
    out[0] = (double)r.n_lines;
    out[1] = (double)r.n_data_lines;
    out[2] = (double)r.n_converted_lines;
    out[3] = (double)r.n_skipped;
}

MR_EXPORT int mr_js_most_active_users(const mr_dataset *ds, int *out, int capacity)
{
    return mr_dataset_most_active_users(ds, out, capacity);
}
MR_EXPORT int mr_js_most_rated_movies(const mr_dataset *ds, int *out, int capacity)
{
    return mr_dataset_most_rated_movies(ds, out, capacity);
}

/* ------------------------------------------------------------------------ */
/* Popularity and content                                                   */
/* ------------------------------------------------------------------------ */

/* Writes (movie_index, mean, count) triples; returns the number of rows or -1. */
MR_EXPORT int mr_js_popularity(const mr_dataset *ds, int min_count, double *out, int capacity)
{
    mr_popularity *rows = malloc(sizeof *rows * (size_t)(capacity > 0 ? capacity : 1));
    if (!rows) {
        scratch_failed(capacity, "popularity");
        return -1;
    }
    int n = 0;
    if (mr_popularity_rank(ds, min_count, rows, capacity, &n, &last_error) != MR_OK) {
        free(rows);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        out[3 * i] = rows[i].movie_index;
        out[3 * i + 1] = rows[i].mean;
        out[3 * i + 2] = rows[i].count;
    }
    free(rows);
    return n;
}

MR_EXPORT double mr_js_similarity(const mr_dataset *ds, int a, int b) { return mr_similarity(ds, a, b); }

/* Returns a status (0 on success). */
MR_EXPORT int mr_js_similarity_matrix(const mr_dataset *ds, const int *movies, int n, double *out)
{
    return (int)mr_similarity_matrix(ds, movies, n, out, &last_error);
}

/* Writes (movie_index, similarity) pairs; returns the number of rows or -1. */
MR_EXPORT int mr_js_similar(const mr_dataset *ds, double movie_id, int top_n, double *out)
{
    mr_scored_movie *rows = malloc(sizeof *rows * (size_t)(top_n > 0 ? top_n : 1));
    if (!rows) {
        scratch_failed(top_n, "similar-movie");
        return -1;
    }
    int n = 0;
    if (mr_similar_movies(ds, (int64_t)movie_id, top_n, rows, &n, &last_error) != MR_OK) {
        free(rows);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        out[2 * i] = rows[i].movie_index;
        out[2 * i + 1] = rows[i].score;
    }
    free(rows);
    return n;
}

/* ------------------------------------------------------------------------ */
/* Matrix factorization and ranking                                         */
/* ------------------------------------------------------------------------ */

/* Returns a model with U and V drawn, or 0. */
/* kernel: 0 auto, 1 exact, 2 scalar float, 3 SIMD float. */
MR_EXPORT mr_model *mr_js_model_create(const mr_dataset *ds, int k, double learning_rate,
                                       double regularization, int epochs, double seed, int kernel)
{
    mr_train_params p = {k, learning_rate, regularization, epochs, (uint32_t)seed, (mr_kernel)kernel};
    return mr_model_create(ds, &p, &last_error);
}
MR_EXPORT void mr_js_model_destroy(mr_model *m) { mr_model_destroy(m); }
/* Returns a status (0 on success). */
MR_EXPORT int mr_js_model_train(mr_model *m, int n_epochs) { return (int)mr_model_train(m, n_epochs, &last_error); }
/* Runs the next n_steps ratings' SGD steps across epoch ends; returns a status. */
MR_EXPORT int mr_js_model_train_steps(mr_model *m, double n_steps)
{
    return (int)mr_model_train_steps(m, (long)n_steps, &last_error);
}
MR_EXPORT int mr_js_model_epoch_step(const mr_model *m) { return mr_model_epoch_step(m); }
MR_EXPORT int mr_js_model_n_ratings(const mr_model *m) { return mr_model_n_ratings(m); }
MR_EXPORT int mr_js_model_epochs_done(const mr_model *m) { return mr_model_epochs_done(m); }
MR_EXPORT const double *mr_js_model_rmse(const mr_model *m) { return mr_model_rmse(m); }
MR_EXPORT int mr_js_model_k(const mr_model *m) { return mr_model_k(m); }
MR_EXPORT int mr_js_model_kernel(const mr_model *m) { return (int)mr_model_kernel(m); }
MR_EXPORT const char *mr_js_kernel_name(int kernel) { return mr_kernel_name((mr_kernel)kernel); }
MR_EXPORT int mr_js_model_n_users(const mr_model *m) { return mr_model_n_users(m); }
MR_EXPORT int mr_js_model_n_movies(const mr_model *m) { return mr_model_n_movies(m); }
/* Model user or movie id by model row (ascending id order). */
MR_EXPORT double mr_js_model_user_id(const mr_model *m, int i) { return (double)mr_model_user_id(m, i); }
MR_EXPORT double mr_js_model_movie_id(const mr_model *m, int i) { return (double)mr_model_movie_id(m, i); }
/* U is (n_users, k) and V is (n_movies, k), row-major, owned by the model. */
MR_EXPORT const double *mr_js_model_user_factors(const mr_model *m) { return mr_model_user_factors(m); }
MR_EXPORT const double *mr_js_model_movie_factors(const mr_model *m) { return mr_model_movie_factors(m); }

/* Predicted rating, or NaN when the model never saw the user or the movie. */
MR_EXPORT double mr_js_model_predict(const mr_model *m, double user_id, double movie_id)
{
    double r = 0.0;
    mr_error err;
    return mr_model_predict(m, (int64_t)user_id, (int64_t)movie_id, &r, &err) == MR_OK ? r : NAN;
}

/* Writes (movie_index, has_cf, cf_score, content_score, score) rows; returns
 * the number of rows or -1. `model` may be 0 for a content-only ranking;
 * min_ratings 0 (or omitted from JS) keeps every candidate. */
MR_EXPORT int mr_js_recommend(const mr_dataset *ds, const mr_model *model, double user_id,
                              double alpha, double like_threshold, int top_n, double *out,
                              int capacity, int min_ratings)
{
    mr_recommendation *rows = malloc(sizeof *rows * (size_t)(capacity > 0 ? capacity : 1));
    if (!rows) {
        scratch_failed(capacity, "recommendation");
        return -1;
    }
    mr_rank_params p = {alpha, like_threshold, top_n, min_ratings};
    int n = 0;
    if (mr_recommend(ds, model, (int64_t)user_id, &p, rows, capacity, &n, &last_error) != MR_OK) {
        free(rows);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        out[5 * i] = rows[i].movie_index;
        out[5 * i + 1] = rows[i].has_cf;
        out[5 * i + 2] = rows[i].cf_score;
        out[5 * i + 3] = rows[i].content_score;
        out[5 * i + 4] = rows[i].score;
    }
    free(rows);
    return n;
}

/* Scratch memory for the JS wrapper. */
MR_EXPORT void *mr_js_malloc(int n) { return malloc((size_t)(n > 0 ? n : 1)); }
MR_EXPORT void mr_js_free(void *p) { free(p); }

/* ------------------------------------------------------------------------ */
/* File formats, detection, load report and skipped lines                   */
/* ------------------------------------------------------------------------ */

/* Kind (an mr_file_kind value) that a file would be read as, from its name or
 * its first bytes; 0 when neither decides. mr_js_parser_create accepts kind 0
 * (automatic) as well as the explicit kinds 1-7. */
MR_EXPORT int mr_js_detect_kind(const char *file_name, const char *bytes, int n)
{
    return (int)mr_detect_file_kind(file_name, bytes, (size_t)(n > 0 ? n : 0));
}
MR_EXPORT const char *mr_js_file_kind_name(int kind) { return mr_file_kind_name((mr_file_kind)kind); }

/* Lenient mode: skip up to max_skipped malformed lines; 0 is strict. */
MR_EXPORT void mr_js_parser_set_max_skipped(mr_parser *p, double max_skipped)
{
    long n = 0;
    if (max_skipped > 2147483647.0)
        n = 2147483647L;
    else if (max_skipped > 0.0)
        n = (long)max_skipped;
    mr_parser_set_max_skipped(p, n);
}
/* Optional: the file's size in bytes (File.size), which lowers peak memory. */
MR_EXPORT void mr_js_parser_set_file_size(mr_parser *p, double total_bytes)
{
    mr_parser_set_file_size(p, total_bytes > 0.0 && total_bytes < 9007199254740992.0 ? (uint64_t)total_bytes : 0);
}
MR_EXPORT int mr_js_parser_kind(const mr_parser *p) { return (int)mr_parser_kind(p); }
MR_EXPORT const char *mr_js_parser_format(const mr_parser *p) { return mr_parser_report(p).format; }
MR_EXPORT const char *mr_js_parser_encoding(const mr_parser *p) { return mr_parser_report(p).encoding; }

MR_EXPORT const char *mr_js_movie_label(const mr_dataset *ds, int i) { return mr_dataset_movie_label(ds, i); }

/* Writes the whole load report to out[0..6]: duplicates, movies added from
 * ratings, data lines, files, skipped lines, converted lines, rounded
 * ratings. mr_js_report above writes the first three. */
MR_EXPORT void mr_js_load_report(const mr_dataset *ds, int *out)
{
    mr_load_report r = mr_dataset_report(ds);
    out[0] = r.n_duplicates;
    out[1] = r.n_movies_from_ratings;
    out[2] = r.n_lines;
    out[3] = r.n_files;
    out[4] = r.n_skipped;
    out[5] = r.n_converted_lines;
    out[6] = r.n_ratings_rounded;
}

MR_EXPORT int mr_js_n_files(const mr_dataset *ds) { return mr_dataset_n_files(ds); }
MR_EXPORT const char *mr_js_file_name(const mr_dataset *ds, int i) { return mr_dataset_file(ds, i).file_name; }
MR_EXPORT const char *mr_js_file_format(const mr_dataset *ds, int i) { return mr_dataset_file(ds, i).format; }
MR_EXPORT const char *mr_js_file_encoding(const mr_dataset *ds, int i) { return mr_dataset_file(ds, i).encoding; }
MR_EXPORT int mr_js_file_kind(const mr_dataset *ds, int i) { return (int)mr_dataset_file(ds, i).kind; }
/* Writes lines, data lines, converted lines, skipped lines and complete (0 or
 * 1) of file i to out[0..4]. */
MR_EXPORT void mr_js_file_counts(const mr_dataset *ds, int i, double *out)
{
    mr_file_report f = mr_dataset_file(ds, i);
    out[0] = (double)f.n_lines;
    out[1] = (double)f.n_data_lines;
    out[2] = (double)f.n_converted_lines;
    out[3] = (double)f.n_skipped;
    out[4] = f.complete;
}

/* Skipped-line records kept (the first MR_SKIPPED_KEPT_PER_FILE of each file). */
MR_EXPORT int mr_js_n_skipped_kept(const mr_dataset *ds) { return mr_dataset_n_skipped_kept(ds); }
/* File index of record i, or -1 for an invalid index. */
MR_EXPORT int mr_js_skipped_file(const mr_dataset *ds, int i)
{
    const mr_skipped_line *s = mr_dataset_skipped_line(ds, i);
    return s ? s->file_index : -1;
}
/* Line number of record i, or 0 for an invalid index. */
MR_EXPORT double mr_js_skipped_line(const mr_dataset *ds, int i)
{
    const mr_skipped_line *s = mr_dataset_skipped_line(ds, i);
    return s ? (double)s->line : 0.0;
}
MR_EXPORT const char *mr_js_skipped_text(const mr_dataset *ds, int i)
{
    const mr_skipped_line *s = mr_dataset_skipped_line(ds, i);
    return s ? s->text : "";
}
MR_EXPORT const char *mr_js_skipped_reason(const mr_dataset *ds, int i)
{
    const mr_skipped_line *s = mr_dataset_skipped_line(ds, i);
    return s ? s->reason : "";
}
