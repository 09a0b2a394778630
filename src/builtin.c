/* builtin.c: the built-in teaching data set (8 movies, 5 users, 15 ratings). */
#include "internal.h"

typedef struct builtin_movie {
    int64_t id;
    const char *title;
    const char *genres;
} builtin_movie;

static const builtin_movie builtin_movies[] = {
    {1, "The Matrix", "Action|Sci-Fi"},
    {2, "The Matrix Reloaded", "Action|Sci-Fi"},
    {3, "Inception", "Action|Sci-Fi|Thriller"},
    {4, "Interstellar", "Sci-Fi|Drama"},
    {5, "The Notebook", "Romance|Drama"},
    {6, "Crazy, Stupid, Love", "Romance|Comedy"},
    {7, "Toy Story", "Animation|Family|Comedy"},
    {8, "Finding Nemo", "Animation|Family|Adventure"},
};

/* (user id, movie id, rating), in training order. Movie 2 has no ratings, so
 * it shows how the hybrid ranking treats a movie without CF factors. */
static const int builtin_ratings[][3] = {
    {1, 1, 5}, {1, 3, 4}, {1, 4, 4}, /* sci-fi and action */
    {2, 5, 5}, {2, 6, 4}, {2, 4, 3}, /* romance and drama */
    {3, 7, 5}, {3, 8, 4}, {3, 6, 3}, /* family and animation */
    {4, 1, 4}, {4, 3, 5}, {4, 7, 4}, /* sci-fi and animation */
    {5, 5, 4}, {5, 6, 5}, {5, 3, 3}, /* romance and some sci-fi */
};

mr_dataset *mr_dataset_create_builtin(mr_error *err)
{
    mr_dataset *ds = mr_dataset_create();
    if (!ds) {
        mr_fail(err, MR_ERR_NO_MEMORY, "out of memory while creating the built-in data set");
        return NULL;
    }

    mr_status s = MR_OK;
    int n_movies = (int)(sizeof builtin_movies / sizeof builtin_movies[0]);
    int n_ratings = (int)(sizeof builtin_ratings / sizeof builtin_ratings[0]);
    for (int i = 0; i < n_movies && s == MR_OK; i++)
        s = mr_dataset_add_movie(ds, builtin_movies[i].id, builtin_movies[i].title,
                                 builtin_movies[i].genres, err);
    for (int i = 0; i < n_ratings && s == MR_OK; i++)
        s = mr_dataset_add_rating(ds, builtin_ratings[i][0], builtin_ratings[i][1],
                                  builtin_ratings[i][2], err);
    if (s == MR_OK)
        s = mr_dataset_finish(ds, err);

    if (s != MR_OK) {
        mr_dataset_destroy(ds);
        return NULL;
    }
    return ds;
}
