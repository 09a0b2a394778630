/* internal.h: data set layout and helpers shared by the library's source files. */
#ifndef MINIREC_INTERNAL_H
#define MINIREC_INTERNAL_H

#include <stdarg.h>

#include "minirec.h"

/* ======================================================================== */
/* Errors                                                                   */
/* ======================================================================== */

/* Fills `err` (when not NULL) with a status and a printf-style message, and
 * returns the status so callers can write `return mr_fail(err, ...)`. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
mr_status mr_fail(mr_error *err, mr_status status, const char *fmt, ...);

/* ======================================================================== */
/* Id map: open-addressing hash from 64-bit id to dense index               */
/* ======================================================================== */

typedef struct mr_id_map {
    int64_t *keys; /* (capacity,) */
    int *values;   /* (capacity,), -1 marks an empty slot */
    int capacity;  /* power of two */
    int count;
} mr_id_map;

void mr_id_map_free(mr_id_map *map);
/* Returns the index stored for `key`, or -1. */
int mr_id_map_get(const mr_id_map *map, int64_t key);
/* Stores key -> value; returns 0 on success, -1 when out of memory. */
int mr_id_map_put(mr_id_map *map, int64_t key, int value);

/* ======================================================================== */
/* Data set                                                                 */
/* ======================================================================== */

typedef struct mr_rating_entry {
    int user;      /* index into user_ids (insertion order until finished) */
    int movie;     /* catalog index */
    double rating;
} mr_rating_entry;

struct mr_dataset {
    /* Catalog, in insertion order. */
    int n_movies, cap_movies;
    int64_t *movie_ids;     /* (n_movies,) */
    char **titles;          /* (n_movies,) owned strings, "" when unknown */
    char **genre_text;      /* (n_movies,) owned '|'-separated genres */
    mr_id_map movie_map;

    /* Users in first-seen order while loading; sorted by id when finished. */
    int n_users, cap_users;
    int64_t *user_ids;      /* (n_users,) */
    mr_id_map user_map;

    /* Ratings in input order; a repeated pair overwrites in place. */
    int n_ratings, cap_ratings;
    mr_rating_entry *ratings; /* (n_ratings,) */
    mr_id_map pair_map;       /* (user, movie) key -> rating position */
    mr_load_report report;

    /* Built by mr_dataset_finish. */
    int finished;
    int n_genres;
    char **genre_names;     /* (n_genres,) sorted */
    int *genre_offsets;     /* (n_movies + 1,) into genre_list */
    int *genre_list;        /* genre indices of each movie, ascending */
    int *user_offsets;      /* (n_users + 1,) into user_movies / user_values */
    int *user_movies;       /* (n_ratings,) movie indices, ascending per user */
    double *user_values;    /* (n_ratings,) */
    int *movie_counts;      /* (n_movies,) ratings per movie */
    double *movie_sums;     /* (n_movies,) sum of ratings per movie */
    double rating_min, rating_max_seen, rating_scale_max;
};

/* Returns MR_OK when `ds` is non-NULL and finished, else an MR_ERR_STATE error. */
mr_status mr_require_finished(const mr_dataset *ds, mr_error *err);

/* Genre count of a movie by catalog index. */
static inline int mr_genre_count(const mr_dataset *ds, int movie)
{
    return ds->genre_offsets[movie + 1] - ds->genre_offsets[movie];
}

/* Number of entries two ascending int lists share. */
int mr_count_shared(const int *a, int na, const int *b, int nb);

/* ======================================================================== */
/* Model lookups shared with ranking                                        */
/* ======================================================================== */

/* Model row of a user or movie id, or -1 when the model has no factors for it. */
int mr_model_find_user(const mr_model *m, int64_t user_id);
int mr_model_find_movie(const mr_model *m, int64_t movie_id);
/* U[user] . V[movie] by model rows: summed left to right in double for the
 * exact kernel, in float with the SIMD dot product for the float kernels. */
double mr_model_dot(const mr_model *m, int user, int movie);

#endif
