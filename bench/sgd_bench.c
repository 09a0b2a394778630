/* sgd_bench.c: SGD throughput of each kernel on a synthetic data set shaped
 * like MovieLens 100K (943 users, 1,682 movies, 80,000 ratings), for k = 3, 32
 * and 100, 20 epochs each. Prints one JSON object per line. The same source
 * runs natively and as WebAssembly in Node. */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "minirec.h"

#define N_USERS 943
#define N_MOVIES 1682
#define N_RATINGS 80000
#define EPOCHS 20

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Builds the synthetic set: users and movies drawn with a long tail (the
 * square of a uniform draw favours low indices), ratings 1-5, no repeats. */
static mr_dataset *make_dataset(void)
{
    mr_dataset *ds = mr_dataset_create();
    mr_rng rng;
    mr_error err;
    mr_rng_seed(&rng, 7);
    for (int m = 1; m <= N_MOVIES; m++)
        mr_dataset_add_movie(ds, m, "", "", &err);

    unsigned char *seen = calloc((size_t)N_USERS * N_MOVIES, 1);
    int added = 0;
    while (added < N_RATINGS) {
        double a = mr_rng_uniform(&rng), b = mr_rng_uniform(&rng);
        int u = (int)(a * a * N_USERS), m = (int)(b * b * N_MOVIES);
        if (seen[(size_t)u * N_MOVIES + m])
            continue;
        seen[(size_t)u * N_MOVIES + m] = 1;
        double r = 1 + (int)(mr_rng_uniform(&rng) * 5);
        mr_dataset_add_rating(ds, u + 1, m + 1, r, &err);
        added++;
    }
    free(seen);
    mr_dataset_finish(ds, &err);
    return ds;
}

int main(int argc, char **argv)
{
    const char *label = argc > 1 ? argv[1] : "native";
    mr_dataset *ds = make_dataset();
    const int ks[] = {3, 32, 100};
    const mr_kernel kernels[] = {MR_KERNEL_EXACT, MR_KERNEL_SCALAR_FLOAT, MR_KERNEL_SIMD_FLOAT};

    for (int ki = 0; ki < 3; ki++) {
        for (int kj = 0; kj < 3; kj++) {
            mr_train_params p = mr_train_defaults();
            p.k = ks[ki];
            p.kernel = kernels[kj];
            p.learning_rate = 0.005;
            p.epochs = EPOCHS;
            mr_error err;
            mr_model *m = mr_model_create(ds, &p, &err);
            mr_model_train(m, 1, &err); /* warm-up epoch, not timed */
            double t0 = now_seconds();
            mr_status s = mr_model_train(m, EPOCHS, &err);
            double dt = now_seconds() - t0;
            printf("{\"build\":\"%s\",\"kernel\":\"%s\",\"k\":%d,\"epochs\":%d,\"seconds\":%.6f,"
                   "\"updates_per_second\":%.0f,\"final_rmse\":%.6f,\"ok\":%s}\n",
                   label, mr_kernel_name(kernels[kj]), p.k, EPOCHS, dt,
                   (double)N_RATINGS * EPOCHS / dt, mr_model_rmse(m)[EPOCHS], s == MR_OK ? "true" : "false");
            mr_model_destroy(m);
        }
    }
    mr_dataset_destroy(ds);
    return 0;
}
