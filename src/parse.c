/* parse.c: the streaming file parser. Bytes arrive in chunks split anywhere.
 * Complete lines are parsed straight from the chunk, and only a line that
 * crosses a chunk boundary is copied. This file decides the file kind, reads
 * headers and applies strict or lenient handling of malformed lines. The line
 * formats themselves are in formats.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ======================================================================== */
/* Lifecycle                                                                */
/* ======================================================================== */

static void set_kind(mr_parser *p, mr_file_kind kind)
{
    p->kind = kind;
    mr_parser_record(p)->kind = kind;
    mr_parser_record(p)->format = mr_format_name(p);
}

mr_parser *mr_parser_create(mr_dataset *ds, mr_file_kind kind, const char *file_name)
{
    if (!ds || kind < MR_FILE_AUTO || kind > MR_FILE_ML100K_GENRE)
        return NULL;
    mr_parser *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;

    int named = file_name && *file_name;
    const char *name = "input";
    if (named)
        name = file_name;
    else if (kind != MR_FILE_AUTO)
        name = mr_file_kind_name(kind);
    p->ds = ds;
    p->file_index = mr_dataset_add_file(ds, name, kind);
    if (p->file_index < 0) {
        free(p);
        return NULL;
    }
    if (kind == MR_FILE_AUTO && named)
        kind = mr_kind_from_name(file_name);
    set_kind(p, kind);
    return p;
}

void mr_parser_destroy(mr_parser *p)
{
    if (!p)
        return;
    free(p->pending);
    free(p->scratch);
    free(p->genre_buf);
    free(p);
}

void mr_parser_set_max_skipped(mr_parser *p, long max_skipped)
{
    if (p)
        p->max_skipped = max_skipped > 0 ? max_skipped : 0;
}

void mr_parser_set_file_size(mr_parser *p, uint64_t total_bytes)
{
    if (p)
        p->file_size = total_bytes;
}

long mr_parser_line(const mr_parser *p) { return p ? p->line : 0; }

mr_file_kind mr_parser_kind(const mr_parser *p) { return p ? p->kind : MR_FILE_AUTO; }

mr_file_report mr_parser_report(const mr_parser *p)
{
    return p ? mr_dataset_file(p->ds, p->file_index) : mr_dataset_file(NULL, 0);
}

int mr_parser_reserve(char **buffer, size_t *capacity, size_t n)
{
    if (n <= *capacity)
        return 0;
    size_t cap = *capacity ? *capacity : 256;
    while (cap < n)
        cap *= 2;
    char *grown = realloc(*buffer, cap);
    if (!grown)
        return -1;
    *buffer = grown;
    *capacity = cap;
    return 0;
}

/* ======================================================================== */
/* Malformed lines                                                          */
/* ======================================================================== */

static mr_status stop(mr_parser *p, mr_status s)
{
    p->failed = 1;
    return s;
}

/* Handles a line that matches no format before the kind is decided. */
static mr_status unknown_format(mr_parser *p, const char *line, size_t len, const char *description,
                                mr_error *err)
{
    char excerpt[64];
    mr_line_excerpt(line, len, excerpt, sizeof excerpt);
    return stop(p, mr_fail_utf8(err, MR_ERR_PARSE,
                           "%s line %ld matches no supported format: it %s (line starts '%s'); "
                           "expected a MovieLens or MovieTweetings ratings or movies file",
                           mr_parser_file_name(p), p->line, description, excerpt));
}

/* Fails on, or in lenient mode skips and records, a line whose reason is in
 * p->reason. */
static mr_status malformed_line(mr_parser *p, const char *line, size_t len, int is_header,
                                mr_error *err)
{
    mr_file_report *rec = mr_parser_record(p);
    const char *name = mr_parser_file_name(p);
    mr_skipped_line skipped;
    memset(&skipped, 0, sizeof skipped);
    mr_line_excerpt(line, len, skipped.text, sizeof skipped.text);
    const char *truncated = p->at_end ? "; the file ends inside this line, so it looks truncated" : "";
    size_t room = sizeof skipped.reason - 1 - strlen(truncated);
    snprintf(skipped.reason, sizeof skipped.reason, "%.*s", (int)room, p->reason);
    mr_utf8_trim_partial(skipped.reason);
    strcat(skipped.reason, truncated);

    if (p->max_skipped == 0 || is_header)
        return stop(p, mr_fail_utf8(err, MR_ERR_PARSE, "%s line %ld: %s (line starts '%s')", name, p->line,
                               skipped.reason, skipped.text));
    if (rec->n_data_lines == 0 && rec->n_skipped == 0)
        return stop(p, mr_fail_utf8(err, MR_ERR_PARSE,
                               "%s line %ld: %s (line starts '%s'); the first data line must be valid, "
                               "so this is not a readable %s file",
                               name, p->line, skipped.reason, skipped.text, mr_file_kind_name(p->kind)));
    if (rec->n_skipped >= p->max_skipped)
        return stop(p, mr_fail_utf8(err, MR_ERR_PARSE,
                               "%s line %ld: more than %ld malformed lines, the limit for skipping; "
                               "this one: %s (line starts '%s')",
                               name, p->line, p->max_skipped, skipped.reason, skipped.text));

    skipped.file_index = p->file_index;
    skipped.line = p->line;
    if (mr_dataset_add_skipped(p->ds, &skipped) != 0)
        return stop(p, mr_fail_utf8(err, MR_ERR_NO_MEMORY, "%s line %ld: out of memory while recording a skipped line",
                               name, p->line));
    rec->n_skipped++;
    p->ds->report.n_skipped++;
    return MR_OK;
}

/* Prefixes the message of a failed data set call with file and line. */
static mr_status data_set_error(mr_parser *p, mr_error *err, mr_status s)
{
    if (err) {
        char inner[MR_ERROR_MESSAGE_SIZE];
        snprintf(inner, sizeof inner, "%s", err->message);
        mr_fail_utf8(err, s, "%s line %ld: %s", mr_parser_file_name(p), p->line, inner);
    }
    return stop(p, s);
}

/* ======================================================================== */
/* One line                                                                 */
/* ======================================================================== */

/* Below this many ratings the array grows by half as usual: copies are cheap
 * and the bytes per line seen so far are not yet a good sample. */
#define SIZE_FROM_FILE_AFTER (1 << 20)

/* When the rating array is full and the file size is known, sizes the array
 * for the rest of the file plus 5%, estimated from the bytes per line so far.
 * A failed allocation is left to the next append, which reports it. */
static void reserve_for_rest_of_file(mr_parser *p)
{
    mr_dataset *ds = p->ds;
    long lines = mr_parser_record(p)->n_data_lines;
    if (p->file_size == 0 || ds->n_ratings < ds->cap_ratings || ds->cap_ratings < SIZE_FROM_FILE_AFTER ||
        lines == 0 || p->bytes_done >= p->file_size)
        return;
    double bytes_per_line = (double)p->bytes_done / (double)lines;
    double rest = (double)(p->file_size - p->bytes_done) / bytes_per_line;
    double target = (double)ds->n_ratings + 1.05 * rest + 1024.0;
    double least = (double)ds->cap_ratings * 1.125;
    mr_dataset_reserve_ratings(ds, (int64_t)(target > least ? target : least));
}

/* Parses one line without its line end. `too_long` marks a line cut at
 * MR_MAX_LINE bytes. */
static mr_status process_line(mr_parser *p, const char *line, size_t len, int too_long, mr_error *err)
{
    p->line++;
    p->bytes_done += len + 1;
    mr_parser_record(p)->n_lines = p->line;
    if (p->line == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }

    if (p->kind == MR_FILE_AUTO) {
        if (len == 0 && !too_long)
            return MR_OK;
        if (too_long)
            return unknown_format(p, line, len, "is longer than 65536 bytes", err);
        mr_file_kind kind = mr_kind_from_line(line, len);
        if (kind == MR_FILE_AUTO)
            return unknown_format(p, line, len, mr_describe_unknown_line(line, len), err);
        set_kind(p, kind);
    }

    if (too_long) {
        snprintf(p->reason, sizeof p->reason, "the line is longer than %d bytes", MR_MAX_LINE);
        return malformed_line(p, line, len, !p->header_done && mr_kind_has_header(p->kind), err);
    }
    if (mr_kind_has_header(p->kind) && !p->header_done) {
        p->header_done = 1;
        if (mr_check_header(p, line, len) != MR_OK)
            return malformed_line(p, line, len, 1, err);
        return MR_OK;
    }
    if (len == 0)
        return MR_OK;

    mr_status s = mr_parse_data_line(p, line, len, err);
    if (s == MR_ERR_PARSE && p->reason[0])
        return malformed_line(p, line, len, 0, err);
    if (s != MR_OK)
        return data_set_error(p, err, s);

    mr_file_report *rec = mr_parser_record(p);
    rec->n_data_lines++;
    rec->format = mr_format_name(p);
    p->ds->report.n_lines++;
    if (p->ds->n_ratings == p->ds->cap_ratings)
        reserve_for_rest_of_file(p);
    return MR_OK;
}

/* ======================================================================== */
/* Chunks                                                                   */
/* ======================================================================== */

/* Appends bytes to the pending line and returns 0, or -1 when out of memory.
 * It keeps at most MR_MAX_LINE + 1 bytes, the longest valid line and a CR.
 * Beyond that the line is marked too long and the rest is dropped. */
static int pending_append(mr_parser *p, const char *bytes, size_t n)
{
    if (p->pending_too_long)
        return 0;
    size_t room = MR_MAX_LINE + 1 - p->pending_len;
    if (n > room) {
        n = room;
        p->pending_too_long = 1;
    }
    if (mr_parser_reserve(&p->pending, &p->pending_cap, p->pending_len + n + 1) != 0)
        return -1;
    memcpy(p->pending + p->pending_len, bytes, n);
    p->pending_len += n;
    return 0;
}

/* Parses the pending bytes as one line, dropping a trailing CR. */
static mr_status flush_pending(mr_parser *p, mr_error *err)
{
    size_t len = p->pending_len;
    if (len > 0 && p->pending[len - 1] == '\r')
        len--;
    int too_long = p->pending_too_long || len > MR_MAX_LINE;
    mr_status s = process_line(p, p->pending ? p->pending : "", len, too_long, err);
    p->pending_len = 0;
    p->pending_too_long = 0;
    return s;
}

static mr_status already_stopped(mr_parser *p, mr_error *err)
{
    return mr_fail_utf8(err, MR_ERR_STATE, "%s: parsing already stopped at line %ld", mr_parser_file_name(p),
                   p->line);
}

mr_status mr_parser_feed(mr_parser *p, const char *bytes, size_t n, mr_error *err)
{
    if (!p || (!bytes && n > 0))
        return mr_fail_utf8(err, MR_ERR_INVALID_ARGUMENT, "parser or bytes is NULL");
    if (p->failed)
        return already_stopped(p, err);

    while (n > 0) {
        const char *newline = memchr(bytes, '\n', n);
        if (!newline) {
            if (pending_append(p, bytes, n) != 0)
                return stop(p, mr_fail_utf8(err, MR_ERR_NO_MEMORY, "%s line %ld: out of memory for a line of %zu bytes",
                                       mr_parser_file_name(p), p->line + 1, p->pending_len + n));
            break;
        }

        size_t take = (size_t)(newline - bytes);
        mr_status s;
        if (p->pending_len > 0 || p->pending_too_long) {
            if (pending_append(p, bytes, take) != 0)
                return stop(p, mr_fail_utf8(err, MR_ERR_NO_MEMORY, "%s line %ld: out of memory for a line of %zu bytes",
                                       mr_parser_file_name(p), p->line + 1, p->pending_len + take));
            s = flush_pending(p, err);
        } else {
            /* The whole line is in this chunk: parse it in place. */
            size_t len = take > 0 && bytes[take - 1] == '\r' ? take - 1 : take;
            s = process_line(p, bytes, len, len > MR_MAX_LINE, err);
        }
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
        return mr_fail_utf8(err, MR_ERR_INVALID_ARGUMENT, "parser is NULL");
    if (p->failed)
        return already_stopped(p, err);

    if (p->pending_len > 0 || p->pending_too_long) {
        p->at_end = 1;
        mr_status s = flush_pending(p, err);
        p->at_end = 0;
        if (s != MR_OK)
            return s;
    }

    /* An incomplete file is reported at its last line (line 1 when empty). */
    const char *name = mr_parser_file_name(p);
    mr_file_report *rec = mr_parser_record(p);
    long last = p->line > 0 ? p->line : 1;
    const char *emptiness = p->line == 0 ? "the file is empty" : "the file has only blank lines";
    if (p->kind == MR_FILE_AUTO)
        return stop(p, mr_fail_utf8(err, MR_ERR_PARSE,
                               "%s line %ld: %s; expected a MovieLens or MovieTweetings ratings or movies file",
                               name, last, emptiness));
    if (mr_kind_has_header(p->kind) && !p->header_done)
        return stop(p, mr_fail_utf8(err, MR_ERR_PARSE, "%s line %ld: %s; expected a MovieLens %s file with a header line",
                               name, last, emptiness, mr_file_kind_name(p->kind)));
    if (rec->n_data_lines == 0 && mr_kind_has_header(p->kind))
        return stop(p, mr_fail_utf8(err, MR_ERR_PARSE,
                               "%s line %ld: the file has a header but no data lines; expected data lines after it",
                               name, last));
    if (rec->n_data_lines == 0)
        return stop(p, mr_fail_utf8(err, MR_ERR_PARSE, "%s line %ld: %s; expected a MovieLens %s file", name, last,
                               emptiness, mr_file_kind_name(p->kind)));
    mr_status s = mr_check_file_end(p, err);
    if (s != MR_OK)
        return stop(p, s);
    rec->complete = 1;
    return MR_OK;
}

/* ======================================================================== */
/* Files on disk                                                            */
/* ======================================================================== */

mr_status mr_dataset_load_file_lenient(mr_dataset *ds, mr_file_kind kind, const char *path,
                                       long max_skipped, mr_error *err)
{
    if (!ds || !path)
        return mr_fail_utf8(err, MR_ERR_INVALID_ARGUMENT, "data set or path is NULL");
    FILE *f = fopen(path, "rb");
    if (!f)
        return mr_fail_utf8(err, MR_ERR_IO, "cannot open '%s': %s; check the path", path, strerror(errno));

    const char *base = path;
    for (const char *c = path; *c; c++)
        if (*c == '/' || *c == '\\')
            base = c + 1;
    mr_parser *p = mr_parser_create(ds, kind, base);
    char *chunk = malloc(1 << 16);
    if (!p || !chunk) {
        mr_parser_destroy(p);
        free(chunk);
        fclose(f);
        return mr_fail_utf8(err, MR_ERR_NO_MEMORY, "out of memory while opening '%s'", path);
    }
    mr_parser_set_max_skipped(p, max_skipped);
    if (fseek(f, 0, SEEK_END) == 0) {
        long size = ftell(f);
        if (size > 0)
            mr_parser_set_file_size(p, (uint64_t)size);
        rewind(f);
    }

    mr_status s = MR_OK;
    size_t got;
    while (s == MR_OK && (got = fread(chunk, 1, 1 << 16, f)) > 0)
        s = mr_parser_feed(p, chunk, got, err);
    if (s == MR_OK && ferror(f))
        s = mr_fail_utf8(err, MR_ERR_IO, "reading '%s' failed; check the file", path);
    if (s == MR_OK)
        s = mr_parser_end(p, err);

    free(chunk);
    mr_parser_destroy(p);
    fclose(f);
    return s;
}

mr_status mr_dataset_load_file(mr_dataset *ds, mr_file_kind kind, const char *path, mr_error *err)
{
    return mr_dataset_load_file_lenient(ds, kind, path, 0, err);
}
