/* parse.c: streaming reader for MovieLens CSV files (movies.csv, ratings.csv).
 * Bytes arrive in chunks split anywhere; complete lines are parsed at once and
 * a trailing partial line waits for the next chunk. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_FIELDS 8

struct mr_parser {
    mr_dataset *ds;
    mr_file_kind kind;
    char file_name[96];
    long line;            /* lines seen so far, header included */
    long data_lines;
    int failed;           /* set after an error; later feeds are rejected */
    char *pending;        /* partial line carried between chunks */
    size_t pending_len, pending_cap;
};

mr_parser *mr_parser_create(mr_dataset *ds, mr_file_kind kind, const char *file_name)
{
    mr_parser *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->ds = ds;
    p->kind = kind;
    snprintf(p->file_name, sizeof p->file_name, "%s",
             file_name && *file_name ? file_name
                                     : (kind == MR_FILE_MOVIES_CSV ? "movies.csv" : "ratings.csv"));
    return p;
}

void mr_parser_destroy(mr_parser *p)
{
    if (!p)
        return;
    free(p->pending);
    free(p);
}

long mr_parser_line(const mr_parser *p) { return p ? p->line : 0; }

/* ======================================================================== */
/* One line                                                                 */
/* ======================================================================== */

/* Copies up to 40 bytes of a line into `out` for messages, replacing control
 * characters so the message stays on one line. */
static void line_excerpt(const char *line, size_t len, char *out, size_t size)
{
    size_t n = len < 40 ? len : 40;
    if (n > size - 4)
        n = size - 4;
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)line[i] < 0x20 ? ' ' : line[i];
    strcpy(out + n, len > n ? "..." : "");
}

static mr_status line_error(mr_parser *p, mr_error *err, const char *line, size_t len,
                            const char *reason)
{
    char excerpt[48];
    line_excerpt(line, len, excerpt, sizeof excerpt);
    p->failed = 1;
    return mr_fail(err, MR_ERR_PARSE, "%s line %ld: %s (line starts '%s')", p->file_name,
                   p->line, reason, excerpt);
}

/* Splits a CSV line in place into at most MAX_FIELDS fields. Quoted fields may
 * contain commas and doubled quotes; the quotes are removed. Returns the field
 * count, or -1 for an unterminated quote. */
static int split_csv(char *line, char **fields)
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
        *out++ = '\0';
        if (n < MAX_FIELDS)
            fields[n] = start;
        n++;
        if (!more)
            return n;
    }
}

/* Prefixes the message of a failed mr_dataset_add_* call with file and line. */
static mr_status add_error(mr_parser *p, mr_error *err, mr_status s)
{
    p->failed = 1;
    if (!err)
        return s;
    char inner[MR_ERROR_MESSAGE_SIZE];
    snprintf(inner, sizeof inner, "%s", err->message);
    return mr_fail(err, s, "%s line %ld: %.*s", p->file_name, p->line,
                   MR_ERROR_MESSAGE_SIZE - 120, inner);
}

static int parse_id(const char *text, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE)
        return 0;
    *out = v;
    return 1;
}

static int parse_rating(const char *text, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

static mr_status check_header(mr_parser *p, mr_error *err, const char *line, size_t len)
{
    const char *expected = p->kind == MR_FILE_MOVIES_CSV ? "movieId,title,genres"
                                                         : "userId,movieId,rating";
    if (strncmp(line, expected, strlen(expected)) == 0)
        return MR_OK;

    char reason[160];
    snprintf(reason, sizeof reason, "expected the header '%s'; pick the MovieLens %s file",
             expected, p->kind == MR_FILE_MOVIES_CSV ? "movies.csv" : "ratings.csv");
    return line_error(p, err, line, len, reason);
}

/* Parses one line without its line end. `line` is NUL-terminated and writable. */
static mr_status parse_line(mr_parser *p, char *line, size_t len, mr_error *err)
{
    p->line++;

    /* Skip a UTF-8 byte order mark and check the header. */
    if (p->line == 1) {
        if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        return check_header(p, err, line, len);
    }
    if (len == 0)
        return MR_OK;

    char copy[48];
    line_excerpt(line, len, copy, sizeof copy);
    char *fields[MAX_FIELDS];
    int n = split_csv(line, fields);
    if (n < 0)
        return line_error(p, err, copy, strlen(copy), "a quoted field has no closing quote");

    char reason[200];
    int64_t movie_id = 0;
    if (p->kind == MR_FILE_MOVIES_CSV) {
        if (n != 3) {
            snprintf(reason, sizeof reason,
                     "expected 3 fields (movieId,title,genres), found %d; quote titles that contain commas", n);
            return line_error(p, err, copy, strlen(copy), reason);
        }
        if (!parse_id(fields[0], &movie_id)) {
            snprintf(reason, sizeof reason, "movieId '%.24s' is not an integer", fields[0]);
            return line_error(p, err, copy, strlen(copy), reason);
        }
        mr_status s = mr_dataset_add_movie(p->ds, movie_id, fields[1], fields[2], err);
        if (s != MR_OK)
            return add_error(p, err, s);
    } else {
        if (n != 3 && n != 4) {
            snprintf(reason, sizeof reason,
                     "expected 4 fields (userId,movieId,rating,timestamp), found %d", n);
            return line_error(p, err, copy, strlen(copy), reason);
        }
        int64_t user_id = 0;
        double rating = 0.0;
        if (!parse_id(fields[0], &user_id)) {
            snprintf(reason, sizeof reason, "userId '%.24s' is not an integer", fields[0]);
            return line_error(p, err, copy, strlen(copy), reason);
        }
        if (!parse_id(fields[1], &movie_id)) {
            snprintf(reason, sizeof reason, "movieId '%.24s' is not an integer", fields[1]);
            return line_error(p, err, copy, strlen(copy), reason);
        }
        if (!parse_rating(fields[2], &rating)) {
            snprintf(reason, sizeof reason,
                     "rating '%.24s' is not a number; expected a decimal such as 3.5", fields[2]);
            return line_error(p, err, copy, strlen(copy), reason);
        }
        mr_status s = mr_dataset_add_rating(p->ds, user_id, movie_id, rating, err);
        if (s != MR_OK)
            return add_error(p, err, s);
    }
    p->data_lines++;
    p->ds->report.n_lines++;
    return MR_OK;
}

/* ======================================================================== */
/* Chunks                                                                   */
/* ======================================================================== */

/* Appends bytes to the pending line, growing it as needed. Returns 0 or -1. */
static int pending_append(mr_parser *p, const char *bytes, size_t n)
{
    if (p->pending_len + n + 1 > p->pending_cap) {
        size_t cap = p->pending_cap ? p->pending_cap : 256;
        while (cap < p->pending_len + n + 1)
            cap *= 2;
        char *grown = realloc(p->pending, cap);
        if (!grown)
            return -1;
        p->pending = grown;
        p->pending_cap = cap;
    }
    memcpy(p->pending + p->pending_len, bytes, n);
    p->pending_len += n;
    p->pending[p->pending_len] = '\0';
    return 0;
}

/* Parses the pending buffer as one line, dropping a trailing CR. */
static mr_status flush_pending(mr_parser *p, mr_error *err)
{
    size_t len = p->pending_len;
    if (len > 0 && p->pending[len - 1] == '\r')
        p->pending[--len] = '\0';
    mr_status s = parse_line(p, p->pending ? p->pending : (char[1]){'\0'}, len, err);
    p->pending_len = 0;
    return s;
}

mr_status mr_parser_feed(mr_parser *p, const char *bytes, size_t n, mr_error *err)
{
    if (!p || (!bytes && n > 0))
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "parser or bytes is NULL");
    if (p->failed)
        return mr_fail(err, MR_ERR_STATE, "%s: parsing already stopped at line %ld", p->file_name, p->line);

    while (n > 0) {
        const char *newline = memchr(bytes, '\n', n);
        size_t take = newline ? (size_t)(newline - bytes) : n;
        if (pending_append(p, bytes, take) != 0) {
            p->failed = 1;
            return mr_fail(err, MR_ERR_NO_MEMORY, "%s line %ld: out of memory for a line of %zu bytes",
                           p->file_name, p->line + 1, p->pending_len + take);
        }
        if (!newline)
            break;
        mr_status s = flush_pending(p, err);
        if (s != MR_OK)
            return s;
        bytes += take + 1;
        n -= take + 1;
    }
    return MR_OK;
}

mr_status mr_parser_end(mr_parser *p, mr_error *err)
{
    if (!p)
        return mr_fail(err, MR_ERR_INVALID_ARGUMENT, "parser is NULL");
    if (p->failed)
        return mr_fail(err, MR_ERR_STATE, "%s: parsing already stopped at line %ld", p->file_name, p->line);

    if (p->pending_len > 0) {
        mr_status s = flush_pending(p, err);
        if (s != MR_OK)
            return s;
    }
    if (p->line == 0) {
        p->failed = 1;
        return mr_fail(err, MR_ERR_PARSE, "%s is empty; expected a MovieLens %s file with a header line",
                       p->file_name, p->kind == MR_FILE_MOVIES_CSV ? "movies.csv" : "ratings.csv");
    }
    if (p->data_lines == 0) {
        p->failed = 1;
        return mr_fail(err, MR_ERR_PARSE, "%s has a header but no data lines", p->file_name);
    }
    return MR_OK;
}

/* ======================================================================== */
/* Files on disk                                                            */
/* ======================================================================== */

mr_status mr_dataset_load_file(mr_dataset *ds, mr_file_kind kind, const char *path, mr_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mr_fail(err, MR_ERR_IO, "cannot open '%s': %s; check the path", path, strerror(errno));

    const char *base = strrchr(path, '/');
    mr_parser *p = mr_parser_create(ds, kind, base ? base + 1 : path);
    char *chunk = malloc(1 << 16);
    if (!p || !chunk) {
        mr_parser_destroy(p);
        free(chunk);
        fclose(f);
        return mr_fail(err, MR_ERR_NO_MEMORY, "out of memory while opening '%s'", path);
    }

    mr_status s = MR_OK;
    size_t got;
    while (s == MR_OK && (got = fread(chunk, 1, 1 << 16, f)) > 0)
        s = mr_parser_feed(p, chunk, got, err);
    if (s == MR_OK && ferror(f))
        s = mr_fail(err, MR_ERR_IO, "reading '%s' failed; check the file", path);
    if (s == MR_OK)
        s = mr_parser_end(p, err);

    free(chunk);
    mr_parser_destroy(p);
    fclose(f);
    return s;
}
