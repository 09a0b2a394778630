/* popularity.c: the popularity baseline, mean rating and count per movie. */
#include <stdlib.h>

#include "internal.h"

typedef struct popularity_key {
    mr_popularity row;
    int64_t movie_id;
} popularity_key;

static int compare_popularity(const void *a, const void *b)
{
    const popularity_key *x = a, *y = b;
    if (x->row.mean != y->row.mean)
        return x->row.mean > y->row.mean ? -1 : 1;
    return (x->movie_id > y->movie_id) - (x->movie_id < y->movie_id);
}

mr_status mr_popularity_rank(const mr_dataset *ds, int min_count, mr_popularity *out,
                             int capacity, int *n_out, mr_error *err)
{
    mr_status s = mr_require_finished(ds, err);
    if (s != MR_OK)
        return s;
    if (!out || !n_out || capacity < 0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "output array is NULL or capacity %d is negative", capacity);
    if (min_count < 1)
        min_count = 1;

    popularity_key *keys = malloc(sizeof *keys * (size_t)(ds->n_movies ? ds->n_movies : 1));
    if (!keys)
        return mr_fail(err, MR_ERR_NO_MEMORY, "out of memory while ranking %d movies", ds->n_movies);

    /* Mean = sum / count, with the sum taken in rating order. */
    int n = 0;
    for (int m = 0; m < ds->n_movies; m++) {
        int count = ds->movie_counts[m];
        if (count < min_count)
            continue;
        keys[n].row.movie_index = m;
        keys[n].row.mean = ds->movie_sums[m] / count;
        keys[n].row.count = count;
        keys[n].movie_id = ds->movie_ids[m];
        n++;
    }
    qsort(keys, (size_t)n, sizeof *keys, compare_popularity);

    int written = n < capacity ? n : capacity;
    for (int i = 0; i < written; i++)
        out[i] = keys[i].row;
    *n_out = written;
    free(keys);
    return MR_OK;
}
