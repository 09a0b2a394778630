/* dataset.c: movies, users and ratings with id maps, and the indexes built
 * by mr_dataset_finish. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ======================================================================== */
/* Id map                                                                   */
/* ======================================================================== */

static uint32_t hash_id(int64_t key)
{
    uint64_t x = (uint64_t)key;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

void mr_id_map_free(mr_id_map *map)
{
    free(map->keys);
    free(map->values);
    memset(map, 0, sizeof *map);
}

int mr_id_map_get(const mr_id_map *map, int64_t key)
{
    if (map->capacity == 0)
        return -1;
    uint32_t mask = (uint32_t)map->capacity - 1;
    for (uint32_t i = hash_id(key) & mask;; i = (i + 1) & mask) {
        if (map->values[i] < 0)
            return -1;
        if (map->keys[i] == key)
            return map->values[i];
    }
}

static int id_map_grow(mr_id_map *map)
{
    int capacity = map->capacity ? map->capacity * 2 : 64;
    int64_t *keys = malloc(sizeof *keys * (size_t)capacity);
    int *values = malloc(sizeof *values * (size_t)capacity);
    if (!keys || !values) {
        free(keys);
        free(values);
        return -1;
    }
    for (int i = 0; i < capacity; i++)
        values[i] = -1;

    uint32_t mask = (uint32_t)capacity - 1;
    for (int j = 0; j < map->capacity; j++) {
        if (map->values[j] < 0)
            continue;
        uint32_t i = hash_id(map->keys[j]) & mask;
        while (values[i] >= 0)
            i = (i + 1) & mask;
        keys[i] = map->keys[j];
        values[i] = map->values[j];
    }
    free(map->keys);
    free(map->values);
    map->keys = keys;
    map->values = values;
    map->capacity = capacity;
    return 0;
}

int mr_id_map_put(mr_id_map *map, int64_t key, int value)
{
    /* Keep the load factor at most 1/2 so probes stay short. */
    if (2 * (map->count + 1) > map->capacity && id_map_grow(map) != 0)
        return -1;

    uint32_t mask = (uint32_t)map->capacity - 1;
    uint32_t i = hash_id(key) & mask;
    while (map->values[i] >= 0 && map->keys[i] != key)
        i = (i + 1) & mask;
    if (map->values[i] < 0)
        map->count++;
    map->keys[i] = key;
    map->values[i] = value;
    return 0;
}

/* ======================================================================== */
/* Lifecycle and adding data                                                */
/* ======================================================================== */

mr_dataset *mr_dataset_create(void)
{
    return calloc(1, sizeof(mr_dataset));
}

static void free_derived(mr_dataset *ds)
{
    for (int g = 0; g < ds->n_genres; g++)
        free(ds->genre_names[g]);
    free(ds->genre_names);
    free(ds->genre_offsets);
    free(ds->genre_list);
    free(ds->user_offsets);
    free(ds->user_movies);
    free(ds->user_values);
    free(ds->movie_counts);
    free(ds->movie_sums);
    ds->genre_names = NULL;
    ds->genre_offsets = ds->genre_list = NULL;
    ds->user_offsets = ds->user_movies = NULL;
    ds->user_values = NULL;
    ds->movie_counts = NULL;
    ds->movie_sums = NULL;
    ds->n_genres = 0;
    ds->finished = 0;
}

void mr_dataset_destroy(mr_dataset *ds)
{
    if (!ds)
        return;
    free_derived(ds);
    for (int i = 0; i < ds->n_movies; i++) {
        free(ds->titles[i]);
        free(ds->genre_text[i]);
    }
    free(ds->movie_ids);
    free(ds->titles);
    free(ds->genre_text);
    free(ds->user_ids);
    free(ds->ratings);
    mr_id_map_free(&ds->movie_map);
    mr_id_map_free(&ds->user_map);
    mr_id_map_free(&ds->pair_map);
    free(ds);
}

static char *copy_string(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *out = malloc(n + 1);
    if (out) {
        if (n)
            memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

/* Doubles an array's capacity when `count` reached it. Returns 0 or -1. */
static int grow(void **array, int *capacity, int count, size_t item_size)
{
    if (count < *capacity)
        return 0;
    int next = *capacity ? *capacity * 2 : 16;
    void *p = realloc(*array, item_size * (size_t)next);
    if (!p)
        return -1;
    *array = p;
    *capacity = next;
    return 0;
}

static mr_status out_of_memory(mr_error *err, const char *what)
{
    return mr_fail(err, MR_ERR_NO_MEMORY, "out of memory while storing %s; load a smaller data set", what);
}

/* Appends a movie without checking for an existing id. */
static mr_status append_movie(mr_dataset *ds, int64_t movie_id, const char *title,
                              const char *genres, mr_error *err)
{
    if (ds->n_movies >= ds->cap_movies) {
        int cap = ds->cap_movies;
        if (grow((void **)&ds->movie_ids, &cap, ds->n_movies, sizeof *ds->movie_ids) != 0)
            return out_of_memory(err, "movies");
        int cap2 = ds->cap_movies;
        if (grow((void **)&ds->titles, &cap2, ds->n_movies, sizeof *ds->titles) != 0)
            return out_of_memory(err, "movies");
        int cap3 = ds->cap_movies;
        if (grow((void **)&ds->genre_text, &cap3, ds->n_movies, sizeof *ds->genre_text) != 0)
            return out_of_memory(err, "movies");
        ds->cap_movies = cap;
    }

    if (genres && strcmp(genres, "(no genres listed)") == 0)
        genres = "";
    char *t = copy_string(title);
    char *g = copy_string(genres);
    if (!t || !g || mr_id_map_put(&ds->movie_map, movie_id, ds->n_movies) != 0) {
        free(t);
        free(g);
        return out_of_memory(err, "movies");
    }
    ds->movie_ids[ds->n_movies] = movie_id;
    ds->titles[ds->n_movies] = t;
    ds->genre_text[ds->n_movies] = g;
    ds->n_movies++;
    ds->finished = 0;
    return MR_OK;
}

mr_status mr_dataset_add_movie(mr_dataset *ds, int64_t movie_id, const char *title,
                               const char *genres, mr_error *err)
{
    if (!ds)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "data set is NULL");
    if (mr_id_map_get(&ds->movie_map, movie_id) >= 0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "movie id %lld appears twice in the catalog; each movie id must be unique",
                       (long long)movie_id);
    return append_movie(ds, movie_id, title, genres, err);
}

mr_status mr_dataset_add_rating(mr_dataset *ds, int64_t user_id, int64_t movie_id,
                                double rating, mr_error *err)
{
    if (!ds)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "data set is NULL");
    if (!isfinite(rating))
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "rating %g of user %lld for movie %lld is not a finite number",
                       rating, (long long)user_id, (long long)movie_id);

    int movie = mr_id_map_get(&ds->movie_map, movie_id);
    if (movie < 0) {
        mr_status s = append_movie(ds, movie_id, "", "", err);
        if (s != MR_OK)
            return s;
        movie = ds->n_movies - 1;
        ds->report.n_movies_from_ratings++;
    }

    int user = mr_id_map_get(&ds->user_map, user_id);
    if (user < 0) {
        if (grow((void **)&ds->user_ids, &ds->cap_users, ds->n_users, sizeof *ds->user_ids) != 0 ||
            mr_id_map_put(&ds->user_map, user_id, ds->n_users) != 0)
            return out_of_memory(err, "users");
        user = ds->n_users;
        ds->user_ids[ds->n_users++] = user_id;
    }

    /* A repeated (user, movie) pair keeps its first position and the last value. */
    int64_t pair = ((int64_t)user << 32) | (int64_t)(uint32_t)movie;
    int existing = mr_id_map_get(&ds->pair_map, pair);
    if (existing >= 0) {
        ds->ratings[existing].rating = rating;
        ds->report.n_duplicates++;
        ds->finished = 0;
        return MR_OK;
    }

    if (grow((void **)&ds->ratings, &ds->cap_ratings, ds->n_ratings, sizeof *ds->ratings) != 0 ||
        mr_id_map_put(&ds->pair_map, pair, ds->n_ratings) != 0)
        return out_of_memory(err, "ratings");
    ds->ratings[ds->n_ratings].user = user;
    ds->ratings[ds->n_ratings].movie = movie;
    ds->ratings[ds->n_ratings].rating = rating;
    ds->n_ratings++;
    ds->finished = 0;
    return MR_OK;
}

/* ======================================================================== */
/* Finishing: sorted users, per-user lists, genre vocabulary                */
/* ======================================================================== */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int compare_ids(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Finds a genre name in the sorted vocabulary; returns its index or -1. */
static int find_genre(char **names, int n, const char *name, size_t len)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strncmp(names[mid], name, len);
        if (c == 0 && names[mid][len] != '\0')
            c = 1;
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Returns the next non-empty name in a '|'-separated genre list and its
 * length, advancing *cursor past it; returns NULL at the end. */
static const char *next_genre(const char **cursor, size_t *len)
{
    const char *s = *cursor;
    while (*s == '|')
        s++;
    if (*s == '\0')
        return NULL;
    *len = strcspn(s, "|");
    *cursor = s + *len;
    return s;
}

static mr_status build_genres(mr_dataset *ds, mr_error *err)
{
    /* Collect every genre occurrence, sort, and keep unique names. */
    int total = 0;
    const char *name, *cursor;
    size_t len;
    for (int i = 0; i < ds->n_movies; i++)
        for (cursor = ds->genre_text[i]; next_genre(&cursor, &len);)
            total++;
    char **all = malloc(sizeof *all * (size_t)(total ? total : 1));
    if (!all)
        return out_of_memory(err, "genres");
    int n = 0;
    for (int i = 0; i < ds->n_movies; i++) {
        for (cursor = ds->genre_text[i]; (name = next_genre(&cursor, &len));) {
            all[n] = malloc(len + 1);
            if (!all[n]) {
                for (int j = 0; j < n; j++)
                    free(all[j]);
                free(all);
                return out_of_memory(err, "genres");
            }
            memcpy(all[n], name, len);
            all[n][len] = '\0';
            n++;
        }
    }
    qsort(all, (size_t)n, sizeof *all, compare_strings);
    int unique = 0;
    for (int i = 0; i < n; i++) {
        if (unique > 0 && strcmp(all[unique - 1], all[i]) == 0)
            free(all[i]);
        else
            all[unique++] = all[i];
    }
    ds->genre_names = all;
    ds->n_genres = unique;

    /* Each movie's genre indices, ascending, without repeats. */
    ds->genre_offsets = malloc(sizeof(int) * (size_t)(ds->n_movies + 1));
    ds->genre_list = malloc(sizeof(int) * (size_t)(total ? total : 1));
    if (!ds->genre_offsets || !ds->genre_list)
        return out_of_memory(err, "genres");
    int pos = 0;
    for (int i = 0; i < ds->n_movies; i++) {
        int start = pos;
        ds->genre_offsets[i] = start;
        for (cursor = ds->genre_text[i]; (name = next_genre(&cursor, &len));)
            ds->genre_list[pos++] = find_genre(ds->genre_names, ds->n_genres, name, len);
        qsort(ds->genre_list + start, (size_t)(pos - start), sizeof(int), compare_ints);
        int kept = start;
        for (int j = start; j < pos; j++)
            if (kept == start || ds->genre_list[kept - 1] != ds->genre_list[j])
                ds->genre_list[kept++] = ds->genre_list[j];
        pos = kept;
    }
    ds->genre_offsets[ds->n_movies] = pos;
    return MR_OK;
}

/* Renumbers users in ascending id order and rewrites the ratings to match. */
static mr_status sort_users(mr_dataset *ds, mr_error *err)
{
    int64_t *sorted = malloc(sizeof *sorted * (size_t)(ds->n_users ? ds->n_users : 1));
    int *new_index = malloc(sizeof *new_index * (size_t)(ds->n_users ? ds->n_users : 1));
    if (!sorted || !new_index) {
        free(sorted);
        free(new_index);
        return out_of_memory(err, "users");
    }
    memcpy(sorted, ds->user_ids, sizeof *sorted * (size_t)ds->n_users);
    qsort(sorted, (size_t)ds->n_users, sizeof *sorted, compare_ids);

    mr_id_map map = {0};
    for (int i = 0; i < ds->n_users; i++) {
        if (mr_id_map_put(&map, sorted[i], i) != 0) {
            mr_id_map_free(&map);
            free(sorted);
            free(new_index);
            return out_of_memory(err, "users");
        }
    }
    for (int i = 0; i < ds->n_users; i++)
        new_index[i] = mr_id_map_get(&map, ds->user_ids[i]);

    /* The pair map is keyed by user index, so rebuild it with the new numbers. */
    mr_id_map pairs = {0};
    for (int r = 0; r < ds->n_ratings; r++) {
        mr_rating_entry *e = &ds->ratings[r];
        e->user = new_index[e->user];
        int64_t pair = ((int64_t)e->user << 32) | (int64_t)(uint32_t)e->movie;
        if (mr_id_map_put(&pairs, pair, r) != 0) {
            mr_id_map_free(&pairs);
            mr_id_map_free(&map);
            free(sorted);
            free(new_index);
            return out_of_memory(err, "ratings");
        }
    }

    mr_id_map_free(&ds->pair_map);
    ds->pair_map = pairs;
    mr_id_map_free(&ds->user_map);
    ds->user_map = map;
    free(ds->user_ids);
    ds->user_ids = sorted;
    ds->cap_users = ds->n_users;
    free(new_index);
    return MR_OK;
}

typedef struct movie_value {
    int movie;
    double value;
} movie_value;

static int compare_movie_values(const void *a, const void *b)
{
    return compare_ints(&((const movie_value *)a)->movie, &((const movie_value *)b)->movie);
}

/* Builds per-user rating lists sorted by movie index, and per-movie counts. */
static mr_status build_rating_index(mr_dataset *ds, mr_error *err)
{
    size_t nr = (size_t)(ds->n_ratings ? ds->n_ratings : 1);
    ds->user_offsets = calloc((size_t)ds->n_users + 1, sizeof(int));
    ds->user_movies = malloc(sizeof(int) * nr);
    ds->user_values = malloc(sizeof(double) * nr);
    ds->movie_counts = calloc((size_t)(ds->n_movies ? ds->n_movies : 1), sizeof(int));
    ds->movie_sums = calloc((size_t)(ds->n_movies ? ds->n_movies : 1), sizeof(double));
    movie_value *scratch = malloc(sizeof *scratch * nr);
    int *fill = calloc((size_t)ds->n_users + 1, sizeof(int));
    if (!ds->user_offsets || !ds->user_movies || !ds->user_values || !ds->movie_counts ||
        !ds->movie_sums || !scratch || !fill) {
        free(scratch);
        free(fill);
        return out_of_memory(err, "the rating index");
    }

    ds->rating_min = INFINITY;
    ds->rating_max_seen = -INFINITY;
    for (int r = 0; r < ds->n_ratings; r++) {
        const mr_rating_entry *e = &ds->ratings[r];
        ds->user_offsets[e->user + 1]++;
        ds->movie_counts[e->movie]++;
        ds->movie_sums[e->movie] += e->rating;
        if (e->rating < ds->rating_min)
            ds->rating_min = e->rating;
        if (e->rating > ds->rating_max_seen)
            ds->rating_max_seen = e->rating;
    }
    for (int u = 0; u < ds->n_users; u++)
        ds->user_offsets[u + 1] += ds->user_offsets[u];
    for (int r = 0; r < ds->n_ratings; r++) {
        const mr_rating_entry *e = &ds->ratings[r];
        int at = ds->user_offsets[e->user] + fill[e->user]++;
        scratch[at].movie = e->movie;
        scratch[at].value = e->rating;
    }
    for (int u = 0; u < ds->n_users; u++) {
        int start = ds->user_offsets[u], end = ds->user_offsets[u + 1];
        qsort(scratch + start, (size_t)(end - start), sizeof *scratch, compare_movie_values);
    }
    for (int r = 0; r < ds->n_ratings; r++) {
        ds->user_movies[r] = scratch[r].movie;
        ds->user_values[r] = scratch[r].value;
    }
    free(scratch);
    free(fill);

    if (ds->n_ratings == 0) {
        ds->rating_min = 0.0;
        ds->rating_max_seen = 0.0;
    }
    if (ds->rating_max_seen <= 5.0)
        ds->rating_scale_max = 5.0;
    else if (ds->rating_max_seen <= 10.0)
        ds->rating_scale_max = 10.0;
    else
        ds->rating_scale_max = ds->rating_max_seen;
    return MR_OK;
}

mr_status mr_dataset_finish(mr_dataset *ds, mr_error *err)
{
    if (!ds)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "data set is NULL");
    free_derived(ds);

    mr_status s = build_genres(ds, err);
    if (s == MR_OK)
        s = sort_users(ds, err);
    if (s == MR_OK)
        s = build_rating_index(ds, err);
    if (s != MR_OK) {
        free_derived(ds);
        return s;
    }
    ds->finished = 1;
    return MR_OK;
}

mr_status mr_require_finished(const mr_dataset *ds, mr_error *err)
{
    if (!ds)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "data set is NULL");
    if (!ds->finished)
        return mr_fail(err, MR_ERR_STATE,
                       "data set changed since it was last finished; call mr_dataset_finish first");
    return MR_OK;
}

/* ======================================================================== */
/* Queries                                                                  */
/* ======================================================================== */

int mr_dataset_n_movies(const mr_dataset *ds) { return ds ? ds->n_movies : 0; }
int mr_dataset_n_users(const mr_dataset *ds) { return ds ? ds->n_users : 0; }
int mr_dataset_n_ratings(const mr_dataset *ds) { return ds ? ds->n_ratings : 0; }

mr_load_report mr_dataset_report(const mr_dataset *ds)
{
    mr_load_report none = {0, 0, 0};
    return ds ? ds->report : none;
}

double mr_dataset_rating_max(const mr_dataset *ds) { return ds && ds->finished ? ds->rating_scale_max : 5.0; }
double mr_dataset_rating_min(const mr_dataset *ds) { return ds && ds->finished ? ds->rating_min : 0.0; }

static int valid_movie(const mr_dataset *ds, int index)
{
    return ds && index >= 0 && index < ds->n_movies;
}

int64_t mr_dataset_movie_id(const mr_dataset *ds, int index)
{
    return valid_movie(ds, index) ? ds->movie_ids[index] : -1;
}

const char *mr_dataset_movie_title(const mr_dataset *ds, int index)
{
    return valid_movie(ds, index) ? ds->titles[index] : "";
}

const int *mr_dataset_movie_genres(const mr_dataset *ds, int index, int *n_out)
{
    if (!valid_movie(ds, index) || !ds->finished) {
        *n_out = 0;
        return NULL;
    }
    *n_out = mr_genre_count(ds, index);
    return ds->genre_list + ds->genre_offsets[index];
}

int mr_dataset_movie_index(const mr_dataset *ds, int64_t movie_id)
{
    return ds ? mr_id_map_get(&ds->movie_map, movie_id) : -1;
}

int64_t mr_dataset_user_id(const mr_dataset *ds, int index)
{
    return ds && index >= 0 && index < ds->n_users ? ds->user_ids[index] : -1;
}

int mr_dataset_user_index(const mr_dataset *ds, int64_t user_id)
{
    return ds ? mr_id_map_get(&ds->user_map, user_id) : -1;
}

int mr_dataset_user_n_ratings(const mr_dataset *ds, int user_index)
{
    if (!ds || !ds->finished || user_index < 0 || user_index >= ds->n_users)
        return 0;
    return ds->user_offsets[user_index + 1] - ds->user_offsets[user_index];
}

int mr_dataset_rating(const mr_dataset *ds, int user_index, int movie_index, double *rating)
{
    if (!ds || !ds->finished || user_index < 0 || user_index >= ds->n_users)
        return 0;
    int lo = ds->user_offsets[user_index], hi = ds->user_offsets[user_index + 1] - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int m = ds->user_movies[mid];
        if (m == movie_index) {
            if (rating)
                *rating = ds->user_values[mid];
            return 1;
        }
        if (m < movie_index)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

int mr_dataset_n_genres(const mr_dataset *ds) { return ds && ds->finished ? ds->n_genres : 0; }

const char *mr_dataset_genre_name(const mr_dataset *ds, int genre_index)
{
    if (!ds || !ds->finished || genre_index < 0 || genre_index >= ds->n_genres)
        return "";
    return ds->genre_names[genre_index];
}

/* ------------------------------------------------------------------------ */
/* Most active users and most rated movies                                  */
/* ------------------------------------------------------------------------ */

typedef struct count_entry {
    int index;
    int count;
    int64_t id;
} count_entry;

static int compare_counts(const void *a, const void *b)
{
    const count_entry *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Sorts `n` (index, count, id) entries by count descending, ties by id, and
 * copies up to `capacity` indices to `out`. */
static int top_by_count(count_entry *entries, int n, int *out, int capacity)
{
    qsort(entries, (size_t)n, sizeof *entries, compare_counts);
    int written = n < capacity ? n : capacity;
    for (int i = 0; i < written; i++)
        out[i] = entries[i].index;
    return written;
}

int mr_dataset_most_active_users(const mr_dataset *ds, int *out, int capacity)
{
    if (!ds || !ds->finished || capacity <= 0 || ds->n_users == 0)
        return 0;
    count_entry *entries = malloc(sizeof *entries * (size_t)ds->n_users);
    if (!entries)
        return 0;
    for (int u = 0; u < ds->n_users; u++) {
        entries[u].index = u;
        entries[u].count = mr_dataset_user_n_ratings(ds, u);
        entries[u].id = ds->user_ids[u];
    }
    int written = top_by_count(entries, ds->n_users, out, capacity);
    free(entries);
    return written;
}

int mr_dataset_most_rated_movies(const mr_dataset *ds, int *out, int capacity)
{
    if (!ds || !ds->finished || capacity <= 0 || ds->n_movies == 0)
        return 0;
    count_entry *entries = malloc(sizeof *entries * (size_t)ds->n_movies);
    if (!entries)
        return 0;
    for (int m = 0; m < ds->n_movies; m++) {
        entries[m].index = m;
        entries[m].count = ds->movie_counts[m];
        entries[m].id = ds->movie_ids[m];
    }
    int written = top_by_count(entries, ds->n_movies, out, capacity);
    free(entries);
    return written;
}
