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

/* Key and value share a slot so a lookup touches one cache line. */
typedef struct mr_id_slot {
    int64_t key;
    int value; /* -1 marks an empty slot */
} mr_id_slot;

typedef struct mr_id_map {
    mr_id_slot *slots; /* (capacity,) */
    int capacity;      /* power of two */
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

/* One rating: 12 bytes. Single precision is exact for every whole number and
 * half star of a rating scale; other values are rounded and counted in the
 * load report. */
typedef struct mr_rating_entry {
    int user;     /* index into user_ids (first-seen order until finished) */
    int movie;    /* catalog index */
    float rating;
} mr_rating_entry;

/* Most genre flags a u.item line can carry (u.genre indices 0..63). */
#define MR_ITEM_GENRES_MAX 64

/* What one parser read; the public view is mr_file_report. */
typedef struct mr_file_record {
    char name[96];
    mr_file_report report; /* report.file_name points at name once returned */
} mr_file_record;

struct mr_dataset {
    /* Catalog, in insertion order. */
    int n_movies, cap_movies;
    int64_t *movie_ids;     /* (n_movies,) */
    char **titles;          /* (n_movies,) owned strings, "" when unknown */
    char **genre_text;      /* (n_movies,) owned '|'-separated genres */
    int *label_offsets;     /* (n_movies,) into label_text */
    char *label_text;       /* NUL-terminated movie ids as written, back to back */
    size_t label_len, label_cap;
    mr_id_map movie_map;
    /* Direct table in front of movie_map for ids in 0..dense_cap-1, which
     * covers the small dense ids of MovieLens; -1 marks an absent id. */
    int *movie_dense;       /* (dense_cap,) */
    int dense_cap;

    /* Users in first-seen order while loading; sorted by id when finished. */
    int n_users, cap_users;
    int64_t *user_ids;      /* (n_users,) */
    mr_id_map user_map;
    int64_t last_user_id;   /* lookup cache: files list a user's ratings together */
    int last_user;          /* index of last_user_id, -1 when the cache is empty */

    /* Ratings in input order. Repeated (user, movie) pairs stay in the array
     * until mr_dataset_finish keeps the first position with the last value. */
    int n_ratings, cap_ratings;
    mr_rating_entry *ratings; /* (n_ratings,) */
    mr_load_report report;
    double scale_hint;        /* top of the scale a file format declares, 0 if none */

    /* u.genre names by flag position, used by u.item lines. */
    char *item_genres[MR_ITEM_GENRES_MAX];
    int n_item_genres;        /* 0 until u.genre or the first u.item line sets them */
    int item_genres_used;     /* 1 once a u.item line took genre names from the table */

    /* Files read through parsers and the malformed lines they skipped. */
    int n_files, cap_files;
    mr_file_record *files;    /* (n_files,) */
    int n_skipped_kept, cap_skipped;
    mr_skipped_line *skipped; /* (n_skipped_kept,) first MR_SKIPPED_KEPT_PER_FILE per file */

    /* Built by mr_dataset_finish. */
    int finished;
    int n_genres;
    char **genre_names;     /* (n_genres,) sorted */
    int *genre_offsets;     /* (n_movies + 1,) into genre_list */
    int *genre_list;        /* genre indices of each movie, ascending */
    int *user_offsets;      /* (n_users + 1,) into user_movies / user_values */
    int *user_movies;       /* (n_ratings,) movie indices, ascending per user */
    float *user_values;     /* (n_ratings,) */
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

/* ------------------------------------------------------------------------ */
/* Adding data from parsers                                                 */
/* ------------------------------------------------------------------------ */

/* Appends a movie whose id was written as `label` (label_len bytes, e.g.
 * "0000008"). Fails with MR_ERR_INVALID_ARGUMENT when the id is already in the
 * catalog. */
mr_status mr_dataset_append_movie(mr_dataset *ds, int64_t movie_id, const char *label,
                                  size_t label_len, const char *title, const char *genres,
                                  mr_error *err);
/* Appends a rating; a movie id not yet in the catalog is added untitled with
 * `label` as its written id. Fails with MR_ERR_INVALID_ARGUMENT when the rating
 * is not finite or beyond the float range. */
mr_status mr_dataset_append_rating(mr_dataset *ds, int64_t user_id, int64_t movie_id,
                                   const char *label, size_t label_len, double rating,
                                   mr_error *err);

/* Grows the rating array to hold `capacity` ratings; returns 0, or -1 when
 * out of memory (the array is unchanged). A smaller capacity does nothing. */
int mr_dataset_reserve_ratings(mr_dataset *ds, int64_t capacity);

/* Adds a file record and returns its index, or -1 when out of memory. */
int mr_dataset_add_file(mr_dataset *ds, const char *name, mr_file_kind kind);
/* Stores a skipped-line record when the file has fewer than
 * MR_SKIPPED_KEPT_PER_FILE; returns 0, or -1 when out of memory. */
int mr_dataset_add_skipped(mr_dataset *ds, const mr_skipped_line *line);

/* ======================================================================== */
/* Text: UTF-8 checks and Latin-1 conversion (formats_text.c)               */
/* ======================================================================== */

/* Returns 1 when the bytes are valid UTF-8 (RFC 3629: shortest form, no
 * surrogates, nothing above U+10FFFF), 0 otherwise. */
int mr_utf8_valid(const char *s, size_t n);
/* Returns 1 when every byte is below 0x80. */
int mr_is_ascii(const char *s, size_t n);
/* Writes the UTF-8 form of Windows-1252 text to `out`, which must hold 3 * n
 * bytes; 0xA0-0xFF are Latin-1 (ISO-8859-1), 0x80-0x9F take their
 * Windows-1252 characters. Returns the bytes written and sets *saw_c1 to 1
 * when a byte in 0x80-0x9F occurred. */
size_t mr_latin1_to_utf8(const char *s, size_t n, char *out, int *saw_c1);
/* Cuts a UTF-8 sequence that a fixed-size buffer cut short off the end of a
 * NUL-terminated string, so that truncated text stays valid UTF-8. */
void mr_utf8_trim_partial(char *s);
/* As mr_fail, and cuts a character the message size cut short, since parser
 * messages quote file names and lines in UTF-8. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
mr_status mr_fail_utf8(mr_error *err, mr_status status, const char *fmt, ...);
/* Writes the start of a line for messages: at most 40 bytes of UTF-8 (Latin-1
 * lines converted), control characters as spaces, "..." when cut. `size` must
 * be at least 48. */
void mr_line_excerpt(const char *line, size_t len, char *out, size_t size);

/* ======================================================================== */
/* Parser state shared by parse.c and formats.c                             */
/* ======================================================================== */

/* Lines longer than this are malformed; the bytes beyond it are not kept. */
#define MR_MAX_LINE 65536

struct mr_parser {
    mr_dataset *ds;
    mr_file_kind kind;     /* MR_FILE_AUTO until the first line decides */
    int file_index;        /* record in ds->files */
    long line;             /* lines seen so far, header included */
    long max_skipped;      /* 0: stop at the first malformed line */
    uint64_t file_size;    /* from mr_parser_set_file_size, 0 when unknown */
    uint64_t bytes_done;   /* bytes of the lines parsed so far */
    int failed;            /* set after an error; later feeds are rejected */
    int header_done;       /* CSV kinds: the header line was read */
    int at_end;            /* the line being parsed ends the file without '\n' */
    int fields_last;       /* field count of the previous ratings line */
    int movietweetings;    /* seen: ids with leading zeros, ratings above 5 or empty genres */
    int half_stars;        /* seen: a rating that is not a whole number */
    int saw_utf8, saw_latin1, saw_c1;
    uint64_t genre_indices_seen; /* u.genre: bit i set when index i appeared */

    char *pending;         /* partial line carried between chunks */
    size_t pending_len, pending_cap;
    int pending_too_long;  /* the pending line passed MR_MAX_LINE */
    char *scratch;         /* writable copy of a line (unquoting, conversion) */
    size_t scratch_cap;
    char *genre_buf;       /* u.item genre list under construction */
    size_t genre_cap;

    char reason[224];      /* why the current line is malformed */
};

/* Returns the record of the parser's file. */
static inline mr_file_report *mr_parser_record(mr_parser *p)
{
    return &p->ds->files[p->file_index].report;
}

/* Returns the file name given to mr_parser_create, for messages. */
static inline const char *mr_parser_file_name(const mr_parser *p)
{
    return p->ds->files[p->file_index].name;
}

/* Grows a buffer to at least `n` bytes; returns 0, or -1 when out of memory. */
int mr_parser_reserve(char **buffer, size_t *capacity, size_t n);

/* Decides the kind of a file from its name ("u.data", "ratings.csv", ...),
 * case-insensitively, ignoring any directory; MR_FILE_AUTO when unknown. */
mr_file_kind mr_kind_from_name(const char *file_name);
/* Decides the kind from one line without its line end; MR_FILE_AUTO when the
 * line matches no format. */
mr_file_kind mr_kind_from_line(const char *line, size_t len);
/* Describes what a line that matches no format looks like, for messages. */
const char *mr_describe_unknown_line(const char *line, size_t len);
/* True for kinds whose first line is a header. */
int mr_kind_has_header(mr_file_kind kind);
/* Checks a CSV header line; returns MR_OK or MR_ERR_PARSE with p->reason set. */
mr_status mr_check_header(mr_parser *p, const char *line, size_t len);
/* Parses one data line of p->kind and adds its movie, rating or genre name
 * to the data set. Returns MR_OK, or MR_ERR_PARSE with p->reason set (the
 * caller decides between failing and skipping), or another status with `err`
 * filled (fatal). */
mr_status mr_parse_data_line(mr_parser *p, const char *line, size_t len, mr_error *err);
/* Checks what a whole file of p->kind must satisfy at its end (u.genre
 * indices without gaps); MR_OK or MR_ERR_PARSE with `err` filled. */
mr_status mr_check_file_end(mr_parser *p, mr_error *err);
/* Display name of the detected format, refined by what was seen so far. */
const char *mr_format_name(const mr_parser *p);

/* ======================================================================== */
/* Generator blocks, for draws in bulk (rng.c)                              */
/* ======================================================================== */

/* Words in the MT19937 state; mr_rng_next_u32 returns the tempered word at
 * `pos` and refills the whole state after the last one. */
#define MR_RNG_WORDS 624
_Static_assert(sizeof(((mr_rng *)0)->state) == MR_RNG_WORDS * sizeof(uint32_t), "MT19937 state size");

/* Regenerates all state words and sets pos to 0. */
void mr_rng_refill(mr_rng *rng);
/* Words tempered per call of mr_rng_temper_words, about 45 shuffle swaps. */
#define MR_RNG_TEMPER_CHUNK 64
/* Writes the tempered value of the state words from `from` on into the same
 * positions of `out`, so out[i] is what mr_rng_next_u32 returns when pos is i.
 * Covers up to MR_RNG_TEMPER_CHUNK words, ending at a multiple of 4 or at
 * MR_RNG_WORDS, and returns the end. */
int mr_rng_temper_words(const mr_rng *rng, uint32_t out[MR_RNG_WORDS], int from);

/* Smallest all-ones mask covering `max`, as numpy's bounded draws use. */
static inline uint32_t mr_interval_mask(uint32_t max)
{
    max |= max >> 1;
    max |= max >> 2;
    max |= max >> 4;
    max |= max >> 8;
    max |= max >> 16;
    return max;
}

/* ======================================================================== */
/* Model lookups shared with ranking                                        */
/* ======================================================================== */

/* Model row of a user or movie id, or -1 when the model has no factors for it. */
int mr_model_find_user(const mr_model *m, int64_t user_id);
int mr_model_find_movie(const mr_model *m, int64_t movie_id);
/* Model row of each catalog movie of `ds`, or NULL when the catalog differs
 * from the one the model was made from (compared id by id, O(n_movies)). */
const int *mr_model_catalog_rows(const mr_model *m, const mr_dataset *ds);
/* U[user] . V[movie] by model rows: summed left to right in double for the
 * exact kernel, in float with the SIMD dot product for the float kernels. */
double mr_model_dot(const mr_model *m, int user, int movie);
/* Upper bounds for skipping dot products: for every model row `movie`,
 *   mr_model_dot(m, user, movie) <= mr_model_dot_bound_scale(m, user) * norms[movie]
 * with norms = mr_model_movie_norms(m), rounding of the dot product included.
 * Either factor is +infinity when a norm lies outside [2^-50, 2^50] or is not
 * finite; the product is then infinite or NaN and excludes nothing. The norms
 * are NULL after mr_model_train_steps stopped inside an epoch's SGD pass; they
 * are recomputed when training next reaches the end of a pass. */
const float *mr_model_movie_norms(const mr_model *m);
double mr_model_dot_bound_scale(const mr_model *m, int user);

/* ======================================================================== */
/* Ranking                                                                  */
/* ======================================================================== */

/* mr_recommend with the skipping of dot products on (`prune` 1, as
 * mr_recommend runs) or off (0: every candidate with CF factors is scored in
 * full). Stores the number of dot products computed in *n_dots when it is not
 * NULL. The tests compare both settings. */
mr_status mr_recommend_scan(const mr_dataset *ds, const mr_model *model, int64_t user_id,
                            const mr_rank_params *params, int prune, mr_recommendation *out,
                            int capacity, int *n_out, int *n_dots, mr_error *err);

#endif
