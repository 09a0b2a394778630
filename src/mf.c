/* mf.c: matrix factorization R ~ U V^T trained by stochastic gradient descent.
 *
 * Layout: U is (n_users, k) and V is (n_movies, k), row-major doubles. The
 * training triples are copied from the data set in rating order and shuffled
 * in place at the start of every epoch with the model's own generator, so a
 * seed fixes the whole run. Each step uses the squared error plus an L2 term:
 *   e   = r - U[u] . V[m]
 *   dU  = -2 e V[m] + 2 reg U[u]
 *   dV  = -2 e U[u] + 2 reg V[m]      (both from the values before the step)
 *   U[u] -= lr dU,  V[m] -= lr dV
 * The exact kernel sums left to right in double precision, matching numpy's
 * float64 results bit for bit when the build does not contract a*b+c into an
 * FMA; the float kernels (sgd_kernels.c) trade that for speed. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sgd_kernels.h"

/* Data sets up to this many ratings train with the exact kernel under
 * MR_KERNEL_AUTO; larger ones with the SIMD float kernel. */
#define MR_EXACT_MAX_RATINGS 50000

/* An epoch first shuffles the triples, then runs one SGD step per triple. */
enum { EPOCH_NOT_STARTED, EPOCH_SHUFFLING, EPOCH_UPDATING };

/* An epoch whose RMSE exceeds this is treated as diverged. */
#define MR_RMSE_LIMIT 1e6

struct mr_model {
    mr_train_params params;
    int n_users, n_movies, n_triples;
    int64_t *user_ids;   /* (n_users,) ascending */
    int64_t *movie_ids;  /* (n_movies,) ascending */
    double *U;           /* (n_users, k), current after every mr_model_train */
    double *V;           /* (n_movies, k) */
    mr_kernel kernel;    /* never MR_KERNEL_AUTO */
    int kp;              /* float row stride: k rounded up to a multiple of 4 */
    float *Uf;           /* (n_users, kp), float kernels only */
    float *Vf;           /* (n_movies, kp) */
    mr_triple *triples;  /* (n_triples,) shuffled every epoch */
    int n_catalog;       /* catalog size of the data set the model was made from */
    int64_t *catalog_ids; /* (n_catalog,) that catalog's movie ids, in order */
    int *catalog_rows;   /* (n_catalog,) model row of each catalog movie, or -1 */
    float *V_norms;      /* (n_movies,) upper bound of each V row's norm, for ranking */
    int norms_current;   /* 1 when V_norms matches the factors; 0 inside an SGD pass */
    mr_rng rng;
    int phase;           /* EPOCH_NOT_STARTED, EPOCH_SHUFFLING or EPOCH_UPDATING */
    int shuffle_next;    /* next position the shuffle swaps, counting down to 0 */
    int step;            /* triples of the current epoch already run; 0 between epochs */
    double epoch_total;  /* squared errors of the current epoch so far */
    int epochs_done, rmse_cap;
    double *rmse;        /* (epochs_done,) */
    int diverged;
};

mr_train_params mr_train_defaults(void)
{
    mr_train_params p = {3, 0.01, 0.1, 500, 42u, MR_KERNEL_AUTO};
    return p;
}

static mr_status check_params(const mr_train_params *p, mr_error *err)
{
    if (!p)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "training parameters are NULL");
    if (p->k < 1 || p->k > 1024)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "k = %d is out of range; use 1 to 1024 latent factors", p->k);
    if (!(p->learning_rate > 0.0) || !isfinite(p->learning_rate))
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "learning rate %g is invalid; use a positive number such as 0.01", p->learning_rate);
    if (!(p->regularization >= 0.0) || !isfinite(p->regularization))
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "regularization %g is invalid; use 0 or a positive number such as 0.1", p->regularization);
    if (p->epochs < 1)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "epochs = %d is invalid; use at least 1", p->epochs);
    if (p->kernel < MR_KERNEL_AUTO || p->kernel > MR_KERNEL_SIMD_FLOAT)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "kernel %d is unknown; use 0 (auto), 1 (exact), 2 (scalar float) or 3 (SIMD float)",
                       (int)p->kernel);
    return MR_OK;
}

static int compare_ids(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Index of `id` in an ascending array, or -1. */
static int find_id(const int64_t *ids, int n, int64_t id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (ids[mid] == id)
            return mid;
        if (ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Allocates the padded float copies of U and V; returns 0 or -1. */
static int init_float_factors(mr_model *m)
{
    int k = m->params.k;
    m->kp = (k + 3) / 4 * 4;
    m->Uf = calloc((size_t)m->n_users * (size_t)m->kp, sizeof(float));
    m->Vf = calloc((size_t)m->n_movies * (size_t)m->kp, sizeof(float));
    if (!m->Uf || !m->Vf)
        return -1;
    for (int i = 0; i < m->n_users; i++)
        for (int f = 0; f < k; f++)
            m->Uf[(size_t)i * m->kp + f] = (float)m->U[(size_t)i * k + f];
    for (int i = 0; i < m->n_movies; i++)
        for (int f = 0; f < k; f++)
            m->Vf[(size_t)i * m->kp + f] = (float)m->V[(size_t)i * k + f];
    return 0;
}

/* Copies float factors back into U and V so every query reads doubles. */
static void sync_double_factors(mr_model *m)
{
    int k = m->params.k;
    for (int i = 0; i < m->n_users; i++)
        for (int f = 0; f < k; f++)
            m->U[(size_t)i * k + f] = m->Uf[(size_t)i * m->kp + f];
    for (int i = 0; i < m->n_movies; i++)
        for (int f = 0; f < k; f++)
            m->V[(size_t)i * k + f] = m->Vf[(size_t)i * m->kp + f];
}

/* ======================================================================== */
/* Norm bounds for ranking                                                  */
/* ======================================================================== */

/* Ranking skips the dot product of a movie whose score cannot reach the top N,
 * using Cauchy-Schwarz: U[u] . V[m] <= |U[u]| |V[m]|. The bound must hold for
 * the dot product as mr_model_dot computes it, rounding included, so every
 * norm here is rounded up and the product gets a relative margin.
 *
 * A sum of n products or squares computed with at most D roundings in a chain
 * has relative error gamma_D = D u / (1 - D u) < 2 D u (u = 2^-24 in float,
 * 2^-53 in double) of the sum of absolute values. D is at most n + 1 for
 * every summation order used here. Norms are bounded only in [2^-50, 2^50].
 * Outside that range, and for NaN and infinite factors, the bound is
 * +infinity, which never excludes a movie. Inside it the sum of squares
 * cannot overflow a float. The error of products that underflow (at most
 * n 2^-150) is then below 2^-40 of the bound, and the 2^-30 margin covers it
 * along with the roundings of the bound's own arithmetic. */
#define NORM_BOUND_MIN 0x1p-50
#define NORM_BOUND_MAX 0x1p50

/* Turns a computed sum of squares into an upper bound of the norm. The sum
 * is low by at most a factor 1 - gamma, and 1 / (1 - gamma) < 1 + 4 D u.
 * Returns +infinity outside [NORM_BOUND_MIN, NORM_BOUND_MAX]. */
static double norm_bound_from_squares(double squares, double margin)
{
    double norm = sqrt(squares * (1.0 + margin + 0x1p-30));
    if (!(norm >= NORM_BOUND_MIN && norm <= NORM_BOUND_MAX))
        return INFINITY;
    return norm;
}

/* Upper bound of the norm of a padded float row, summed in float with the
 * same 4-lane kernel as the dot product. */
static double norm_bound_float(const float *x, int kp)
{
    return norm_bound_from_squares(mr_dot_simd_float(x, x, kp), 4.0 * (kp + 1) * 0x1p-24);
}

/* Upper bound of the norm of a double row, summed in 4 partial sums. */
static double norm_bound_double(const double *x, int k)
{
    double part[4] = {0.0, 0.0, 0.0, 0.0};
    int f = 0;
    for (; f + 4 <= k; f += 4)
        for (int j = 0; j < 4; j++)
            part[j] += x[f + j] * x[f + j];
    for (; f < k; f++)
        part[0] += x[f] * x[f];
    double squares = (part[0] + part[1]) + (part[2] + part[3]);
    return norm_bound_from_squares(squares, 4.0 * (k + 1) * 0x1p-53);
}

/* Rounds a bound up to the next float, so the stored bound is never lower. */
static float float_at_least(double x)
{
    float f = (float)x;
    if ((double)f < x)
        f = nextafterf(f, INFINITY);
    return f;
}

/* Sets V_norms from the factors mr_model_dot reads: Vf for the float
 * kernels, V for the exact one. */
static void update_movie_norms(mr_model *m)
{
    int k = m->params.k;
    for (int i = 0; i < m->n_movies; i++) {
        double norm = m->kernel == MR_KERNEL_EXACT ? norm_bound_double(m->V + (size_t)i * k, k)
                                                   : norm_bound_float(m->Vf + (size_t)i * m->kp, m->kp);
        m->V_norms[i] = float_at_least(norm);
    }
    m->norms_current = 1;
}


/* ======================================================================== */
/* Lifecycle                                                                */
/* ======================================================================== */

void mr_model_destroy(mr_model *m)
{
    if (!m)
        return;
    free(m->user_ids);
    free(m->movie_ids);
    free(m->U);
    free(m->V);
    free(m->triples);
    free(m->catalog_ids);
    free(m->catalog_rows);
    free(m->V_norms);
    free(m->Uf);
    free(m->Vf);
    free(m->rmse);
    free(m);
}

mr_model *mr_model_create(const mr_dataset *ds, const mr_train_params *params, mr_error *err)
{
    if (mr_require_finished(ds, err) != MR_OK || check_params(params, err) != MR_OK)
        return NULL;
    if (ds->n_ratings == 0) {
        mr_fail(err, MR_ERR_INVALID_ARGUMENT, "the data set has no ratings; load a ratings file before training");
        return NULL;
    }

    mr_model *m = calloc(1, sizeof *m);
    if (!m) {
        mr_fail(err, MR_ERR_NO_MEMORY, "out of memory while creating a model");
        return NULL;
    }
    m->params = *params;
    int k = params->k;

    /* Users are already ascending in a finished data set; movies are those
     * with ratings, sorted by id. */
    int n_rated = 0;
    for (int i = 0; i < ds->n_movies; i++)
        n_rated += ds->movie_counts[i] > 0;
    m->n_users = ds->n_users;
    m->n_movies = n_rated;
    m->n_triples = ds->n_ratings;
    m->user_ids = malloc(sizeof(int64_t) * (size_t)m->n_users);
    m->movie_ids = malloc(sizeof(int64_t) * (size_t)m->n_movies);
    m->U = malloc(sizeof(double) * (size_t)m->n_users * (size_t)k);
    m->V = malloc(sizeof(double) * (size_t)m->n_movies * (size_t)k);
    m->triples = malloc(sizeof(mr_triple) * (size_t)m->n_triples);
    int *catalog_to_model = malloc(sizeof(int) * (size_t)(ds->n_movies ? ds->n_movies : 1));
    m->catalog_ids = malloc(sizeof(int64_t) * (size_t)(ds->n_movies ? ds->n_movies : 1));
    if (!m->user_ids || !m->movie_ids || !m->U || !m->V || !m->triples || !catalog_to_model ||
        !m->catalog_ids) {
        free(catalog_to_model);
        mr_model_destroy(m);
        mr_fail(err, MR_ERR_NO_MEMORY, "out of memory for a model of %d users, %d movies and k = %d",
                ds->n_users, n_rated, k);
        return NULL;
    }
    memcpy(m->user_ids, ds->user_ids, sizeof(int64_t) * (size_t)m->n_users);
    n_rated = 0;
    for (int i = 0; i < ds->n_movies; i++)
        if (ds->movie_counts[i] > 0)
            m->movie_ids[n_rated++] = ds->movie_ids[i];
    qsort(m->movie_ids, (size_t)m->n_movies, sizeof(int64_t), compare_ids);
    for (int i = 0; i < ds->n_movies; i++)
        catalog_to_model[i] = ds->movie_counts[i] > 0 ? find_id(m->movie_ids, m->n_movies, ds->movie_ids[i]) : -1;

    for (int r = 0; r < ds->n_ratings; r++) {
        m->triples[r].u = ds->ratings[r].user;
        m->triples[r].m = catalog_to_model[ds->ratings[r].movie];
        m->triples[r].r = (float)ds->ratings[r].rating;
    }

    /* Kept so ranking over the same catalog skips a search per movie. */
    m->catalog_rows = catalog_to_model;
    m->n_catalog = ds->n_movies;
    memcpy(m->catalog_ids, ds->movie_ids, sizeof(int64_t) * (size_t)ds->n_movies);

    /* U then V, each 0.1 * standard normal, filled row by row. */
    mr_rng_seed(&m->rng, params->seed);
    for (size_t i = 0; i < (size_t)m->n_users * (size_t)k; i++)
        m->U[i] = 0.1 * mr_rng_gauss(&m->rng);
    for (size_t i = 0; i < (size_t)m->n_movies * (size_t)k; i++)
        m->V[i] = 0.1 * mr_rng_gauss(&m->rng);

    m->kernel = params->kernel;
    if (m->kernel == MR_KERNEL_AUTO)
        m->kernel = ds->n_ratings <= MR_EXACT_MAX_RATINGS ? MR_KERNEL_EXACT : MR_KERNEL_SIMD_FLOAT;
    if (m->kernel != MR_KERNEL_EXACT && init_float_factors(m) != 0) {
        mr_model_destroy(m);
        mr_fail(err, MR_ERR_NO_MEMORY, "out of memory for float factors of %d users, %d movies and k = %d",
                ds->n_users, n_rated, k);
        return NULL;
    }
    m->V_norms = malloc(sizeof(float) * (size_t)m->n_movies);
    if (!m->V_norms) {
        mr_model_destroy(m);
        mr_fail(err, MR_ERR_NO_MEMORY, "out of memory for the norms of %d movies", n_rated);
        return NULL;
    }
    update_movie_norms(m);
    return m;
}

/* ======================================================================== */
/* Training                                                                 */
/* ======================================================================== */

/* Runs the next `count` swaps of the current epoch's shuffle: Fisher-Yates
 * from the last position down, as numpy's shuffle of a list, which draws the
 * partner of position i as the first generator word that, masked, is at most
 * i. The words come from a tempered copy of the state block, made 64 words at
 * a time as the swaps need them. About one word in four is rejected, so each
 * swap reads the next two words and picks one without a branch. Two
 * rejections in a row and the end of a block take the word-by-word path. The
 * draws and the generator's position are the same as with mr_rng_interval. */
static void shuffle_part(mr_model *m, long count)
{
    mr_triple *t = m->triples;
    mr_rng *rng = &m->rng;
    uint32_t words[MR_RNG_WORDS];
    int pos = rng->pos, ready = pos; /* Words pos to ready - 1 are tempered. */
    uint32_t mask = 0;
    for (long c = 0; c < count; c++) {
        uint32_t i = (uint32_t)m->shuffle_next--;
        if (mask == 0 || (mask >> 1) >= i)
            mask = mr_interval_mask(i);
        if (pos + 1 >= ready && ready < MR_RNG_WORDS)
            ready = mr_rng_temper_words(rng, words, ready);
        uint32_t j;
        if (pos + 1 < ready) {
            uint32_t first = words[pos] & mask, second = words[pos + 1] & mask;
            int take_first = first <= i;
            j = take_first ? first : second;
            pos += take_first ? 1 : 2;
            if (j > i)
                goto word_by_word;
        } else {
        word_by_word:
            do {
                if (pos >= MR_RNG_WORDS) {
                    mr_rng_refill(rng);
                    pos = ready = 0;
                }
                if (pos >= ready)
                    ready = mr_rng_temper_words(rng, words, ready);
                j = words[pos++] & mask;
            } while (j > i);
        }
        mr_triple tmp = t[i];
        t[i] = t[j];
        t[j] = tmp;
    }
    rng->pos = pos;
}

/* Appends an epoch's RMSE, growing the history as needed. Returns 0 or -1. */
static int record_rmse(mr_model *m, double rmse)
{
    if (m->epochs_done == m->rmse_cap) {
        int cap = m->rmse_cap ? m->rmse_cap * 2 : 64;
        double *grown = realloc(m->rmse, sizeof(double) * (size_t)cap);
        if (!grown)
            return -1;
        m->rmse = grown;
        m->rmse_cap = cap;
    }
    m->rmse[m->epochs_done++] = rmse;
    return 0;
}

/* Runs the kernel over the next `count` triples of the current epoch. */
static void run_kernel(mr_model *m, int count)
{
    const mr_train_params *p = &m->params;
    const mr_triple *t = m->triples + m->step;
    if (m->kernel == MR_KERNEL_EXACT)
        m->epoch_total = mr_sgd_steps_exact(m->U, m->V, t, count, p->k, p->learning_rate,
                                            p->regularization, m->epoch_total);
    else if (m->kernel == MR_KERNEL_SCALAR_FLOAT)
        m->epoch_total = mr_sgd_steps_scalar_float(m->Uf, m->Vf, t, count, m->kp, (float)p->learning_rate,
                                                   (float)p->regularization, m->epoch_total);
    else
        m->epoch_total = mr_sgd_steps_simd_float(m->Uf, m->Vf, t, count, m->kp, (float)p->learning_rate,
                                                 (float)p->regularization, m->epoch_total);
    m->step += count;
    if (count > 0)
        m->norms_current = 0;
}

/* Runs work units until `n_steps` units have run or `n_epochs` epochs have
 * ended, whichever comes first. A unit is one shuffle swap or one SGD step:
 * an epoch is n_triples - 1 swaps, then n_triples steps, then its RMSE. */
static mr_status run_steps(mr_model *m, long n_steps, int n_epochs, mr_error *err)
{
    if (m->diverged)
        return mr_fail(err, MR_ERR_DIVERGED,
                       "training already diverged at epoch %d; create a new model with a lower learning rate",
                       m->epochs_done);

    mr_status status = MR_OK;
    while (n_steps > 0 && n_epochs > 0) {
        if (m->phase == EPOCH_NOT_STARTED) {
            m->phase = EPOCH_SHUFFLING;
            m->shuffle_next = m->n_triples - 1;
            m->epoch_total = 0.0;
        }
        if (m->phase == EPOCH_SHUFFLING) {
            long count = n_steps < m->shuffle_next ? n_steps : m->shuffle_next;
            shuffle_part(m, count);
            n_steps -= count;
            if (m->shuffle_next > 0)
                break;
            m->phase = EPOCH_UPDATING;
            continue;
        }

        int left = m->n_triples - m->step;
        int count = n_steps < left ? (int)n_steps : left;
        run_kernel(m, count);
        n_steps -= count;
        if (m->step < m->n_triples)
            break;

        double rmse = sqrt(m->epoch_total / m->n_triples);
        m->step = 0;
        m->phase = EPOCH_NOT_STARTED;
        n_epochs--;
        if (record_rmse(m, rmse) != 0) {
            status = mr_fail(err, MR_ERR_NO_MEMORY, "out of memory for the RMSE history of %d epochs",
                             m->epochs_done + 1);
            break;
        }
        if (!isfinite(rmse) || rmse > MR_RMSE_LIMIT) {
            m->diverged = 1;
            /* Suggest a tenth of the rate, but never more than the default. */
            double suggestion = m->params.learning_rate / 10.0;
            double default_rate = mr_train_defaults().learning_rate;
            if (suggestion > default_rate)
                suggestion = default_rate;
            /* printf would write NaN as "nan" or "-nan" depending on its sign bit. */
            char rmse_text[32];
            if (isnan(rmse))
                snprintf(rmse_text, sizeof rmse_text, "not a number");
            else
                snprintf(rmse_text, sizeof rmse_text, "%g", rmse);
            status = mr_fail(err, MR_ERR_DIVERGED,
                             "training diverged at epoch %d (RMSE %s) with learning rate %g; "
                             "lower the learning rate, for example to %g",
                             m->epochs_done, rmse_text, m->params.learning_rate, suggestion);
            break;
        }
    }

    if (m->kernel != MR_KERNEL_EXACT)
        sync_double_factors(m);
    /* Only between SGD passes, so training in short slices pays for the norms
     * about once per epoch rather than once per call. */
    if (!m->norms_current && m->step == 0)
        update_movie_norms(m);
    return status;
}

mr_status mr_model_train(mr_model *m, int n_epochs, mr_error *err)
{
    if (!m)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "model is NULL");
    if (n_epochs < 0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "epoch count %d is negative", n_epochs);
    return run_steps(m, LONG_MAX, n_epochs, err);
}

mr_status mr_model_train_steps(mr_model *m, long n_steps, mr_error *err)
{
    if (!m)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "model is NULL");
    if (n_steps < 0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "step count %ld is negative", n_steps);
    return run_steps(m, n_steps, INT_MAX, err);
}

int mr_model_epoch_step(const mr_model *m) { return m ? m->step : 0; }
int mr_model_n_ratings(const mr_model *m) { return m ? m->n_triples : 0; }

/* ======================================================================== */
/* Queries                                                                  */
/* ======================================================================== */

int mr_model_epochs_done(const mr_model *m) { return m ? m->epochs_done : 0; }
const double *mr_model_rmse(const mr_model *m) { return m ? m->rmse : NULL; }
int mr_model_k(const mr_model *m) { return m ? m->params.k : 0; }
mr_kernel mr_model_kernel(const mr_model *m) { return m ? m->kernel : MR_KERNEL_AUTO; }

const char *mr_kernel_name(mr_kernel kernel)
{
    switch (kernel) {
    case MR_KERNEL_AUTO: return "auto";
    case MR_KERNEL_EXACT: return "exact (scalar double)";
    case MR_KERNEL_SCALAR_FLOAT: return "scalar float";
    case MR_KERNEL_SIMD_FLOAT:
#if defined(__wasm_simd128__) || defined(__SSE2__) || defined(__ARM_NEON)
        return "SIMD float";
#else
        return "SIMD float (emulated: this build has no SIMD)";
#endif
    }
    return "unknown";
}
int mr_model_n_users(const mr_model *m) { return m ? m->n_users : 0; }
int mr_model_n_movies(const mr_model *m) { return m ? m->n_movies : 0; }
int64_t mr_model_user_id(const mr_model *m, int i) { return m && i >= 0 && i < m->n_users ? m->user_ids[i] : -1; }
int64_t mr_model_movie_id(const mr_model *m, int i) { return m && i >= 0 && i < m->n_movies ? m->movie_ids[i] : -1; }
const double *mr_model_user_factors(const mr_model *m) { return m ? m->U : NULL; }
const double *mr_model_movie_factors(const mr_model *m) { return m ? m->V : NULL; }

int mr_model_find_user(const mr_model *m, int64_t user_id) { return find_id(m->user_ids, m->n_users, user_id); }
int mr_model_find_movie(const mr_model *m, int64_t movie_id) { return find_id(m->movie_ids, m->n_movies, movie_id); }

const int *mr_model_catalog_rows(const mr_model *m, const mr_dataset *ds)
{
    if (ds->n_movies != m->n_catalog ||
        memcmp(ds->movie_ids, m->catalog_ids, sizeof(int64_t) * (size_t)ds->n_movies) != 0)
        return NULL;
    return m->catalog_rows;
}

double mr_model_dot(const mr_model *m, int user, int movie)
{
    if (m->kernel != MR_KERNEL_EXACT)
        return mr_dot_simd_float(m->Uf + (size_t)user * (size_t)m->kp,
                                 m->Vf + (size_t)movie * (size_t)m->kp, m->kp);

    int k = m->params.k;
    const double *Uu = m->U + (size_t)user * (size_t)k;
    const double *Vm = m->V + (size_t)movie * (size_t)k;
    double pred = 0.0;
    for (int f = 0; f < k; f++)
        pred += Uu[f] * Vm[f];
    return pred;
}

const float *mr_model_movie_norms(const mr_model *m) { return m->norms_current ? m->V_norms : NULL; }

/* The computed dot product differs from the exact one by at most
 * gamma_D sum |U[u][f] V[m][f]| <= gamma_D |U[u]| |V[m]| with D <= k + 1 in
 * double and D <= kp + 1 for the 4-lane float sum. The norms are bounded
 * above as described above NORM_BOUND_MIN. */
double mr_model_dot_bound_scale(const mr_model *m, int user)
{
    if (m->kernel == MR_KERNEL_EXACT) {
        int k = m->params.k;
        double norm = norm_bound_double(m->U + (size_t)user * k, k);
        return norm * (1.0 + 2.0 * (k + 1) * 0x1p-53 + 0x1p-30);
    }
    double norm = norm_bound_float(m->Uf + (size_t)user * m->kp, m->kp);
    return norm * (1.0 + 2.0 * (m->kp + 1) * 0x1p-24 + 0x1p-30);
}

mr_status mr_model_predict(const mr_model *m, int64_t user_id, int64_t movie_id, double *out,
                           mr_error *err)
{
    if (!m || !out)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "model or output is NULL");
    int u = mr_model_find_user(m, user_id);
    if (u < 0)
        return mr_fail(err, MR_ERR_NOT_FOUND,
                       "user %lld has no ratings in the training data, so the model has no factors for them",
                       (long long)user_id);
    int v = mr_model_find_movie(m, movie_id);
    if (v < 0)
        return mr_fail(err, MR_ERR_NOT_FOUND,
                       "movie %lld has no ratings in the training data, so the model has no factors for it",
                       (long long)movie_id);
    *out = mr_model_dot(m, u, v);
    return MR_OK;
}
