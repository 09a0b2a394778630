/* test_core.c: compares the library on the built-in data set with the numpy
 * reference fixtures tests/fixtures/rng.json and builtin.json: generator
 * streams, data set, popularity, genres, similarity, training, predictions and
 * hybrid rankings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "json.h"
#include "minirec.h"

#ifndef MINIREC_FIXTURE_DIR
#error "define MINIREC_FIXTURE_DIR as the path of tests/fixtures"
#endif

static json_value *rng_fixture, *builtin_fixture;
static mr_dataset *builtin;
static mr_model *model_500; /* trained for 500 epochs in one call */

enum {
    STAT_RNG,
    STAT_POPULARITY,
    STAT_SIMILARITY,
    STAT_RMSE,
    STAT_FACTORS,
    STAT_PREDICTIONS,
    STAT_CF,
    STAT_CONTENT,
    STAT_SCORE,
    N_STATS
};
static difference_stat stats[N_STATS] = {
    {"rng uniform and gauss", 0, 0}, {"popularity means", 0, 0}, {"similarity", 0, 0},
    {"training RMSE", 0, 0},        {"U and V", 0, 0},          {"predictions", 0, 0},
    {"hybrid cf_score", 0, 0},      {"hybrid content_score", 0, 0}, {"hybrid score", 0, 0},
};

static const double hybrid_alphas[] = {0.7, 0.5, 0.0, 1.0};
static const char *const hybrid_alpha_keys[] = {"0.7", "0.5", "0.0", "1.0"};
#define N_ALPHAS 4

/* ======================================================================== */
/* Helpers                                                                  */
/* ======================================================================== */

static int fixture_int(const json_value *v, const char *what) { return (int)json_number(v, what); }

/* Fisher-Yates from the last index down, as numpy's RandomState.shuffle. */
static void shuffle_ints(int *items, int n, mr_rng *rng)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)mr_rng_interval(rng, (uint32_t)i);
        int tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
    }
}

static int catalog_index(int64_t movie_id)
{
    int index = mr_dataset_movie_index(builtin, movie_id);
    if (index < 0)
        FAIL("movie %lld is missing from the built-in catalog", (long long)movie_id);
    return index;
}

/* ======================================================================== */
/* Random numbers                                                           */
/* ======================================================================== */

static void rng_seed_matches_init_genrand(void)
{
    const json_value *first4 = json_require(rng_fixture, "key_first4");
    mr_rng rng;
    mr_rng_seed(&rng, (uint32_t)json_number(json_require(rng_fixture, "seed"), "seed"));
    for (int i = 0; i < 4; i++)
        CHECK_INT(rng.state[i], json_number(json_item(first4, i), "key"), "state[%d] after seeding", i);
    CHECK_INT(rng.state[623], json_number(json_require(rng_fixture, "key_last"), "key_last"),
              "state[623] after seeding");
    CHECK_INT(rng.pos, 624, "position after seeding");
}

static void rng_raw_words_match_numpy(void)
{
    const json_value *words = json_require_array(json_require(rng_fixture, "raw_uint32"), "raw_uint32");
    mr_rng rng;
    mr_rng_seed(&rng, 42);
    for (int i = 0; i < words->n; i++)
        CHECK_INT(mr_rng_next_u32(&rng), json_number(json_item(words, i), "word"), "raw word %d", i);
}

static void rng_uniform_matches_random_sample(void)
{
    const json_value *values = json_require_array(json_require(rng_fixture, "random_sample"), "random_sample");
    mr_rng rng;
    mr_rng_seed(&rng, 42);
    for (int i = 0; i < values->n; i++)
        CHECK_NEAR(&stats[STAT_RNG], mr_rng_uniform(&rng), json_number(json_item(values, i), "sample"),
                   "uniform draw %d", i);
}

static void rng_gauss_matches_randn(void)
{
    const json_value *values = json_require_array(json_require(rng_fixture, "randn"), "randn");
    mr_rng rng;
    mr_rng_seed(&rng, 42);
    for (int i = 0; i < values->n; i++)
        CHECK_NEAR(&stats[STAT_RNG], mr_rng_gauss(&rng), json_number(json_item(values, i), "randn"),
                   "gauss draw %d", i);
}

static void rng_shuffle_successive_permutations(void)
{
    const json_value *perms = json_require_array(json_require(rng_fixture, "shuffle_range15_successive"),
                                                 "shuffle_range15_successive");
    int items[15];
    for (int i = 0; i < 15; i++)
        items[i] = i;
    mr_rng rng;
    mr_rng_seed(&rng, 42);
    for (int s = 0; s < perms->n; s++) {
        shuffle_ints(items, 15, &rng);
        const json_value *expected = json_item(perms, s);
        for (int i = 0; i < 15; i++)
            CHECK_INT(items[i], json_number(json_item(expected, i), "item"), "shuffle %d position %d", s + 1, i);
    }
}

static void rng_init_draws_then_first_shuffle(void)
{
    const json_value *draws = json_require_array(json_require(rng_fixture, "randn_5x3_then_7x3"), "randn_5x3_then_7x3");
    const json_value *order = json_require(rng_fixture, "shuffle_range15_after_init");
    mr_rng rng;
    mr_rng_seed(&rng, 42);
    for (int i = 0; i < draws->n; i++)
        CHECK_NEAR(&stats[STAT_RNG], mr_rng_gauss(&rng), json_number(json_item(draws, i), "draw"),
                   "initial draw %d", i);

    int items[15];
    for (int i = 0; i < 15; i++)
        items[i] = i;
    shuffle_ints(items, 15, &rng);
    for (int i = 0; i < 15; i++)
        CHECK_INT(items[i], json_number(json_item(order, i), "item"), "first epoch order position %d", i);
}

/* ======================================================================== */
/* Built-in data set                                                        */
/* ======================================================================== */

static void builtin_counts_and_ids(void)
{
    const json_value *movies = json_require_array(json_require(builtin_fixture, "movies"), "movies");
    const json_value *ratings = json_require_array(json_require(builtin_fixture, "ratings"), "ratings");
    const json_value *users = json_require(json_require(builtin_fixture, "user_item"), "user_ids");

    CHECK_INT(mr_dataset_n_movies(builtin), movies->n, "movie count");
    CHECK_INT(mr_dataset_n_ratings(builtin), ratings->n, "rating count");
    if (CHECK_INT(mr_dataset_n_users(builtin), users->n, "user count")) {
        for (int u = 0; u < users->n; u++) {
            int64_t id = fixture_int(json_item(users, u), "user id");
            CHECK_INT(mr_dataset_user_id(builtin, u), id, "user id at index %d", u);
            CHECK_INT(mr_dataset_user_index(builtin, id), u, "index of user %lld", (long long)id);
        }
    }
    for (int i = 0; i < movies->n && i < mr_dataset_n_movies(builtin); i++) {
        int64_t id = fixture_int(json_require(json_item(movies, i), "movie_id"), "movie_id");
        CHECK_INT(mr_dataset_movie_id(builtin, i), id, "movie id at catalog index %d", i);
        CHECK_INT(mr_dataset_movie_index(builtin, id), i, "catalog index of movie %lld", (long long)id);
    }
    CHECK_INT(mr_dataset_movie_index(builtin, 999), -1, "catalog index of absent movie 999");
    CHECK_INT(mr_dataset_user_index(builtin, 999), -1, "index of absent user 999");
    CHECK_SAME(mr_dataset_rating_max(builtin), 5.0, "rating scale maximum");
    CHECK_SAME(mr_dataset_rating_min(builtin), 3.0, "lowest rating");
}

static void builtin_titles_and_report(void)
{
    const json_value *movies = json_require(builtin_fixture, "movies");
    for (int i = 0; i < movies->n; i++) {
        const char *title = json_string(json_require(json_item(movies, i), "title"), "title");
        CHECK_STR(mr_dataset_movie_title(builtin, i), title, "title at catalog index %d", i);
    }
    mr_load_report report = mr_dataset_report(builtin);
    CHECK_INT(report.n_duplicates, 0, "duplicates in the built-in set");
    CHECK_INT(report.n_movies_from_ratings, 0, "movies added from ratings in the built-in set");
    CHECK_INT(report.n_lines, 0, "lines read for the built-in set");
}

static void builtin_user_item_matrix(void)
{
    const json_value *matrix = json_require(builtin_fixture, "user_item");
    const json_value *users = json_require(matrix, "user_ids");
    const json_value *movies = json_require(matrix, "movie_ids");
    const json_value *values = json_require(matrix, "values");

    for (int u = 0; u < users->n; u++) {
        int64_t user_id = fixture_int(json_item(users, u), "user id");
        int user = mr_dataset_user_index(builtin, user_id);
        const json_value *row = json_item(values, u);
        int rated = 0;
        for (int m = 0; m < movies->n; m++) {
            int64_t movie_id = fixture_int(json_item(movies, m), "movie id");
            const json_value *cell = json_item(row, m);
            double rating = -1.0;
            int found = mr_dataset_rating(builtin, user, catalog_index(movie_id), &rating);
            if (cell->type == JSON_NULL) {
                CHECK_INT(found, 0, "user %lld has no rating for movie %lld", (long long)user_id, (long long)movie_id);
            } else {
                rated++;
                if (CHECK_INT(found, 1, "user %lld rated movie %lld", (long long)user_id, (long long)movie_id))
                    CHECK_SAME(rating, json_number(cell, "rating"), "rating of user %lld for movie %lld",
                               (long long)user_id, (long long)movie_id);
            }
        }
        CHECK_INT(mr_dataset_user_n_ratings(builtin, user), rated, "rating count of user %lld", (long long)user_id);
        CHECK_INT(mr_dataset_rating(builtin, user, catalog_index(2), NULL), 0,
                  "user %lld has no rating for movie 2", (long long)user_id);
    }
}

/* ======================================================================== */
/* Popularity                                                               */
/* ======================================================================== */

static void popularity_builtin_order_means_counts(void)
{
    const json_value *rows = json_require(builtin_fixture, "popularity");
    mr_popularity out[16];
    int n = -1;
    mr_error err;
    if (!CHECK_STATUS(mr_popularity_rank(builtin, 1, out, 16, &n, &err), MR_OK, &err, "popularity rank"))
        return;
    if (!CHECK_INT(n, rows->n, "popularity row count"))
        return;
    for (int i = 0; i < n; i++) {
        const json_value *row = json_item(rows, i);
        CHECK_INT(mr_dataset_movie_id(builtin, out[i].movie_index),
                  json_number(json_require(row, "movie_id"), "movie_id"), "popularity row %d movie id", i);
        CHECK_NEAR(&stats[STAT_POPULARITY], out[i].mean, json_number(json_require(row, "mean"), "mean"),
                   "popularity row %d mean", i);
        CHECK_INT(out[i].count, json_number(json_require(row, "count"), "count"), "popularity row %d count", i);
    }
}

static void popularity_min_count_and_capacity(void)
{
    const json_value *rows = json_require(builtin_fixture, "popularity");
    mr_popularity out[16];
    int n = -1;
    mr_error err;

    /* min_count 3 keeps the fixture rows with at least 3 ratings, in order. */
    CHECK_STATUS(mr_popularity_rank(builtin, 3, out, 16, &n, &err), MR_OK, &err, "popularity with min_count 3");
    int n_expected = 0;
    for (int i = 0; i < rows->n; i++) {
        const json_value *row = json_item(rows, i);
        if (json_number(json_require(row, "count"), "count") < 3)
            continue;
        if (n_expected < n)
            CHECK_INT(mr_dataset_movie_id(builtin, out[n_expected].movie_index),
                      json_number(json_require(row, "movie_id"), "movie_id"), "min_count 3 row %d movie id",
                      n_expected);
        n_expected++;
    }
    CHECK_INT(n, n_expected, "row count with min_count 3");

    CHECK_STATUS(mr_popularity_rank(builtin, 0, out, 16, &n, &err), MR_OK, &err, "popularity with min_count 0");
    CHECK_INT(n, rows->n, "min_count 0 counts as 1");

    CHECK_STATUS(mr_popularity_rank(builtin, 1, out, 2, &n, &err), MR_OK, &err, "popularity with capacity 2");
    if (CHECK_INT(n, 2, "rows written with capacity 2"))
        for (int i = 0; i < 2; i++)
            CHECK_INT(mr_dataset_movie_id(builtin, out[i].movie_index),
                      json_number(json_require(json_item(rows, i), "movie_id"), "movie_id"),
                      "capacity 2 row %d movie id", i);
}

/* ======================================================================== */
/* Genres and similarity                                                    */
/* ======================================================================== */

static void genres_builtin_vocabulary(void)
{
    const json_value *genres = json_require(builtin_fixture, "genres");
    if (!CHECK_INT(mr_dataset_n_genres(builtin), genres->n, "genre count"))
        return;
    for (int g = 0; g < genres->n; g++)
        CHECK_STR(mr_dataset_genre_name(builtin, g), json_string(json_item(genres, g), "genre"), "genre %d", g);
}

static void genres_builtin_one_hot(void)
{
    const json_value *one_hot = json_require(builtin_fixture, "one_hot");
    for (int m = 0; m < one_hot->n; m++) {
        const json_value *row = json_item(one_hot, m);
        int n = -1;
        const int *genres = mr_dataset_movie_genres(builtin, m, &n);
        int actual[64] = {0};
        for (int j = 0; j < n; j++) {
            if (CHECK(genres[j] >= 0 && genres[j] < 64, "movie index %d genre %d = %d is a valid index", m, j, genres[j]))
                actual[genres[j]] = 1;
            if (j > 0)
                CHECK(genres[j - 1] < genres[j], "movie index %d genres ascending: %d then %d", m, genres[j - 1], genres[j]);
        }
        for (int g = 0; g < row->n; g++)
            CHECK_INT(actual[g], json_number(json_item(row, g), "one-hot"), "one-hot movie index %d genre %d", m, g);
    }
}

static void similarity_builtin_matrix(void)
{
    const json_value *matrix = json_require(builtin_fixture, "similarity");
    int n = matrix->n;
    int movies[16];
    double out[16 * 16];
    mr_error err;
    for (int i = 0; i < n; i++)
        movies[i] = i;
    if (!CHECK_STATUS(mr_similarity_matrix(builtin, movies, n, out, &err), MR_OK, &err, "similarity matrix"))
        return;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double expected = json_number(json_item(json_item(matrix, i), j), "similarity");
            CHECK_NEAR(&stats[STAT_SIMILARITY], out[i * n + j], expected, "matrix similarity (%d, %d)", i, j);
            CHECK_NEAR(&stats[STAT_SIMILARITY], mr_similarity(builtin, i, j), expected, "mr_similarity(%d, %d)", i, j);
        }
    }
}

static void check_similar_lists(const char *key, int top_n)
{
    const json_value *lists = json_require(builtin_fixture, key);
    for (int m = 0; m < mr_dataset_n_movies(builtin); m++) {
        int64_t movie_id = mr_dataset_movie_id(builtin, m);
        char id_text[24];
        snprintf(id_text, sizeof id_text, "%lld", (long long)movie_id);
        const json_value *expected = json_require(lists, id_text);

        mr_scored_movie out[16];
        int n = -1;
        mr_error err;
        if (!CHECK_STATUS(mr_similar_movies(builtin, movie_id, top_n, out, &n, &err), MR_OK, &err,
                          "similar to movie %lld", (long long)movie_id))
            continue;
        if (!CHECK_INT(n, expected->n, "similar count for movie %lld top %d", (long long)movie_id, top_n))
            continue;
        for (int i = 0; i < n; i++) {
            const json_value *row = json_item(expected, i);
            CHECK_INT(mr_dataset_movie_id(builtin, out[i].movie_index),
                      json_number(json_require(row, "movie_id"), "movie_id"),
                      "movie %lld top %d position %d movie id", (long long)movie_id, top_n, i);
            CHECK_NEAR(&stats[STAT_SIMILARITY], out[i].score, json_number(json_require(row, "similarity"), "similarity"),
                       "movie %lld top %d position %d similarity", (long long)movie_id, top_n, i);
        }
    }
}

static void similar_builtin_top3_every_movie(void) { check_similar_lists("similar_top3", 3); }
static void similar_builtin_top7_every_movie(void) { check_similar_lists("similar_top7", 7); }

/* ======================================================================== */
/* Training                                                                 */
/* ======================================================================== */

static void train_builtin_rmse_every_epoch(void)
{
    const json_value *rmse = json_require(json_require(builtin_fixture, "train"), "rmse");
    if (!CHECK_INT(mr_model_epochs_done(model_500), rmse->n, "epochs done"))
        return;
    const double *actual = mr_model_rmse(model_500);
    for (int e = 0; e < rmse->n; e++)
        CHECK_NEAR(&stats[STAT_RMSE], actual[e], json_number(json_item(rmse, e), "rmse"), "RMSE of epoch %d", e + 1);
}

/* Compares a (rows, k) factor matrix with a fixture list of rows. */
static void check_factors(const double *actual, const json_value *expected, int k, const char *name)
{
    for (int i = 0; i < expected->n; i++) {
        const json_value *row = json_item(expected, i);
        for (int f = 0; f < k; f++)
            CHECK_NEAR(&stats[STAT_FACTORS], actual[i * k + f], json_number(json_item(row, f), "factor"),
                       "%s[%d][%d]", name, i, f);
    }
}

static void train_builtin_ids_and_factors(void)
{
    const json_value *train = json_require(builtin_fixture, "train");
    const json_value *user_ids = json_require(train, "user_ids");
    const json_value *movie_ids = json_require(train, "movie_ids");
    int k = fixture_int(json_require(json_require(train, "params"), "k"), "k");

    CHECK_INT(mr_model_k(model_500), k, "model k");
    int users_ok = CHECK_INT(mr_model_n_users(model_500), user_ids->n, "model user count");
    int movies_ok = CHECK_INT(mr_model_n_movies(model_500), movie_ids->n, "model movie count");
    if (!users_ok || !movies_ok)
        return;
    for (int u = 0; u < user_ids->n; u++)
        CHECK_INT(mr_model_user_id(model_500, u), json_number(json_item(user_ids, u), "user id"), "model user %d id", u);
    for (int m = 0; m < movie_ids->n; m++)
        CHECK_INT(mr_model_movie_id(model_500, m), json_number(json_item(movie_ids, m), "movie id"), "model movie %d id", m);
    check_factors(mr_model_user_factors(model_500), json_require(train, "U"), k, "U");
    check_factors(mr_model_movie_factors(model_500), json_require(train, "V"), k, "V");
}

static void train_in_steps_matches_single_run(void)
{
    mr_train_params params = mr_train_defaults();
    mr_error err;
    mr_model *stepped = mr_model_create(builtin, &params, &err);
    if (!CHECK(stepped != NULL, "create model: %s", err.message))
        return;

    static const int steps[] = {1, 99, 400};
    int done = 0;
    for (int s = 0; s < 3; s++) {
        CHECK_STATUS(mr_model_train(stepped, steps[s], &err), MR_OK, &err, "train %d epochs", steps[s]);
        done += steps[s];
        CHECK_INT(mr_model_epochs_done(stepped), done, "epochs done after step %d", s + 1);
    }
    CHECK_STATUS(mr_model_train(stepped, 0, &err), MR_OK, &err, "train 0 epochs");
    CHECK_INT(mr_model_epochs_done(stepped), 500, "epochs done after a 0-epoch call");

    const double *a = mr_model_rmse(stepped), *b = mr_model_rmse(model_500);
    for (int e = 0; e < 500; e++)
        CHECK_SAME(a[e], b[e], "RMSE of epoch %d, 1 + 99 + 400 against 500 at once", e + 1);
    int k = mr_model_k(stepped);
    for (int i = 0; i < mr_model_n_users(stepped) * k; i++)
        CHECK_SAME(mr_model_user_factors(stepped)[i], mr_model_user_factors(model_500)[i], "U value %d", i);
    for (int i = 0; i < mr_model_n_movies(stepped) * k; i++)
        CHECK_SAME(mr_model_movie_factors(stepped)[i], mr_model_movie_factors(model_500)[i], "V value %d", i);
    mr_model_destroy(stepped);
}

/* Slices of 7 units cut the 29-unit epochs at every possible offset. */
static void train_by_rating_steps_matches_epochs(void)
{
    mr_train_params params = mr_train_defaults();
    mr_error err;
    mr_model *stepped = mr_model_create(builtin, &params, &err);
    if (!CHECK(stepped != NULL, "create model: %s", err.message))
        return;

    /* An epoch is 14 shuffle swaps, then 15 SGD steps. */
    int n = mr_model_n_ratings(stepped);
    CHECK_INT(n, 15, "training ratings per epoch");
    long per_epoch = 2L * n - 1, total = 500L * per_epoch, done = 0;
    while (done < total) {
        long step = total - done < 7 ? total - done : 7;
        if (!CHECK_STATUS(mr_model_train_steps(stepped, step, &err), MR_OK, &err, "train %ld units", step))
            break;
        done += step;
        long in_epoch = done % per_epoch;
        int sgd_steps = in_epoch < n - 1 ? 0 : (int)(in_epoch - (n - 1));
        CHECK_INT(mr_model_epoch_step(stepped), sgd_steps, "SGD steps into the epoch after %ld units", done);
        CHECK_INT(mr_model_epochs_done(stepped), (int)(done / per_epoch), "epochs done after %ld units", done);
    }

    const double *a = mr_model_rmse(stepped), *b = mr_model_rmse(model_500);
    for (int e = 0; e < 500; e++)
        CHECK_SAME(a[e], b[e], "RMSE of epoch %d, slices of 7 units against whole epochs", e + 1);
    int k = mr_model_k(stepped);
    for (int i = 0; i < mr_model_n_users(stepped) * k; i++)
        CHECK_SAME(mr_model_user_factors(stepped)[i], mr_model_user_factors(model_500)[i], "U value %d", i);
    for (int i = 0; i < mr_model_n_movies(stepped) * k; i++)
        CHECK_SAME(mr_model_movie_factors(stepped)[i], mr_model_movie_factors(model_500)[i], "V value %d", i);
    CHECK_STATUS(mr_model_train_steps(stepped, -1, &err), MR_ERR_INVALID_ARGUMENT, &err, "negative step count");
    mr_model_destroy(stepped);
}

/* Trains 3 epochs on 5,000 ratings (100 users x 50 movies) with the exact
 * kernel and compares with a plain rerun. The rerun draws U and V as
 * 0.1 * Gaussian, shuffles each epoch with partners drawn one at a time by
 * mr_rng_interval, then runs the SGD step of the header. The shuffle crosses
 * many generator blocks and masks up to 8191, so every draw path runs. The
 * results must agree bit for bit. */
static void train_shuffle_matches_interval_draws(void)
{
    enum { USERS = 100, MOVIES = 50, N = USERS * MOVIES, K = 3, EPOCHS = 3 };
    mr_error err;
    mr_dataset *ds = mr_dataset_create();
    if (!CHECK(ds != NULL, "create data set"))
        return;
    static int tu[N], tm[N];
    static double tr[N];
    for (int i = 0; i < N; i++) {
        tu[i] = i / MOVIES;
        tm[i] = i % MOVIES;
        tr[i] = 1 + (tu[i] * 31 + tm[i] * 17) % 5;
        mr_dataset_add_rating(ds, tu[i] + 1, tm[i] + 1, tr[i], &err);
    }
    mr_train_params params = mr_train_defaults();
    params.kernel = MR_KERNEL_EXACT;
    mr_model *m = NULL;
    if (CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish"))
        m = mr_model_create(ds, &params, &err);
    if (!CHECK(m != NULL, "create model: %s", err.message)) {
        mr_dataset_destroy(ds);
        return;
    }
    CHECK_STATUS(mr_model_train(m, EPOCHS, &err), MR_OK, &err, "train %d epochs", EPOCHS);

    mr_rng rng;
    mr_rng_seed(&rng, params.seed);
    static double U[USERS * K], V[MOVIES * K];
    for (int i = 0; i < USERS * K; i++)
        U[i] = 0.1 * mr_rng_gauss(&rng);
    for (int i = 0; i < MOVIES * K; i++)
        V[i] = 0.1 * mr_rng_gauss(&rng);
    double lr = params.learning_rate, reg = params.regularization;
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
        for (int i = N - 1; i > 0; i--) {
            int j = (int)mr_rng_interval(&rng, (uint32_t)i);
            int u = tu[i], mv = tm[i];
            double r = tr[i];
            tu[i] = tu[j], tm[i] = tm[j], tr[i] = tr[j];
            tu[j] = u, tm[j] = mv, tr[j] = r;
        }
        double total = 0.0;
        for (int i = 0; i < N; i++) {
            double *Uu = U + tu[i] * K, *Vm = V + tm[i] * K;
            double pred = 0.0;
            for (int f = 0; f < K; f++)
                pred += Uu[f] * Vm[f];
            double e = tr[i] - pred, ge = -2.0 * e, gr = 2.0 * reg;
            for (int f = 0; f < K; f++) {
                double uf = Uu[f], vf = Vm[f];
                Uu[f] = uf - lr * (ge * vf + gr * uf);
                Vm[f] = vf - lr * (ge * uf + gr * vf);
            }
            total += e * e;
        }
        CHECK_SAME(mr_model_rmse(m)[epoch], sqrt(total / N), "RMSE of epoch %d", epoch + 1);
    }
    for (int i = 0; i < USERS * K; i++)
        CHECK_SAME(mr_model_user_factors(m)[i], U[i], "U value %d", i);
    for (int i = 0; i < MOVIES * K; i++)
        CHECK_SAME(mr_model_movie_factors(m)[i], V[i], "V value %d", i);
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
}

/* Built-in counts: movies 1, 4, 5, 7 have 2 ratings, 3 and 6 have 3, 8 has
 * 1 and 2 has none. */
static void recommend_min_ratings_filters_candidates(void)
{
    mr_rank_params params = mr_rank_defaults();
    params.top_n = 0;
    mr_recommendation out[8];
    int n = 0;
    mr_error err;

    static const struct { int min_ratings; int expected; } cases[] = {
        {0, 5}, {1, 4}, {2, 3}, {3, 1}, {4, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        params.min_ratings = cases[c].min_ratings;
        if (!CHECK_STATUS(mr_recommend(builtin, model_500, 1, &params, out, 8, &n, &err), MR_OK, &err,
                          "recommend for user 1 with min_ratings %d", cases[c].min_ratings))
            continue;
        CHECK_INT(n, cases[c].expected, "candidates of user 1 with min_ratings %d", cases[c].min_ratings);
        for (int i = 0; i < n; i++) {
            int64_t id = mr_dataset_movie_id(builtin, out[i].movie_index);
            CHECK(id != 2 || cases[c].min_ratings == 0, "movie 2 listed with min_ratings %d", cases[c].min_ratings);
        }
    }
}

/* ======================================================================== */
/* Predictions                                                              */
/* ======================================================================== */

static void predict_builtin_every_pair(void)
{
    const json_value *predictions = json_require(builtin_fixture, "predictions");
    const json_value *train = json_require(builtin_fixture, "train");
    const json_value *user_ids = json_require(train, "user_ids");
    const json_value *movie_ids = json_require(train, "movie_ids");
    for (int u = 0; u < user_ids->n; u++) {
        int64_t user_id = fixture_int(json_item(user_ids, u), "user id");
        for (int m = 0; m < movie_ids->n; m++) {
            int64_t movie_id = fixture_int(json_item(movie_ids, m), "movie id");
            double actual = 0.0;
            mr_error err;
            if (CHECK_STATUS(mr_model_predict(model_500, user_id, movie_id, &actual, &err), MR_OK, &err,
                             "predict user %lld movie %lld", (long long)user_id, (long long)movie_id))
                CHECK_NEAR(&stats[STAT_PREDICTIONS], actual,
                           json_number(json_item(json_item(predictions, u), m), "prediction"),
                           "prediction for user %lld movie %lld", (long long)user_id, (long long)movie_id);
        }
    }
}

static void predict_unknown_user_not_found(void)
{
    double out = -7.0;
    mr_error err;
    CHECK_STATUS(mr_model_predict(model_500, 99, 1, &out, &err), MR_ERR_NOT_FOUND, &err, "predict for user 99");
    CHECK_CONTAINS(err.message, "user 99 ", "message names the user");
    CHECK_SAME(out, -7.0, "output left unchanged");
}

static void predict_unrated_movie_not_found(void)
{
    double out = -7.0;
    mr_error err;
    CHECK_STATUS(mr_model_predict(model_500, 1, 2, &out, &err), MR_ERR_NOT_FOUND, &err,
                 "predict for movie 2, which nobody rated");
    CHECK_CONTAINS(err.message, "movie 2 ", "message names movie 2");
    CHECK_STATUS(mr_model_predict(model_500, 1, 999, &out, &err), MR_ERR_NOT_FOUND, &err,
                 "predict for movie 999, absent from the catalog");
    CHECK_CONTAINS(err.message, "movie 999 ", "message names movie 999");
    CHECK_SAME(out, -7.0, "output left unchanged");
}

/* ======================================================================== */
/* Hybrid ranking                                                           */
/* ======================================================================== */

/* Ranks every candidate for a user with the given alpha and top_n. */
static int rank_user(const mr_model *model, int64_t user_id, double alpha, int top_n,
                     mr_recommendation *out, int capacity)
{
    mr_rank_params params = {alpha, 0.0, top_n, 0};
    mr_error err;
    int n = -1;
    if (!CHECK_STATUS(mr_recommend(builtin, model, user_id, &params, out, capacity, &n, &err), MR_OK, &err,
                      "recommend for user %lld alpha %g top_n %d", (long long)user_id, alpha, top_n))
        return -1;
    return n;
}

static const json_value *hybrid_list(int64_t user_id, int alpha_index)
{
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)user_id);
    return json_require(json_require(json_require(builtin_fixture, "hybrid"), key), hybrid_alpha_keys[alpha_index]);
}

/* Compares one ranked entry with a fixture row; `rank` is for messages. */
static void check_recommendation(const mr_recommendation *r, const json_value *row, int64_t user_id,
                                 const char *alpha, int rank)
{
    int64_t movie_id = fixture_int(json_require(row, "movie_id"), "movie_id");
    const json_value *cf = json_require(row, "cf_score");
    CHECK_INT(mr_dataset_movie_id(builtin, r->movie_index), movie_id, "user %lld alpha %s rank %d movie id",
              (long long)user_id, alpha, rank);
    CHECK_INT(r->has_cf, cf->type != JSON_NULL, "user %lld alpha %s rank %d has_cf", (long long)user_id, alpha, rank);
    if (cf->type != JSON_NULL)
        CHECK_NEAR(&stats[STAT_CF], r->cf_score, json_number(cf, "cf_score"), "user %lld alpha %s rank %d cf_score",
                   (long long)user_id, alpha, rank);
    else
        CHECK_SAME(r->cf_score, 0.0, "user %lld alpha %s rank %d cf_score without factors", (long long)user_id, alpha, rank);
    CHECK_NEAR(&stats[STAT_CONTENT], r->content_score, json_number(json_require(row, "content_score"), "content_score"),
               "user %lld alpha %s rank %d content_score", (long long)user_id, alpha, rank);
    CHECK_NEAR(&stats[STAT_SCORE], r->score, json_number(json_require(row, "score"), "score"),
               "user %lld alpha %s rank %d score", (long long)user_id, alpha, rank);
}

static void recommend_builtin_every_user_and_alpha(void)
{
    for (int u = 0; u < mr_dataset_n_users(builtin); u++) {
        int64_t user_id = mr_dataset_user_id(builtin, u);
        for (int a = 0; a < N_ALPHAS; a++) {
            const json_value *expected = hybrid_list(user_id, a);
            mr_recommendation out[16];
            int n = rank_user(model_500, user_id, hybrid_alphas[a], 0, out, 16);
            if (!CHECK_INT(n, expected->n, "candidate count for user %lld alpha %s", (long long)user_id,
                           hybrid_alpha_keys[a]))
                continue;
            for (int i = 0; i < n; i++)
                check_recommendation(&out[i], json_item(expected, i), user_id, hybrid_alpha_keys[a], i + 1);
        }
    }
}

static void recommend_top_n_honoured(void)
{
    for (int u = 0; u < mr_dataset_n_users(builtin); u++) {
        int64_t user_id = mr_dataset_user_id(builtin, u);
        for (int a = 0; a < N_ALPHAS; a++) {
            const json_value *expected = hybrid_list(user_id, a);
            mr_recommendation out[16];

            int n = rank_user(model_500, user_id, hybrid_alphas[a], 2, out, 16);
            if (CHECK_INT(n, 2, "entries for user %lld alpha %s top_n 2", (long long)user_id, hybrid_alpha_keys[a]))
                for (int i = 0; i < n; i++)
                    check_recommendation(&out[i], json_item(expected, i), user_id, hybrid_alpha_keys[a], i + 1);

            n = rank_user(model_500, user_id, hybrid_alphas[a], 5, out, 3);
            CHECK_INT(n, 3, "entries for user %lld alpha %s top_n 5 capacity 3", (long long)user_id, hybrid_alpha_keys[a]);
            n = rank_user(model_500, user_id, hybrid_alphas[a], 100, out, 16);
            CHECK_INT(n, expected->n, "entries for user %lld alpha %s top_n 100", (long long)user_id, hybrid_alpha_keys[a]);
        }
    }
}

static void recommend_defaults_take_alpha_and_top5(void)
{
    mr_recommendation out[16];
    int n = -1;
    mr_error err;
    if (!CHECK_STATUS(mr_recommend(builtin, model_500, 1, NULL, out, 16, &n, &err), MR_OK, &err,
                      "recommend with NULL params"))
        return;
    const json_value *expected = hybrid_list(1, 0);
    if (CHECK_INT(n, 5, "default top_n"))
        for (int i = 0; i < n; i++)
            check_recommendation(&out[i], json_item(expected, i), 1, "default", i + 1);

    mr_rank_params negative_alpha = {-1.0, 0.0, 0, 0};
    CHECK_STATUS(mr_recommend(builtin, model_500, 1, &negative_alpha, out, 16, &n, &err), MR_OK, &err,
                 "recommend with alpha -1");
    if (CHECK_INT(n, expected->n, "candidates with alpha -1"))
        for (int i = 0; i < n; i++)
            check_recommendation(&out[i], json_item(expected, i), 1, "-1 (default 0.7)", i + 1);
}

static void recommend_unrated_movie_content_only(void)
{
    int movie_2 = catalog_index(2);
    for (int u = 0; u < mr_dataset_n_users(builtin); u++) {
        int64_t user_id = mr_dataset_user_id(builtin, u);
        for (int a = 0; a < N_ALPHAS; a++) {
            mr_recommendation out[16];
            int n = rank_user(model_500, user_id, hybrid_alphas[a], 0, out, 16);
            int found = 0;
            for (int i = 0; i < n; i++) {
                if (out[i].movie_index != movie_2)
                    continue;
                found = 1;
                CHECK_INT(out[i].has_cf, 0, "movie 2 has_cf for user %lld alpha %s", (long long)user_id, hybrid_alpha_keys[a]);
                CHECK_SAME(out[i].cf_score, 0.0, "movie 2 cf_score for user %lld alpha %s", (long long)user_id,
                           hybrid_alpha_keys[a]);
                CHECK_SAME(out[i].score, (1.0 - hybrid_alphas[a]) * (5.0 * out[i].content_score),
                           "movie 2 score = (1 - alpha) * 5 * content for user %lld alpha %s", (long long)user_id,
                           hybrid_alpha_keys[a]);
            }
            CHECK_INT(found, 1, "movie 2 listed for user %lld alpha %s", (long long)user_id, hybrid_alpha_keys[a]);
        }
    }
}

static void recommend_without_model_content_only(void)
{
    for (int u = 0; u < mr_dataset_n_users(builtin); u++) {
        int64_t user_id = mr_dataset_user_id(builtin, u);
        mr_recommendation with_model[16], without[16];
        int n_with = rank_user(model_500, user_id, 0.5, 0, with_model, 16);
        int n_without = rank_user(NULL, user_id, 0.5, 0, without, 16);
        if (!CHECK_INT(n_without, n_with, "candidate count without a model for user %lld", (long long)user_id))
            continue;
        for (int i = 0; i < n_without; i++) {
            CHECK_INT(without[i].has_cf, 0, "user %lld rank %d has_cf without a model", (long long)user_id, i + 1);
            CHECK_SAME(without[i].score, 0.5 * (5.0 * without[i].content_score),
                       "user %lld rank %d score without a model", (long long)user_id, i + 1);
            for (int j = 0; j < n_with; j++)
                if (with_model[j].movie_index == without[i].movie_index)
                    CHECK_SAME(without[i].content_score, with_model[j].content_score,
                               "user %lld movie index %d content score with and without a model", (long long)user_id,
                               without[i].movie_index);
        }
    }
}

/* ======================================================================== */
/* Main                                                                     */
/* ======================================================================== */

static const test_case tests[] = {
    {"rng_seed_matches_init_genrand", rng_seed_matches_init_genrand},
    {"rng_raw_words_match_numpy", rng_raw_words_match_numpy},
    {"rng_uniform_matches_random_sample", rng_uniform_matches_random_sample},
    {"rng_gauss_matches_randn", rng_gauss_matches_randn},
    {"rng_shuffle_successive_permutations", rng_shuffle_successive_permutations},
    {"rng_init_draws_then_first_shuffle", rng_init_draws_then_first_shuffle},
    {"builtin_counts_and_ids", builtin_counts_and_ids},
    {"builtin_titles_and_report", builtin_titles_and_report},
    {"builtin_user_item_matrix", builtin_user_item_matrix},
    {"popularity_builtin_order_means_counts", popularity_builtin_order_means_counts},
    {"popularity_min_count_and_capacity", popularity_min_count_and_capacity},
    {"genres_builtin_vocabulary", genres_builtin_vocabulary},
    {"genres_builtin_one_hot", genres_builtin_one_hot},
    {"similarity_builtin_matrix", similarity_builtin_matrix},
    {"similar_builtin_top3_every_movie", similar_builtin_top3_every_movie},
    {"similar_builtin_top7_every_movie", similar_builtin_top7_every_movie},
    {"train_builtin_rmse_every_epoch", train_builtin_rmse_every_epoch},
    {"train_builtin_ids_and_factors", train_builtin_ids_and_factors},
    {"train_in_steps_matches_single_run", train_in_steps_matches_single_run},
    {"train_by_rating_steps_matches_epochs", train_by_rating_steps_matches_epochs},
    {"train_shuffle_matches_interval_draws", train_shuffle_matches_interval_draws},
    {"recommend_min_ratings_filters_candidates", recommend_min_ratings_filters_candidates},
    {"predict_builtin_every_pair", predict_builtin_every_pair},
    {"predict_unknown_user_not_found", predict_unknown_user_not_found},
    {"predict_unrated_movie_not_found", predict_unrated_movie_not_found},
    {"recommend_builtin_every_user_and_alpha", recommend_builtin_every_user_and_alpha},
    {"recommend_top_n_honoured", recommend_top_n_honoured},
    {"recommend_defaults_take_alpha_and_top5", recommend_defaults_take_alpha_and_top5},
    {"recommend_unrated_movie_content_only", recommend_unrated_movie_content_only},
    {"recommend_without_model_content_only", recommend_without_model_content_only},
};

int main(int argc, char **argv)
{
    rng_fixture = json_load_file(MINIREC_FIXTURE_DIR "/rng.json");
    builtin_fixture = json_load_file(MINIREC_FIXTURE_DIR "/builtin.json");
    if (!rng_fixture || !builtin_fixture)
        return 1;

    mr_error err;
    builtin = mr_dataset_create_builtin(&err);
    if (!builtin) {
        printf("FAIL setup: mr_dataset_create_builtin: %s\n", err.message);
        return 1;
    }
    mr_train_params params = mr_train_defaults();
    model_500 = mr_model_create(builtin, &params, &err);
    if (!model_500 || mr_model_train(model_500, params.epochs, &err) != MR_OK) {
        printf("FAIL setup: training the built-in model: %s\n", err.message);
        return 1;
    }

    int status = test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
    print_difference_stats(stats, N_STATS);

    mr_model_destroy(model_500);
    mr_dataset_destroy(builtin);
    json_free(rng_fixture);
    json_free(builtin_fixture);
    return status;
}
