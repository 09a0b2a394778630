/* formats.c: the MovieLens and MovieTweetings file formats: detection from a
 * file name or a first line, and one line parser per kind. parse.c cuts the
 * bytes into lines and decides what a malformed line means. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ======================================================================== */
/* Kinds and names                                                          */
/* ======================================================================== */

typedef struct kind_info {
    mr_file_kind kind;
    const char *file_name; /* name in the downloaded archive */
    const char *format;    /* display name before the content refines it */
} kind_info;

static const kind_info kinds[] = {
    {MR_FILE_MOVIES_CSV, "movies.csv", "MovieLens movies.csv"},
    {MR_FILE_RATINGS_CSV, "ratings.csv", "MovieLens ratings.csv"},
    {MR_FILE_MOVIES_DAT, "movies.dat", "MovieLens 1M/10M movies.dat"},
    {MR_FILE_RATINGS_DAT, "ratings.dat", "MovieLens 1M/10M ratings.dat"},
    {MR_FILE_ML100K_DATA, "u.data", "MovieLens 100K u.data"},
    {MR_FILE_ML100K_ITEM, "u.item", "MovieLens 100K u.item"},
    {MR_FILE_ML100K_GENRE, "u.genre", "MovieLens 100K u.genre"},
};
#define N_KINDS ((int)(sizeof kinds / sizeof kinds[0]))

/* The 19 genres of ml-100k by flag position, as its u.genre lists them. */
static const char *const standard_item_genres[] = {
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
};
#define N_STANDARD_ITEM_GENRES 19

static const kind_info *find_kind(mr_file_kind kind)
{
    for (int i = 0; i < N_KINDS; i++)
        if (kinds[i].kind == kind)
            return &kinds[i];
    return NULL;
}

const char *mr_file_kind_name(mr_file_kind kind)
{
    if (kind == MR_FILE_AUTO)
        return "automatic";
    const kind_info *info = find_kind(kind);
    return info ? info->file_name : "unknown";
}

int mr_kind_has_header(mr_file_kind kind)
{
    return kind == MR_FILE_MOVIES_CSV || kind == MR_FILE_RATINGS_CSV;
}

static int same_name_ignoring_case(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b)
            return 0;
    }
    return *a == *b;
}

mr_file_kind mr_kind_from_name(const char *file_name)
{
    if (!file_name)
        return MR_FILE_AUTO;
    const char *base = file_name;
    for (const char *c = file_name; *c; c++)
        if (*c == '/' || *c == '\\')
            base = c + 1;
    for (int i = 0; i < N_KINDS; i++)
        if (same_name_ignoring_case(base, kinds[i].file_name))
            return kinds[i].kind;
    return MR_FILE_AUTO;
}

const char *mr_format_name(const mr_parser *p)
{
    switch (p->kind) {
    case MR_FILE_AUTO:
        return "";
    case MR_FILE_RATINGS_DAT:
        if (p->movietweetings)
            return "MovieTweetings ratings.dat";
        return p->half_stars ? "MovieLens 10M ratings.dat" : "MovieLens 1M/10M ratings.dat";
    case MR_FILE_MOVIES_DAT:
        return p->movietweetings ? "MovieTweetings movies.dat" : "MovieLens 1M/10M movies.dat";
    default:
        return find_kind(p->kind)->format;
    }
}

/* ======================================================================== */
/* Fields and numbers                                                       */
/* ======================================================================== */

typedef struct text_field {
    const char *s;
    size_t n;
} text_field;

/* Splits text at every separator `sep` (one byte, or the same byte twice as
 * in "::") into up to `max` fields. Returns the field count, which may
 * exceed `max`. */
static int split_fields(const char *s, size_t n, char sep, size_t sep_len, text_field *out, int max)
{
    int count = 0;
    size_t start = 0, i = 0;
    while (i + sep_len <= n) {
        if (s[i] == sep && (sep_len == 1 || s[i + 1] == sep)) {
            if (count < max)
                out[count] = (text_field){s + start, i - start};
            count++;
            i += sep_len;
            start = i;
        } else {
            i++;
        }
    }
    if (count < max)
        out[count] = (text_field){s + start, n - start};
    return count + 1;
}

/* Splits a NUL-terminated CSV line in place. Quoted fields may contain commas
 * and doubled quotes; the quotes are removed. Returns the field count (which
 * may exceed `max`), or -1 for an unterminated quote. */
static int split_csv(char *line, text_field *fields, int max)
{
    int n = 0;
    char *in = line, *out = line;
    for (;;) {
        char *start = out;
        if (*in == '"') {
            in++;
            for (;;) {
                if (*in == '\0')
                    return -1;
                if (*in == '"' && in[1] == '"') {
                    *out++ = '"';
                    in += 2;
                } else if (*in == '"') {
                    in++;
                    break;
                } else {
                    *out++ = *in++;
                }
            }
            /* Text after the closing quote, before the comma, is kept as is. */
            while (*in && *in != ',')
                *out++ = *in++;
        } else {
            while (*in && *in != ',')
                *out++ = *in++;
        }
        int more = *in == ',';
        if (more)
            in++;
        if (n < max)
            fields[n] = (text_field){start, (size_t)(out - start)};
        *out++ = '\0';
        n++;
        if (!more)
            return n;
    }
}

static int is_digit(char c) { return (unsigned)(c - '0') < 10u; }

/* Reads a field of 1 to 18 decimal digits. */
static int plain_uint(const char *s, size_t n, int64_t *out)
{
    if (n == 0 || n > 18)
        return 0;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* Copies a non-empty field into `buf` with a terminating NUL for strtoll or
 * strtod. Returns 0 when the field is empty or does not fit. */
static int copy_field(const char *s, size_t n, char *buf, size_t size)
{
    if (n == 0 || n >= size)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 1;
}

/* Reads a whole field as an integer the way strtoll does: leading spaces and
 * a sign are allowed, nothing may follow, and the value must fit 64 bits. */
static int parse_id_text(const char *s, size_t n, int64_t *out)
{
    if (plain_uint(s, n, out))
        return 1;
    char buf[64];
    if (!copy_field(s, n, buf, sizeof buf))
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (end == buf || *end != '\0' || errno == ERANGE)
        return 0;
    *out = v;
    return 1;
}

/* Reads "digits[.digits]" with at most 9 integer and 6 decimal digits. The
 * digits form an integer m below 10^15 < 2^53 and 10^k is exact for k <= 22,
 * so one correctly rounded division m / 10^k gives the correctly rounded value
 * of the decimal: the same double strtod returns. */
static int plain_decimal(const char *s, size_t n, double *out)
{
    static const double powers_of_ten[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
    size_t i = 0;
    uint64_t m = 0;
    while (i < n && is_digit(s[i]))
        m = m * 10 + (uint64_t)(s[i++] - '0');
    if (i == 0 || i > 9)
        return 0;
    size_t decimals = 0;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i])) {
            m = m * 10 + (uint64_t)(s[i++] - '0');
            decimals++;
        }
        if (decimals == 0 || decimals > 6)
            return 0;
    }
    if (i != n)
        return 0;
    *out = (double)m / powers_of_ten[decimals];
    return 1;
}

/* Reads a whole field as a rating. Returns 1 on success, 0 when the field is
 * not a number, -1 when it is not finite or exceeds the float range. */
static int parse_rating_text(const char *s, size_t n, double *out)
{
    if (plain_decimal(s, n, out))
        return 1;
    char buf[64];
    if (!copy_field(s, n, buf, sizeof buf))
        return 0;
    char *end;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0')
        return 0;
    if (!isfinite(v) || fabs(v) > FLT_MAX)
        return -1;
    *out = v;
    return 1;
}

/* Removes spaces and tabs around a field. */
static text_field trim(text_field f)
{
    while (f.n > 0 && (f.s[0] == ' ' || f.s[0] == '\t')) {
        f.s++;
        f.n--;
    }
    while (f.n > 0 && (f.s[f.n - 1] == ' ' || f.s[f.n - 1] == '\t'))
        f.n--;
    return f;
}

/* Writes a field into a message: its start as UTF-8, control characters as spaces. */
static const char *quote_field(text_field f, char *buf, size_t size)
{
    mr_line_excerpt(f.s, f.n, buf, size);
    return buf;
}

static mr_status malformed(mr_parser *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Sets p->reason and returns MR_ERR_PARSE. */
static mr_status malformed(mr_parser *p, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    vsnprintf(p->reason, sizeof p->reason, fmt, args);
    va_end(args);
    mr_utf8_trim_partial(p->reason);
    return MR_ERR_PARSE;
}

/* ======================================================================== */
/* Detection                                                                */
/* ======================================================================== */

static int starts_with(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

static int contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return 1;
    return 0;
}

static int is_id(text_field f)
{
    int64_t v;
    return parse_id_text(f.s, f.n, &v);
}

static int is_rating(text_field f)
{
    double v;
    return parse_rating_text(f.s, f.n, &v) == 1;
}

static int is_flag(text_field f) { return f.n == 1 && (f.s[0] == '0' || f.s[0] == '1'); }

static void skip_bom(const char **line, size_t *len)
{
    if (*len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
        *line += 3;
        *len -= 3;
    }
}

mr_file_kind mr_kind_from_line(const char *line, size_t len)
{
    text_field f[72];
    skip_bom(&line, &len);
    if (memchr(line, '\0', len))
        return MR_FILE_AUTO;

    if (starts_with(line, len, "userId,movieId,rating"))
        return MR_FILE_RATINGS_CSV;
    if (starts_with(line, len, "movieId,title,genres"))
        return MR_FILE_MOVIES_CSV;

    if (contains(line, len, "::")) {
        int n = split_fields(line, len, ':', 2, f, 8);
        if ((n == 3 || n == 4) && is_id(f[0]) && is_id(f[1]) && is_rating(f[2]))
            return MR_FILE_RATINGS_DAT;
        if (n == 3 && is_id(f[0]))
            return MR_FILE_MOVIES_DAT;
        return MR_FILE_AUTO;
    }
    if (memchr(line, '\t', len)) {
        int n = split_fields(line, len, '\t', 1, f, 8);
        if ((n == 3 || n == 4) && is_id(f[0]) && is_id(f[1]) && is_rating(f[2]))
            return MR_FILE_ML100K_DATA;
        return MR_FILE_AUTO;
    }
    if (memchr(line, '|', len)) {
        int n = split_fields(line, len, '|', 1, f, 72);
        if (n >= 6 && n <= 5 + MR_ITEM_GENRES_MAX && is_id(f[0])) {
            int flags = 1;
            for (int i = 5; i < n && flags; i++)
                flags = is_flag(f[i]);
            if (flags)
                return MR_FILE_ML100K_ITEM;
        }
        int64_t index;
        if (n == 2 && f[0].n > 0 && plain_uint(f[1].s, f[1].n, &index) && index < MR_ITEM_GENRES_MAX)
            return MR_FILE_ML100K_GENRE;
    }
    return MR_FILE_AUTO;
}

const char *mr_describe_unknown_line(const char *line, size_t len)
{
    skip_bom(&line, &len);
    if (memchr(line, '\0', len))
        return "contains NUL bytes, as a binary file or UTF-16 text does; save the file as UTF-8 text";
    if (starts_with(line, len, "userId,movieId,tag"))
        return "is the header of a MovieLens tags.csv, which holds no ratings";
    if (starts_with(line, len, "movieId,imdbId"))
        return "is the header of a MovieLens links.csv, which holds no ratings";
    if (starts_with(line, len, "movieId,tagId") || starts_with(line, len, "tagId,tag"))
        return "is a header of the MovieLens tag genome, which holds no ratings";
    if (contains(line, len, "::"))
        return "has '::'-separated fields that fit neither ratings.dat "
               "(user::movie::rating::timestamp) nor movies.dat (movie::title::genres)";
    if (memchr(line, '\t', len))
        return "has tab-separated fields that do not fit u.data (user, item, rating, timestamp)";
    if (memchr(line, ',', len) && len > 0 && is_digit(line[0]))
        return "looks like CSV data without its header line "
               "('userId,movieId,rating,timestamp' or 'movieId,title,genres')";
    if (memchr(line, ',', len))
        return "is a CSV line but neither the ratings.csv header (userId,movieId,rating) "
               "nor the movies.csv header (movieId,title,genres)";
    if (memchr(line, '|', len))
        return "has '|'-separated fields that fit neither u.item nor u.genre";
    return "has none of the separators of the supported formats (',' after a header line, '::', tab or '|')";
}

mr_file_kind mr_detect_file_kind(const char *file_name, const char *bytes, size_t n)
{
    mr_file_kind kind = mr_kind_from_name(file_name);
    if (kind != MR_FILE_AUTO || !bytes)
        return kind;

    /* The first non-empty line decides; the bytes may end inside it. */
    skip_bom(&bytes, &n);
    while (n > 0) {
        const char *newline = memchr(bytes, '\n', n);
        size_t len = newline ? (size_t)(newline - bytes) : n;
        size_t next = newline ? len + 1 : n;
        if (len > 0 && bytes[len - 1] == '\r')
            len--;
        if (len > 0)
            return mr_kind_from_line(bytes, len);
        bytes += next;
        n -= next;
    }
    return MR_FILE_AUTO;
}

/* ======================================================================== */
/* Headers                                                                  */
/* ======================================================================== */

mr_status mr_check_header(mr_parser *p, const char *line, size_t len)
{
    const char *expected = p->kind == MR_FILE_MOVIES_CSV ? "movieId,title,genres" : "userId,movieId,rating";
    if (starts_with(line, len, expected))
        return MR_OK;

    mr_file_kind looks_like = mr_kind_from_line(line, len);
    char hint[64] = "";
    if (looks_like != MR_FILE_AUTO)
        snprintf(hint, sizeof hint, " (this line looks like %s)", mr_file_kind_name(looks_like));
    return malformed(p, "expected the header '%s'; pick the MovieLens %s file%s", expected,
                     mr_file_kind_name(p->kind), hint);
}

/* ======================================================================== */
/* Text lines: encoding                                                     */
/* ======================================================================== */

static const char *encoding_name(const mr_parser *p)
{
    if (!p->saw_latin1)
        return "UTF-8";
    if (p->saw_utf8)
        return p->saw_c1 ? "UTF-8 and Windows-1252" : "UTF-8 and Latin-1";
    return p->saw_c1 ? "Windows-1252" : "Latin-1";
}

/* Copies a line into p->scratch as NUL-terminated UTF-8, converting a line
 * that is not valid UTF-8 from Windows-1252. Returns the copy, or NULL when
 * out of memory. */
static char *line_as_utf8(mr_parser *p, const char *line, size_t len, size_t *out_len)
{
    if (mr_parser_reserve(&p->scratch, &p->scratch_cap, 3 * len + 1) != 0)
        return NULL;
    size_t n = len;
    if (mr_is_ascii(line, len)) {
        memcpy(p->scratch, line, len);
    } else if (mr_utf8_valid(line, len)) {
        memcpy(p->scratch, line, len);
        p->saw_utf8 = 1;
    } else {
        n = mr_latin1_to_utf8(line, len, p->scratch, &p->saw_c1);
        p->saw_latin1 = 1;
        mr_parser_record(p)->n_converted_lines++;
        p->ds->report.n_converted_lines++;
    }
    mr_parser_record(p)->encoding = encoding_name(p);
    p->scratch[n] = '\0';
    *out_len = n;
    return p->scratch;
}

static mr_status no_memory_for_line(mr_parser *p, mr_error *err, size_t len)
{
    return mr_fail_utf8(err, MR_ERR_NO_MEMORY, "%s line %ld: out of memory for a line of %zu bytes",
                   mr_parser_file_name(p), p->line, len);
}

/* ======================================================================== */
/* Ratings: ratings.csv, ratings.dat, u.data                                */
/* ======================================================================== */

typedef struct ratings_syntax {
    char sep;
    size_t sep_len;
    int quotes;            /* CSV quoting applies */
    const char *user_name; /* field names for messages */
    const char *movie_name;
    const char *expected;  /* "expected 4 fields (...)" text */
} ratings_syntax;

static const ratings_syntax csv_syntax = {
    ',', 1, 1, "userId", "movieId", "expected 4 fields (userId,movieId,rating,timestamp)"};
static const ratings_syntax dat_syntax = {
    ':', 2, 0, "user id", "movie id", "expected 4 fields (user::movie::rating::timestamp)"};
static const ratings_syntax udata_syntax = {
    '\t', 1, 0, "user id", "item id", "expected 4 tab-separated fields (user, item, rating, timestamp)"};

typedef struct rating_line {
    int64_t user, movie;
    text_field label; /* the movie id as written */
    double rating;
    int n_fields;
} rating_line;

static int at_separator(const char *c, const char *end, const ratings_syntax *syn)
{
    return c + syn->sep_len <= end && c[0] == syn->sep && (syn->sep_len == 1 || c[1] == syn->sep);
}

/* Reads "digits SEP digits SEP decimal [SEP timestamp]" in one pass, which is
 * what nearly every line of a real file looks like. Returns 0 for anything
 * else (signs, spaces, quotes, exponents, wrong counts) so that the general
 * reader decides, and gives its reason. */
static int read_rating_fast(const char *s, size_t len, const ratings_syntax *syn, rating_line *out)
{
    const char *c = s, *end = s + len;
    uint64_t v = 0;

    const char *start = c;
    while (c < end && is_digit(*c))
        v = v * 10 + (uint64_t)(*c++ - '0');
    if (c == start || c - start > 18 || !at_separator(c, end, syn))
        return 0;
    out->user = (int64_t)v;
    c += syn->sep_len;

    start = c;
    v = 0;
    while (c < end && is_digit(*c))
        v = v * 10 + (uint64_t)(*c++ - '0');
    if (c == start || c - start > 18 || !at_separator(c, end, syn))
        return 0;
    out->movie = (int64_t)v;
    out->label = (text_field){start, (size_t)(c - start)};
    c += syn->sep_len;

    start = c;
    while (c < end && *c != syn->sep)
        c++;
    if (!plain_decimal(start, (size_t)(c - start), &out->rating))
        return 0;
    if (c == end) {
        out->n_fields = 3;
        return 1;
    }
    if (!at_separator(c, end, syn))
        return 0;
    c += syn->sep_len;

    /* The timestamp is not read, but a further separator or a quoted field
     * would change the field count, and a NUL byte makes the line malformed. */
    if (syn->quotes && c < end && *c == '"')
        return 0;
    for (; c < end; c++)
        if (*c == syn->sep || *c == '\0')
            return 0;
    out->n_fields = 4;
    return 1;
}

/* Reads a ratings line field by field, with CSV quoting where it applies, and
 * gives the reason when the line is malformed. */
static mr_status read_rating_general(mr_parser *p, const char *line, size_t len,
                                     const ratings_syntax *syn, rating_line *out, mr_error *err)
{
    text_field f[8];
    int n;
    if (memchr(line, '\0', len))
        return malformed(p, "the line contains a NUL byte, as a binary file or UTF-16 text does");
    if (syn->quotes) {
        if (mr_parser_reserve(&p->scratch, &p->scratch_cap, len + 1) != 0)
            return no_memory_for_line(p, err, len);
        memcpy(p->scratch, line, len);
        p->scratch[len] = '\0';
        n = split_csv(p->scratch, f, 8);
        if (n < 0)
            return malformed(p, "a quoted field has no closing quote");
    } else {
        n = split_fields(line, len, syn->sep, syn->sep_len, f, 8);
    }

    char quoted[48];
    if (n != 3 && n != 4)
        return malformed(p, "%s, found %d", syn->expected, n);
    if (!parse_id_text(f[0].s, f[0].n, &out->user))
        return malformed(p, "%s '%s' is not an integer", syn->user_name, quote_field(f[0], quoted, sizeof quoted));
    if (!parse_id_text(f[1].s, f[1].n, &out->movie))
        return malformed(p, "%s '%s' is not an integer", syn->movie_name, quote_field(f[1], quoted, sizeof quoted));
    int rating = parse_rating_text(f[2].s, f[2].n, &out->rating);
    if (rating == 0)
        return malformed(p, "rating '%s' is not a number; expected a decimal such as 3.5",
                         quote_field(f[2], quoted, sizeof quoted));
    if (rating < 0)
        return malformed(p, "rating '%s' is not a finite number within +-3.4e38",
                         quote_field(f[2], quoted, sizeof quoted));
    out->label = trim(f[1]);
    out->n_fields = n;
    return MR_OK;
}

static mr_status parse_rating_line(mr_parser *p, const char *line, size_t len,
                                   const ratings_syntax *syn, mr_error *err)
{
    rating_line r;
    int fast = read_rating_fast(line, len, syn, &r);
#ifdef MINIREC_VERIFY_FAST_PATH
    /* Fuzzing builds check that the fast reader agrees with the general one. */
    if (fast) {
        rating_line g;
        if (read_rating_general(p, line, len, syn, &g, err) != MR_OK || g.user != r.user ||
            g.movie != r.movie || g.rating != r.rating || g.n_fields != r.n_fields ||
            g.label.n != r.label.n || memcmp(g.label.s, r.label.s, r.label.n) != 0)
            __builtin_trap();
    }
#endif
    if (!fast) {
        mr_status s = read_rating_general(p, line, len, syn, &r, err);
        if (s != MR_OK)
            return s;
    }

    /* In lenient mode, a last line without its line end that has fewer
     * fields than the line before counts as cut off in the middle. Strict mode
     * accepts it, as a ratings line may omit the timestamp. */
    if (p->at_end && p->max_skipped > 0 && r.n_fields < p->fields_last)
        return malformed(p, "%s like the line before, found %d", syn->expected, r.n_fields);

    if (p->kind == MR_FILE_RATINGS_DAT && !p->movietweetings &&
        ((r.label.n > 1 && r.label.s[0] == '0') || r.rating > 5.0)) {
        p->movietweetings = 1;
        p->ds->scale_hint = 10.0;
    }
    if (r.rating != floor(r.rating))
        p->half_stars = 1;

    mr_status s = mr_dataset_append_rating(p->ds, r.user, r.movie, r.label.s, r.label.n, r.rating, err);
    if (s != MR_OK)
        return s;
    p->fields_last = r.n_fields;
    return MR_OK;
}

/* ======================================================================== */
/* Movies: movies.csv and movies.dat                                        */
/* ======================================================================== */

/* Adds a movie, turning a repeated id into a malformed line. */
static mr_status add_movie(mr_parser *p, int64_t id, text_field label, const char *title,
                           const char *genres, mr_error *err)
{
    if (mr_dataset_movie_index(p->ds, id) >= 0)
        return malformed(p, "movie id %lld appears twice in the catalog; each movie id must be unique",
                         (long long)id);
    return mr_dataset_append_movie(p->ds, id, label.s, label.n, title, genres, err);
}

static mr_status parse_movies_csv(mr_parser *p, const char *line, size_t len, mr_error *err)
{
    size_t n_text;
    char *text = line_as_utf8(p, line, len, &n_text);
    if (!text)
        return no_memory_for_line(p, err, len);

    text_field f[4];
    int n = split_csv(text, f, 4);
    if (n < 0)
        return malformed(p, "a quoted field has no closing quote");
    if (n != 3)
        return malformed(p, "expected 3 fields (movieId,title,genres), found %d; quote titles that contain commas", n);

    int64_t id;
    char quoted[48];
    if (!parse_id_text(f[0].s, f[0].n, &id))
        return malformed(p, "movieId '%s' is not an integer", quote_field(f[0], quoted, sizeof quoted));
    /* split_csv ended every field with a NUL. */
    return add_movie(p, id, trim(f[0]), f[1].s, f[2].s, err);
}

/* Finds the first or last "::" in text; returns its offset or -1. */
static long find_double_colon(const char *s, size_t n, int last)
{
    long found = -1;
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] == ':' && s[i + 1] == ':') {
            found = (long)i;
            if (!last)
                return found;
            i++;
        }
    }
    return found;
}

static mr_status parse_movies_dat(mr_parser *p, const char *line, size_t len, mr_error *err)
{
    size_t n;
    char *text = line_as_utf8(p, line, len, &n);
    if (!text)
        return no_memory_for_line(p, err, len);

    /* id::title::genres, where only the title could itself contain "::". */
    long first = find_double_colon(text, n, 0);
    long last = find_double_colon(text, n, 1);
    if (first < 0 || last <= first + 1) {
        text_field f[4];
        return malformed(p, "expected 3 fields (movie::title::genres), found %d",
                         split_fields(text, n, ':', 2, f, 4));
    }
    text_field id_field = {text, (size_t)first};
    int64_t id;
    char quoted[48];
    if (!parse_id_text(id_field.s, id_field.n, &id))
        return malformed(p, "movie id '%s' is not an integer", quote_field(id_field, quoted, sizeof quoted));

    char *title = text + first + 2;
    char *genres = text + last + 2;
    text[last] = '\0';
    text_field label = trim(id_field);
    if ((label.n > 1 && label.s[0] == '0') || *genres == '\0')
        p->movietweetings = 1;
    return add_movie(p, id, label, title, genres, err);
}

/* ======================================================================== */
/* ml-100k: u.item and u.genre                                              */
/* ======================================================================== */

/* Gives u.item the 19 standard genre names when no u.genre came first. */
static int use_standard_item_genres(mr_dataset *ds)
{
    for (int g = 0; g < N_STANDARD_ITEM_GENRES; g++) {
        size_t n = strlen(standard_item_genres[g]);
        ds->item_genres[g] = malloc(n + 1);
        if (!ds->item_genres[g])
            return -1;
        memcpy(ds->item_genres[g], standard_item_genres[g], n + 1);
        ds->n_item_genres = g + 1;
    }
    return 0;
}

static mr_status parse_u_item(mr_parser *p, const char *line, size_t len, mr_error *err)
{
    mr_dataset *ds = p->ds;
    size_t n_text;
    char *text = line_as_utf8(p, line, len, &n_text);
    if (!text)
        return no_memory_for_line(p, err, len);

    text_field f[5 + MR_ITEM_GENRES_MAX];
    int n = split_fields(text, n_text, '|', 1, f, 5 + MR_ITEM_GENRES_MAX);
    int n_genres = ds->n_item_genres ? ds->n_item_genres : N_STANDARD_ITEM_GENRES;
    if (n != 5 + n_genres)
        return malformed(p, "expected %d '|'-separated fields (id|title|release date|video release date|"
                            "IMDb URL|%d genre flags), found %d", 5 + n_genres, n_genres, n);

    int64_t id;
    char quoted[48];
    if (!parse_id_text(f[0].s, f[0].n, &id))
        return malformed(p, "movie id '%s' is not an integer", quote_field(f[0], quoted, sizeof quoted));
    for (int g = 0; g < n_genres; g++)
        if (!is_flag(f[5 + g]))
            return malformed(p, "genre flag %d is '%s'; expected 0 or 1", g, quote_field(f[5 + g], quoted, sizeof quoted));

    if (ds->n_item_genres == 0 && use_standard_item_genres(ds) != 0)
        return mr_fail_utf8(err, MR_ERR_NO_MEMORY, "out of memory while storing genres");
    ds->item_genres_used = 1;

    /* Join the names of the set flags; the "unknown" flag is not a genre. */
    size_t need = 1;
    for (int g = 0; g < n_genres; g++)
        if (f[5 + g].s[0] == '1') {
            if (!ds->item_genres[g])
                return malformed(p, "genre flag %d is set but u.genre named no genre %d", g, g);
            need += strlen(ds->item_genres[g]) + 1;
        }
    if (mr_parser_reserve(&p->genre_buf, &p->genre_cap, need) != 0)
        return no_memory_for_line(p, err, len);
    size_t w = 0;
    for (int g = 0; g < n_genres; g++) {
        if (f[5 + g].s[0] != '1' || strcmp(ds->item_genres[g], "unknown") == 0)
            continue;
        size_t k = strlen(ds->item_genres[g]);
        if (w > 0)
            p->genre_buf[w++] = '|';
        memcpy(p->genre_buf + w, ds->item_genres[g], k);
        w += k;
    }
    p->genre_buf[w] = '\0';

    text[f[1].s - text + f[1].n] = '\0';
    return add_movie(p, id, trim(f[0]), f[1].s, p->genre_buf, err);
}

static mr_status parse_u_genre(mr_parser *p, const char *line, size_t len, mr_error *err)
{
    mr_dataset *ds = p->ds;
    size_t n_text;
    char *text = line_as_utf8(p, line, len, &n_text);
    if (!text)
        return no_memory_for_line(p, err, len);

    text_field f[3];
    int n = split_fields(text, n_text, '|', 1, f, 3);
    char quoted[48];
    int64_t index;
    if (n != 2)
        return malformed(p, "expected 2 '|'-separated fields (name|index), found %d", n);
    if (f[0].n == 0)
        return malformed(p, "the genre name is empty");
    if (!plain_uint(f[1].s, f[1].n, &index) || index >= MR_ITEM_GENRES_MAX)
        return malformed(p, "genre index '%s' is not an integer from 0 to %d",
                         quote_field(f[1], quoted, sizeof quoted), MR_ITEM_GENRES_MAX - 1);
    if (p->genre_indices_seen & (1ull << index))
        return malformed(p, "genre index %d appears twice", (int)index);

    text[f[0].n] = '\0';
    const char *name = f[0].s;
    if (ds->item_genres_used) {
        /* u.item lines already turned flags into names; they must not change. */
        if (index >= ds->n_item_genres || !ds->item_genres[index])
            return malformed(p, "genre index %d is beyond the %d genres that u.item already used; "
                                "load u.genre before u.item", (int)index, ds->n_item_genres);
        if (strcmp(ds->item_genres[index], name) != 0) {
            char used[48];
            text_field used_field = {ds->item_genres[index], strlen(ds->item_genres[index])};
            return malformed(p, "genre '%s' at index %d differs from '%s', which u.item already used; "
                                "load u.genre before u.item",
                             quote_field(f[0], quoted, sizeof quoted), (int)index,
                             quote_field(used_field, used, sizeof used));
        }
    } else {
        char *copy = malloc(f[0].n + 1);
        if (!copy)
            return mr_fail_utf8(err, MR_ERR_NO_MEMORY, "out of memory while storing genres");
        memcpy(copy, name, f[0].n + 1);
        free(ds->item_genres[index]);
        ds->item_genres[index] = copy;
        if (index >= ds->n_item_genres)
            ds->n_item_genres = (int)index + 1;
    }
    p->genre_indices_seen |= 1ull << index;
    return MR_OK;
}

mr_status mr_check_file_end(mr_parser *p, mr_error *err)
{
    if (p->kind != MR_FILE_ML100K_GENRE)
        return MR_OK;
    uint64_t seen = p->genre_indices_seen;
    int top = 63;
    while (top >= 0 && !(seen & (1ull << top)))
        top--;
    for (int g = 0; g < top; g++)
        if (!(seen & (1ull << g)))
            return mr_fail_utf8(err, MR_ERR_PARSE,
                           "%s has no genre with index %d; expected every index from 0 to %d",
                           mr_parser_file_name(p), g, top);
    return MR_OK;
}

/* ======================================================================== */
/* Dispatch                                                                 */
/* ======================================================================== */

mr_status mr_parse_data_line(mr_parser *p, const char *line, size_t len, mr_error *err)
{
    p->reason[0] = '\0';
    int text_kind = p->kind == MR_FILE_MOVIES_CSV || p->kind == MR_FILE_MOVIES_DAT ||
                    p->kind == MR_FILE_ML100K_ITEM || p->kind == MR_FILE_ML100K_GENRE;
    if (text_kind && memchr(line, '\0', len))
        return malformed(p, "the line contains a NUL byte, as a binary file or UTF-16 text does");

    switch (p->kind) {
    case MR_FILE_RATINGS_CSV:
        return parse_rating_line(p, line, len, &csv_syntax, err);
    case MR_FILE_RATINGS_DAT:
        return parse_rating_line(p, line, len, &dat_syntax, err);
    case MR_FILE_ML100K_DATA:
        return parse_rating_line(p, line, len, &udata_syntax, err);
    case MR_FILE_MOVIES_CSV:
        return parse_movies_csv(p, line, len, err);
    case MR_FILE_MOVIES_DAT:
        return parse_movies_dat(p, line, len, err);
    case MR_FILE_ML100K_ITEM:
        return parse_u_item(p, line, len, err);
    case MR_FILE_ML100K_GENRE:
        return parse_u_genre(p, line, len, err);
    case MR_FILE_AUTO:
        break;
    }
    return mr_fail_utf8(err, MR_ERR_STATE, "%s: the file kind is not decided", mr_parser_file_name(p));
}
