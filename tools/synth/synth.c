/* synth.c: the synthetic rating generator behind synth.h. It builds the
 * catalog, the per-user rating counts and the movie sampling table once, then
 * draws one user's ratings per synth_next_user call. */
#include "synth.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_FACTORS 4          /* hidden factors behind the ratings */
#define MAX_GENRES 32

/* ======================================================================== */
/* Random numbers: xoshiro256** seeded through splitmix64                   */
/* ======================================================================== */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Seeds a stream from the run's seed and a stream number, so each user and
 * each movie has its own stream and the output does not depend on call order. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double rng_uniform(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform in (0, 1], safe for log(). */
static inline double rng_uniform_pos(rng *r) { return 1.0 - rng_uniform(r); }

/* Uniform integer in [0, n) by multiply-shift of 32 random bits. Each
 * value's probability is off by at most a factor 1 +- n / 2^32. */
static inline uint32_t rng_below(rng *r, uint32_t n)
{
    return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Standard normal by the polar method. */
static double rng_gauss(rng *r)
{
    double x, y, s;
    do {
        x = 2.0 * rng_uniform(r) - 1.0;
        y = 2.0 * rng_uniform(r) - 1.0;
        s = x * x + y * y;
    } while (s >= 1.0 || s == 0.0);
    return x * sqrt(-2.0 * log(s) / s);
}

static void shuffle_ints(int *a, int n, rng *r)
{
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rng_below(r, (uint32_t)i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

/* ======================================================================== */
/* Formats: genres, scales, defaults                                        */
/* ======================================================================== */

typedef struct genre_table {
    int n;
    const char *names[MAX_GENRES];
    double weights[MAX_GENRES]; /* relative frequency among movies */
} genre_table;

/* ml-latest and ml-10m genres; the weights are rough shares, not measured. */
static const genre_table GENRES_ML_CSV = {
    19,
    {"Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
     "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi",
     "Thriller", "War", "Western"},
    {7, 4, 3, 3, 16, 5, 5, 25, 3, 0.5, 6, 0.3, 1, 3, 7, 3.5, 8, 1.5, 1}};

static const genre_table GENRES_ML_1M = {
    18,
    {"Action", "Adventure", "Animation", "Children's", "Comedy", "Crime", "Documentary", "Drama",
     "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
     "War", "Western"},
    {7, 4, 3, 3, 16, 5, 5, 25, 3, 0.5, 6, 1, 3, 7, 3.5, 8, 1.5, 1}};

/* u.genre order; "unknown" is the flag of a movie without genres. */
static const genre_table GENRES_ML_100K = {
    19,
    {"unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
     "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery", "Romance",
     "Sci-Fi", "Thriller", "War", "Western"},
    {0, 7, 4, 3, 3, 16, 5, 5, 25, 3, 0.5, 6, 1, 3, 7, 3.5, 8, 1.5, 1}};

/* IMDb genres as MovieTweetings lists them; weights follow its 100K snapshot. */
static const genre_table GENRES_TWEETINGS = {
    26,
    {"Action", "Adult", "Adventure", "Animation", "Biography", "Comedy", "Crime", "Documentary",
     "Drama", "Family", "Fantasy", "Film-Noir", "History", "Horror", "Music", "Musical",
     "Mystery", "News", "Romance", "Sci-Fi", "Short", "Sport", "Thriller", "War", "Western",
     "Reality-TV"},
    {17, 0.1, 11, 3.7, 4.4, 34, 16, 6.3, 54, 6.5, 7.5, 0.5, 3.7, 13, 3.5, 2.5, 8.8, 0.2, 19,
     8.8, 2.5, 2.8, 27, 4.1, 1.6, 0.1}};

static const genre_table *genres_of(synth_format f)
{
    switch (f) {
    case SYNTH_ML_CSV:
    case SYNTH_ML_10M: return &GENRES_ML_CSV;
    case SYNTH_ML_1M: return &GENRES_ML_1M;
    case SYNTH_ML_100K: return &GENRES_ML_100K;
    case SYNTH_TWEETINGS: return &GENRES_TWEETINGS;
    }
    return &GENRES_ML_CSV;
}

static const char *const FORMAT_NAMES[] = {"ml-csv", "ml-100k", "ml-1m", "ml-10m", "tweetings"};

const char *synth_format_name(synth_format format)
{
    return (unsigned)format <= SYNTH_TWEETINGS ? FORMAT_NAMES[format] : "unknown";
}

int synth_format_from_name(const char *name, synth_format *out)
{
    for (int i = 0; i <= SYNTH_TWEETINGS; i++) {
        if (strcmp(name, FORMAT_NAMES[i]) == 0) {
            *out = (synth_format)i;
            return 0;
        }
    }
    return -1;
}

/* Sizes, movie id ranges and rating time spans of the releases. The
 * ml-latest-small and MovieTweetings 100K figures were checked against copies
 * of those files; the others are the published sizes and recalled spans. */
int synth_defaults(synth_format format, synth_params *p)
{
    memset(p, 0, sizeof *p);
    p->format = format;
    p->seed = 1;
    p->order = SYNTH_ORDER_USER_MOVIE;
    p->min_per_user = 20;
    p->user_spread = 1.3;
    p->movie_skew = 1.8;
    p->head_share = 0.6;
    switch (format) {
    case SYNTH_ML_CSV: /* ml-25m */
        p->n_users = 162541, p->n_movies = 62423, p->n_ratings = 25000095;
        p->user_spread = 1.5;
        p->no_genre_share = 0.08, p->mean_id_gap = 209171.0 / 62423.0;
        p->time_first = 789652009, p->time_last = 1574327703;
        return 0;
    case SYNTH_ML_100K:
        p->n_users = 943, p->n_movies = 1682, p->n_ratings = 100000;
        p->user_spread = 0.8;
        p->no_genre_share = 0.001, p->mean_id_gap = 1.0;
        p->time_first = 874724710, p->time_last = 893286638;
        p->order = SYNTH_ORDER_USER_TIME;
        return 0;
    case SYNTH_ML_1M:
        p->n_users = 6040, p->n_movies = 3883, p->n_ratings = 1000209;
        p->user_spread = 0.85;
        p->no_genre_share = 0.0, p->mean_id_gap = 3952.0 / 3883.0;
        p->time_first = 956703932, p->time_last = 1046454590;
        p->order = SYNTH_ORDER_USER_TIME;
        return 0;
    case SYNTH_ML_10M:
        p->n_users = 69878, p->n_movies = 10681, p->n_ratings = 10000054;
        p->user_spread = 1.15;
        p->no_genre_share = 0.0001, p->mean_id_gap = 65133.0 / 10681.0;
        p->time_first = 789652009, p->time_last = 1231131736;
        p->order = SYNTH_ORDER_USER_TIME;
        return 0;
    case SYNTH_TWEETINGS: /* the 100K snapshot */
        p->n_users = 16554, p->n_movies = 10506, p->n_ratings = 100000;
        p->min_per_user = 1, p->user_spread = 1.3;
        p->movie_skew = 1.2, p->head_share = 0.12;
        p->no_genre_share = 0.006, p->mean_id_gap = 3124456.0 / 10506.0;
        p->time_first = 1362062307, p->time_last = 1378067265;
        return 0;
    }
    return -1;
}

int synth_preset(const char *name, synth_params *p)
{
    if (strcmp(name, "ml-25m") == 0)
        return synth_defaults(SYNTH_ML_CSV, p);
    if (strcmp(name, "ml-latest-small") == 0) {
        synth_defaults(SYNTH_ML_CSV, p);
        p->n_users = 610, p->n_movies = 9742, p->n_ratings = 100836;
        p->user_spread = 1.2;
        p->no_genre_share = 34.0 / 9742.0, p->mean_id_gap = 193609.0 / 9742.0;
        p->time_first = 828124615, p->time_last = 1537799250;
        p->crlf = 1;
        return 0;
    }
    if (strcmp(name, "ml-100k") == 0)
        return synth_defaults(SYNTH_ML_100K, p);
    if (strcmp(name, "ml-1m") == 0)
        return synth_defaults(SYNTH_ML_1M, p);
    if (strcmp(name, "ml-10m") == 0)
        return synth_defaults(SYNTH_ML_10M, p);
    if (strcmp(name, "tweetings-100k") == 0)
        return synth_defaults(SYNTH_TWEETINGS, p);
    return -1;
}

const char *synth_preset_names(void)
{
    return "ml-25m, ml-latest-small, ml-100k, ml-1m, ml-10m, tweetings-100k";
}

/* ======================================================================== */
/* Generator state                                                          */
/* ======================================================================== */

typedef struct movie_traits {
    float bias;               /* on the 5-star scale */
    float factors[N_FACTORS];
} movie_traits;

typedef struct weighted_rank {
    double key;
    int rank;
} weighted_rank;

struct synth_generator {
    synth_params p;
    const genre_table *genres;
    double genre_cdf[MAX_GENRES];

    int64_t *movie_ids;       /* (n_movies,) ascending */
    movie_traits *traits;     /* (n_movies,) by catalog index */
    int *movie_of_rank;       /* (n_movies,) popularity rank -> catalog index */
    double *rank_weight;      /* (n_movies,) sampling weight by rank */
    double *alias_prob;       /* (n_movies,) Vose alias table over ranks */
    int *alias;               /* (n_movies,) */

    int *user_counts;         /* (n_users,) ratings per user, by user index */

    int next_user;            /* index of the next user to generate */
    uint32_t *stamp;          /* (n_movies,) user index + 1 that last drew the rank */
    int *chosen;              /* (n_movies,) ranks drawn for the current user */
    weighted_rank *work;      /* (n_movies,) scratch for heavy users */
    synth_rating *rows;       /* (n_movies,) the current user's ratings */
};

const synth_params *synth_get_params(const synth_generator *g) { return &g->p; }
int synth_n_movies(const synth_generator *g) { return g->p.n_movies; }
int synth_n_genres(const synth_generator *g) { return g->genres->n; }

const char *synth_genre_name(const synth_generator *g, int genre)
{
    return genre >= 0 && genre < g->genres->n ? g->genres->names[genre] : "";
}

void synth_destroy(synth_generator *g)
{
    if (!g)
        return;
    free(g->movie_ids);
    free(g->traits);
    free(g->movie_of_rank);
    free(g->rank_weight);
    free(g->alias_prob);
    free(g->alias);
    free(g->user_counts);
    free(g->stamp);
    free(g->chosen);
    free(g->work);
    free(g->rows);
    free(g);
}

static int fail(char *message, size_t size, const char *text)
{
    if (message && size)
        snprintf(message, size, "%s", text);
    return -1;
}

static int check_params(const synth_params *p, char *message, size_t size)
{
    char text[256];
    if ((unsigned)p->format > SYNTH_TWEETINGS)
        return fail(message, size, "unknown format");
    if (p->n_users < 1 || p->n_movies < 1) {
        snprintf(text, sizeof text, "users (%d) and movies (%d) must be at least 1", p->n_users, p->n_movies);
        return fail(message, size, text);
    }
    if (p->n_ratings < p->n_users || p->n_ratings > (int64_t)p->n_users * p->n_movies) {
        snprintf(text, sizeof text,
                 "ratings = %lld is out of range; every user needs one rating and no pair repeats, "
                 "so use %d to %lld",
                 (long long)p->n_ratings, p->n_users, (long long)p->n_users * p->n_movies);
        return fail(message, size, text);
    }
    if (!(p->user_spread > 0) || !(p->movie_skew > 0))
        return fail(message, size, "user spread and movie skew must be positive, e.g. 1.3 and 1.8");
    if (!(p->head_share > 0 && p->head_share <= 1))
        return fail(message, size, "head share must be in (0, 1]");
    if (!(p->no_genre_share >= 0 && p->no_genre_share <= 1))
        return fail(message, size, "the share of movies without genres must be in [0, 1]");
    if (p->time_last < p->time_first)
        return fail(message, size, "the last timestamp is before the first");
    if (p->format != SYNTH_ML_100K && p->format != SYNTH_TWEETINGS && !(p->mean_id_gap >= 1.0))
        return fail(message, size, "mean movie id gap must be at least 1");
    if (p->format == SYNTH_TWEETINGS && p->n_movies > 9000000)
        return fail(message, size, "MovieTweetings movie ids have 7 digits, so use at most 9,000,000 movies");
    return 0;
}

/* ======================================================================== */
/* Long tails                                                               */
/* ======================================================================== */

/* Fills w[r] = (r + 1 + q)^-s for r in [0, n) and returns their sum. */
static double tail_weights(double *w, int n, double s, double q)
{
    double sum = 0.0;
    for (int r = 0; r < n; r++) {
        w[r] = pow(r + 1 + q, -s);
        sum += w[r];
    }
    return sum;
}

/* Finds the offset q >= 0 for which `total` draws give the top rank an
 * expected `top` of them, by bisection on log q (the top share falls as q
 * grows). Returns the nearest end when `top` is out of reach. */
static double solve_offset(double *w, int n, double s, double total, double top)
{
    if (total / tail_weights(w, n, s, 0.0) <= top)
        return 0.0;
    double lo = 1e-9, hi = 1e9;
    if (total * pow(1.0 + hi, -s) / tail_weights(w, n, s, hi) >= top)
        return hi;
    for (int i = 0; i < 80; i++) {
        double q = sqrt(lo * hi);
        double share = pow(1.0 + q, -s) / tail_weights(w, n, s, q);
        if (total * share > top)
            lo = q;
        else
            hi = q;
    }
    return sqrt(lo * hi);
}

/* Weights that compare_weight_desc reads; qsort takes no context pointer. */
static const double *sort_weights;

static int compare_weight_desc(const void *a, const void *b)
{
    double x = sort_weights[*(const int *)a], y = sort_weights[*(const int *)b];
    if (x != y)
        return x > y ? -1 : 1;
    return *(const int *)a - *(const int *)b;
}

/* Shares the ratings out over users: each gets min_per_user, and the rest
 * in proportion to exp(user_spread * z) with z standard normal (a lognormal
 * tail, as in the MovieLens releases), rounded down and capped at n_movies.
 * The remainder is handed out one by one, most active users first. */
static int assign_user_counts(synth_generator *g, rng *r)
{
    const synth_params *p = &g->p;
    int n = p->n_users;
    double *w = malloc(sizeof(double) * (size_t)n);
    int *by_activity = malloc(sizeof(int) * (size_t)n);
    if (!w || !by_activity) {
        free(w);
        free(by_activity);
        return -1;
    }

    int min = p->min_per_user < 1 ? 1 : p->min_per_user;
    if ((int64_t)min * n > p->n_ratings)
        min = (int)(p->n_ratings / n);
    if (min > p->n_movies)
        min = p->n_movies;
    double extra = (double)(p->n_ratings - (int64_t)min * n);
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += w[i] = exp(p->user_spread * rng_gauss(r));

    int64_t assigned = 0;
    for (int i = 0; i < n; i++) {
        double c = min + floor(extra * w[i] / sum);
        g->user_counts[i] = c > p->n_movies ? p->n_movies : (int)c;
        assigned += g->user_counts[i];
        by_activity[i] = i;
    }
    if (assigned < p->n_ratings) {
        /* Most active first, so capped users pass their excess to the next. */
        sort_weights = w;
        qsort(by_activity, (size_t)n, sizeof(int), compare_weight_desc);
    }
    while (assigned < p->n_ratings) {
        for (int i = 0; i < n && assigned < p->n_ratings; i++) {
            int *count = &g->user_counts[by_activity[i]];
            if (*count < p->n_movies) {
                (*count)++;
                assigned++;
            }
        }
    }
    free(w);
    free(by_activity);
    return 0;
}

/* Builds Vose's alias table over the rank weights, for O(1) draws. */
static int build_alias(synth_generator *g)
{
    int n = g->p.n_movies;
    int *small = malloc(sizeof(int) * (size_t)n), *large = malloc(sizeof(int) * (size_t)n);
    if (!small || !large) {
        free(small);
        free(large);
        return -1;
    }
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += g->rank_weight[i];
    int ns = 0, nl = 0;
    for (int i = 0; i < n; i++) {
        g->alias_prob[i] = g->rank_weight[i] * n / sum;
        g->alias[i] = i;
        if (g->alias_prob[i] < 1.0)
            small[ns++] = i;
        else
            large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
        int s = small[--ns], l = large[nl - 1];
        g->alias[s] = l;
        g->alias_prob[l] -= 1.0 - g->alias_prob[s];
        if (g->alias_prob[l] < 1.0) {
            nl--;
            small[ns++] = l;
        }
    }
    /* Whatever is left is 1 up to rounding. */
    while (nl > 0)
        g->alias_prob[large[--nl]] = 1.0;
    while (ns > 0)
        g->alias_prob[small[--ns]] = 1.0;
    free(small);
    free(large);
    return 0;
}

static inline int draw_rank(const synth_generator *g, rng *r)
{
    int i = (int)rng_below(r, (uint32_t)g->p.n_movies);
    return rng_uniform(r) < g->alias_prob[i] ? i : g->alias[i];
}

/* ======================================================================== */
/* Catalog                                                                  */
/* ======================================================================== */

/* Geometric number of failures before a success of probability `p`. */
static int64_t draw_geometric(rng *r, double p)
{
    if (p >= 1.0)
        return 0;
    return (int64_t)floor(log(rng_uniform_pos(r)) / log1p(-p));
}

static int make_movie_ids(synth_generator *g, rng *r, char *message, size_t size)
{
    const synth_params *p = &g->p;
    int n = p->n_movies;
    if (p->format == SYNTH_ML_100K) {
        for (int i = 0; i < n; i++)
            g->movie_ids[i] = i + 1;
        return 0;
    }
    double gap = p->mean_id_gap;
    int64_t first = 1;
    if (p->format == SYNTH_TWEETINGS) {
        /* IMDb-style ids, kept below 9,000,000 so they fit 7 digits. */
        if (!(gap >= 1.0) || gap > 9000000.0 / n)
            gap = 9000000.0 / n;
        first = 1 + draw_geometric(r, 1.0 / gap);
    }
    int64_t id = first;
    for (int i = 0; i < n; i++) {
        if (i > 0)
            id += 1 + draw_geometric(r, 1.0 / gap);
        g->movie_ids[i] = id;
    }
    if (p->format == SYNTH_TWEETINGS && id > 9999999) {
        char text[160];
        snprintf(text, sizeof text, "movie ids reach %lld, beyond 7 digits; lower the mean id gap",
                 (long long)id);
        return fail(message, size, text);
    }
    return 0;
}

static const char *const ADJECTIVES[] = {
    "Silent", "Broken", "Last", "Hidden", "Golden", "Crimson", "Distant", "Frozen", "Wild",
    "Lonely", "Endless", "Burning", "Quiet", "Secret", "Electric", "Hollow", "Midnight",
    "Northern", "Paper", "Iron", "Velvet", "Falling", "Little", "Bitter", "Brave", "Lucky",
    "Restless", "Shallow", "Wandering", "Stolen", "Second", "Open", "Dark", "Bright", "Long",
    "Strange", "Tender", "Savage", "Perfect", "Final"};
static const char *const NOUNS[] = {
    "River", "Harbor", "Garden", "Mirror", "Summer", "Winter", "Island", "Station", "Letter",
    "Horizon", "Lantern", "Orchard", "Circus", "Highway", "Kingdom", "Signal", "Machine",
    "Shadow", "Frontier", "Valley", "Promise", "Stranger", "Echo", "Voyage", "Tower", "Fortune",
    "Dream", "Storm", "Heart", "City", "Bridge", "Ghost", "Empire", "Canyon", "Carnival",
    "Detective", "Orbit", "Season", "Train", "Dancer", "Window", "Desert", "Forest", "Night",
    "Morning", "Crown", "Thief", "Sister", "Brother", "Captain", "Planet", "Robot", "Wolf",
    "Moon", "Ocean", "Village", "Mountain", "Melody", "Secret", "Memory"};
/* UTF-8 words whose characters all lie in Latin-1, so latin-1 files can hold them. */
static const char *const ACCENTED[] = {"Café", "Señora", "Über", "Noël", "Château", "Mañana",
                                       "Fräulein", "Élan", "Déjà", "Niño"};

#define COUNT_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *pick(rng *r, const char *const *words, int n) { return words[rng_below(r, (uint32_t)n)]; }

/* Writes a made-up title: mostly plain, some with commas ("River, The"),
 * doubled quotes or non-ASCII letters, so parsers meet every quoting case. */
static void make_title(const synth_generator *g, rng *r, int year, char *out, size_t size)
{
    const char *a = pick(r, ADJECTIVES, COUNT_OF(ADJECTIVES));
    const char *n1 = pick(r, NOUNS, COUNT_OF(NOUNS));
    const char *n2 = pick(r, NOUNS, COUNT_OF(NOUNS));
    const char *n3 = pick(r, NOUNS, COUNT_OF(NOUNS));
    int ml_article = g->p.format != SYNTH_TWEETINGS; /* MovieLens moves "The" to the end */
    int pattern = (int)rng_below(r, 100);
    char base[100];

    if (pattern < 30)
        snprintf(base, sizeof base, "The %s %s", a, n1);
    else if (pattern < 48)
        snprintf(base, sizeof base, "%s of the %s", n1, n2);
    else if (pattern < 62)
        snprintf(base, sizeof base, "%s %s", a, n1);
    else if (pattern < 72)
        snprintf(base, sizeof base, "%s", n1);
    else if (pattern < 80)
        snprintf(base, sizeof base, ml_article ? "%s %s, The" : "The %s %s", a, n1);
    else if (pattern < 85)
        snprintf(base, sizeof base, "%s, %s and %s", n1, n2, n3);
    else if (pattern < 88)
        snprintf(base, sizeof base, "%s %s %d", a, n1, 2 + (int)rng_below(r, 3));
    else if (pattern < 93)
        snprintf(base, sizeof base, "%s: %s %s", n1, a, n2);
    else if (pattern < 96)
        snprintf(base, sizeof base, "The \"%s\" %s", a, n1);
    else
        snprintf(base, sizeof base, "%s %s", pick(r, ACCENTED, COUNT_OF(ACCENTED)), n1);

    /* A few ml-latest titles have no year. */
    if (g->p.format == SYNTH_ML_CSV && rng_below(r, 1000) < 5)
        snprintf(out, size, "%s", base);
    else
        snprintf(out, size, "%s (%d)", base, year);
}

/* Draws 1 to 5 distinct genres by their weights. */
static uint32_t draw_genres(const synth_generator *g, rng *r)
{
    if (rng_uniform(r) < g->p.no_genre_share)
        return 0;
    static const double count_cdf[] = {0.40, 0.73, 0.91, 0.98, 1.0};
    int want = 1;
    double u = rng_uniform(r);
    while (want < 5 && u >= count_cdf[want - 1])
        want++;

    int n = g->genres->n;
    uint32_t mask = 0;
    for (int got = 0, tries = 0; got < want && tries < 100; tries++) {
        double v = rng_uniform(r) * g->genre_cdf[n - 1];
        int i = 0;
        while (i < n - 1 && v >= g->genre_cdf[i])
            i++;
        if (!(mask & (1u << i))) {
            mask |= 1u << i;
            got++;
        }
    }
    return mask;
}

/* Stream numbers keep catalog and user draws apart. */
#define STREAM_SETUP 0
#define STREAM_MOVIE_TRAITS 1
#define STREAM_MOVIE_TEXT (1ull << 40)
#define STREAM_USER (2ull << 40)

void synth_movie(const synth_generator *g, int index, synth_movie_info *out)
{
    rng r;
    rng_seed(&r, g->p.seed, STREAM_MOVIE_TEXT + (uint64_t)index);
    memset(out, 0, sizeof *out);
    out->id = g->movie_ids[index];

    /* Most movies are recent: the year falls off geometrically backwards. */
    int latest = (int)(1970 + g->p.time_last / 31556952);
    int year = latest - (int)draw_geometric(&r, 0.06);
    out->year = year < 1902 ? 1902 + (int)rng_below(&r, 20) : year;
    out->genres = draw_genres(g, &r);
    make_title(g, &r, out->year, out->title, sizeof out->title);
}

/* ======================================================================== */
/* Creation                                                                 */
/* ======================================================================== */

synth_generator *synth_create(const synth_params *params, char *message, size_t size)
{
    if (!params) {
        fail(message, size, "parameters are NULL");
        return NULL;
    }
    if (check_params(params, message, size) != 0)
        return NULL;
    synth_generator *g = calloc(1, sizeof *g);
    if (!g) {
        fail(message, size, "out of memory");
        return NULL;
    }
    g->p = *params;
    g->genres = genres_of(g->p.format);
    double cdf = 0.0;
    for (int i = 0; i < g->genres->n; i++)
        g->genre_cdf[i] = cdf += g->genres->weights[i];

    size_t nm = (size_t)g->p.n_movies, nu = (size_t)g->p.n_users;
    g->movie_ids = malloc(sizeof(int64_t) * nm);
    g->traits = malloc(sizeof(movie_traits) * nm);
    g->movie_of_rank = malloc(sizeof(int) * nm);
    g->rank_weight = malloc(sizeof(double) * nm);
    g->alias_prob = malloc(sizeof(double) * nm);
    g->alias = malloc(sizeof(int) * nm);
    g->user_counts = malloc(sizeof(int) * nu);
    g->stamp = calloc(nm, sizeof(uint32_t));
    g->chosen = malloc(sizeof(int) * nm);
    g->work = malloc(sizeof(weighted_rank) * nm);
    g->rows = malloc(sizeof(synth_rating) * nm);
    if (!g->movie_ids || !g->traits || !g->movie_of_rank || !g->rank_weight || !g->alias_prob ||
        !g->alias || !g->user_counts || !g->stamp || !g->chosen || !g->work || !g->rows) {
        synth_destroy(g);
        fail(message, size, "out of memory for the generator tables");
        return NULL;
    }

    rng r;
    rng_seed(&r, g->p.seed, STREAM_SETUP);
    if (make_movie_ids(g, &r, message, size) != 0 || assign_user_counts(g, &r) != 0) {
        synth_destroy(g);
        if (message && size && !message[0])
            fail(message, size, "out of memory for the user counts");
        return NULL;
    }

    /* Movie popularity: a random ranking, weights with the top movie drawn
     * by about head_share of the users. */
    int n = g->p.n_movies;
    for (int i = 0; i < n; i++)
        g->movie_of_rank[i] = i;
    shuffle_ints(g->movie_of_rank, n, &r);
    double q = solve_offset(g->rank_weight, n, g->p.movie_skew, (double)g->p.n_ratings,
                            g->p.head_share * g->p.n_users);
    tail_weights(g->rank_weight, n, g->p.movie_skew, q);
    if (build_alias(g) != 0) {
        synth_destroy(g);
        fail(message, size, "out of memory for the sampling table");
        return NULL;
    }

    /* Movie biases on the 5-star scale: popular movies rate a little higher. */
    rng_seed(&r, g->p.seed, STREAM_MOVIE_TRAITS);
    for (int rank = 0; rank < n; rank++) {
        movie_traits *t = &g->traits[g->movie_of_rank[rank]];
        t->bias = (float)(0.45 * rng_gauss(&r) + 0.3 * (0.5 - (double)rank / n));
        for (int f = 0; f < N_FACTORS; f++)
            t->factors[f] = (float)(0.5 * rng_gauss(&r));
    }
    return g;
}

/* ======================================================================== */
/* One user                                                                 */
/* ======================================================================== */

/* Quickselect: moves the `k` largest keys of a[0..n) to the front. */
static void select_largest(weighted_rank *a, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = a[lo + (hi - lo) / 2].key;
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i].key > pivot)
                i++;
            while (a[j].key < pivot)
                j--;
            if (i <= j) {
                weighted_rank t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (k - 1 <= j)
            hi = j;
        else if (k - 1 >= i)
            lo = i;
        else
            return;
    }
}

/* Draws `count` distinct ranks for user `user` into g->chosen. It draws and
 * rejects repeats while that is cheap. Once repeats pile up (a heavy user has
 * taken most of the popular movies), the rest come from Efraimidis-Spirakis
 * keys log(u)/w over the ranks not yet taken. Both are the same successive
 * sampling without replacement, so switching keeps the distribution. */
static void draw_movies(synth_generator *g, rng *r, int user, int count)
{
    uint32_t mark = (uint32_t)user + 1;
    int got = 0, draws = 0, budget = 3 * count + 100;
    while (got < count && draws < budget) {
        int rank = draw_rank(g, r);
        draws++;
        if (g->stamp[rank] == mark)
            continue;
        g->stamp[rank] = mark;
        g->chosen[got++] = rank;
    }
    if (got == count)
        return;

    int n = 0;
    for (int rank = 0; rank < g->p.n_movies; rank++) {
        if (g->stamp[rank] == mark)
            continue;
        g->work[n].key = log(rng_uniform_pos(r)) / g->rank_weight[rank];
        g->work[n].rank = rank;
        n++;
    }
    int need = count - got;
    select_largest(g->work, n, need);
    for (int i = 0; i < need; i++) {
        g->stamp[g->work[i].rank] = mark;
        g->chosen[got++] = g->work[i].rank;
    }
}

static int compare_by_movie(const void *a, const void *b)
{
    const synth_rating *x = a, *y = b;
    return (x->movie_index > y->movie_index) - (x->movie_index < y->movie_index);
}

static int compare_by_time(const void *a, const void *b)
{
    const synth_rating *x = a, *y = b;
    if (x->timestamp != y->timestamp)
        return (x->timestamp > y->timestamp) - (x->timestamp < y->timestamp);
    return compare_by_movie(a, b);
}

static float clamp(double v, double lo, double hi)
{
    if (v < lo)
        return (float)lo;
    if (v > hi)
        return (float)hi;
    return (float)v;
}

/* Rounds a 5-star value to the format's scale. */
static float quantize(synth_format f, double x, int half_stars)
{
    if (f == SYNTH_TWEETINGS) /* 0..10, a little above twice the 5-star value */
        return clamp(floor(2.0 * x + 0.3 + 0.5), 0.0, 10.0);
    if (half_stars && (f == SYNTH_ML_CSV || f == SYNTH_ML_10M))
        return clamp(floor(2.0 * x + 0.5) / 2.0, 0.5, 5.0);
    return clamp(floor(x + 0.5), 1.0, 5.0);
}

int synth_next_user(synth_generator *g, const synth_rating **rows)
{
    if (g->next_user >= g->p.n_users) {
        *rows = NULL;
        return 0;
    }
    int user = g->next_user++;
    int count = g->user_counts[user];
    rng r;
    rng_seed(&r, g->p.seed, STREAM_USER + (uint64_t)user);

    /* The user's taste, and whether they use half stars. */
    double bias = 0.45 * rng_gauss(&r);
    double factors[N_FACTORS];
    for (int f = 0; f < N_FACTORS; f++)
        factors[f] = 0.5 * rng_gauss(&r);
    int half_stars = rng_uniform(&r) < 0.6;

    /* Activity: a burst of ratings (hours) or a spread (months) from a start
     * time, kept within [time_first, time_last]. */
    int64_t first = g->p.time_first, range = g->p.time_last - g->p.time_first;
    int64_t start = first + (int64_t)(rng_uniform(&r) * (double)range);
    double mean_span = rng_uniform(&r) < 0.6 ? 3.0 * 3600 : 120.0 * 86400;
    double span = -log(rng_uniform_pos(&r)) * mean_span;
    if (span > (double)(first + range - start))
        span = (double)(first + range - start);

    draw_movies(g, &r, user, count);
    for (int i = 0; i < count; i++) {
        int movie = g->movie_of_rank[g->chosen[i]];
        const movie_traits *t = &g->traits[movie];
        double x = 3.5 + bias + t->bias + 0.7 * rng_gauss(&r);
        for (int f = 0; f < N_FACTORS; f++)
            x += factors[f] * t->factors[f];
        synth_rating *row = &g->rows[i];
        row->user_id = user + 1;
        row->movie_index = movie;
        row->movie_id = g->movie_ids[movie];
        row->rating = quantize(g->p.format, x, half_stars);
        row->timestamp = start + (int64_t)(rng_uniform(&r) * span);
    }
    qsort(g->rows, (size_t)count, sizeof(synth_rating),
          g->p.order == SYNTH_ORDER_USER_TIME ? compare_by_time : compare_by_movie);
    *rows = g->rows;
    return count;
}
