/* rank.c: hybrid ranking of the movies a user has not rated,
 *   score = alpha * CF + (1 - alpha) * (content * rating_max),
 * where CF is the model's predicted rating and content is the mean genre
 * similarity between the candidate and the movies the user liked. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

mr_rank_params mr_rank_defaults(void)
{
    mr_rank_params p = {MR_ALPHA_DEFAULT, 0.0, 5, 0};
    return p;
}

typedef struct rank_entry {
    mr_recommendation rec;
    int64_t movie_id;
} rank_entry;

static int compare_entries(const void *a, const void *b)
{
    const rank_entry *x = a, *y = b;
    if (x->rec.score != y->rec.score)
        return x->rec.score > y->rec.score ? -1 : 1;
    return (x->movie_id > y->movie_id) - (x->movie_id < y->movie_id);
}

/* Moves the entry at `i` down a heap whose root is the worst entry kept. */
static void sift_down(rank_entry *heap, int n, int i)
{
    for (;;) {
        int worst = i, l = 2 * i + 1, r = l + 1;
        if (l < n && compare_entries(&heap[l], &heap[worst]) > 0)
            worst = l;
        if (r < n && compare_entries(&heap[r], &heap[worst]) > 0)
            worst = r;
        if (worst == i)
            return;
        rank_entry tmp = heap[i];
        heap[i] = heap[worst];
        heap[worst] = tmp;
        i = worst;
    }
}

/* Offers a candidate to the best `keep` entries seen so far. Until `keep`
 * entries are stored it appends. After that entries[0..keep) is a heap with
 * the worst kept entry at the root, which a better candidate replaces in
 * O(log keep). */
static void offer(rank_entry *entries, int *n, int keep, const rank_entry *cand)
{
    if (*n < keep) {
        entries[(*n)++] = *cand;
        if (*n == keep)
            for (int i = keep / 2 - 1; i >= 0; i--)
                sift_down(entries, keep, i);
        return;
    }
    if (compare_entries(cand, &entries[0]) < 0) {
        entries[0] = *cand;
        sift_down(entries, keep, 0);
    }
}

static int compare_descending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Per-genre weights for the content score. For one-hot vectors
 *   mean_l sim(c, l) = sum_{g in c} w[g] / (L * sqrt(n_c)),
 *   w[g] = sum over liked movies l that have genre g of 1 / sqrt(n_l),
 * so scoring every candidate costs O(genres) instead of O(liked movies). */
static void liked_genre_weights(const mr_dataset *ds, int user, double threshold, double *w,
                                int *n_liked)
{
    for (int g = 0; g < ds->n_genres; g++)
        w[g] = 0.0;
    *n_liked = 0;
    for (int i = ds->user_offsets[user]; i < ds->user_offsets[user + 1]; i++) {
        if (!(ds->user_values[i] >= threshold))
            continue;
        int movie = ds->user_movies[i];
        int n = mr_genre_count(ds, movie);
        (*n_liked)++;
        if (n == 0)
            continue;
        const int *genres = ds->genre_list + ds->genre_offsets[movie];
        double inv = 1.0 / sqrt((double)n);
        for (int j = 0; j < n; j++)
            w[genres[j]] += inv;
    }
}

/* Fills denominators[n] = L * sqrt(n) for n = 1..n_genres. A movie has at
 * most n_genres genres because its genre list has no repeats. */
static void content_denominators(int n_genres, int n_liked, double *denominators)
{
    for (int n = 1; n <= n_genres; n++)
        denominators[n] = (double)n_liked * sqrt((double)n);
}

/* Upper bound of content_score over every movie for these weights. A movie
 * with n genres sums at most the n largest weights, so its score is at most
 * S_n / (L sqrt(n)) with S_n the sum of the n largest. The margin covers the
 * different order of the sums (relative error below n 2^-52 each) and the
 * division's rounding. `sorted` is scratch space of n_genres doubles. */
static double content_score_bound(const double *w, int n_genres, int n_liked, const double *denominators,
                                  double *sorted)
{
    if (n_liked == 0 || n_genres == 0)
        return 0.0;
    for (int g = 0; g < n_genres; g++)
        sorted[g] = w[g];
    qsort(sorted, (size_t)n_genres, sizeof *sorted, compare_descending);
    double best = 0.0, sum = 0.0;
    for (int n = 1; n <= n_genres; n++) {
        sum += sorted[n - 1];
        double bound = sum / denominators[n];
        if (bound > best)
            best = bound;
    }
    return best * (1.0 + (4.0 * n_genres + 8.0) * 0x1p-53 + 0x1p-30);
}

static double content_score(const mr_dataset *ds, int movie, const double *w, int n_liked,
                            const double *denominators)
{
    int n = mr_genre_count(ds, movie);
    if (n_liked == 0 || n == 0)
        return 0.0;
    const int *genres = ds->genre_list + ds->genre_offsets[movie];
    double sum = 0.0;
    for (int j = 0; j < n; j++)
        sum += w[genres[j]];
    return sum / denominators[n];
}

static mr_status check_rank_params(const mr_rank_params *p, mr_error *err)
{
    if (isnan(p->alpha) || p->alpha > 1.0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "alpha %g is out of range; use a value from 0 (content only) to 1 (CF only)", p->alpha);
    if (!isfinite(p->like_threshold) || p->like_threshold < 0.0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "like threshold %g is invalid; use 0 for the default or a rating such as 4", p->like_threshold);
    if (p->top_n < 0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "top_n %d is negative; use 0 for all candidates", p->top_n);
    if (p->min_ratings < 0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "minimum ratings %d is negative; use 0 to keep every candidate", p->min_ratings);
    return MR_OK;
}

mr_status mr_recommend_scan(const mr_dataset *ds, const mr_model *model, int64_t user_id,
                            const mr_rank_params *params, int prune, mr_recommendation *out,
                            int capacity, int *n_out, int *n_dots, mr_error *err)
{
    mr_status s = mr_require_finished(ds, err);
    if (s != MR_OK)
        return s;
    mr_rank_params p = params ? *params : mr_rank_defaults();
    if ((s = check_rank_params(&p, err)) != MR_OK)
        return s;
    if (!n_out || capacity < 0 || (capacity > 0 && !out))
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "output is NULL or capacity %d is negative", capacity);
    *n_out = 0;
    if (n_dots)
        *n_dots = 0;

    int user = mr_dataset_user_index(ds, user_id);
    if (user < 0)
        return mr_fail(err, MR_ERR_NOT_FOUND,
                       "user %lld is not in the data set; pick one of the %d users who rated a movie",
                       (long long)user_id, ds->n_users);

    double alpha = p.alpha < 0.0 ? MR_ALPHA_DEFAULT : p.alpha;
    double scale = ds->rating_scale_max;
    double threshold = p.like_threshold > 0.0 ? p.like_threshold : 0.8 * scale;
    int model_user = model ? mr_model_find_user(model, user_id) : -1;
    const int *rows = model ? mr_model_catalog_rows(model, ds) : NULL;

    /* w and scratch are (n_genres,), denominators (n_genres + 1,) indexed by
     * genre count. */
    double *w = malloc(sizeof(double) * (size_t)(3 * ds->n_genres + 1));
    int keep = p.top_n > 0 && p.top_n < ds->n_movies ? p.top_n : ds->n_movies;
    rank_entry *entries = malloc(sizeof(rank_entry) * (size_t)(keep > 0 ? keep : 1));
    if (!w || !entries) {
        free(w);
        free(entries);
        return mr_fail(err, MR_ERR_NO_MEMORY, "out of memory while ranking %d movies", ds->n_movies);
    }
    double *denominators = w + ds->n_genres;
    double *scratch = denominators + ds->n_genres + 1;
    int n_liked = 0;
    liked_genre_weights(ds, user, threshold, w, &n_liked);
    content_denominators(ds->n_genres, n_liked, denominators);

    /* Once `keep` entries are stored, a candidate whose score bound is below
     * the worst kept score cannot enter and is skipped. Two bounds are tried:
     *   alpha * cf_bound + (1 - alpha) * rating_max * content_bound
     * without reading the movie's genres, then the same with its content
     * score, before the dot product. cf_bound = bound_scale * norms[row] is at
     * least the CF score (mr_model_dot_bound_scale), 0 without CF factors, and
     * every step of the score is monotone in the CF and content scores, so a
     * bound computed in floating point is at least the score itself. A skipped
     * candidate is therefore one that offer() would reject, the heap goes
     * through the same states as in the full scan, and the result is the
     * same, bit for bit. A bound equal to the worst kept score does not skip,
     * since the tie could go to the smaller movie id. */
    const float *norms = NULL;
    double bound_scale = 0.0, content_bound_term = 0.0;
    if (prune) {
        double content_bound = content_score_bound(w, ds->n_genres, n_liked, denominators, scratch);
        content_bound_term = (1.0 - alpha) * (content_bound * scale);
        /* Without current norms (training stopped inside an SGD pass) only
         * the movies without CF factors can be skipped. */
        if (model_user >= 0) {
            norms = mr_model_movie_norms(model);
            bound_scale = norms ? mr_model_dot_bound_scale(model, model_user) : INFINITY;
        }
    }

    /* Candidates: catalog movies the user has not rated and, when asked, that
     * have at least min_ratings ratings. The user's list is sorted by movie
     * index, so one cursor walks it alongside the catalog. Only the best
     * `keep` candidates are stored. */
    int n = 0, dots = 0;
    int cursor = ds->user_offsets[user], end = ds->user_offsets[user + 1];
    for (int movie = 0; movie < ds->n_movies; movie++) {
        if (cursor < end && ds->user_movies[cursor] == movie) {
            cursor++;
            continue;
        }
        if (ds->movie_counts[movie] < p.min_ratings)
            continue;
        int model_movie = -1;
        if (model_user >= 0)
            model_movie = rows ? rows[movie] : mr_model_find_movie(model, ds->movie_ids[movie]);
        int has_cf = model_movie >= 0;
        int full = prune && n == keep;
        double cf_bound = 0.0;
        if (full) {
            if (has_cf)
                cf_bound = norms ? bound_scale * (double)norms[model_movie] : INFINITY;
            if (alpha * cf_bound + content_bound_term < entries[0].rec.score)
                continue;
        }

        rank_entry cand;
        mr_recommendation *r = &cand.rec;
        r->movie_index = movie;
        r->has_cf = has_cf;
        r->content_score = content_score(ds, movie, w, n_liked, denominators);
        /* Without CF factors the CF term counts as 0. */
        double content_term = (1.0 - alpha) * (r->content_score * scale);
        if (has_cf && full && alpha * cf_bound + content_term < entries[0].rec.score)
            continue;
        if (has_cf) {
            r->cf_score = mr_model_dot(model, model_user, model_movie);
            dots++;
        } else {
            r->cf_score = 0.0;
        }
        r->score = alpha * r->cf_score + content_term;
        cand.movie_id = ds->movie_ids[movie];
        offer(entries, &n, keep, &cand);
    }
    qsort(entries, (size_t)n, sizeof *entries, compare_entries);

    int limit = n < capacity ? n : capacity;
    for (int i = 0; i < limit; i++)
        out[i] = entries[i].rec;
    *n_out = limit;
    if (n_dots)
        *n_dots = dots;
    free(w);
    free(entries);
    return MR_OK;
}

mr_status mr_recommend(const mr_dataset *ds, const mr_model *model, int64_t user_id,
                       const mr_rank_params *params, mr_recommendation *out, int capacity,
                       int *n_out, mr_error *err)
{
    return mr_recommend_scan(ds, model, user_id, params, 1, out, capacity, n_out, NULL, err);
}
