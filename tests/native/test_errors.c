/* test_errors.c: error paths of the library: invalid training settings,
 * divergence, calls on an unfinished data set, unknown ids, invalid ranking
 * settings and NULL arguments. Each failure must return the documented status
 * and a message that names the value at fault. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "minirec.h"

/* Creates the built-in data set, or reports a failure and returns NULL. */
static mr_dataset *builtin_or_fail(void)
{
    mr_error err;
    mr_dataset *ds = mr_dataset_create_builtin(&err);
    if (!ds)
        FAIL("mr_dataset_create_builtin: %s", err.message);
    return ds;
}

/* Expects mr_model_create to reject `params` with MR_ERR_INVALID_ARGUMENT and
 * a message containing `part`. */
static void check_rejected_params(const mr_dataset *ds, mr_train_params params, const char *part,
                                  const char *context)
{
    mr_error err = {MR_OK, ""};
    mr_model *m = mr_model_create(ds, &params, &err);
    CHECK(m == NULL, "%s: no model created", context);
    CHECK_STATUS(err.status, MR_ERR_INVALID_ARGUMENT, &err, "%s: status", context);
    CHECK_CONTAINS(err.message, part, "%s: message names the value", context);
    mr_model_destroy(m);
}

/* ======================================================================== */
/* Training settings and divergence                                         */
/* ======================================================================== */

static void train_params_invalid_values_rejected(void)
{
    mr_dataset *ds = builtin_or_fail();
    if (!ds)
        return;
    mr_train_params p;

    p = mr_train_defaults();
    p.k = 0;
    check_rejected_params(ds, p, "k = 0", "k 0");
    p.k = 1025;
    check_rejected_params(ds, p, "k = 1025", "k 1025");

    p = mr_train_defaults();
    p.learning_rate = 0.0;
    check_rejected_params(ds, p, "learning rate 0", "learning rate 0");
    p.learning_rate = NAN;
    check_rejected_params(ds, p, "nan", "learning rate NaN");
    p.learning_rate = -0.5;
    check_rejected_params(ds, p, "learning rate -0.5", "learning rate -0.5");
    p.learning_rate = INFINITY;
    check_rejected_params(ds, p, "inf", "learning rate infinity");

    p = mr_train_defaults();
    p.regularization = -0.1;
    check_rejected_params(ds, p, "regularization -0.1", "regularization -0.1");
    p.regularization = NAN;
    check_rejected_params(ds, p, "nan", "regularization NaN");

    p = mr_train_defaults();
    p.epochs = 0;
    check_rejected_params(ds, p, "epochs = 0", "epochs 0");

    mr_error err;
    CHECK(mr_model_create(ds, NULL, &err) == NULL, "NULL params: no model created");
    CHECK_STATUS(err.status, MR_ERR_INVALID_ARGUMENT, &err, "NULL params: status");
    mr_dataset_destroy(ds);
}

static void train_zero_regularization_accepted(void)
{
    mr_dataset *ds = builtin_or_fail();
    mr_train_params p = mr_train_defaults();
    p.regularization = 0.0;
    mr_error err;
    mr_model *m = mr_model_create(ds, &p, &err);
    if (CHECK(m != NULL, "model with regularization 0: %s", m ? "" : err.message))
        CHECK_STATUS(mr_model_train(m, 5, &err), MR_OK, &err, "train 5 epochs with regularization 0");
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
}

static void train_negative_epoch_count_rejected(void)
{
    mr_dataset *ds = builtin_or_fail();
    mr_train_params p = mr_train_defaults();
    mr_error err;
    mr_model *m = mr_model_create(ds, &p, &err);
    if (CHECK(m != NULL, "create model")) {
        CHECK_STATUS(mr_model_train(m, -3, &err), MR_ERR_INVALID_ARGUMENT, &err, "train -3 epochs");
        CHECK_CONTAINS(err.message, "-3", "message names the epoch count");
        CHECK_INT(mr_model_epochs_done(m), 0, "epochs done after the rejected call");
    }
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
}

/* Float factors overflow within the first epoch at learning rate 5, so
 * inf - inf makes the epoch RMSE NaN, which the message spells out. */
static void train_nan_rmse_message_not_a_number(void)
{
    mr_error err;
    mr_dataset *ds = mr_dataset_create();
    if (!CHECK(ds != NULL, "create data set"))
        return;
    for (int u = 1; u <= 40; u++)
        for (int movie = 1; movie <= 40; movie++)
            mr_dataset_add_rating(ds, u, movie, 1 + (u * 7 + movie * 3) % 5, &err);
    mr_train_params p = mr_train_defaults();
    p.learning_rate = 5.0;
    p.kernel = MR_KERNEL_SCALAR_FLOAT;
    mr_model *m = NULL;
    if (CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish"))
        m = mr_model_create(ds, &p, &err);
    if (CHECK(m != NULL, "create model with learning rate 5") &&
        CHECK_STATUS(mr_model_train(m, 50, &err), MR_ERR_DIVERGED, &err, "train at learning rate 5")) {
        double rmse = mr_model_rmse(m)[mr_model_epochs_done(m) - 1];
        CHECK(isnan(rmse), "the last epoch's RMSE is NaN: %g", rmse);
        CHECK_CONTAINS(err.message, "(RMSE not a number)", "message spells out NaN");
        CHECK(strstr(err.message, "nan") == NULL, "message has no printf NaN: %s", err.message);
    }
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
}

static void train_diverging_learning_rate_reports_epoch(void)
{
    mr_dataset *ds = builtin_or_fail();
    mr_train_params p = mr_train_defaults();
    p.learning_rate = 5.0;
    mr_error err;
    mr_model *m = mr_model_create(ds, &p, &err);
    if (!CHECK(m != NULL, "create model with learning rate 5"))
        goto done;

    if (!CHECK_STATUS(mr_model_train(m, 500, &err), MR_ERR_DIVERGED, &err, "train 500 epochs at learning rate 5"))
        goto done;
    int epoch = mr_model_epochs_done(m);
    char expected_epoch[48];
    snprintf(expected_epoch, sizeof expected_epoch, "epoch %d ", epoch);
    CHECK(epoch >= 1, "training ran at least one epoch: %d done", epoch);
    CHECK(epoch < 500, "training stopped before epoch 500: %d done", epoch);
    CHECK_CONTAINS(err.message, expected_epoch, "message names the epoch that diverged");
    CHECK_CONTAINS(err.message, "learning rate 5", "message names the learning rate");
    const double rmse = mr_model_rmse(m)[epoch - 1];
    CHECK(!isfinite(rmse) || rmse > 1e6, "last recorded RMSE %g is non-finite or above 1e6", rmse);

    /* Later calls keep failing instead of training on unusable factors. */
    CHECK_STATUS(mr_model_train(m, 1, &err), MR_ERR_DIVERGED, &err, "train again after divergence");
    CHECK_INT(mr_model_epochs_done(m), epoch, "epochs done after the repeated call");

done:
    mr_model_destroy(m);
    mr_dataset_destroy(ds);
}

static void model_create_without_ratings_rejected(void)
{
    mr_dataset *ds = mr_dataset_create();
    mr_error err;
    CHECK_STATUS(mr_dataset_add_movie(ds, 1, "Heat (1995)", "Action|Crime", &err), MR_OK, &err, "add movie");
    CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish a data set without ratings");
    mr_train_params p = mr_train_defaults();
    err.status = MR_OK;
    CHECK(mr_model_create(ds, &p, &err) == NULL, "no model for a data set without ratings");
    CHECK_STATUS(err.status, MR_ERR_INVALID_ARGUMENT, &err, "status for a data set without ratings");
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* Data set state and contents                                              */
/* ======================================================================== */

/* A data set with no ratings (empty, or movies only) finishes, and its
 * queries return empty results. */
static void dataset_finish_without_ratings(void)
{
    mr_error err;
    mr_dataset *empty = mr_dataset_create();
    CHECK_STATUS(mr_dataset_finish(empty, &err), MR_OK, &err, "finish an empty data set");
    CHECK_INT(mr_dataset_n_users(empty), 0, "users of an empty data set");
    CHECK_INT(mr_dataset_n_genres(empty), 0, "genres of an empty data set");
    mr_dataset_destroy(empty);

    mr_dataset *movies_only = mr_dataset_create();
    CHECK_STATUS(mr_dataset_add_movie(movies_only, 1, "Heat (1995)", "Action|Crime", &err), MR_OK, &err, "add movie");
    CHECK_STATUS(mr_dataset_finish(movies_only, &err), MR_OK, &err, "finish a data set with movies only");
    mr_popularity rows[4];
    int n = -1;
    CHECK_STATUS(mr_popularity_rank(movies_only, 1, rows, 4, &n, &err), MR_OK, &err, "popularity without ratings");
    CHECK_INT(n, 0, "popularity rows without ratings");
    CHECK_INT(mr_dataset_n_genres(movies_only), 2, "genres of the movie");
    mr_dataset_destroy(movies_only);
}

/* Expects every query that needs a finished data set to fail with MR_ERR_STATE. */
static void check_queries_need_finish(const mr_dataset *ds, const char *context)
{
    mr_error err;
    mr_popularity rows[8];
    mr_scored_movie similar[8];
    mr_recommendation recs[8];
    int n = -1;
    int movies[1] = {0};
    double matrix[1];
    mr_train_params p = mr_train_defaults();

    CHECK_STATUS(mr_popularity_rank(ds, 1, rows, 8, &n, &err), MR_ERR_STATE, &err, "%s: popularity", context);
    CHECK_CONTAINS(err.message, "mr_dataset_finish", "%s: popularity message names the function to call", context);
    CHECK_STATUS(mr_similar_movies(ds, 1, 3, similar, &n, &err), MR_ERR_STATE, &err, "%s: similar movies", context);
    CHECK_STATUS(mr_similarity_matrix(ds, movies, 1, matrix, &err), MR_ERR_STATE, &err, "%s: similarity matrix", context);
    CHECK_STATUS(mr_recommend(ds, NULL, 1, NULL, recs, 8, &n, &err), MR_ERR_STATE, &err, "%s: recommend", context);
    err.status = MR_OK;
    CHECK(mr_model_create(ds, &p, &err) == NULL, "%s: no model created", context);
    CHECK_STATUS(err.status, MR_ERR_STATE, &err, "%s: model create", context);
}

static void queries_on_unfinished_dataset_fail(void)
{
    mr_dataset *ds = mr_dataset_create();
    mr_error err;
    CHECK_STATUS(mr_dataset_add_movie(ds, 1, "Heat (1995)", "Action|Crime", &err), MR_OK, &err, "add movie");
    CHECK_STATUS(mr_dataset_add_rating(ds, 1, 1, 4.0, &err), MR_OK, &err, "add rating");
    check_queries_need_finish(ds, "never finished");
    CHECK_INT(mr_dataset_n_genres(ds), 0, "genre count before finish");
    int n = -1;
    CHECK(mr_dataset_movie_genres(ds, 0, &n) == NULL, "no genre list before finish");
    CHECK_INT(n, 0, "genre count of a movie before finish");
    CHECK_INT(mr_dataset_rating(ds, 0, 0, NULL), 0, "rating lookup before finish");

    CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish");
    CHECK_STATUS(mr_dataset_add_rating(ds, 2, 1, 3.0, &err), MR_OK, &err, "add a rating after finish");
    check_queries_need_finish(ds, "changed after finish");

    CHECK_STATUS(mr_dataset_finish(ds, &err), MR_OK, &err, "finish again");
    CHECK_INT(mr_dataset_n_users(ds), 2, "users after finishing again");
    mr_dataset_destroy(ds);
}

static void add_movie_duplicate_id_rejected(void)
{
    mr_dataset *ds = mr_dataset_create();
    mr_error err;
    CHECK_STATUS(mr_dataset_add_movie(ds, 1000000007, "First", "Drama", &err), MR_OK, &err, "add movie");
    CHECK_STATUS(mr_dataset_add_movie(ds, 1000000007, "Second", "Comedy", &err), MR_ERR_INVALID_ARGUMENT, &err,
                 "add the same movie id again");
    CHECK_CONTAINS(err.message, "1000000007", "message names the id");
    CHECK_INT(mr_dataset_n_movies(ds), 1, "catalog size after the rejected movie");
    CHECK_STR(mr_dataset_movie_title(ds, 0), "First", "first title kept");
    mr_dataset_destroy(ds);
}

static void add_rating_non_finite_rejected(void)
{
    mr_dataset *ds = mr_dataset_create();
    mr_error err;
    CHECK_STATUS(mr_dataset_add_rating(ds, 1, 2, NAN, &err), MR_ERR_INVALID_ARGUMENT, &err, "rating NaN");
    CHECK_STATUS(mr_dataset_add_rating(ds, 1, 2, INFINITY, &err), MR_ERR_INVALID_ARGUMENT, &err, "rating infinity");
    CHECK_INT(mr_dataset_n_ratings(ds), 0, "ratings stored after the rejected values");
    CHECK_INT(mr_dataset_n_movies(ds), 0, "movies added by the rejected ratings");
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* Ranking and lookups                                                      */
/* ======================================================================== */

static void recommend_unknown_user_not_found(void)
{
    mr_dataset *ds = builtin_or_fail();
    mr_recommendation recs[8];
    int n = -1;
    mr_error err;
    CHECK_STATUS(mr_recommend(ds, NULL, 42, NULL, recs, 8, &n, &err), MR_ERR_NOT_FOUND, &err, "recommend for user 42");
    CHECK_CONTAINS(err.message, "user 42 ", "message names the user");
    CHECK_INT(n, 0, "entries written for an unknown user");
    mr_dataset_destroy(ds);
}

static void recommend_invalid_params_rejected(void)
{
    mr_dataset *ds = builtin_or_fail();
    mr_recommendation recs[8];
    int n = -1;
    mr_error err;

    mr_rank_params p = {1.5, 0.0, 0, 0};
    CHECK_STATUS(mr_recommend(ds, NULL, 1, &p, recs, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "alpha 1.5");
    CHECK_CONTAINS(err.message, "alpha 1.5", "message names alpha");
    p.alpha = NAN;
    CHECK_STATUS(mr_recommend(ds, NULL, 1, &p, recs, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "alpha NaN");

    p = mr_rank_defaults();
    p.like_threshold = -1.0;
    CHECK_STATUS(mr_recommend(ds, NULL, 1, &p, recs, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "threshold -1");
    CHECK_CONTAINS(err.message, "-1", "message names the threshold");

    p = mr_rank_defaults();
    p.top_n = -2;
    CHECK_STATUS(mr_recommend(ds, NULL, 1, &p, recs, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "top_n -2");
    CHECK_CONTAINS(err.message, "-2", "message names top_n");

    p = mr_rank_defaults();
    p.min_ratings = -3;
    CHECK_STATUS(mr_recommend(ds, NULL, 1, &p, recs, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "min_ratings -3");
    CHECK_CONTAINS(err.message, "-3", "message names the minimum ratings");

    p = mr_rank_defaults();
    CHECK_STATUS(mr_recommend(ds, NULL, 1, &p, recs, -1, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "capacity -1");
    mr_dataset_destroy(ds);
}

static void similar_unknown_movie_not_found(void)
{
    mr_dataset *ds = builtin_or_fail();
    mr_scored_movie out[4];
    int n = -1;
    mr_error err;
    CHECK_STATUS(mr_similar_movies(ds, 999, 3, out, &n, &err), MR_ERR_NOT_FOUND, &err, "similar to movie 999");
    CHECK_CONTAINS(err.message, "999", "message names the movie");
    CHECK_STATUS(mr_similar_movies(ds, 1, -1, out, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "top_n -1");
    mr_dataset_destroy(ds);
}

static void similarity_matrix_bad_index_rejected(void)
{
    mr_dataset *ds = builtin_or_fail();
    int movies[2] = {0, 8};
    double out[4];
    mr_error err;
    CHECK_STATUS(mr_similarity_matrix(ds, movies, 2, out, &err), MR_ERR_INVALID_ARGUMENT, &err, "movie index 8 of 8");
    CHECK_CONTAINS(err.message, "index 8", "message names the index");
    CHECK_SAME(mr_similarity(ds, 0, 8), 0.0, "mr_similarity outside the catalog");
    CHECK_SAME(mr_similarity(ds, -1, 0), 0.0, "mr_similarity with index -1");
    mr_dataset_destroy(ds);
}

/* ======================================================================== */
/* NULL arguments and destroy(NULL)                                         */
/* ======================================================================== */

static void null_arguments_rejected(void)
{
    mr_dataset *ds = builtin_or_fail();
    mr_error err;
    mr_train_params p = mr_train_defaults();
    mr_popularity rows[8];
    mr_scored_movie similar[8];
    mr_recommendation recs[8];
    double value = 0.0;
    int n = 0;

    CHECK_STATUS(mr_dataset_add_movie(NULL, 1, "x", "", &err), MR_ERR_INVALID_ARGUMENT, &err, "add movie to NULL");
    CHECK_STATUS(mr_dataset_add_rating(NULL, 1, 1, 4.0, &err), MR_ERR_INVALID_ARGUMENT, &err, "add rating to NULL");
    CHECK_STATUS(mr_dataset_finish(NULL, &err), MR_ERR_INVALID_ARGUMENT, &err, "finish NULL");
    CHECK_STATUS(mr_popularity_rank(NULL, 1, rows, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "popularity of NULL");
    CHECK_STATUS(mr_popularity_rank(ds, 1, NULL, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "popularity into NULL");
    CHECK_STATUS(mr_popularity_rank(ds, 1, rows, 8, NULL, &err), MR_ERR_INVALID_ARGUMENT, &err, "popularity count NULL");
    CHECK_STATUS(mr_similar_movies(NULL, 1, 3, similar, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "similar in NULL");
    CHECK_STATUS(mr_similar_movies(ds, 1, 3, NULL, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "similar into NULL");
    CHECK_STATUS(mr_similar_movies(ds, 1, 3, similar, NULL, &err), MR_ERR_INVALID_ARGUMENT, &err, "similar count NULL");
    CHECK_STATUS(mr_similarity_matrix(ds, NULL, 2, NULL, &err), MR_ERR_INVALID_ARGUMENT, &err, "matrix of NULL list");
    CHECK_STATUS(mr_recommend(NULL, NULL, 1, NULL, recs, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "recommend in NULL");
    CHECK_STATUS(mr_recommend(ds, NULL, 1, NULL, NULL, 8, &n, &err), MR_ERR_INVALID_ARGUMENT, &err, "recommend into NULL");
    CHECK_STATUS(mr_recommend(ds, NULL, 1, NULL, recs, 8, NULL, &err), MR_ERR_INVALID_ARGUMENT, &err,
                 "recommend count NULL");
    CHECK_STATUS(mr_model_train(NULL, 1, &err), MR_ERR_INVALID_ARGUMENT, &err, "train NULL model");
    CHECK_STATUS(mr_model_predict(NULL, 1, 1, &value, &err), MR_ERR_INVALID_ARGUMENT, &err, "predict with NULL model");
    err.status = MR_OK;
    CHECK(mr_model_create(NULL, &p, &err) == NULL, "no model for a NULL data set");
    CHECK_STATUS(err.status, MR_ERR_INVALID_ARGUMENT, &err, "model create on NULL");

    mr_model *m = mr_model_create(ds, &p, &err);
    if (CHECK(m != NULL, "create model"))
        CHECK_STATUS(mr_model_predict(m, 1, 1, NULL, &err), MR_ERR_INVALID_ARGUMENT, &err, "predict into NULL");
    mr_model_destroy(m);

    CHECK_STATUS(mr_parser_feed(NULL, "x", 1, &err), MR_ERR_INVALID_ARGUMENT, &err, "feed NULL parser");
    CHECK_STATUS(mr_parser_end(NULL, &err), MR_ERR_INVALID_ARGUMENT, &err, "end NULL parser");
    mr_parser *parser = mr_parser_create(ds, MR_FILE_RATINGS_CSV, "ratings.csv");
    if (CHECK(parser != NULL, "create parser"))
        CHECK_STATUS(mr_parser_feed(parser, NULL, 4, &err), MR_ERR_INVALID_ARGUMENT, &err, "feed NULL bytes");
    mr_parser_destroy(parser);

    /* Getters on NULL return neutral values instead of crashing. */
    CHECK_INT(mr_dataset_n_movies(NULL), 0, "movie count of NULL");
    CHECK_INT(mr_dataset_n_users(NULL), 0, "user count of NULL");
    CHECK_INT(mr_dataset_movie_index(NULL, 1), -1, "movie index in NULL");
    CHECK_STR(mr_dataset_movie_title(NULL, 0), "", "title in NULL");
    CHECK_INT(mr_model_epochs_done(NULL), 0, "epochs done of NULL");
    CHECK(mr_model_rmse(NULL) == NULL, "RMSE history of NULL");
    CHECK_INT(mr_parser_line(NULL), 0, "line of NULL parser");
    mr_dataset_destroy(ds);
}

static void null_error_pointer_accepted(void)
{
    mr_dataset *ds = builtin_or_fail();
    mr_train_params p = mr_train_defaults();
    p.k = 0;
    CHECK(mr_model_create(ds, &p, NULL) == NULL, "invalid params with err NULL");
    CHECK_INT(mr_dataset_add_movie(ds, 1, "dup", "", NULL), MR_ERR_INVALID_ARGUMENT, "duplicate movie with err NULL");

    mr_parser *parser = mr_parser_create(ds, MR_FILE_MOVIES_CSV, "movies.csv");
    static const char text[] = "movieId,title,genres\n1,Duplicate,Drama\n";
    CHECK(mr_parser_feed(parser, text, sizeof text - 1, NULL) != MR_OK, "parser error with err NULL");
    mr_parser_destroy(parser);
    mr_dataset_destroy(ds);
}

static void destroy_null_is_noop(void)
{
    mr_dataset_destroy(NULL);
    mr_model_destroy(NULL);
    mr_parser_destroy(NULL);
    CHECK(1, "destroy functions returned");
}

static void status_names_distinct(void)
{
    static const mr_status all[] = {MR_OK, MR_ERR_INVALID_ARGUMENT, MR_ERR_NOT_FOUND, MR_ERR_PARSE,
                                    MR_ERR_NO_MEMORY, MR_ERR_IO, MR_ERR_DIVERGED, MR_ERR_STATE};
    int n = (int)(sizeof all / sizeof all[0]);
    CHECK_INT(MR_OK, 0, "MR_OK value");
    CHECK_STR(mr_status_name(MR_ERR_PARSE), "parse error", "name of MR_ERR_PARSE");
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            CHECK(strcmp(mr_status_name(all[i]), mr_status_name(all[j])) != 0, "names of statuses %d and %d differ",
                  (int)all[i], (int)all[j]);
    CHECK_STR(mr_status_name((mr_status)99), "unknown status", "name of status 99");
}

/* ======================================================================== */
/* Main                                                                     */
/* ======================================================================== */

static const test_case tests[] = {
    {"train_params_invalid_values_rejected", train_params_invalid_values_rejected},
    {"train_zero_regularization_accepted", train_zero_regularization_accepted},
    {"train_negative_epoch_count_rejected", train_negative_epoch_count_rejected},
    {"train_diverging_learning_rate_reports_epoch", train_diverging_learning_rate_reports_epoch},
    {"train_nan_rmse_message_not_a_number", train_nan_rmse_message_not_a_number},
    {"dataset_finish_without_ratings", dataset_finish_without_ratings},
    {"model_create_without_ratings_rejected", model_create_without_ratings_rejected},
    {"queries_on_unfinished_dataset_fail", queries_on_unfinished_dataset_fail},
    {"add_movie_duplicate_id_rejected", add_movie_duplicate_id_rejected},
    {"add_rating_non_finite_rejected", add_rating_non_finite_rejected},
    {"recommend_unknown_user_not_found", recommend_unknown_user_not_found},
    {"recommend_invalid_params_rejected", recommend_invalid_params_rejected},
    {"similar_unknown_movie_not_found", similar_unknown_movie_not_found},
    {"similarity_matrix_bad_index_rejected", similarity_matrix_bad_index_rejected},
    {"null_arguments_rejected", null_arguments_rejected},
    {"null_error_pointer_accepted", null_error_pointer_accepted},
    {"destroy_null_is_noop", destroy_null_is_noop},
    {"status_names_distinct", status_names_distinct},
};

int main(int argc, char **argv)
{
    return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
