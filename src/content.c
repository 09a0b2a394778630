/* content.c: one-hot genre vectors and their cosine similarity. For 0/1
 * vectors the cosine is shared genres / sqrt(n_a * n_b), so no vector or
 * movie-by-movie matrix is ever stored. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

int mr_count_shared(const int *a, int na, const int *b, int nb)
{
    int i = 0, j = 0, shared = 0;
    while (i < na && j < nb) {
        if (a[i] == b[j]) {
            shared++;
            i++;
            j++;
        } else if (a[i] < b[j]) {
            i++;
        } else {
            j++;
        }
    }
    return shared;
}

/* Similarity by catalog index on a finished data set, without checks. */
static double similarity(const mr_dataset *ds, int a, int b)
{
    int na = mr_genre_count(ds, a), nb = mr_genre_count(ds, b);
    if (na == 0 || nb == 0)
        return 0.0;
    int shared = mr_count_shared(ds->genre_list + ds->genre_offsets[a], na,
                                 ds->genre_list + ds->genre_offsets[b], nb);
    return shared / sqrt((double)na * (double)nb);
}

double mr_similarity(const mr_dataset *ds, int movie_a, int movie_b)
{
    if (!ds || !ds->finished || movie_a < 0 || movie_b < 0 || movie_a >= ds->n_movies ||
        movie_b >= ds->n_movies)
        return 0.0;
    return similarity(ds, movie_a, movie_b);
}

mr_status mr_similarity_matrix(const mr_dataset *ds, const int *movies, int n, double *out,
                               mr_error *err)
{
    mr_status s = mr_require_finished(ds, err);
    if (s != MR_OK)
        return s;
    if (n < 0 || (n > 0 && (!movies || !out)))
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "movie list or output is NULL for %d movies", n);
    for (int i = 0; i < n; i++)
        if (movies[i] < 0 || movies[i] >= ds->n_movies)
            return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                           "movie index %d at position %d is outside 0..%d", movies[i], i, ds->n_movies - 1);

    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            out[(size_t)i * (size_t)n + (size_t)j] = similarity(ds, movies[i], movies[j]);
    return MR_OK;
}

/* Orders by score descending, ties by movie id ascending. */
static int better(const mr_dataset *ds, const mr_scored_movie *x, const mr_scored_movie *y)
{
    if (x->score != y->score)
        return x->score > y->score;
    return ds->movie_ids[x->movie_index] < ds->movie_ids[y->movie_index];
}

mr_status mr_similar_movies(const mr_dataset *ds, int64_t movie_id, int top_n,
                            mr_scored_movie *out, int *n_out, mr_error *err)
{
    mr_status s = mr_require_finished(ds, err);
    if (s != MR_OK)
        return s;
    if (top_n < 0 || (top_n > 0 && !out) || !n_out)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "top_n %d is negative or the output is NULL", top_n);
    int target = mr_dataset_movie_index(ds, movie_id);
    if (target < 0)
        return mr_fail(err, MR_ERR_NOT_FOUND, "movie id %lld is not in the catalog; pick one of the %d catalog movies",
                       (long long)movie_id, ds->n_movies);

    /* Insertion into a sorted top-N list: O(n_movies * top_n) worst case. */
    int n = 0;
    *n_out = 0;
    if (top_n == 0)
        return MR_OK;
    for (int m = 0; m < ds->n_movies; m++) {
        if (m == target)
            continue;
        mr_scored_movie cand = {m, similarity(ds, target, m)};
        if (n == top_n && !better(ds, &cand, &out[n - 1]))
            continue;
        int at = n < top_n ? n++ : n - 1;
        while (at > 0 && better(ds, &cand, &out[at - 1])) {
            out[at] = out[at - 1];
            at--;
        }
        out[at] = cand;
    }
    *n_out = n;
    return MR_OK;
}
