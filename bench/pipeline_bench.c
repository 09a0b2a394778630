/* pipeline_bench.c: one full recompute of the page's pipeline on the
 * built-in data set: create the data set, train 500 epochs with the default
 * parameters, the similarity matrix of all movies, popularity, and the hybrid
 * ranking (default parameters) for every user.
 *
 * Timer resolution in browsers can be 0.1 ms, so runs are timed in batches
 * and each batch's mean is one sample. Options: --batches N (31),
 * --batch-ms N (20: runs per batch are chosen to fill this many ms). */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

#define MAX_MOVIES 64

/* Stage times of one run, in seconds. */
typedef struct pipeline_times {
    double create, train, similarity, popularity, ranking;
} pipeline_times;

/* Runs the pipeline once; returns 0 or 1, and adds stage times to `acc`. */
static int run_pipeline(pipeline_times *acc)
{
    mr_error err;
    double t0 = bench_now();
    mr_dataset *ds = mr_dataset_create_builtin(&err);
    if (!ds)
        return 1;
    double t1 = bench_now();

    mr_train_params tp = mr_train_defaults();
    mr_model *m = mr_model_create(ds, &tp, &err);
    if (!m || mr_model_train(m, tp.epochs, &err) != MR_OK) {
        mr_model_destroy(m);
        mr_dataset_destroy(ds);
        return 1;
    }
    double t2 = bench_now();

    int n_movies = mr_dataset_n_movies(ds);
    int movies[MAX_MOVIES];
    double sim[MAX_MOVIES * MAX_MOVIES];
    if (n_movies > MAX_MOVIES)
        n_movies = MAX_MOVIES;
    for (int i = 0; i < n_movies; i++)
        movies[i] = i;
    mr_similarity_matrix(ds, movies, n_movies, sim, &err);
    double t3 = bench_now();

    mr_popularity pop[MAX_MOVIES];
    int n_pop = 0;
    mr_popularity_rank(ds, 1, pop, MAX_MOVIES, &n_pop, &err);
    double t4 = bench_now();

    mr_rank_params rp = mr_rank_defaults();
    mr_recommendation recs[MAX_MOVIES];
    int status = 0;
    for (int u = 0; u < mr_dataset_n_users(ds); u++) {
        int n_recs = 0;
        if (mr_recommend(ds, m, mr_dataset_user_id(ds, u), &rp, recs, MAX_MOVIES, &n_recs, &err) != MR_OK)
            status = 1;
    }
    double t5 = bench_now();

    mr_model_destroy(m);
    mr_dataset_destroy(ds);
    acc->create += t1 - t0;
    acc->train += t2 - t1;
    acc->similarity += t3 - t2;
    acc->popularity += t4 - t3;
    acc->ranking += t5 - t4;
    return status;
}

int bench_pipeline(int argc, char **argv)
{
    int batches = bench_arg_int(argc, argv, "--batches", 31);
    double batch_seconds = bench_arg_int(argc, argv, "--batch-ms", 20) / 1000.0;
    if (batches < 1 || batches > 1000)
        batches = 31;
    pipeline_times acc = {0};

    /* Warm-up, and the number of runs that fills one batch. */
    int per_batch = 1;
    for (;;) {
        double t0 = bench_now();
        for (int i = 0; i < per_batch; i++)
            if (run_pipeline(&acc) != 0) {
                fprintf(stderr, "pipeline: a run failed\n");
                return 1;
            }
        if (bench_now() - t0 >= batch_seconds || per_batch >= 1 << 20)
            break;
        per_batch *= 2;
    }

    double *samples = malloc(sizeof(double) * (size_t)batches);
    if (!samples)
        return 1;
    pipeline_times stages = {0};
    for (int b = 0; b < batches; b++) {
        double t0 = bench_now();
        for (int i = 0; i < per_batch; i++)
            run_pipeline(&stages);
        samples[b] = (bench_now() - t0) / per_batch;
    }
    bench_stats s = bench_summarise(samples, batches);
    double runs = (double)batches * per_batch;
    printf("{\"bench\":\"pipeline\",\"build\":\"%s\",\"batches\":%d,\"runs_per_batch\":%d,"
           "\"median_ms\":%.4f,\"min_ms\":%.4f,\"p90_ms\":%.4f,"
           "\"mean_stage_ms\":{\"create\":%.4f,\"train\":%.4f,\"similarity\":%.4f,"
           "\"popularity\":%.4f,\"ranking\":%.4f}}\n",
           bench_build_name(), batches, per_batch, s.median * 1e3, s.min * 1e3, s.p90 * 1e3,
           stages.create / runs * 1e3, stages.train / runs * 1e3, stages.similarity / runs * 1e3,
           stages.popularity / runs * 1e3, stages.ranking / runs * 1e3);
    free(samples);
    return 0;
}
