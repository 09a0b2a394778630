/* sgd_bench.c: SGD training throughput (rating updates per second) of each
 * kernel on a synthetic data set shaped like MovieLens 100K (943 users, 1,682
 * movies, 80,000 ratings), for k = 3, 32 and 100.
 *
 *   mode "kernel"  the epoch kernel alone (src/sgd_kernels.c) on triples
 *                  shuffled once: what the SIMD comparisons are about
 *   mode "train"   mr_model_train from a fresh model: kernel plus the shuffle
 *                  of every epoch and the copy of float factors back to double
 *
 * Both modes warm up for 0.3 s first, then time `repeats` runs. The rate
 * comes from the fastest run, since other work on the machine only ever slows
 * a run down; the median time is printed too. Options: --epochs N (20),
 * --repeats N (5), --ks 3,32,100.
 * Learning rate 0.01, regularization 0.1 (the workshop settings), seed 42. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "../src/sgd_kernels.h"

#define N_USERS 943
#define N_MOVIES 1682
#define N_RATINGS 80000
#define LEARNING_RATE 0.01
#define REGULARIZATION 0.1
/* Minimum warm-up before timing; V8 compiles hot WebAssembly functions with
 * its optimizing tier only after they have run a while. */
#define WARM_UP_SECONDS 0.3

static const char *const KERNEL_KEYS[] = {"auto", "exact", "scalar_float", "simd_float"};

/* The kernels are called through pointers read from volatile variables, so
 * neither clang nor Binaryen can inline them into the timing loop. In
 * WebAssembly an inlined kernel would run inside bench_sgd, which is called
 * once, and V8 uses its optimized code for a function only from the next call
 * on, so the kernel would be timed in V8's baseline tier. */
typedef double (*exact_epoch_fn)(double *, double *, const mr_triple *, int, int, double, double);
typedef double (*float_epoch_fn)(float *, float *, const mr_triple *, int, int, float, float);
static exact_epoch_fn volatile exact_epoch = mr_sgd_epoch_exact;
static float_epoch_fn volatile scalar_float_epoch = mr_sgd_epoch_scalar_float;
static float_epoch_fn volatile simd_float_epoch = mr_sgd_epoch_simd_float;

/* The data set's ratings as kernel triples (user row, movie row, rating),
 * from the same generator and seed as the data set itself. */
static mr_triple *make_triples(const synth_params *p, int *n_out)
{
    char message[256];
    synth_generator *g = synth_create(p, message, sizeof message);
    mr_triple *t = g ? malloc(sizeof(mr_triple) * (size_t)p->n_ratings) : NULL;
    if (!t) {
        synth_destroy(g);
        return NULL;
    }
    int n = 0, count;
    const synth_rating *rows;
    while ((count = synth_next_user(g, &rows)) > 0) {
        for (int i = 0; i < count; i++) {
            t[n].u = rows[i].user_id - 1;
            t[n].m = rows[i].movie_index;
            t[n].r = rows[i].rating;
            n++;
        }
    }
    synth_destroy(g);

    /* One shuffle, so rows are visited in random order as in training. */
    mr_rng rng;
    mr_rng_seed(&rng, 42);
    for (int i = n - 1; i > 0; i--) {
        int j = (int)mr_rng_interval(&rng, (uint32_t)i);
        mr_triple tmp = t[i];
        t[i] = t[j];
        t[j] = tmp;
    }
    *n_out = n;
    return t;
}

/* Times `epochs` kernel epochs after a warm-up, `repeats` times, and prints
 * the fastest and the median. Factors start at 0.1 * standard normal. */
static int time_kernel(mr_kernel kernel, int k, const mr_triple *t, int n, int epochs, int repeats)
{
    int kp = kernel == MR_KERNEL_EXACT ? k : (k + 3) / 4 * 4;
    size_t nu = (size_t)N_USERS * (size_t)kp, nm = (size_t)N_MOVIES * (size_t)kp;
    double *Ud = NULL, *Vd = NULL;
    float *Uf = NULL, *Vf = NULL;
    mr_rng rng;
    mr_rng_seed(&rng, 42);
    if (kernel == MR_KERNEL_EXACT) {
        Ud = malloc(sizeof(double) * nu);
        Vd = malloc(sizeof(double) * nm);
        if (!Ud || !Vd)
            goto out_of_memory;
        for (size_t i = 0; i < nu; i++)
            Ud[i] = 0.1 * mr_rng_gauss(&rng);
        for (size_t i = 0; i < nm; i++)
            Vd[i] = 0.1 * mr_rng_gauss(&rng);
    } else {
        /* Padding columns stay 0, as in the model. */
        Uf = calloc(nu, sizeof(float));
        Vf = calloc(nm, sizeof(float));
        if (!Uf || !Vf)
            goto out_of_memory;
        for (size_t i = 0; i < nu; i++)
            Uf[i] = (i % (size_t)kp) < (size_t)k ? (float)(0.1 * mr_rng_gauss(&rng)) : 0.0f;
        for (size_t i = 0; i < nm; i++)
            Vf[i] = (i % (size_t)kp) < (size_t)k ? (float)(0.1 * mr_rng_gauss(&rng)) : 0.0f;
    }

    double seconds[16], total = 0.0;
    if (repeats > 16)
        repeats = 16;
    float lr = (float)LEARNING_RATE, reg = (float)REGULARIZATION;
    for (int rep = -1; rep < repeats; rep++) {
        /* Repeat -1 is the warm-up: at least WARM_UP_SECONDS of epochs, so
         * WebAssembly engines have moved the kernel to their optimizing tier. */
        double t0 = bench_now();
        for (int e = 0; rep < 0 ? (e < 2 || bench_now() - t0 < WARM_UP_SECONDS) : e < epochs; e++) {
            if (kernel == MR_KERNEL_EXACT)
                total = exact_epoch(Ud, Vd, t, n, k, LEARNING_RATE, REGULARIZATION);
            else if (kernel == MR_KERNEL_SCALAR_FLOAT)
                total = scalar_float_epoch(Uf, Vf, t, n, kp, lr, reg);
            else
                total = simd_float_epoch(Uf, Vf, t, n, kp, lr, reg);
        }
        if (rep >= 0)
            seconds[rep] = bench_now() - t0;
    }
    bench_stats s = bench_summarise(seconds, repeats);
    printf("{\"bench\":\"sgd\",\"build\":\"%s\",\"mode\":\"kernel\",\"kernel\":\"%s\",\"k\":%d,"
           "\"epochs\":%d,\"ratings\":%d,\"repeats\":%d,\"seconds\":%.6f,\"median_seconds\":%.6f,"
           "\"updates_per_second\":%.0f,\"finite\":%s}\n",
           bench_build_name(), KERNEL_KEYS[kernel], k, epochs, n, repeats, s.min, s.median,
           (double)n * epochs / s.min, isfinite(total) ? "true" : "false");
    free(Ud);
    free(Vd);
    free(Uf);
    free(Vf);
    return 0;

out_of_memory:
    fprintf(stderr, "sgd: out of memory for factors with k = %d\n", k);
    free(Ud);
    free(Vd);
    free(Uf);
    free(Vf);
    return 1;
}

/* Trains a fresh model for `epochs` epochs in one mr_model_train call,
 * `repeats` times after a warm-up, and prints the fastest and the median. */
static int time_train(const mr_dataset *ds, mr_kernel kernel, int k, int epochs, int repeats)
{
    mr_train_params p = mr_train_defaults();
    p.k = k;
    p.kernel = kernel;
    p.learning_rate = LEARNING_RATE;
    p.regularization = REGULARIZATION;
    p.epochs = epochs;
    mr_error err;
    double seconds[16], rmse = 0.0;
    if (repeats > 16)
        repeats = 16;

    for (int rep = -1; rep < repeats; rep++) {
        mr_model *m = mr_model_create(ds, &p, &err);
        if (!m) {
            fprintf(stderr, "sgd: model creation failed: %s\n", err.message);
            return 1;
        }
        double t0 = bench_now();
        mr_status s = MR_OK;
        if (rep < 0) {
            /* Warm-up on a throwaway model. */
            while (s == MR_OK && (mr_model_epochs_done(m) < 2 || bench_now() - t0 < WARM_UP_SECONDS))
                s = mr_model_train(m, 1, &err);
        } else {
            s = mr_model_train(m, epochs, &err);
            seconds[rep] = bench_now() - t0;
            rmse = mr_model_rmse(m)[epochs - 1];
        }
        mr_model_destroy(m);
        if (s != MR_OK) {
            fprintf(stderr, "sgd: training failed: %s\n", err.message);
            return 1;
        }
    }

    bench_stats s = bench_summarise(seconds, repeats);
    int n = mr_dataset_n_ratings(ds);
    printf("{\"bench\":\"sgd\",\"build\":\"%s\",\"mode\":\"train\",\"kernel\":\"%s\",\"k\":%d,"
           "\"epochs\":%d,\"ratings\":%d,\"repeats\":%d,\"seconds\":%.6f,\"median_seconds\":%.6f,"
           "\"updates_per_second\":%.0f,\"last_epoch_rmse\":%.6f}\n",
           bench_build_name(), KERNEL_KEYS[kernel], k, epochs, n, repeats, s.min, s.median,
           (double)n * epochs / s.min, rmse);
    return 0;
}

int bench_sgd(int argc, char **argv)
{
    int epochs = bench_arg_int(argc, argv, "--epochs", 20);
    int repeats = bench_arg_int(argc, argv, "--repeats", 5);
    const char *ks_text = bench_arg_str(argc, argv, "--ks", "3,32,100");

    synth_params p;
    synth_defaults(SYNTH_ML_100K, &p);
    p.n_users = N_USERS;
    p.n_movies = N_MOVIES;
    p.n_ratings = N_RATINGS;
    char message[256];
    mr_dataset *ds = bench_synth_dataset(&p, message, sizeof message);
    int n = 0;
    mr_triple *t = make_triples(&p, &n);
    if (!ds || !t) {
        fprintf(stderr, "sgd: building the data set failed: %s\n", ds ? "out of memory" : message);
        mr_dataset_destroy(ds);
        free(t);
        return 1;
    }

    const mr_kernel kernels[] = {MR_KERNEL_EXACT, MR_KERNEL_SCALAR_FLOAT, MR_KERNEL_SIMD_FLOAT};
    int status = 0;
    for (const char *c = ks_text; *c;) {
        int k = atoi(c);
        for (int i = 0; i < 3; i++)
            status |= time_kernel(kernels[i], k, t, n, epochs, repeats);
        for (int i = 0; i < 3; i++)
            status |= time_train(ds, kernels[i], k, epochs, repeats);
        fflush(stdout);
        while (*c && *c != ',')
            c++;
        if (*c == ',')
            c++;
    }
    free(t);
    mr_dataset_destroy(ds);
    return status;
}
