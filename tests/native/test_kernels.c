/* test_kernels.c: the SGD kernels on the same inputs. EXACT must equal a
 * plain double-precision SGD written here from the update rule in minirec.h;
 * SCALAR_FLOAT and SIMD_FLOAT must stay close to each other and to EXACT;
 * AUTO must pick EXACT up to 50,000 ratings and SIMD_FLOAT above. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "minirec.h"

/* Largest relative difference allowed between the two float kernels, and
 * between a float kernel and EXACT, measured as max |a - b| / max(1, |b|)
 * over RMSE values and factors. The header promises about 1e-6 between the
 * float kernels; over many epochs the gap grows. The largest gap measured by
 * these tests (GCC 12, x86-64 SSE) was 9.3e-6, so the bound leaves 10x. */
#define FLOAT_KERNELS_TOLERANCE 1e-4
#define FLOAT_VS_EXACT_TOLERANCE 1e-4

/* ======================================================================== */
/* Test data sets                                                           */
/* ======================================================================== */

typedef struct rating_row {
    int64_t user_id, movie_id;
    double rating;
} rating_row;

typedef struct ratings_table {
    rating_row *rows; /* in insertion order, each (user, movie) pair once */
    int n;
} ratings_table;

/* Draws `n` distinct (user, movie) pairs from n_users x n_movies, with sparse
 * ids. Ratings are half stars, 0.5 * (1 + draw mod 10). When `step` is not 0
 * they are 1 + step * (draw mod 40) instead. */
static ratings_table make_ratings(int n_users, int n_movies, int n, double step, uint32_t seed)
{
    ratings_table t = {calloc((size_t)n, sizeof(rating_row)), 0};
    unsigned char *used = calloc((size_t)n_users * (size_t)n_movies, 1);
    mr_rng rng;
    mr_rng_seed(&rng, seed);
    while (t.rows && used && t.n < n) {
        uint32_t u = mr_rng_interval(&rng, (uint32_t)n_users - 1);
        uint32_t m = mr_rng_interval(&rng, (uint32_t)n_movies - 1);
        if (used[(size_t)u * (size_t)n_movies + m])
            continue;
        used[(size_t)u * (size_t)n_movies + m] = 1;
        uint32_t draw = mr_rng_next_u32(&rng);
        rating_row *r = &t.rows[t.n++];
        r->user_id = 1000 + 7 * (int64_t)u;
        r->movie_id = 100000 + 13 * (int64_t)m;
        r->rating = step == 0.0 ? 0.5 * (1 + draw % 10) : 1.0 + step * (draw % 40);
    }
    free(used);
    return t;
}

/* Builds and finishes a data set holding exactly the table's ratings. */
static mr_dataset *dataset_from(const ratings_table *t)
{
    mr_dataset *ds = mr_dataset_create();
    mr_error err;
    for (int i = 0; i < t->n; i++)
        if (!CHECK_STATUS(mr_dataset_add_rating(ds, t->rows[i].user_id, t->rows[i].movie_id, t->rows[i].rating, &err),
                          MR_OK, &err, "add rating %d", i))
            break;
    CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish the test data set");
    return ds;
}

/* ======================================================================== */
/* Reference: plain double-precision SGD from the header's description      */
/* ======================================================================== */

typedef struct reference_model {
    int n_users, n_movies, k;
    double *U, *V; /* (n_users, k), (n_movies, k) */
    double *rmse;  /* (epochs,) */
} reference_model;

static int compare_ids(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts ids[0..n), drops repeats, and returns the number of distinct ids. */
static int distinct_sorted(int64_t *ids, int n)
{
    qsort(ids, (size_t)n, sizeof *ids, compare_ids);
    int n_distinct = 0;
    for (int i = 0; i < n; i++)
        if (n_distinct == 0 || ids[n_distinct - 1] != ids[i])
            ids[n_distinct++] = ids[i];
    return n_distinct;
}

static int position_of(const int64_t *ids, int n, int64_t id)
{
    const int64_t *hit = bsearch(&id, ids, (size_t)n, sizeof *ids, compare_ids);
    return hit ? (int)(hit - ids) : -1;
}

/* Trains the model that minirec.h describes, in plain double arithmetic, on
 * the ratings as given or, when `float_ratings` is set, rounded to float.
 * Users and movies are in ascending id order, and U then V are drawn as
 * 0.1 * gauss. Each epoch shuffles the triples (Fisher-Yates from the last
 * index down), then for each one computes e = r - U[u].V[m] and updates
 *   U[u] -= lr (-2 e V[m] + 2 reg U[u]),  V[m] -= lr (-2 e U[u] + 2 reg V[m])
 * from the values before the step. */
static reference_model reference_train(const ratings_table *t, const mr_train_params *p, int epochs,
                                       int float_ratings)
{
    int64_t *users = malloc(sizeof(int64_t) * (size_t)t->n);
    int64_t *movies = malloc(sizeof(int64_t) * (size_t)t->n);
    for (int i = 0; i < t->n; i++) {
        users[i] = t->rows[i].user_id;
        movies[i] = t->rows[i].movie_id;
    }
    reference_model r = {distinct_sorted(users, t->n), distinct_sorted(movies, t->n), p->k, NULL, NULL, NULL};
    int k = p->k;
    r.U = malloc(sizeof(double) * (size_t)r.n_users * (size_t)k);
    r.V = malloc(sizeof(double) * (size_t)r.n_movies * (size_t)k);
    r.rmse = malloc(sizeof(double) * (size_t)epochs);

    typedef struct triple {
        int u, m;
        double r;
    } triple;
    triple *triples = malloc(sizeof(triple) * (size_t)t->n);
    for (int i = 0; i < t->n; i++) {
        triples[i].u = position_of(users, r.n_users, t->rows[i].user_id);
        triples[i].m = position_of(movies, r.n_movies, t->rows[i].movie_id);
        triples[i].r = float_ratings ? (double)(float)t->rows[i].rating : t->rows[i].rating;
    }

    mr_rng rng;
    mr_rng_seed(&rng, p->seed);
    for (int i = 0; i < r.n_users * k; i++)
        r.U[i] = 0.1 * mr_rng_gauss(&rng);
    for (int i = 0; i < r.n_movies * k; i++)
        r.V[i] = 0.1 * mr_rng_gauss(&rng);

    for (int epoch = 0; epoch < epochs; epoch++) {
        for (int i = t->n - 1; i > 0; i--) {
            int j = (int)mr_rng_interval(&rng, (uint32_t)i);
            triple tmp = triples[i];
            triples[i] = triples[j];
            triples[j] = tmp;
        }
        double total = 0.0;
        for (int i = 0; i < t->n; i++) {
            double *Uu = r.U + triples[i].u * k, *Vm = r.V + triples[i].m * k;
            double pred = 0.0;
            for (int f = 0; f < k; f++)
                pred += Uu[f] * Vm[f];
            double e = triples[i].r - pred;
            for (int f = 0; f < k; f++) {
                double u = Uu[f], v = Vm[f];
                Uu[f] = u - p->learning_rate * (-2.0 * e * v + 2.0 * p->regularization * u);
                Vm[f] = v - p->learning_rate * (-2.0 * e * u + 2.0 * p->regularization * v);
            }
            total += e * e;
        }
        r.rmse[epoch] = sqrt(total / t->n);
    }
    free(triples);
    free(users);
    free(movies);
    return r;
}

static void reference_free(reference_model *r)
{
    free(r->U);
    free(r->V);
    free(r->rmse);
}

/* ======================================================================== */
/* Helpers                                                                  */
/* ======================================================================== */

/* Creates a model with `kernel` and trains `epochs`, or reports a failure. */
static mr_model *train_with(const mr_dataset *ds, mr_train_params p, mr_kernel kernel, int epochs)
{
    p.kernel = kernel;
    mr_error err;
    mr_model *m = mr_model_create(ds, &p, &err);
    if (!CHECK(m != NULL, "create a model with kernel %s", mr_kernel_name(kernel)))
        return NULL;
    if (!CHECK_STATUS(mr_model_train(m, epochs, &err), MR_OK, &err, "train %d epochs with kernel %s", epochs,
                      mr_kernel_name(kernel))) {
        mr_model_destroy(m);
        return NULL;
    }
    CHECK_INT(mr_model_kernel(m), kernel, "kernel of the model");
    return m;
}

static double relative_gap(double a, double b) { return fabs(a - b) / fmax(1.0, fabs(b)); }

/* Largest relative gap between two models' RMSE histories and factors. */
static double model_gap(const mr_model *a, const mr_model *b)
{
    double gap = 0.0;
    int k = mr_model_k(a);
    for (int e = 0; e < mr_model_epochs_done(a); e++)
        gap = fmax(gap, relative_gap(mr_model_rmse(a)[e], mr_model_rmse(b)[e]));
    for (int i = 0; i < mr_model_n_users(a) * k; i++)
        gap = fmax(gap, relative_gap(mr_model_user_factors(a)[i], mr_model_user_factors(b)[i]));
    for (int i = 0; i < mr_model_n_movies(a) * k; i++)
        gap = fmax(gap, relative_gap(mr_model_movie_factors(a)[i], mr_model_movie_factors(b)[i]));
    return gap;
}

/* Checks every RMSE value and factor of `m` against the reference, bit for bit. */
static void check_equals_reference(const mr_model *m, const reference_model *r, int epochs, const char *context)
{
    if (!CHECK_INT(mr_model_n_users(m), r->n_users, "%s: user count", context) ||
        !CHECK_INT(mr_model_n_movies(m), r->n_movies, "%s: movie count", context))
        return;
    int mismatches = 0;
    for (int e = 0; e < epochs && mismatches < 5; e++)
        mismatches += !CHECK_SAME(mr_model_rmse(m)[e], r->rmse[e], "%s: RMSE of epoch %d", context, e + 1);
    for (int i = 0; i < r->n_users * r->k && mismatches < 5; i++)
        mismatches += !CHECK_SAME(mr_model_user_factors(m)[i], r->U[i], "%s: U value %d", context, i);
    for (int i = 0; i < r->n_movies * r->k && mismatches < 5; i++)
        mismatches += !CHECK_SAME(mr_model_movie_factors(m)[i], r->V[i], "%s: V value %d", context, i);
}

/* ======================================================================== */
/* Tests                                                                    */
/* ======================================================================== */

static void kernel_exact_matches_reference_on_halves(void)
{
    ratings_table t = make_ratings(40, 60, 600, 0.0, 7);
    mr_dataset *ds = dataset_from(&t);
    mr_train_params p = mr_train_defaults();
    p.k = 5;
    reference_model r = reference_train(&t, &p, 50, 0);
    mr_model *m = train_with(ds, p, MR_KERNEL_EXACT, 50);
    if (m)
        check_equals_reference(m, &r, 50, "exact kernel, 600 half-star ratings, k 5");
    mr_model_destroy(m);
    reference_free(&r);
    mr_dataset_destroy(ds);
    free(t.rows);
}

/* minirec.h stores training ratings in single precision, which is exact only
 * for whole numbers and halves. For ratings such as 3.7 the exact kernel must
 * equal a float64 run on the float-rounded ratings. */
static void kernel_exact_decimal_ratings_as_float(void)
{
    ratings_table t = make_ratings(30, 40, 300, 0.1, 11);
    mr_dataset *ds = dataset_from(&t);
    mr_train_params p = mr_train_defaults();
    reference_model r = reference_train(&t, &p, 20, 1);
    mr_model *m = train_with(ds, p, MR_KERNEL_EXACT, 20);
    if (m)
        check_equals_reference(m, &r, 20, "exact kernel, ratings on a 0.1 grid rounded to float");
    mr_model_destroy(m);
    reference_free(&r);
    mr_dataset_destroy(ds);
    free(t.rows);
}

static void kernel_float_kernels_agree_builtin(void)
{
    mr_error err;
    mr_dataset *ds = mr_dataset_create_builtin(&err);
    mr_train_params p = mr_train_defaults();
    mr_model *exact = train_with(ds, p, MR_KERNEL_EXACT, p.epochs);
    mr_model *scalar = train_with(ds, p, MR_KERNEL_SCALAR_FLOAT, p.epochs);
    mr_model *simd = train_with(ds, p, MR_KERNEL_SIMD_FLOAT, p.epochs);
    if (exact && scalar && simd) {
        double gap = model_gap(simd, scalar);
        printf("built-in, 500 epochs: SIMD vs scalar float %.3g, scalar float vs exact %.3g, SIMD vs exact %.3g\n",
               gap, model_gap(scalar, exact), model_gap(simd, exact));
        CHECK(gap <= FLOAT_KERNELS_TOLERANCE, "SIMD vs scalar float gap %.3g within %g", gap, FLOAT_KERNELS_TOLERANCE);
        gap = model_gap(scalar, exact);
        CHECK(gap <= FLOAT_VS_EXACT_TOLERANCE, "scalar float vs exact gap %.3g within %g", gap, FLOAT_VS_EXACT_TOLERANCE);
        gap = model_gap(simd, exact);
        CHECK(gap <= FLOAT_VS_EXACT_TOLERANCE, "SIMD float vs exact gap %.3g within %g", gap, FLOAT_VS_EXACT_TOLERANCE);
    }
    mr_model_destroy(exact);
    mr_model_destroy(scalar);
    mr_model_destroy(simd);
    mr_dataset_destroy(ds);
}

/* k = 5 and k = 10 leave padding lanes (kp = 8 and 12); k = 8 leaves none. */
static void kernel_float_kernels_agree_padded_k(void)
{
    static const int ks[] = {5, 8, 10};
    ratings_table t = make_ratings(80, 120, 3000, 0.0, 3);
    mr_dataset *ds = dataset_from(&t);
    for (int i = 0; i < 3; i++) {
        mr_train_params p = mr_train_defaults();
        p.k = ks[i];
        mr_model *exact = train_with(ds, p, MR_KERNEL_EXACT, 30);
        mr_model *scalar = train_with(ds, p, MR_KERNEL_SCALAR_FLOAT, 30);
        mr_model *simd = train_with(ds, p, MR_KERNEL_SIMD_FLOAT, 30);
        if (exact && scalar && simd) {
            double gap = model_gap(simd, scalar);
            printf("3000 ratings, k %d, 30 epochs: SIMD vs scalar float %.3g, SIMD vs exact %.3g\n", ks[i], gap,
                   model_gap(simd, exact));
            CHECK(gap <= FLOAT_KERNELS_TOLERANCE, "k %d: SIMD vs scalar float gap %.3g within %g", ks[i], gap,
                  FLOAT_KERNELS_TOLERANCE);
            gap = model_gap(simd, exact);
            CHECK(gap <= FLOAT_VS_EXACT_TOLERANCE, "k %d: SIMD vs exact gap %.3g within %g", ks[i], gap,
                  FLOAT_VS_EXACT_TOLERANCE);
        }
        mr_model_destroy(exact);
        mr_model_destroy(scalar);
        mr_model_destroy(simd);
    }
    mr_dataset_destroy(ds);
    free(t.rows);
}

/* Float models predict from their float factors; the double copies returned
 * by mr_model_user_factors must hold the same values. */
static void kernel_float_predictions_match_factors(void)
{
    ratings_table t = make_ratings(40, 60, 600, 0.0, 5);
    mr_dataset *ds = dataset_from(&t);
    mr_train_params p = mr_train_defaults();
    p.k = 5;
    mr_model *m = train_with(ds, p, MR_KERNEL_SIMD_FLOAT, 20);
    if (m) {
        const double *U = mr_model_user_factors(m), *V = mr_model_movie_factors(m);
        for (int u = 0; u < mr_model_n_users(m); u += 7) {
            for (int v = 0; v < mr_model_n_movies(m); v += 11) {
                double dot = 0.0, predicted = 0.0;
                for (int f = 0; f < p.k; f++)
                    dot += U[u * p.k + f] * V[v * p.k + f];
                mr_error err;
                if (CHECK_STATUS(mr_model_predict(m, mr_model_user_id(m, u), mr_model_movie_id(m, v), &predicted, &err),
                                 MR_OK, &err, "predict row %d, %d", u, v))
                    CHECK(fabs(predicted - dot) <= 1e-5 * fmax(1.0, fabs(dot)),
                          "prediction %.9g close to U.V %.9g for rows %d, %d", predicted, dot, u, v);
            }
        }
    }
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
    free(t.rows);
}

static void kernel_float_steps_match_single_run(void)
{
    ratings_table t = make_ratings(40, 60, 600, 0.0, 9);
    mr_dataset *ds = dataset_from(&t);
    mr_train_params p = mr_train_defaults();
    static const mr_kernel kernels[] = {MR_KERNEL_SCALAR_FLOAT, MR_KERNEL_SIMD_FLOAT};
    for (int i = 0; i < 2; i++) {
        mr_model *once = train_with(ds, p, kernels[i], 40);
        mr_model *steps = train_with(ds, p, kernels[i], 1);
        mr_error err;
        if (once && steps && CHECK_STATUS(mr_model_train(steps, 39, &err), MR_OK, &err, "train 39 more epochs")) {
            CHECK_SAME(model_gap(steps, once), 0.0, "%s: 1 + 39 epochs against 40 at once", mr_kernel_name(kernels[i]));
            double a = 0.0, b = 0.0;
            mr_model_predict(steps, mr_model_user_id(steps, 0), mr_model_movie_id(steps, 0), &a, &err);
            mr_model_predict(once, mr_model_user_id(once, 0), mr_model_movie_id(once, 0), &b, &err);
            CHECK_SAME(a, b, "%s: first prediction after 1 + 39 and 40 epochs", mr_kernel_name(kernels[i]));
        }
        mr_model_destroy(once);
        mr_model_destroy(steps);
    }
    mr_dataset_destroy(ds);
    free(t.rows);
}

static void kernel_auto_switches_above_50000_ratings(void)
{
    static const int sizes[] = {50000, 50001};
    static const mr_kernel expected[] = {MR_KERNEL_EXACT, MR_KERNEL_SIMD_FLOAT};
    for (int i = 0; i < 2; i++) {
        mr_dataset *ds = mr_dataset_create();
        mr_error err;
        for (int r = 0; r < sizes[i]; r++)
            mr_dataset_add_rating(ds, r / 100, r % 100, 1.0 + r % 5, &err);
        CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish %d ratings", sizes[i]);
        mr_train_params p = mr_train_defaults();
        mr_model *m = mr_model_create(ds, &p, &err);
        if (CHECK(m != NULL, "create a model on %d ratings", sizes[i]))
            CHECK_INT(mr_model_kernel(m), expected[i], "AUTO kernel for %d ratings", sizes[i]);
        mr_model_destroy(m);
        mr_dataset_destroy(ds);
    }
}

static void kernel_unknown_value_rejected(void)
{
    mr_error err;
    mr_dataset *ds = mr_dataset_create_builtin(&err);
    mr_train_params p = mr_train_defaults();
    p.kernel = (mr_kernel)7;
    err.status = MR_OK;
    CHECK(mr_model_create(ds, &p, &err) == NULL, "no model with kernel 7");
    CHECK_STATUS(err.status, MR_ERR_INVALID_ARGUMENT, &err, "status for kernel 7");
    CHECK_CONTAINS(err.message, "kernel 7", "message names the kernel");
    CHECK_INT(mr_model_kernel(NULL), MR_KERNEL_AUTO, "kernel of a NULL model");
    CHECK_STR(mr_kernel_name(MR_KERNEL_EXACT), "exact (scalar double)", "name of the exact kernel");
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* Main                                                                     */
/* ======================================================================== */

static const test_case tests[] = {
    {"kernel_exact_matches_reference_on_halves", kernel_exact_matches_reference_on_halves},
    {"kernel_exact_decimal_ratings_as_float", kernel_exact_decimal_ratings_as_float},
    {"kernel_float_kernels_agree_builtin", kernel_float_kernels_agree_builtin},
    {"kernel_float_kernels_agree_padded_k", kernel_float_kernels_agree_padded_k},
    {"kernel_float_predictions_match_factors", kernel_float_predictions_match_factors},
    {"kernel_float_steps_match_single_run", kernel_float_steps_match_single_run},
    {"kernel_auto_switches_above_50000_ratings", kernel_auto_switches_above_50000_ratings},
    {"kernel_unknown_value_rejected", kernel_unknown_value_rejected},
};

int main(int argc, char **argv)
{
    return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
