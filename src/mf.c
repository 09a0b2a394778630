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
 * Sums run left to right in double precision, matching numpy's float64
 * results bit for bit when the build does not contract a*b+c into an FMA. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* An epoch whose RMSE exceeds this is treated as diverged. */
#define MR_RMSE_LIMIT 1e6

typedef struct mr_triple {
    int u, m;     /* model indices */
    double r;
} mr_triple;

struct mr_model {
    mr_train_params params;
    int n_users, n_movies, n_triples;
    int64_t *user_ids;   /* (n_users,) ascending */
    int64_t *movie_ids;  /* (n_movies,) ascending */
    double *U;           /* (n_users, k) */
    double *V;           /* (n_movies, k) */
    mr_triple *triples;  /* (n_triples,) shuffled every epoch */
    mr_rng rng;
    int epochs_done, rmse_cap;
    double *rmse;        /* (epochs_done,) */
    int diverged;
};

mr_train_params mr_train_defaults(void)
{
    mr_train_params p = {3, 0.01, 0.1, 500, 42u};
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
    int *catalog_to_model = malloc(sizeof(int) * (size_t)ds->n_movies);
    if (!m->user_ids || !m->movie_ids || !m->U || !m->V || !m->triples || !catalog_to_model) {
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
        m->triples[r].r = ds->ratings[r].rating;
    }
    free(catalog_to_model);

    /* U then V, each 0.1 * standard normal, filled row by row. */
    mr_rng_seed(&m->rng, params->seed);
    for (size_t i = 0; i < (size_t)m->n_users * (size_t)k; i++)
        m->U[i] = 0.1 * mr_rng_gauss(&m->rng);
    for (size_t i = 0; i < (size_t)m->n_movies * (size_t)k; i++)
        m->V[i] = 0.1 * mr_rng_gauss(&m->rng);
    return m;
}

/* ======================================================================== */
/* Training                                                                 */
/* ======================================================================== */

/* Fisher-Yates from the last position down, as numpy's shuffle of a list. */
static void shuffle_triples(mr_triple *t, int n, mr_rng *rng)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)mr_rng_interval(rng, (uint32_t)i);
        mr_triple tmp = t[i];
        t[i] = t[j];
        t[j] = tmp;
    }
}

/* One pass over the triples; returns the sum of squared errors before each
 * step. Scalar reference kernel. */
static double sgd_epoch(double *U, double *V, const mr_triple *t, int n, int k, double lr, double reg)
{
    double total = 0.0;
    for (int i = 0; i < n; i++) {
        double *Uu = U + (size_t)t[i].u * (size_t)k;
        double *Vm = V + (size_t)t[i].m * (size_t)k;

        double pred = 0.0;
        for (int f = 0; f < k; f++)
            pred += Uu[f] * Vm[f];
        double e = t[i].r - pred;

        /* Both gradients use the factors from before this step. */
        double ge = -2.0 * e, gr = 2.0 * reg;
        for (int f = 0; f < k; f++) {
            double u = Uu[f], v = Vm[f];
            double du = ge * v + gr * u;
            double dv = ge * u + gr * v;
            Uu[f] = u - lr * du;
            Vm[f] = v - lr * dv;
        }
        total += e * e;
    }
    return total;
}

mr_status mr_model_train(mr_model *m, int n_epochs, mr_error *err)
{
    if (!m)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "model is NULL");
    if (n_epochs < 0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "epoch count %d is negative", n_epochs);
    if (m->diverged)
        return mr_fail(err, MR_ERR_DIVERGED,
                       "training already diverged at epoch %d; create a new model with a lower learning rate",
                       m->epochs_done);

    if (m->epochs_done + n_epochs > m->rmse_cap) {
        int cap = m->rmse_cap ? m->rmse_cap : 64;
        while (cap < m->epochs_done + n_epochs)
            cap *= 2;
        double *grown = realloc(m->rmse, sizeof(double) * (size_t)cap);
        if (!grown)
            return mr_fail(err, MR_ERR_NO_MEMORY, "out of memory for the RMSE history of %d epochs", cap);
        m->rmse = grown;
        m->rmse_cap = cap;
    }

    const mr_train_params *p = &m->params;
    for (int e = 0; e < n_epochs; e++) {
        shuffle_triples(m->triples, m->n_triples, &m->rng);
        double total = sgd_epoch(m->U, m->V, m->triples, m->n_triples, p->k, p->learning_rate,
                                 p->regularization);
        double rmse = sqrt(total / m->n_triples);
        m->rmse[m->epochs_done++] = rmse;

        if (!isfinite(rmse) || rmse > MR_RMSE_LIMIT) {
            m->diverged = 1;
            return mr_fail(err, MR_ERR_DIVERGED,
                           "training diverged at epoch %d (RMSE %g) with learning rate %g; "
                           "lower the learning rate, for example to %g",
                           m->epochs_done, rmse, p->learning_rate, p->learning_rate / 10.0);
        }
    }
    return MR_OK;
}

/* ======================================================================== */
/* Queries                                                                  */
/* ======================================================================== */

int mr_model_epochs_done(const mr_model *m) { return m ? m->epochs_done : 0; }
const double *mr_model_rmse(const mr_model *m) { return m ? m->rmse : NULL; }
int mr_model_k(const mr_model *m) { return m ? m->params.k : 0; }
int mr_model_n_users(const mr_model *m) { return m ? m->n_users : 0; }
int mr_model_n_movies(const mr_model *m) { return m ? m->n_movies : 0; }
int64_t mr_model_user_id(const mr_model *m, int i) { return m && i >= 0 && i < m->n_users ? m->user_ids[i] : -1; }
int64_t mr_model_movie_id(const mr_model *m, int i) { return m && i >= 0 && i < m->n_movies ? m->movie_ids[i] : -1; }
const double *mr_model_user_factors(const mr_model *m) { return m ? m->U : NULL; }
const double *mr_model_movie_factors(const mr_model *m) { return m ? m->V : NULL; }

int mr_model_find_user(const mr_model *m, int64_t user_id) { return find_id(m->user_ids, m->n_users, user_id); }
int mr_model_find_movie(const mr_model *m, int64_t movie_id) { return find_id(m->movie_ids, m->n_movies, movie_id); }

double mr_model_dot(const mr_model *m, int user, int movie)
{
    int k = m->params.k;
    const double *Uu = m->U + (size_t)user * (size_t)k;
    const double *Vm = m->V + (size_t)movie * (size_t)k;
    double pred = 0.0;
    for (int f = 0; f < k; f++)
        pred += Uu[f] * Vm[f];
    return pred;
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
