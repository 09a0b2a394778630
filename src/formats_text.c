/* formats_text.c: per-line text encoding for the file parsers. A line that is
 * valid UTF-8 is kept as it is. Any other line is read as Windows-1252, a
 * superset of Latin-1 (ISO-8859-1), and converted to UTF-8. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* ======================================================================== */
/* UTF-8                                                                    */
/* ======================================================================== */

/* Returns the sequence length (1-4) that a lead byte announces, or 0 for a
 * continuation byte, an overlong 2-byte lead (C0, C1) or a lead above U+10FFFF. */
static size_t utf8_length_from_lead(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if (c < 0xC2 || c > 0xF4)
        return 0;
    if (c < 0xE0)
        return 2;
    if (c < 0xF0)
        return 3;
    return 4;
}

/* Returns the length (1-4) of the valid UTF-8 sequence at s, or 0 when the
 * bytes are not a complete shortest-form sequence of a scalar value. */
static size_t utf8_sequence(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len = utf8_length_from_lead(c);
    if (len <= 1)
        return len;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;

    /* The second byte's range rules out overlong forms, surrogates
     * (U+D800-U+DFFF) and values above U+10FFFF. */
    unsigned char c1 = s[1];
    if (c == 0xE0 && c1 < 0xA0)
        return 0;
    if (c == 0xED && c1 > 0x9F)
        return 0;
    if (c == 0xF0 && c1 < 0x90)
        return 0;
    if (c == 0xF4 && c1 > 0x8F)
        return 0;
    return len;
}

int mr_is_ascii(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char any = 0;
    for (size_t i = 0; i < n; i++)
        any |= u[i];
    return any < 0x80;
}

int mr_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = utf8_sequence(u + i, n - i);
        if (len == 0)
            return 0;
        i += len;
    }
    return 1;
}

/* ======================================================================== */
/* Windows-1252 to UTF-8                                                    */
/* ======================================================================== */

/* Unicode code points of bytes 0x80-0x9F in Windows-1252. The five bytes the
 * code page leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) keep their
 * Latin-1 value, as web browsers decode them. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

size_t mr_latin1_to_utf8(const char *s, size_t n, char *out, int *saw_c1)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char *o = (unsigned char *)out;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = u[i];
        if (cp >= 0x80 && cp < 0xA0) {
            cp = cp1252_high[cp - 0x80];
            *saw_c1 = 1;
        }
        if (cp < 0x80) {
            o[w++] = (unsigned char)cp;
        } else if (cp < 0x800) {
            o[w++] = (unsigned char)(0xC0 | cp >> 6);
            o[w++] = (unsigned char)(0x80 | (cp & 0x3F));
        } else {
            o[w++] = (unsigned char)(0xE0 | cp >> 12);
            o[w++] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
            o[w++] = (unsigned char)(0x80 | (cp & 0x3F));
        }
    }
    return w;
}

/* ======================================================================== */
/* Truncated text                                                           */
/* ======================================================================== */

void mr_utf8_trim_partial(char *s)
{
    size_t n = strlen(s);
    size_t lead = n;
    while (lead > 0 && n - lead < 4 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0 || (unsigned char)s[lead - 1] < 0xC0)
        return;
    lead--;
    if (n - lead < utf8_length_from_lead((unsigned char)s[lead]))
        s[lead] = '\0';
}

mr_status mr_fail_utf8(mr_error *err, mr_status status, const char *fmt, ...)
{
    if (!err)
        return status;
    char message[MR_ERROR_MESSAGE_SIZE];
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    mr_utf8_trim_partial(message);
    return mr_fail(err, status, "%s", message);
}

/* ======================================================================== */
/* Line excerpts for messages                                               */
/* ======================================================================== */

#define EXCERPT_BYTES 40

/* The excerpt's encoding is decided on this many leading bytes, so it is the
 * same whether the parser saw the whole line or only the part it keeps of a
 * line longer than MR_MAX_LINE. */
#define EXCERPT_WINDOW 64

/* Returns 1 when the bytes are valid UTF-8 except that the last sequence may
 * be cut short by the end of the window. */
static int utf8_prefix_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t len = utf8_sequence(s + i, n - i);
        if (len > 0) {
            i += len;
            continue;
        }
        /* A cut sequence: a valid lead byte followed only by continuation
         * bytes up to the end of the window. */
        size_t need = utf8_length_from_lead(s[i]);
        if (need <= 1 || n - i >= need)
            return 0;
        for (size_t k = i + 1; k < n; k++)
            if ((s[k] & 0xC0) != 0x80)
                return 0;
        return 1;
    }
    return 1;
}

void mr_line_excerpt(const char *line, size_t len, char *out, size_t size)
{
    const unsigned char *u = (const unsigned char *)line;
    size_t limit = EXCERPT_BYTES < size - 4 ? EXCERPT_BYTES : size - 4;
    int utf8 = utf8_prefix_valid(u, len < EXCERPT_WINDOW ? len : EXCERPT_WINDOW);
    size_t w = 0, i = 0;
    int saw_c1 = 0;

    /* Copy whole characters while they fit, so the excerpt stays valid UTF-8. */
    while (i < len) {
        char piece[4];
        size_t in_len, out_len;
        if (u[i] < 0x80) {
            piece[0] = u[i] < 0x20 || u[i] == 0x7F ? ' ' : (char)u[i];
            in_len = out_len = 1;
        } else if (utf8 && (in_len = utf8_sequence(u + i, len - i)) > 0) {
            out_len = in_len;
            memcpy(piece, line + i, in_len);
        } else {
            in_len = 1;
            out_len = mr_latin1_to_utf8(line + i, 1, piece, &saw_c1);
        }
        if (w + out_len > limit)
            break;
        memcpy(out + w, piece, out_len);
        w += out_len;
        i += in_len;
    }
    if (i < len) {
        memcpy(out + w, "...", 3);
        w += 3;
    }
    out[w] = '\0';
}
