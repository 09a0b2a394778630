/* test_rank.c: mr_recommend, which skips the dot products of movies that
 * cannot reach the top N, against the full scan that scores every candidate
 * (mr_recommend_scan with pruning off). Both must give the same movies in the
 * same order with bitwise equal scores. The cases: random data sets and models
 * of every kernel, ties, alpha 0 and 1, min_ratings, top_n beyond the
 * candidates, models stopped inside an epoch and diverged models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "minirec.h"
#include "../../src/internal.h"

/* ======================================================================== */
/* Random data sets                                                         */
/* ======================================================================== */

static const char *const genre_names[] = {"Action", "Comedy", "Drama", "Horror", "Romance", "Sci-Fi"};
#define N_GENRE_NAMES 6

typedef struct random_shape {
    int n_movies, n_users;
    double rating_density; /* chance that a user rates a given movie */
    double unrated_share;  /* share of movies without ratings */
    int n_genre_names;     /* genres drawn from the first n names; few names give ties */
} random_shape;

/* Writes a '|'-joined random subset of the first n_names genres (possibly
 * empty) into `out`, which has room for 64 bytes. */
static void random_genres(mr_rng *rng, int n_names, char *out)
{
    out[0] = '\0';
    size_t len = 0;
    for (int g = 0; g < n_names; g++) {
        if (mr_rng_uniform(rng) >= 0.4)
            continue;
        len += (size_t)snprintf(out + len, 64 - len, "%s%s", len ? "|" : "", genre_names[g]);
    }
}

/* Builds and finishes a data set with movie ids in no particular order, so
 * that the catalog order and the id order (the tie-break) differ. Every user
 * rates at least one movie. Returns NULL after reporting a failure. */
static mr_dataset *random_dataset(uint32_t seed, const random_shape *shape)
{
    mr_rng rng;
    mr_rng_seed(&rng, seed);
    mr_error err;
    mr_dataset *ds = mr_dataset_create();
    if (!CHECK(ds != NULL, "mr_dataset_create returned NULL"))
        return NULL;

    int64_t *ids = malloc(sizeof(int64_t) * (size_t)shape->n_movies);
    char *unrated = malloc((size_t)shape->n_movies);
    if (!CHECK(ids && unrated, "out of memory for %d movies", shape->n_movies)) {
        free(ids);
        free(unrated);
        mr_dataset_destroy(ds);
        return NULL;
    }
    int ok = 1;
    for (int i = 0; i < shape->n_movies && ok; i++) {
        ids[i] = (int64_t)((i * 7919L) % 100003L) + 1;
        unrated[i] = mr_rng_uniform(&rng) < shape->unrated_share;
        char genres[64];
        random_genres(&rng, shape->n_genre_names, genres);
        ok = CHECK_STATUS(mr_dataset_add_movie(ds, ids[i], "", genres, &err), MR_OK, &err,
                          "add movie %lld", (long long)ids[i]);
    }
    for (int u = 0; u < shape->n_users && ok; u++) {
        int64_t user_id = 1000 + 3 * u;
        int rated = 0;
        for (int i = 0; i < shape->n_movies && ok; i++) {
            int last = i == shape->n_movies - 1 && rated == 0;
            if (unrated[i] || (!last && mr_rng_uniform(&rng) >= shape->rating_density))
                continue;
            double rating = 0.5 * (1 + (int)mr_rng_interval(&rng, 9));
            ok = CHECK_STATUS(mr_dataset_add_rating(ds, user_id, ids[i], rating, &err), MR_OK, &err,
                              "add rating of user %lld", (long long)user_id);
            rated++;
        }
    }
    free(ids);
    free(unrated);
    if (ok)
        ok = CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish the random data set");
    if (!ok) {
        mr_dataset_destroy(ds);
        return NULL;
    }
    return ds;
}

/* Creates a model and trains it for `epochs` epochs (0 leaves the random
 * start). Returns NULL after reporting a failure. */
static mr_model *random_model(const mr_dataset *ds, int k, mr_kernel kernel, int epochs, double learning_rate,
                              uint32_t seed)
{
    mr_train_params tp = mr_train_defaults();
    tp.k = k;
    tp.kernel = kernel;
    tp.learning_rate = learning_rate;
    tp.seed = seed;
    mr_error err;
    mr_model *m = mr_model_create(ds, &tp, &err);
    if (!CHECK(m != NULL, "mr_model_create k %d kernel %d: %s", k, (int)kernel, err.message))
        return NULL;
    if (epochs > 0 &&
        !CHECK_STATUS(mr_model_train(m, epochs, &err), MR_OK, &err, "train k %d kernel %d", k, (int)kernel)) {
        mr_model_destroy(m);
        return NULL;
    }
    return m;
}

/* ======================================================================== */
/* Comparison with the full scan                                            */
/* ======================================================================== */

/* Dot products computed by both scans over every comparison of a test. */
typedef struct dot_counts {
    long pruned, full;
} dot_counts;

/* Ranks one user with pruning on and off and checks that the results are
 * identical. Returns 1 when they are. */
static int check_same_as_full_scan(const mr_dataset *ds, const mr_model *m, int64_t user_id,
                                   const mr_rank_params *p, dot_counts *counts, const char *context)
{
    int capacity = mr_dataset_n_movies(ds) + 4;
    mr_recommendation *fast = malloc(sizeof *fast * (size_t)capacity);
    mr_recommendation *full = malloc(sizeof *full * (size_t)capacity);
    if (!CHECK(fast && full, "out of memory for %d entries", capacity)) {
        free(fast);
        free(full);
        return 0;
    }
    mr_error err;
    int n_fast = -1, n_full = -1, dots_fast = 0, dots_full = 0;
    int ok = CHECK_STATUS(mr_recommend_scan(ds, m, user_id, p, 1, fast, capacity, &n_fast, &dots_fast, &err),
                          MR_OK, &err, "%s: pruned scan", context) &&
             CHECK_STATUS(mr_recommend_scan(ds, m, user_id, p, 0, full, capacity, &n_full, &dots_full, &err),
                          MR_OK, &err, "%s: full scan", context) &&
             CHECK_INT(n_fast, n_full, "%s: entries returned", context);
    for (int i = 0; ok && i < n_full; i++) {
        ok = CHECK_INT(fast[i].movie_index, full[i].movie_index, "%s: movie at rank %d", context, i + 1) &&
             CHECK_INT(fast[i].has_cf, full[i].has_cf, "%s: has_cf at rank %d", context, i + 1) &&
             CHECK_SAME(fast[i].cf_score, full[i].cf_score, "%s: cf_score at rank %d", context, i + 1) &&
             CHECK_SAME(fast[i].content_score, full[i].content_score, "%s: content_score at rank %d", context,
                        i + 1) &&
             CHECK_SAME(fast[i].score, full[i].score, "%s: score at rank %d", context, i + 1);
    }

    /* mr_recommend itself must be the pruned scan. */
    int n_public = -1;
    if (ok)
        ok = CHECK_STATUS(mr_recommend(ds, m, user_id, p, fast, capacity, &n_public, &err), MR_OK, &err,
                          "%s: mr_recommend", context) &&
             CHECK_INT(n_public, n_full, "%s: mr_recommend entries", context);
    for (int i = 0; ok && i < n_full; i++)
        ok = CHECK_INT(fast[i].movie_index, full[i].movie_index, "%s: mr_recommend movie at rank %d", context,
                       i + 1) &&
             CHECK_SAME(fast[i].score, full[i].score, "%s: mr_recommend score at rank %d", context, i + 1);

    if (counts) {
        counts->pruned += dots_fast;
        counts->full += dots_full;
    }
    free(fast);
    free(full);
    return ok;
}

/* Compares both scans for the first `n_users` users over alphas, top_n
 * values and min_ratings values. top_n covers 1, a few, more than there are
 * candidates, and 0 (all). Returns 1 when every case matched. */
static int check_grid(const mr_dataset *ds, const mr_model *m, int n_users, dot_counts *counts,
                      const char *context)
{
    static const double alphas[] = {0.0, 0.3, 0.7, 1.0, -1.0};
    int top_ns[] = {1, 3, 10, mr_dataset_n_movies(ds) + 2, 0};
    static const int min_ratings[] = {0, 3};
    int users = n_users < mr_dataset_n_users(ds) ? n_users : mr_dataset_n_users(ds);
    for (int u = 0; u < users; u++)
        for (int a = 0; a < 5; a++)
            for (int t = 0; t < 5; t++)
                for (int r = 0; r < 2; r++) {
                    mr_rank_params p = mr_rank_defaults();
                    p.alpha = alphas[a];
                    p.top_n = top_ns[t];
                    p.min_ratings = min_ratings[r];
                    int64_t user_id = mr_dataset_user_id(ds, u);
                    char where[200];
                    snprintf(where, sizeof where, "%s, user %lld, alpha %g, top_n %d, min_ratings %d", context,
                             (long long)user_id, p.alpha, p.top_n, p.min_ratings);
                    if (!check_same_as_full_scan(ds, m, user_id, &p, counts, where))
                        return 0;
                }
    return 1;
}

/* ======================================================================== */
/* Tests                                                                    */
/* ======================================================================== */

static void rank_prune_matches_full_scan_random(void)
{
    static const mr_kernel kernels[] = {MR_KERNEL_EXACT, MR_KERNEL_SCALAR_FLOAT, MR_KERNEL_SIMD_FLOAT};
    static const int ks[] = {1, 3, 8, 13};
    static const int epochs[] = {0, 1, 4};
    dot_counts counts = {0, 0};
    for (int seed = 1; seed <= 4; seed++) {
        random_shape shape = {60 + 50 * seed, 12, 0.15, 0.15, seed % 2 ? 3 : N_GENRE_NAMES};
        mr_dataset *ds = random_dataset((uint32_t)seed, &shape);
        if (!ds)
            return;
        for (int kn = 0; kn < 3; kn++)
            for (int ki = 0; ki < 4; ki++) {
                int e = epochs[(seed + ki) % 3];
                mr_model *m = random_model(ds, ks[ki], kernels[kn], e, 0.05, (uint32_t)(seed * 10 + ki));
                if (!m) {
                    mr_dataset_destroy(ds);
                    return;
                }
                char context[120];
                snprintf(context, sizeof context, "seed %d, %s, k %d, %d epochs", seed, mr_kernel_name(kernels[kn]),
                         ks[ki], e);
                int ok = check_grid(ds, m, 4, &counts, context);
                mr_model_destroy(m);
                if (!ok) {
                    mr_dataset_destroy(ds);
                    return;
                }
            }
        mr_dataset_destroy(ds);
    }
    /* Without skipped dot products the comparison above would prove nothing.
     * The grid includes top_n values that allow no skipping; over the whole
     * grid the pruned scans computed 60% of the dot products (GCC 12, x86-64). */
    CHECK(counts.pruned < counts.full / 4 * 3, "pruned scans computed %ld dot products, full scans %ld",
          counts.pruned, counts.full);
}

static void rank_prune_ties_broken_by_id(void)
{
    /* One genre name: every movie with genres has the same content score, and
     * most movies have no ratings. So alpha 0 gives long runs of ties. Alpha 1
     * gives a run of scores 0 after the positive CF scores, which the top 100
     * reaches. */
    random_shape shape = {200, 10, 0.1, 0.6, 1};
    mr_dataset *ds = random_dataset(77, &shape);
    if (!ds)
        return;
    mr_model *m = random_model(ds, 5, MR_KERNEL_EXACT, 2, 0.05, 3);
    if (!m) {
        mr_dataset_destroy(ds);
        return;
    }
    static const double alphas[] = {0.0, 1.0};
    static const int top_ns[] = {7, 100};
    mr_recommendation out[100];
    for (int a = 0; a < 2; a++)
        for (int u = 0; u < 5; u++) {
            mr_rank_params p = mr_rank_defaults();
            p.alpha = alphas[a];
            p.top_n = top_ns[a];
            int64_t user_id = mr_dataset_user_id(ds, u);
            char context[80];
            snprintf(context, sizeof context, "user %lld, alpha %g", (long long)user_id, p.alpha);
            if (!check_same_as_full_scan(ds, m, user_id, &p, NULL, context))
                break;

            int n = 0, ties = 0;
            mr_error err;
            if (!CHECK_STATUS(mr_recommend(ds, m, user_id, &p, out, p.top_n, &n, &err), MR_OK, &err, "%s", context))
                break;
            for (int i = 1; i < n; i++) {
                if (out[i].score != out[i - 1].score)
                    continue;
                ties++;
                int64_t before = mr_dataset_movie_id(ds, out[i - 1].movie_index);
                int64_t after = mr_dataset_movie_id(ds, out[i].movie_index);
                CHECK(before < after, "%s: tied movies at ranks %d and %d have ids %lld and %lld", context, i, i + 1,
                      (long long)before, (long long)after);
            }
            /* The data set is built for ties; without them this test checks nothing. */
            CHECK(ties > 0, "%s: no tied scores in the top %d", context, n);
        }
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
}

static void rank_prune_without_model_matches(void)
{
    random_shape shape = {150, 8, 0.2, 0.1, N_GENRE_NAMES};
    mr_dataset *ds = random_dataset(5, &shape);
    if (!ds)
        return;
    dot_counts counts = {0, 0};
    check_grid(ds, NULL, 3, &counts, "no model");
    CHECK_INT(counts.full, 0, "dot products without a model");
    mr_dataset_destroy(ds);
}

static void rank_prune_inside_epoch_matches(void)
{
    random_shape shape = {120, 10, 0.2, 0.1, 4};
    mr_dataset *ds = random_dataset(9, &shape);
    if (!ds)
        return;
    mr_model *m = random_model(ds, 6, MR_KERNEL_SIMD_FLOAT, 1, 0.05, 4);
    if (!m) {
        mr_dataset_destroy(ds);
        return;
    }
    CHECK(mr_model_movie_norms(m) != NULL, "norms after a whole epoch");

    /* An epoch is n - 1 shuffle swaps, then n SGD steps; stop halfway through
     * the SGD pass. */
    int n = mr_model_n_ratings(m);
    mr_error err;
    if (CHECK_STATUS(mr_model_train_steps(m, (long)n - 1 + n / 2, &err), MR_OK, &err, "half an epoch")) {
        CHECK_INT(mr_model_epoch_step(m), n / 2, "SGD steps run in the epoch");
        CHECK(mr_model_movie_norms(m) == NULL, "norms inside an SGD pass are marked stale");
        check_grid(ds, m, 3, NULL, "inside an epoch");
    }
    if (CHECK_STATUS(mr_model_train_steps(m, (long)(n - n / 2), &err), MR_OK, &err, "rest of the epoch")) {
        CHECK_INT(mr_model_epoch_step(m), 0, "SGD steps after the epoch ended");
        CHECK(mr_model_movie_norms(m) != NULL, "norms recomputed at the end of the epoch");
        check_grid(ds, m, 3, NULL, "after the epoch");
    }
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
}

static void rank_prune_diverged_model_matches(void)
{
    random_shape shape = {80, 10, 0.3, 0.0, 4};
    mr_dataset *ds = random_dataset(11, &shape);
    if (!ds)
        return;
    mr_train_params tp = mr_train_defaults();
    tp.k = 4;
    tp.kernel = MR_KERNEL_EXACT;
    tp.learning_rate = 50.0;
    mr_error err;
    mr_model *m = mr_model_create(ds, &tp, &err);
    if (!CHECK(m != NULL, "mr_model_create: %s", err.message)) {
        mr_dataset_destroy(ds);
        return;
    }
    CHECK_STATUS(mr_model_train(m, 3, &err), MR_ERR_DIVERGED, &err, "training with learning rate 50");
    check_grid(ds, m, 2, NULL, "diverged model");
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
}

static void rank_prune_other_catalog_matches(void)
{
    /* The model is made from `ds`. `other` contains the same ratings behind one
     * extra movie, so its catalog differs and ranking maps movies by id. */
    random_shape shape = {100, 8, 0.25, 0.1, 4};
    mr_dataset *ds = random_dataset(13, &shape);
    mr_dataset *other = mr_dataset_create();
    if (!ds || !CHECK(other != NULL, "mr_dataset_create returned NULL")) {
        mr_dataset_destroy(ds);
        mr_dataset_destroy(other);
        return;
    }
    mr_error err;
    int ok = CHECK_STATUS(mr_dataset_add_movie(other, 999999, "extra", "Drama", &err), MR_OK, &err, "extra movie");
    for (int i = 0; ok && i < mr_dataset_n_movies(ds); i++) {
        int n_genres = 0;
        const int *genres = mr_dataset_movie_genres(ds, i, &n_genres);
        char text[64] = "";
        size_t len = 0;
        for (int g = 0; g < n_genres; g++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", g ? "|" : "",
                                    mr_dataset_genre_name(ds, genres[g]));
        ok = CHECK_STATUS(mr_dataset_add_movie(other, mr_dataset_movie_id(ds, i), "", text, &err), MR_OK, &err,
                          "copy movie %d", i);
    }
    for (int u = 0; ok && u < mr_dataset_n_users(ds); u++)
        for (int i = 0; ok && i < mr_dataset_n_movies(ds); i++) {
            double rating;
            if (mr_dataset_rating(ds, u, i, &rating))
                ok = CHECK_STATUS(mr_dataset_add_rating(other, mr_dataset_user_id(ds, u), mr_dataset_movie_id(ds, i),
                                                        rating, &err),
                                  MR_OK, &err, "copy rating");
        }
    if (ok)
        ok = CHECK_STATUS(mr_dataset_finish(other, &err), MR_OK, &err, "finish the copy");
    mr_model *m = ok ? random_model(ds, 7, MR_KERNEL_SIMD_FLOAT, 2, 0.05, 5) : NULL;
    if (m) {
        CHECK(mr_model_catalog_rows(m, ds) != NULL, "catalog rows for the model's own data set");
        CHECK(mr_model_catalog_rows(m, other) == NULL, "catalog rows for a data set with another catalog");
        check_grid(other, m, 3, NULL, "other catalog");
    }
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
    mr_dataset_destroy(other);
}

static void rank_dot_bound_holds_every_pair(void)
{
    static const mr_kernel kernels[] = {MR_KERNEL_EXACT, MR_KERNEL_SCALAR_FLOAT, MR_KERNEL_SIMD_FLOAT};
    random_shape shape = {90, 15, 0.3, 0.0, 4};
    mr_dataset *ds = random_dataset(21, &shape);
    if (!ds)
        return;
    for (int kn = 0; kn < 3; kn++) {
        mr_model *m = random_model(ds, 9, kernels[kn], 3, 0.05, 6);
        if (!m)
            break;
        const float *norms = mr_model_movie_norms(m);
        int failures = 0;
        if (CHECK(norms != NULL, "%s: norms after training", mr_kernel_name(kernels[kn])))
            for (int u = 0; u < mr_model_n_users(m) && failures == 0; u++) {
                double scale = mr_model_dot_bound_scale(m, u);
                for (int v = 0; v < mr_model_n_movies(m) && failures == 0; v++) {
                    double dot = mr_model_dot(m, u, v), bound = scale * (double)norms[v];
                    failures += !CHECK(isfinite(bound) && dot <= bound && -dot <= bound,
                                       "%s: |U[%d] . V[%d]| = %.17g above its bound %.17g",
                                       mr_kernel_name(kernels[kn]), u, v, fabs(dot), bound);
                }
            }
        mr_model_destroy(m);
    }
    mr_dataset_destroy(ds);
}

static const test_case tests[] = {
    {"rank_prune_matches_full_scan_random", rank_prune_matches_full_scan_random},
    {"rank_prune_ties_broken_by_id", rank_prune_ties_broken_by_id},
    {"rank_prune_without_model_matches", rank_prune_without_model_matches},
    {"rank_prune_inside_epoch_matches", rank_prune_inside_epoch_matches},
    {"rank_prune_diverged_model_matches", rank_prune_diverged_model_matches},
    {"rank_prune_other_catalog_matches", rank_prune_other_catalog_matches},
    {"rank_dot_bound_holds_every_pair", rank_dot_bound_holds_every_pair},
};

int main(int argc, char **argv)
{
    return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
