/* rank_bench.c: top-N queries over an ml-25m-sized catalog (62,423 movies).
 * The data set has the ml-25m catalog with a tenth of its users and ratings
 * (16,254 users, 2,500,010 ratings, from tools/synth); the model has k = 100
 * and is trained for 1 epoch with the SIMD float kernel. Each query is timed
 * alone:
 *   recommend  mr_recommend for one user, top 10, default alpha
 *   similar    mr_similar_movies for one movie, top 10
 * Options: --users N, --ratings N, --queries N (51), --k N (100). */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define TOP_N 10

static void print_stats(const char *name, double *seconds, int n)
{
    bench_stats s = bench_summarise(seconds, n);
    printf("\"%s\":{\"queries\":%d,\"median_ms\":%.4f,\"min_ms\":%.4f,\"p90_ms\":%.4f}", name, s.n,
           s.median * 1e3, s.min * 1e3, s.p90 * 1e3);
}

int bench_rank(int argc, char **argv)
{
    synth_params p;
    synth_defaults(SYNTH_ML_CSV, &p);
    p.n_users = bench_arg_int(argc, argv, "--users", 16254);
    p.n_ratings = bench_arg_int(argc, argv, "--ratings", 2500010);
    int queries = bench_arg_int(argc, argv, "--queries", 51);
    int k = bench_arg_int(argc, argv, "--k", 100);
    if (queries < 1)
        queries = 1;

    /* Data set and model. */
    char message[256];
    double t0 = bench_now();
    mr_dataset *ds = bench_synth_dataset(&p, message, sizeof message);
    if (!ds) {
        fprintf(stderr, "rank: building the data set failed: %s\n", message);
        return 1;
    }
    double t1 = bench_now();
    mr_train_params tp = mr_train_defaults();
    tp.k = k;
    tp.kernel = MR_KERNEL_SIMD_FLOAT;
    tp.learning_rate = 0.005;
    tp.epochs = 1;
    mr_error err;
    mr_model *m = mr_model_create(ds, &tp, &err);
    if (!m || mr_model_train(m, 1, &err) != MR_OK) {
        fprintf(stderr, "rank: training failed: %s\n", err.message);
        mr_model_destroy(m);
        mr_dataset_destroy(ds);
        return 1;
    }
    double t2 = bench_now();

    double *seconds = malloc(sizeof(double) * (size_t)queries);
    mr_recommendation recs[TOP_N];
    mr_scored_movie similar[TOP_N];
    if (!seconds) {
        mr_model_destroy(m);
        mr_dataset_destroy(ds);
        return 1;
    }
    mr_rank_params rp = mr_rank_defaults();
    rp.top_n = TOP_N;
    int n_users = mr_dataset_n_users(ds), n_movies = mr_dataset_n_movies(ds), n_out = 0, status = 0;

    printf("{\"bench\":\"rank\",\"build\":\"%s\",\"movies\":%d,\"model_movies\":%d,\"users\":%d,"
           "\"ratings\":%d,\"k\":%d,\"build_dataset_s\":%.3f,\"train_1_epoch_s\":%.3f,",
           bench_build_name(), n_movies, mr_model_n_movies(m), n_users, mr_dataset_n_ratings(ds), k,
           t1 - t0, t2 - t1);

    /* Users and movies spread evenly over their indices; one warm-up query each. */
    mr_recommend(ds, m, mr_dataset_user_id(ds, 0), &rp, recs, TOP_N, &n_out, &err);
    for (int q = 0; q < queries; q++) {
        int64_t user = mr_dataset_user_id(ds, (int)((int64_t)q * n_users / queries));
        double start = bench_now();
        status |= mr_recommend(ds, m, user, &rp, recs, TOP_N, &n_out, &err) != MR_OK || n_out != TOP_N;
        seconds[q] = bench_now() - start;
    }
    print_stats("recommend", seconds, queries);
    printf(",");

    mr_similar_movies(ds, mr_dataset_movie_id(ds, 0), TOP_N, similar, &n_out, &err);
    for (int q = 0; q < queries; q++) {
        int64_t movie = mr_dataset_movie_id(ds, (int)((int64_t)q * n_movies / queries));
        double start = bench_now();
        status |= mr_similar_movies(ds, movie, TOP_N, similar, &n_out, &err) != MR_OK;
        seconds[q] = bench_now() - start;
    }
    print_stats("similar", seconds, queries);
    printf(",\"ok\":%s}\n", status ? "false" : "true");
    if (status)
        fprintf(stderr, "rank: a query failed: %s\n", err.message);

    free(seconds);
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
    return status;
}
