/* dataset.c: movies, users and ratings with id maps, and the indexes built
 * by mr_dataset_finish. */
#include <float.h>
#include <math.h>
#include <stdio.h>
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
    free(map->slots);
    memset(map, 0, sizeof *map);
}

int mr_id_map_get(const mr_id_map *map, int64_t key)
{
    if (map->capacity == 0)
        return -1;
    uint32_t mask = (uint32_t)map->capacity - 1;
    for (uint32_t i = hash_id(key) & mask;; i = (i + 1) & mask) {
        const mr_id_slot *slot = &map->slots[i];
        if (slot->value < 0)
            return -1;
        if (slot->key == key)
            return slot->value;
    }
}

static int id_map_grow(mr_id_map *map)
{
    if (map->capacity > (1 << 29))
        return -1;
    int capacity = map->capacity ? map->capacity * 2 : 64;
    mr_id_slot *slots = malloc(sizeof *slots * (size_t)capacity);
    if (!slots)
        return -1;
    for (int i = 0; i < capacity; i++)
        slots[i].value = -1;

    uint32_t mask = (uint32_t)capacity - 1;
    for (int j = 0; j < map->capacity; j++) {
        if (map->slots[j].value < 0)
            continue;
        uint32_t i = hash_id(map->slots[j].key) & mask;
        while (slots[i].value >= 0)
            i = (i + 1) & mask;
        slots[i] = map->slots[j];
    }
    free(map->slots);
    map->slots = slots;
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
    while (map->slots[i].value >= 0 && map->slots[i].key != key)
        i = (i + 1) & mask;
    if (map->slots[i].value < 0)
        map->count++;
    map->slots[i].key = key;
    map->slots[i].value = value;
    return 0;
}

/* ======================================================================== */
/* Lifecycle                                                                */
/* ======================================================================== */

mr_dataset *mr_dataset_create(void)
{
    mr_dataset *ds = calloc(1, sizeof(mr_dataset));
    if (ds)
        ds->last_user = -1;
    return ds;
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
    for (int g = 0; g < MR_ITEM_GENRES_MAX; g++)
        free(ds->item_genres[g]);
    free(ds->movie_ids);
    free(ds->titles);
    free(ds->genre_text);
    free(ds->label_offsets);
    free(ds->label_text);
    free(ds->movie_dense);
    free(ds->user_ids);
    free(ds->ratings);
    free(ds->files);
    free(ds->skipped);
    mr_id_map_free(&ds->movie_map);
    mr_id_map_free(&ds->user_map);
    free(ds);
}

/* ======================================================================== */
/* Adding movies and ratings                                                */
/* ======================================================================== */

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
    if (*capacity > (1 << 29))
        return -1;
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

/* Makes room for one more movie in every per-movie array and returns 0, or
 * -1 when out of memory. Arrays that did grow before a failure keep their new
 * size, which is safe because cap_movies is still the old capacity. */
static int grow_movies(mr_dataset *ds)
{
    if (ds->n_movies < ds->cap_movies)
        return 0;
    if (ds->cap_movies > (1 << 28))
        return -1;
    size_t next = ds->cap_movies ? (size_t)ds->cap_movies * 2 : 16;

    int64_t *ids = realloc(ds->movie_ids, sizeof *ids * next);
    if (!ids)
        return -1;
    ds->movie_ids = ids;
    char **titles = realloc(ds->titles, sizeof *titles * next);
    if (!titles)
        return -1;
    ds->titles = titles;
    char **genres = realloc(ds->genre_text, sizeof *genres * next);
    if (!genres)
        return -1;
    ds->genre_text = genres;
    int *labels = realloc(ds->label_offsets, sizeof *labels * next);
    if (!labels)
        return -1;
    ds->label_offsets = labels;
    ds->cap_movies = (int)next;
    return 0;
}

/* Appends a NUL-terminated copy of a label to label_text; returns its offset,
 * or -1 when out of memory. */
static int push_label(mr_dataset *ds, const char *label, size_t len)
{
    if (ds->label_len + len + 1 > ds->label_cap) {
        size_t cap = ds->label_cap ? ds->label_cap : 1024;
        while (cap < ds->label_len + len + 1)
            cap *= 2;
        if (cap > (size_t)1 << 30)
            return -1;
        char *text = realloc(ds->label_text, cap);
        if (!text)
            return -1;
        ds->label_text = text;
        ds->label_cap = cap;
    }
    int offset = (int)ds->label_len;
    memcpy(ds->label_text + offset, label, len);
    ds->label_text[offset + len] = '\0';
    ds->label_len += len + 1;
    return offset;
}

/* Returns the catalog index of a movie id, or -1. */
static int find_movie_index(const mr_dataset *ds, int64_t movie_id)
{
    if (movie_id >= 0 && movie_id < ds->dense_cap)
        return ds->movie_dense[movie_id];
    return mr_id_map_get(&ds->movie_map, movie_id);
}

/* Widens the direct table to cover `movie_id` when the table stays within a
 * fixed multiple of the catalog size, and refills it from the catalog. A
 * failed allocation only leaves the id to the hash map. */
static void cover_in_dense_table(mr_dataset *ds, int64_t movie_id)
{
    int64_t limit = 16 * (int64_t)ds->n_movies + 65536;
    if (movie_id < ds->dense_cap || movie_id >= limit)
        return;
    int64_t cap = ds->dense_cap ? 2 * (int64_t)ds->dense_cap : 4096;
    while (cap <= movie_id)
        cap *= 2;
    if (cap > limit)
        cap = limit;
    int *table = realloc(ds->movie_dense, sizeof(int) * (size_t)cap);
    if (!table)
        return;
    for (int64_t i = 0; i < cap; i++)
        table[i] = -1;
    for (int m = 0; m < ds->n_movies; m++)
        if (ds->movie_ids[m] >= 0 && ds->movie_ids[m] < cap)
            table[ds->movie_ids[m]] = m;
    ds->movie_dense = table;
    ds->dense_cap = (int)cap;
}

/* Appends a movie without checking for an existing id. */
static mr_status append_movie_unchecked(mr_dataset *ds, int64_t movie_id, const char *label,
                                        size_t label_len, const char *title, const char *genres,
                                        mr_error *err)
{
    if (grow_movies(ds) != 0)
        return out_of_memory(err, "movies");

    if (genres && strcmp(genres, "(no genres listed)") == 0)
        genres = "";
    char *t = copy_string(title);
    char *g = copy_string(genres);
    int label_offset = push_label(ds, label, label_len);
    if (!t || !g || label_offset < 0 || mr_id_map_put(&ds->movie_map, movie_id, ds->n_movies) != 0) {
        free(t);
        free(g);
        return out_of_memory(err, "movies");
    }
    ds->movie_ids[ds->n_movies] = movie_id;
    ds->titles[ds->n_movies] = t;
    ds->genre_text[ds->n_movies] = g;
    ds->label_offsets[ds->n_movies] = label_offset;
    ds->n_movies++;
    if (movie_id >= 0 && movie_id < ds->dense_cap)
        ds->movie_dense[movie_id] = ds->n_movies - 1;
    else
        cover_in_dense_table(ds, movie_id);
    ds->finished = 0;
    return MR_OK;
}

mr_status mr_dataset_append_movie(mr_dataset *ds, int64_t movie_id, const char *label,
                                  size_t label_len, const char *title, const char *genres,
                                  mr_error *err)
{
    if (find_movie_index(ds, movie_id) >= 0)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "movie id %lld appears twice in the catalog; each movie id must be unique",
                       (long long)movie_id);
    return append_movie_unchecked(ds, movie_id, label, label_len, title, genres, err);
}

mr_status mr_dataset_add_movie(mr_dataset *ds, int64_t movie_id, const char *title,
                               const char *genres, mr_error *err)
{
    if (!ds)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "data set is NULL");
    char label[24];
    int n = snprintf(label, sizeof label, "%lld", (long long)movie_id);
    return mr_dataset_append_movie(ds, movie_id, label, (size_t)n, title, genres, err);
}

/* Grows the rating array by half its size (to at least 1024 ratings), so
 * that the unused tail stays below a third of the array. Returns 0 or -1. */
static int grow_ratings(mr_dataset *ds)
{
    if (ds->n_ratings < ds->cap_ratings)
        return 0;
    if (ds->cap_ratings >= 0x7fffffff - 1024)
        return -1;
    long long next = ds->cap_ratings < 1024 ? 1024 : (long long)ds->cap_ratings + ds->cap_ratings / 2;
    if (next > 0x7fffffff)
        next = 0x7fffffff;
    mr_rating_entry *p = realloc(ds->ratings, sizeof *p * (size_t)next);
    if (!p)
        return -1;
    ds->ratings = p;
    ds->cap_ratings = (int)next;
    return 0;
}

int mr_dataset_reserve_ratings(mr_dataset *ds, int64_t capacity)
{
    if (capacity <= ds->cap_ratings)
        return 0;
    if (capacity > 0x7fffffff)
        capacity = 0x7fffffff;
    mr_rating_entry *p = realloc(ds->ratings, sizeof *p * (size_t)capacity);
    if (!p)
        return -1;
    ds->ratings = p;
    ds->cap_ratings = (int)capacity;
    return 0;
}

mr_status mr_dataset_append_rating(mr_dataset *ds, int64_t user_id, int64_t movie_id,
                                   const char *label, size_t label_len, double rating,
                                   mr_error *err)
{
    /* Single precision overflows above FLT_MAX; converting such a double is
     * undefined behaviour, so the check comes first. */
    if (!isfinite(rating) || fabs(rating) > FLT_MAX)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT,
                       "rating %g of user %lld for movie %lld is not a finite number within +-3.4e38",
                       rating, (long long)user_id, (long long)movie_id);

    int movie = find_movie_index(ds, movie_id);
    if (movie < 0) {
        mr_status s = append_movie_unchecked(ds, movie_id, label, label_len, "", "", err);
        if (s != MR_OK)
            return s;
        movie = ds->n_movies - 1;
        ds->report.n_movies_from_ratings++;
    }

    int user = ds->last_user;
    if (user < 0 || ds->last_user_id != user_id) {
        user = mr_id_map_get(&ds->user_map, user_id);
        if (user < 0) {
            if (grow((void **)&ds->user_ids, &ds->cap_users, ds->n_users, sizeof *ds->user_ids) != 0 ||
                mr_id_map_put(&ds->user_map, user_id, ds->n_users) != 0)
                return out_of_memory(err, "users");
            user = ds->n_users;
            ds->user_ids[ds->n_users++] = user_id;
        }
        ds->last_user_id = user_id;
        ds->last_user = user;
    }

    if (grow_ratings(ds) != 0)
        return out_of_memory(err, "ratings");
    float stored = (float)rating;
    if ((double)stored != rating)
        ds->report.n_ratings_rounded++;
    mr_rating_entry *e = &ds->ratings[ds->n_ratings++];
    e->user = user;
    e->movie = movie;
    e->rating = stored;
    ds->finished = 0;
    return MR_OK;
}

mr_status mr_dataset_add_rating(mr_dataset *ds, int64_t user_id, int64_t movie_id,
                                double rating, mr_error *err)
{
    if (!ds)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "data set is NULL");
    char label[24];
    int n = snprintf(label, sizeof label, "%lld", (long long)movie_id);
    return mr_dataset_append_rating(ds, user_id, movie_id, label, (size_t)n, rating, err);
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

typedef struct user_rank {
    int64_t id;
    int index; /* first-seen index */
} user_rank;

static int compare_user_ranks(const void *a, const void *b)
{
    int64_t x = ((const user_rank *)a)->id, y = ((const user_rank *)b)->id;
    return (x > y) - (x < y);
}

/* Renumbers users in ascending id order and rewrites the ratings to match.
 * Files sorted by user (every MovieLens release) are already in that order,
 * and then nothing moves. */
static mr_status sort_users(mr_dataset *ds, mr_error *err)
{
    ds->last_user = -1;
    int sorted = 1;
    for (int i = 1; i < ds->n_users && sorted; i++)
        sorted = ds->user_ids[i - 1] < ds->user_ids[i];
    if (sorted)
        return MR_OK;

    size_t n = (size_t)ds->n_users;
    user_rank *ranks = malloc(sizeof *ranks * n);
    int *new_index = malloc(sizeof *new_index * n);
    if (!ranks || !new_index) {
        free(ranks);
        free(new_index);
        return out_of_memory(err, "users");
    }
    for (int i = 0; i < ds->n_users; i++) {
        ranks[i].id = ds->user_ids[i];
        ranks[i].index = i;
    }
    qsort(ranks, n, sizeof *ranks, compare_user_ranks);

    mr_id_map map = {0};
    for (int i = 0; i < ds->n_users; i++) {
        new_index[ranks[i].index] = i;
        ds->user_ids[i] = ranks[i].id;
        if (mr_id_map_put(&map, ranks[i].id, i) != 0) {
            /* Restore the first-seen order, which the ratings still use. */
            for (int j = 0; j < ds->n_users; j++)
                ds->user_ids[ranks[j].index] = ranks[j].id;
            mr_id_map_free(&map);
            free(ranks);
            free(new_index);
            return out_of_memory(err, "users");
        }
    }
    for (int r = 0; r < ds->n_ratings; r++)
        ds->ratings[r].user = new_index[ds->ratings[r].user];

    mr_id_map_free(&ds->user_map);
    ds->user_map = map;
    free(ranks);
    free(new_index);
    return MR_OK;
}

/* Restores the max-heap property of keys[0..end) below `root`. */
static void sift_down(uint64_t *keys, int root, int end)
{
    for (;;) {
        int child = 2 * root + 1;
        if (child >= end)
            return;
        if (child + 1 < end && keys[child + 1] > keys[child])
            child++;
        if (keys[root] >= keys[child])
            return;
        uint64_t t = keys[root];
        keys[root] = keys[child];
        keys[child] = t;
        root = child;
    }
}

static void insertion_sort_keys(uint64_t *keys, int len)
{
    for (int j = 1; j < len; j++) {
        uint64_t k = keys[j];
        int i = j - 1;
        while (i >= 0 && keys[i] > k) {
            keys[i + 1] = keys[i];
            i--;
        }
        keys[i + 1] = k;
    }
}

static void heap_sort_keys(uint64_t *keys, int len)
{
    for (int root = len / 2 - 1; root >= 0; root--)
        sift_down(keys, root, len);
    for (int end = len - 1; end > 0; end--) {
        uint64_t top = keys[0];
        keys[0] = keys[end];
        keys[end] = top;
        sift_down(keys, 0, end);
    }
}

static uint64_t median_of_three(uint64_t a, uint64_t b, uint64_t c)
{
    if (a > b) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    if (b > c)
        b = c;
    return a > b ? a : b;
}

/* Sorts distinct keys ascending: quicksort with a median-of-three pivot,
 * insertion sort below 24 keys, and heap sort once the depth passes
 * 2 log2(len), so the worst case stays O(len log len). */
static void sort_keys(uint64_t *keys, int len, int depth)
{
    while (len > 24) {
        if (depth-- == 0) {
            heap_sort_keys(keys, len);
            return;
        }
        uint64_t pivot = median_of_three(keys[0], keys[len / 2], keys[len - 1]);
        int i = 0, j = len - 1;
        for (;;) {
            while (keys[i] < pivot)
                i++;
            while (keys[j] > pivot)
                j--;
            if (i >= j)
                break;
            uint64_t t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller part and loop on the larger one. */
        int left = j + 1;
        if (left < len - left) {
            sort_keys(keys, left, depth);
            keys += left;
            len -= left;
        } else {
            sort_keys(keys + left, len - left, depth);
            len = left;
        }
    }
    insertion_sort_keys(keys, len);
}

/* Sorts one user's (movie, value) list by movie, keeping input order among
 * equal movies. `keys` and `old_values` are scratch of `len` entries; each key
 * is movie << 32 | input position, so the sort needs no stability of its own. */
static void sort_user_list(int *movies, float *values, int len, uint64_t *keys, float *old_values)
{
    for (int j = 0; j < len; j++) {
        keys[j] = (uint64_t)(uint32_t)movies[j] << 32 | (uint32_t)j;
        old_values[j] = values[j];
    }
    int depth = 0;
    for (int k = len; k > 1; k /= 2)
        depth += 2;
    sort_keys(keys, len, depth);
    for (int j = 0; j < len; j++) {
        movies[j] = (int)(keys[j] >> 32);
        values[j] = old_values[keys[j] & 0xffffffffu];
    }
}

/* Finds `movie` in the ascending list movies[lo..hi) and returns its position. */
static int find_movie(const int *movies, int lo, int hi, int movie)
{
    hi--;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (movies[mid] == movie)
            return mid;
        if (movies[mid] < movie)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Drops every rating of a repeated (user, movie) pair but the first, and
 * gives that one the pair's value from the per-user index, which is the last
 * value. `n_index` is the index size after its own duplicates were merged. */
static mr_status drop_repeated_ratings(mr_dataset *ds, int n_index, mr_error *err)
{
    unsigned char *seen = calloc((size_t)n_index / 8 + 1, 1);
    if (!seen)
        return out_of_memory(err, "the rating index");
    int n_kept = 0;
    for (int r = 0; r < ds->n_ratings; r++) {
        mr_rating_entry e = ds->ratings[r];
        int at = find_movie(ds->user_movies, ds->user_offsets[e.user], ds->user_offsets[e.user + 1], e.movie);
        if (seen[at / 8] & (1u << (at % 8)))
            continue;
        seen[at / 8] |= (unsigned char)(1u << (at % 8));
        e.rating = ds->user_values[at];
        ds->ratings[n_kept++] = e;
    }
    free(seen);
    ds->n_ratings = n_kept;
    return MR_OK;
}

/* Shrinks the rating array to its length, so the freed tail can hold the
 * index arrays. A failed shrink leaves the array as it was. */
static void shrink_ratings(mr_dataset *ds)
{
    size_t n = (size_t)(ds->n_ratings ? ds->n_ratings : 1);
    mr_rating_entry *p = realloc(ds->ratings, sizeof *p * n);
    if (p) {
        ds->ratings = p;
        ds->cap_ratings = (int)n;
    }
}

/* Builds per-user rating lists sorted by movie index, merges repeated
 * (user, movie) pairs, and computes per-movie counts and the rating scale.
 * Peak memory is the 12-byte ratings plus the 8-byte index per rating. */
static mr_status build_rating_index(mr_dataset *ds, mr_error *err)
{
    shrink_ratings(ds);
    size_t nr = (size_t)(ds->n_ratings ? ds->n_ratings : 1);
    ds->user_offsets = calloc((size_t)ds->n_users + 1, sizeof(int));
    ds->user_movies = malloc(sizeof(int) * nr);
    ds->user_values = malloc(sizeof(float) * nr);
    ds->movie_counts = calloc((size_t)(ds->n_movies ? ds->n_movies : 1), sizeof(int));
    ds->movie_sums = calloc((size_t)(ds->n_movies ? ds->n_movies : 1), sizeof(double));
    int *cursor = malloc(sizeof(int) * ((size_t)ds->n_users + 1));
    if (!ds->user_offsets || !ds->user_movies || !ds->user_values || !ds->movie_counts ||
        !ds->movie_sums || !cursor) {
        free(cursor);
        return out_of_memory(err, "the rating index");
    }

    /* Counting sort by user: each user's list starts in input order. */
    for (int r = 0; r < ds->n_ratings; r++)
        ds->user_offsets[ds->ratings[r].user + 1]++;
    int longest = 0;
    for (int u = 0; u < ds->n_users; u++) {
        int len = ds->user_offsets[u + 1];
        if (len > longest)
            longest = len;
        ds->user_offsets[u + 1] += ds->user_offsets[u];
    }
    memcpy(cursor, ds->user_offsets, sizeof(int) * (size_t)ds->n_users);
    for (int r = 0; r < ds->n_ratings; r++) {
        const mr_rating_entry *e = &ds->ratings[r];
        int at = cursor[e->user]++;
        ds->user_movies[at] = e->movie;
        ds->user_values[at] = e->rating;
    }
    free(cursor);

    /* Sort each list by movie (most files already list a user's movies in
     * order) and merge runs of one movie into the last value of the run. */
    uint64_t *keys = malloc(sizeof *keys * (size_t)(longest ? longest : 1));
    float *old_values = malloc(sizeof *old_values * (size_t)(longest ? longest : 1));
    if (!keys || !old_values) {
        free(keys);
        free(old_values);
        return out_of_memory(err, "the rating index");
    }
    int written = 0, repeated = 0;
    for (int u = 0; u < ds->n_users; u++) {
        int start = ds->user_offsets[u], end = ds->user_offsets[u + 1];
        int *movies = ds->user_movies + start;
        float *values = ds->user_values + start;
        int len = end - start;
        int ascending = 1;
        for (int j = 1; j < len && ascending; j++)
            ascending = movies[j - 1] < movies[j];
        if (!ascending)
            sort_user_list(movies, values, len, keys, old_values);

        ds->user_offsets[u] = written;
        for (int j = 0; j < len; j++) {
            if (j + 1 < len && movies[j + 1] == movies[j]) {
                repeated++;
                continue;
            }
            ds->user_movies[written] = movies[j];
            ds->user_values[written] = values[j];
            written++;
        }
    }
    ds->user_offsets[ds->n_users] = written;
    free(keys);
    free(old_values);

    if (repeated > 0) {
        mr_status s = drop_repeated_ratings(ds, written, err);
        if (s != MR_OK)
            return s;
        ds->report.n_duplicates += repeated;
        shrink_ratings(ds);
        size_t nw = (size_t)(written ? written : 1);
        int *movies = realloc(ds->user_movies, sizeof(int) * nw);
        if (movies)
            ds->user_movies = movies;
        float *values = realloc(ds->user_values, sizeof(float) * nw);
        if (values)
            ds->user_values = values;
    }

    /* Per-movie counts and sums in input order, so means match a
     * left-to-right sum over the ratings file. */
    ds->rating_min = INFINITY;
    ds->rating_max_seen = -INFINITY;
    for (int r = 0; r < ds->n_ratings; r++) {
        const mr_rating_entry *e = &ds->ratings[r];
        ds->movie_counts[e->movie]++;
        ds->movie_sums[e->movie] += e->rating;
        if (e->rating < ds->rating_min)
            ds->rating_min = e->rating;
        if (e->rating > ds->rating_max_seen)
            ds->rating_max_seen = e->rating;
    }
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
    if (ds->scale_hint > ds->rating_scale_max)
        ds->rating_scale_max = ds->scale_hint;
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
    mr_load_report none;
    memset(&none, 0, sizeof none);
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

const char *mr_dataset_movie_label(const mr_dataset *ds, int index)
{
    return valid_movie(ds, index) ? ds->label_text + ds->label_offsets[index] : "";
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
    return ds ? find_movie_index(ds, movie_id) : -1;
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
    int at = find_movie(ds->user_movies, ds->user_offsets[user_index], ds->user_offsets[user_index + 1],
                        movie_index);
    if (at < 0)
        return 0;
    if (rating)
        *rating = ds->user_values[at];
    return 1;
}

int mr_dataset_n_genres(const mr_dataset *ds) { return ds && ds->finished ? ds->n_genres : 0; }

const char *mr_dataset_genre_name(const mr_dataset *ds, int genre_index)
{
    if (!ds || !ds->finished || genre_index < 0 || genre_index >= ds->n_genres)
        return "";
    return ds->genre_names[genre_index];
}

/* ------------------------------------------------------------------------ */
/* Files and skipped lines                                                  */
/* ------------------------------------------------------------------------ */

int mr_dataset_add_file(mr_dataset *ds, const char *name, mr_file_kind kind)
{
    if (grow((void **)&ds->files, &ds->cap_files, ds->n_files, sizeof *ds->files) != 0)
        return -1;
    mr_file_record *rec = &ds->files[ds->n_files];
    memset(rec, 0, sizeof *rec);
    snprintf(rec->name, sizeof rec->name, "%s", name);
    mr_utf8_trim_partial(rec->name);
    rec->report.kind = kind;
    rec->report.format = "";
    rec->report.encoding = "UTF-8";
    ds->report.n_files = ds->n_files + 1;
    return ds->n_files++;
}

int mr_dataset_add_skipped(mr_dataset *ds, const mr_skipped_line *line)
{
    if (ds->files[line->file_index].report.n_skipped >= MR_SKIPPED_KEPT_PER_FILE)
        return 0;
    if (grow((void **)&ds->skipped, &ds->cap_skipped, ds->n_skipped_kept, sizeof *ds->skipped) != 0)
        return -1;
    ds->skipped[ds->n_skipped_kept++] = *line;
    return 0;
}

int mr_dataset_n_files(const mr_dataset *ds) { return ds ? ds->n_files : 0; }

mr_file_report mr_dataset_file(const mr_dataset *ds, int index)
{
    mr_file_report out;
    if (!ds || index < 0 || index >= ds->n_files) {
        memset(&out, 0, sizeof out);
        out.file_name = out.format = out.encoding = "";
        return out;
    }
    out = ds->files[index].report;
    out.file_name = ds->files[index].name;
    return out;
}

int mr_dataset_n_skipped_kept(const mr_dataset *ds) { return ds ? ds->n_skipped_kept : 0; }

const mr_skipped_line *mr_dataset_skipped_line(const mr_dataset *ds, int index)
{
    if (!ds || index < 0 || index >= ds->n_skipped_kept)
        return NULL;
    return &ds->skipped[index];
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
