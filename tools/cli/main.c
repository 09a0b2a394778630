/* main.c: the minirec command-line tool. Runs the popularity, similarity,
 * training, prediction and hybrid ranking steps on the built-in data set or
 * on MovieLens CSV files, printing a table or JSON. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "minirec.h"

static const char usage[] =
    "usage: minirec COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  popularity                  movies by mean rating, ties by id\n"
    "  similar --movie ID          movies with the most similar genres\n"
    "  train                       train matrix factorization, print RMSE per epoch and factors\n"
    "  predict --user ID           predicted rating of every trained movie for a user\n"
    "  recommend --user ID         hybrid ranking of the movies a user has not rated\n"
    "\n"
    "data (default: the built-in 8-movie data set):\n"
    "  --ratings FILE              ratings: MovieLens ratings.csv, ratings.dat or u.data,\n"
    "                              or MovieTweetings ratings.dat (format detected)\n"
    "  --movies FILE               movies: movies.csv, movies.dat or u.item (optional)\n"
    "  --genres FILE               ml-100k u.genre, read before u.item (optional)\n"
    "\n"
    "options:\n"
    "  --json                      print JSON instead of a table\n"
    "  --top N                     rows to print (similar: 5, recommend: 5, others: all)\n"
    "  --min-count N               popularity: only movies with at least N ratings (1)\n"
    "  --k N                       latent factors (3)\n"
    "  --lr X                      learning rate (0.01)\n"
    "  --reg X                     L2 regularization (0.1)\n"
    "  --epochs N                  training epochs (500)\n"
    "  --seed N                    random seed, 0 to 4294967295 (42)\n"
    "  --alpha X                   recommend: weight of CF against content, 0 to 1 (0.7)\n"
    "  --threshold X               recommend: lowest rating that counts as liked (0.8 x scale max)\n"
    "  --min-ratings N             recommend: only movies with at least N ratings (0: all)\n";

typedef struct options {
    const char *command;
    const char *ratings_path, *movies_path, *genres_path;
    int json;
    int top;          /* -1 when not given */
    int min_count;
    int has_movie, has_user;
    long long movie_id, user_id;
    mr_train_params train;
    mr_rank_params rank;
} options;

/* ======================================================================== */
/* Argument parsing                                                         */
/* ======================================================================== */

static int fail(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "minirec: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
    return 1;
}

static int parse_long(const char *flag, const char *text, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || end == text || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
        fprintf(stderr, "minirec: %s expects an integer from %lld to %lld, got '%s'\n", flag, lo, hi,
                text ? text : "");
        return 0;
    }
    *out = v;
    return 1;
}

static int parse_id(const char *flag, const char *text, long long *out)
{
    char *end;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || end == text || *end != '\0' || errno == ERANGE) {
        fprintf(stderr, "minirec: %s expects an integer id such as 1, got '%s'\n", flag, text ? text : "");
        return 0;
    }
    *out = v;
    return 1;
}

static int parse_double(const char *flag, const char *text, double *out)
{
    char *end;
    double v = text ? strtod(text, &end) : 0.0;
    if (!text || end == text || *end != '\0' || !isfinite(v)) {
        fprintf(stderr, "minirec: %s expects a number, got '%s'\n", flag, text ? text : "");
        return 0;
    }
    *out = v;
    return 1;
}

/* Returns 0 on success, 1 after printing an error, 2 after printing help. */
static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->top = -1;
    o->min_count = 1;
    o->train = mr_train_defaults();
    o->rank = mr_rank_defaults();
    o->rank.top_n = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        long long n = 0;
        int ok = 1, takes_value = 1;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            return 2;
        } else if (strcmp(a, "--json") == 0) {
            o->json = 1;
            takes_value = 0;
        } else if (strcmp(a, "--ratings") == 0) {
            o->ratings_path = value;
        } else if (strcmp(a, "--movies") == 0) {
            o->movies_path = value;
        } else if (strcmp(a, "--genres") == 0) {
            o->genres_path = value;
        } else if (strcmp(a, "--min-ratings") == 0) {
            ok = parse_long(a, value, 0, 1000000000, &n);
            o->rank.min_ratings = (int)n;
        } else if (strcmp(a, "--movie") == 0) {
            ok = parse_id(a, value, &o->movie_id);
            o->has_movie = 1;
        } else if (strcmp(a, "--user") == 0) {
            ok = parse_id(a, value, &o->user_id);
            o->has_user = 1;
        } else if (strcmp(a, "--top") == 0) {
            ok = parse_long(a, value, 1, 1000000000, &n);
            o->top = (int)n;
        } else if (strcmp(a, "--min-count") == 0) {
            ok = parse_long(a, value, 1, 1000000000, &n);
            o->min_count = (int)n;
        } else if (strcmp(a, "--k") == 0) {
            ok = parse_long(a, value, 1, 1024, &n);
            o->train.k = (int)n;
        } else if (strcmp(a, "--epochs") == 0) {
            ok = parse_long(a, value, 1, 1000000, &n);
            o->train.epochs = (int)n;
        } else if (strcmp(a, "--seed") == 0) {
            ok = parse_long(a, value, 0, 4294967295LL, &n);
            o->train.seed = (uint32_t)n;
        } else if (strcmp(a, "--lr") == 0) {
            ok = parse_double(a, value, &o->train.learning_rate);
        } else if (strcmp(a, "--reg") == 0) {
            ok = parse_double(a, value, &o->train.regularization);
        } else if (strcmp(a, "--alpha") == 0) {
            ok = parse_double(a, value, &o->rank.alpha);
            if (ok && (o->rank.alpha < 0.0 || o->rank.alpha > 1.0))
                return fail("--alpha expects a value from 0 to 1, got '%s'%s", value, "");
        } else if (strcmp(a, "--threshold") == 0) {
            ok = parse_double(a, value, &o->rank.like_threshold);
        } else if (a[0] == '-') {
            return fail("unknown option '%s'; run 'minirec --help'%s", a, "");
        } else if (!o->command) {
            o->command = a;
            takes_value = 0;
        } else {
            return fail("unexpected argument '%s' after command '%s'", a, o->command);
        }

        if (!ok)
            return 1;
        if (takes_value) {
            if (!value)
                return fail("%s needs a value; run 'minirec --help'%s", a, "");
            i++;
        }
    }
    if (!o->command)
        return fail("no command given; run 'minirec --help' for the list%s%s", "", "");
    if (o->movies_path && !o->ratings_path)
        return fail("--movies needs --ratings as well%s%s", "", "");
    if (o->genres_path && !o->movies_path)
        return fail("--genres needs --movies (u.item) as well%s%s", "", "");
    return 0;
}

/* ======================================================================== */
/* Output helpers                                                           */
/* ======================================================================== */

static void print_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

/* Prints a double so that it reads back to the same value; non-finite as null. */
static void print_json_number(double x)
{
    if (isfinite(x))
        printf("%.17g", x);
    else
        printf("null");
}

#define TITLE_COLUMNS 40

/* Writes the movie's title (or "movie ID" when untitled) into `out`, cut at a
 * UTF-8 character boundary and padded with spaces to TITLE_COLUMNS characters.
 * Counts code points, so wide characters may still misalign a row. */
static const char *title_cell(const mr_dataset *ds, int movie, char *out, size_t size)
{
    char fallback[32];
    const char *title = mr_dataset_movie_title(ds, movie);
    if (!*title) {
        snprintf(fallback, sizeof fallback, "movie %lld", (long long)mr_dataset_movie_id(ds, movie));
        title = fallback;
    }

    size_t n = 0;
    int columns = 0;
    for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
        int starts_character = (*p & 0xC0) != 0x80;
        if (starts_character && columns == TITLE_COLUMNS)
            break;
        if (n + 1 >= size)
            break;
        columns += starts_character;
        out[n++] = (char)*p;
    }
    while (columns < TITLE_COLUMNS && n + 1 < size) {
        out[n++] = ' ';
        columns++;
    }
    out[n] = '\0';
    return out;
}

/* ======================================================================== */
/* Commands                                                                 */
/* ======================================================================== */

static int report(const mr_error *err)
{
    fprintf(stderr, "minirec: %s\n", err->message);
    return 1;
}

static int cmd_popularity(const mr_dataset *ds, const options *o)
{
    mr_error err;
    int n_movies = mr_dataset_n_movies(ds);
    mr_popularity *rows = malloc(sizeof *rows * (size_t)(n_movies ? n_movies : 1));
    int n = 0;
    if (!rows)
        return fail("out of memory for %s movies%s", "the", "");
    if (mr_popularity_rank(ds, o->min_count, rows, o->top > 0 ? o->top : n_movies, &n, &err) != MR_OK) {
        free(rows);
        return report(&err);
    }

    char buf[4 * TITLE_COLUMNS + 1];
    if (o->json) {
        printf("{\"popularity\":[");
        for (int i = 0; i < n; i++) {
            printf("%s{\"movie_id\":%lld,\"title\":", i ? "," : "",
                   (long long)mr_dataset_movie_id(ds, rows[i].movie_index));
            print_json_string(mr_dataset_movie_title(ds, rows[i].movie_index));
            printf(",\"mean\":");
            print_json_number(rows[i].mean);
            printf(",\"count\":%d}", rows[i].count);
        }
        printf("]}\n");
    } else {
        printf("%-10s %-40s %8s %7s\n", "movie_id", "title", "mean", "count");
        for (int i = 0; i < n; i++)
            printf("%-10lld %s %8.3f %7d\n", (long long)mr_dataset_movie_id(ds, rows[i].movie_index),
                   title_cell(ds, rows[i].movie_index, buf, sizeof buf), rows[i].mean, rows[i].count);
    }
    free(rows);
    return 0;
}

static int cmd_similar(const mr_dataset *ds, const options *o)
{
    if (!o->has_movie)
        return fail("similar needs --movie ID%s%s", "", "");
    int top = o->top > 0 ? o->top : 5;
    mr_scored_movie *rows = malloc(sizeof *rows * (size_t)top);
    mr_error err;
    int n = 0;
    if (!rows)
        return fail("out of memory for %s rows%s", "the", "");
    if (mr_similar_movies(ds, o->movie_id, top, rows, &n, &err) != MR_OK) {
        free(rows);
        return report(&err);
    }

    char buf[4 * TITLE_COLUMNS + 1];
    if (o->json) {
        printf("{\"similar\":[");
        for (int i = 0; i < n; i++) {
            printf("%s{\"movie_id\":%lld,\"title\":", i ? "," : "",
                   (long long)mr_dataset_movie_id(ds, rows[i].movie_index));
            print_json_string(mr_dataset_movie_title(ds, rows[i].movie_index));
            printf(",\"similarity\":");
            print_json_number(rows[i].score);
            printf("}");
        }
        printf("]}\n");
    } else {
        printf("%-10s %-40s %10s\n", "movie_id", "title", "similarity");
        for (int i = 0; i < n; i++)
            printf("%-10lld %s %10.4f\n", (long long)mr_dataset_movie_id(ds, rows[i].movie_index),
                   title_cell(ds, rows[i].movie_index, buf, sizeof buf), rows[i].score);
    }
    free(rows);
    return 0;
}

/* Creates and fully trains a model, or prints the error and returns NULL. */
static mr_model *train_model(const mr_dataset *ds, const options *o)
{
    mr_error err;
    mr_model *m = mr_model_create(ds, &o->train, &err);
    if (!m || mr_model_train(m, o->train.epochs, &err) != MR_OK) {
        report(&err);
        mr_model_destroy(m);
        return NULL;
    }
    return m;
}

static void print_matrix(const double *a, int rows, int k)
{
    putchar('[');
    for (int i = 0; i < rows; i++) {
        printf("%s[", i ? "," : "");
        for (int f = 0; f < k; f++) {
            if (f)
                putchar(',');
            print_json_number(a[(size_t)i * (size_t)k + (size_t)f]);
        }
        putchar(']');
    }
    putchar(']');
}

static int cmd_train(const mr_dataset *ds, const options *o)
{
    mr_model *m = train_model(ds, o);
    if (!m)
        return 1;
    int epochs = mr_model_epochs_done(m);
    const double *rmse = mr_model_rmse(m);

    if (o->json) {
        printf("{\"rmse\":[");
        for (int e = 0; e < epochs; e++) {
            if (e)
                putchar(',');
            print_json_number(rmse[e]);
        }
        printf("],\"user_ids\":[");
        for (int i = 0; i < mr_model_n_users(m); i++)
            printf("%s%lld", i ? "," : "", (long long)mr_model_user_id(m, i));
        printf("],\"movie_ids\":[");
        for (int i = 0; i < mr_model_n_movies(m); i++)
            printf("%s%lld", i ? "," : "", (long long)mr_model_movie_id(m, i));
        printf("],\"U\":");
        print_matrix(mr_model_user_factors(m), mr_model_n_users(m), mr_model_k(m));
        printf(",\"V\":");
        print_matrix(mr_model_movie_factors(m), mr_model_n_movies(m), mr_model_k(m));
        printf("}\n");
    } else {
        printf("trained k=%d, learning rate %g, regularization %g, seed %u on %d users, %d movies\n",
               o->train.k, o->train.learning_rate, o->train.regularization, o->train.seed,
               mr_model_n_users(m), mr_model_n_movies(m));
        /* Epoch 1, then every tenth of the run, ending with the last epoch. */
        int step = epochs >= 10 ? epochs / 10 : 1;
        printf("epoch %5d  RMSE %.6f\n", 1, rmse[0]);
        for (int e = step - 1; e < epochs; e += step)
            if (e > 0)
                printf("epoch %5d  RMSE %.6f\n", e + 1, rmse[e]);
        if ((epochs - 1) % step != step - 1 && epochs > 1)
            printf("epoch %5d  RMSE %.6f\n", epochs, rmse[epochs - 1]);
    }
    mr_model_destroy(m);
    return 0;
}

typedef struct prediction {
    int movie_index;
    int64_t movie_id;
    double rating;
} prediction;

static int compare_predictions(const void *a, const void *b)
{
    const prediction *x = a, *y = b;
    if (x->rating != y->rating)
        return x->rating > y->rating ? -1 : 1;
    return (x->movie_id > y->movie_id) - (x->movie_id < y->movie_id);
}

static int cmd_predict(const mr_dataset *ds, const options *o)
{
    if (!o->has_user)
        return fail("predict needs --user ID%s%s", "", "");
    if (mr_dataset_user_index(ds, o->user_id) < 0) {
        fprintf(stderr, "minirec: user %lld is not in the data set; pick one of the %d users who rated a movie\n",
                o->user_id, mr_dataset_n_users(ds));
        return 1;
    }
    mr_model *m = train_model(ds, o);
    if (!m)
        return 1;

    /* Every movie the model has factors for, best first. */
    int n = mr_model_n_movies(m);
    prediction *rows = malloc(sizeof *rows * (size_t)n);
    if (!rows) {
        mr_model_destroy(m);
        return fail("out of memory for %s predictions%s", "the", "");
    }
    mr_error err;
    for (int i = 0; i < n; i++) {
        rows[i].movie_id = mr_model_movie_id(m, i);
        rows[i].movie_index = mr_dataset_movie_index(ds, rows[i].movie_id);
        mr_model_predict(m, o->user_id, rows[i].movie_id, &rows[i].rating, &err);
    }
    qsort(rows, (size_t)n, sizeof *rows, compare_predictions);
    if (o->top > 0 && o->top < n)
        n = o->top;

    char buf[4 * TITLE_COLUMNS + 1];
    if (o->json) {
        printf("{\"predictions\":[");
        for (int i = 0; i < n; i++) {
            printf("%s{\"movie_id\":%lld,\"title\":", i ? "," : "", (long long)rows[i].movie_id);
            print_json_string(mr_dataset_movie_title(ds, rows[i].movie_index));
            printf(",\"rating\":");
            print_json_number(rows[i].rating);
            printf("}");
        }
        printf("]}\n");
    } else {
        printf("%-10s %-40s %8s\n", "movie_id", "title", "rating");
        for (int i = 0; i < n; i++)
            printf("%-10lld %s %8.3f\n", (long long)rows[i].movie_id,
                   title_cell(ds, rows[i].movie_index, buf, sizeof buf), rows[i].rating);
    }
    free(rows);
    mr_model_destroy(m);
    return 0;
}

static int cmd_recommend(const mr_dataset *ds, const options *o)
{
    if (!o->has_user)
        return fail("recommend needs --user ID%s%s", "", "");
    if (mr_dataset_user_index(ds, o->user_id) < 0) {
        fprintf(stderr, "minirec: user %lld is not in the data set; pick one of the %d users who rated a movie\n",
                o->user_id, mr_dataset_n_users(ds));
        return 1;
    }
    mr_model *m = train_model(ds, o);
    if (!m)
        return 1;

    mr_rank_params rank = o->rank;
    rank.top_n = o->top > 0 ? o->top : 5;
    mr_recommendation *rows = malloc(sizeof *rows * (size_t)rank.top_n);
    mr_error err;
    int n = 0;
    if (!rows || mr_recommend(ds, m, o->user_id, &rank, rows, rank.top_n, &n, &err) != MR_OK) {
        free(rows);
        mr_model_destroy(m);
        return rows ? report(&err) : fail("out of memory for %s rows%s", "the", "");
    }

    char buf[4 * TITLE_COLUMNS + 1];
    if (o->json) {
        printf("{\"recommendations\":[");
        for (int i = 0; i < n; i++) {
            printf("%s{\"movie_id\":%lld,\"title\":", i ? "," : "",
                   (long long)mr_dataset_movie_id(ds, rows[i].movie_index));
            print_json_string(mr_dataset_movie_title(ds, rows[i].movie_index));
            printf(",\"cf_score\":");
            if (rows[i].has_cf)
                print_json_number(rows[i].cf_score);
            else
                printf("null");
            printf(",\"content_score\":");
            print_json_number(rows[i].content_score);
            printf(",\"score\":");
            print_json_number(rows[i].score);
            printf("}");
        }
        printf("]}\n");
    } else {
        printf("%-10s %-40s %8s %8s %8s\n", "movie_id", "title", "cf", "content", "score");
        int any_without_cf = 0;
        for (int i = 0; i < n; i++) {
            any_without_cf |= !rows[i].has_cf;
            char cf[16];
            if (rows[i].has_cf)
                snprintf(cf, sizeof cf, "%8.3f", rows[i].cf_score);
            else
                snprintf(cf, sizeof cf, "%8s", "n/a");
            printf("%-10lld %s %s %8.3f %8.3f\n", (long long)mr_dataset_movie_id(ds, rows[i].movie_index),
                   title_cell(ds, rows[i].movie_index, buf, sizeof buf), cf, rows[i].content_score,
                   rows[i].score);
        }
        if (any_without_cf)
            printf("n/a: nobody rated the movie in the training data, so it has no CF score;\n"
                   "its score is (1 - alpha) x %g x content.\n", mr_dataset_rating_max(ds));
    }
    free(rows);
    mr_model_destroy(m);
    return 0;
}

/* ======================================================================== */
/* Main                                                                     */
/* ======================================================================== */

static mr_dataset *load_data(const options *o)
{
    mr_error err;
    if (!o->ratings_path) {
        mr_dataset *ds = mr_dataset_create_builtin(&err);
        if (!ds)
            report(&err);
        return ds;
    }

    mr_dataset *ds = mr_dataset_create();
    if (!ds) {
        fprintf(stderr, "minirec: out of memory\n");
        return NULL;
    }
    /* The format of each file is detected from its name and first line. */
    if ((o->genres_path && mr_dataset_load_file(ds, MR_FILE_AUTO, o->genres_path, &err) != MR_OK) ||
        (o->movies_path && mr_dataset_load_file(ds, MR_FILE_AUTO, o->movies_path, &err) != MR_OK) ||
        mr_dataset_load_file(ds, MR_FILE_AUTO, o->ratings_path, &err) != MR_OK ||
        mr_dataset_finish(ds, &err) != MR_OK) {
        report(&err);
        mr_dataset_destroy(ds);
        return NULL;
    }
    return ds;
}

int main(int argc, char **argv)
{
    options o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc == 2 ? 0 : 1;

    typedef int (*command_fn)(const mr_dataset *, const options *);
    static const struct {
        const char *name;
        command_fn fn;
    } commands[] = {
        {"popularity", cmd_popularity}, {"similar", cmd_similar}, {"train", cmd_train},
        {"predict", cmd_predict},       {"recommend", cmd_recommend},
    };
    command_fn fn = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(o.command, commands[i].name) == 0)
            fn = commands[i].fn;
    if (!fn)
        return fail("unknown command '%s'; use popularity, similar, train, predict or recommend%s", o.command, "");

    mr_dataset *ds = load_data(&o);
    if (!ds)
        return 1;
    rc = fn(ds, &o);
    mr_dataset_destroy(ds);
    return rc;
}
