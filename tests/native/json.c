/* json.c: recursive-descent JSON reader declared in json.h. */
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define JSON_MAX_DEPTH 64

typedef struct reader {
    const char *text;
    size_t pos;
    char *error;
    size_t error_size;
    int failed;
} reader;

static void reader_fail(reader *r, const char *problem)
{
    if (!r->failed)
        snprintf(r->error, r->error_size, "%s at byte %zu", problem, r->pos);
    r->failed = 1;
}

static void skip_space(reader *r)
{
    while (strchr(" \t\r\n", r->text[r->pos]) && r->text[r->pos] != '\0')
        r->pos++;
}

/* ======================================================================== */
/* Strings                                                                  */
/* ======================================================================== */

static int hex4(reader *r, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->text[r->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else {
            reader_fail(r, "invalid \\u escape");
            return 0;
        }
    }
    *out = v;
    return 1;
}

/* Writes a code point as UTF-8 and returns the byte count (1 to 4). */
static int put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads a string whose opening quote is at r->pos. The decoded text is never
 * longer than the escaped text, so the raw length bounds the buffer. */
static char *read_string(reader *r)
{
    r->pos++;
    size_t end = r->pos;
    while (r->text[end] != '"' && r->text[end] != '\0')
        end += r->text[end] == '\\' && r->text[end + 1] != '\0' ? 2 : 1;
    char *out = malloc(end - r->pos + 1);
    if (!out) {
        reader_fail(r, "out of memory");
        return NULL;
    }

    size_t n = 0;
    for (;;) {
        char c = r->text[r->pos];
        if (c == '\0' || (unsigned char)c < 0x20) {
            reader_fail(r, "unterminated string or control character in string");
            free(out);
            return NULL;
        }
        r->pos++;
        if (c == '"')
            break;
        if (c != '\\') {
            out[n++] = c;
            continue;
        }

        char e = r->text[r->pos++];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e != '\0' && simple) {
            out[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
        } else if (e == 'u') {
            uint32_t cp, low;
            if (!hex4(r, &cp)) {
                free(out);
                return NULL;
            }
            /* A high surrogate must be followed by \u and a low surrogate. */
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (r->text[r->pos] != '\\' || r->text[r->pos + 1] != 'u') {
                    reader_fail(r, "high surrogate without a low surrogate");
                    free(out);
                    return NULL;
                }
                r->pos += 2;
                if (!hex4(r, &low) || low < 0xDC00 || low > 0xDFFF) {
                    reader_fail(r, "invalid low surrogate");
                    free(out);
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            n += (size_t)put_utf8(out + n, cp);
        } else {
            reader_fail(r, "invalid escape");
            free(out);
            return NULL;
        }
    }
    out[n] = '\0';
    return out;
}

/* ======================================================================== */
/* Values                                                                   */
/* ======================================================================== */

static int read_value(reader *r, json_value *out, int depth);

/* Appends a zeroed slot to items (and keys for objects); returns it or NULL. */
static json_value *append_slot(reader *r, json_value *v, int *capacity)
{
    if (v->n == *capacity) {
        int next = *capacity ? *capacity * 2 : 8;
        json_value *items = realloc(v->items, sizeof *items * (size_t)next);
        if (items)
            v->items = items;
        if (items && v->type == JSON_OBJECT) {
            char **keys = realloc(v->keys, sizeof *keys * (size_t)next);
            if (keys)
                v->keys = keys;
            else
                items = NULL;
        }
        if (!items) {
            reader_fail(r, "out of memory");
            return NULL;
        }
        *capacity = next;
    }
    json_value *slot = &v->items[v->n];
    memset(slot, 0, sizeof *slot);
    if (v->type == JSON_OBJECT)
        v->keys[v->n] = NULL;
    v->n++;
    return slot;
}

/* Reads the members of an array or object after its opening bracket. */
static int read_container(reader *r, json_value *v, int depth)
{
    char close = v->type == JSON_ARRAY ? ']' : '}';
    int capacity = 0;
    r->pos++;
    skip_space(r);
    if (r->text[r->pos] == close) {
        r->pos++;
        return 1;
    }
    for (;;) {
        json_value *slot = append_slot(r, v, &capacity);
        if (!slot)
            return 0;
        if (v->type == JSON_OBJECT) {
            skip_space(r);
            if (r->text[r->pos] != '"') {
                reader_fail(r, "expected a member name");
                return 0;
            }
            v->keys[v->n - 1] = read_string(r);
            if (!v->keys[v->n - 1])
                return 0;
            skip_space(r);
            if (r->text[r->pos] != ':') {
                reader_fail(r, "expected ':'");
                return 0;
            }
            r->pos++;
        }
        if (!read_value(r, slot, depth + 1))
            return 0;
        skip_space(r);
        char c = r->text[r->pos];
        if (c == close) {
            r->pos++;
            return 1;
        }
        if (c != ',') {
            reader_fail(r, v->type == JSON_ARRAY ? "expected ',' or ']'" : "expected ',' or '}'");
            return 0;
        }
        r->pos++;
    }
}

static int read_number(reader *r, json_value *out)
{
    /* JSON grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    const char *s = r->text + r->pos;
    size_t i = 0;
    if (s[i] == '-')
        i++;
    if (s[i] == '0')
        i++;
    else if (s[i] >= '1' && s[i] <= '9')
        while (s[i] >= '0' && s[i] <= '9')
            i++;
    else
        goto invalid;
    if (s[i] == '.') {
        i++;
        if (!(s[i] >= '0' && s[i] <= '9'))
            goto invalid;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (s[i] == 'e' || s[i] == 'E') {
        i++;
        if (s[i] == '+' || s[i] == '-')
            i++;
        if (!(s[i] >= '0' && s[i] <= '9'))
            goto invalid;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
    }
    out->type = JSON_NUMBER;
    out->number = strtod(s, NULL);
    r->pos += i;
    return 1;

invalid:
    reader_fail(r, "invalid number");
    return 0;
}

static int read_value(reader *r, json_value *out, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        reader_fail(r, "nesting too deep");
        return 0;
    }
    skip_space(r);
    const char *s = r->text + r->pos;
    switch (*s) {
    case '{':
        out->type = JSON_OBJECT;
        return read_container(r, out, depth);
    case '[':
        out->type = JSON_ARRAY;
        return read_container(r, out, depth);
    case '"':
        out->type = JSON_STRING;
        out->string = read_string(r);
        return out->string != NULL;
    case 't':
    case 'f':
    case 'n': {
        static const char *const words[] = {"true", "false", "null"};
        static const json_type types[] = {JSON_TRUE, JSON_FALSE, JSON_NULL};
        for (int i = 0; i < 3; i++) {
            size_t len = strlen(words[i]);
            if (strncmp(s, words[i], len) == 0) {
                out->type = types[i];
                r->pos += len;
                return 1;
            }
        }
        reader_fail(r, "invalid literal");
        return 0;
    }
    default:
        return read_number(r, out);
    }
}

/* Frees what a value owns, not the value itself. */
static void free_contents(json_value *v)
{
    for (int i = 0; i < v->n; i++) {
        free_contents(&v->items[i]);
        if (v->type == JSON_OBJECT)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
}

json_value *json_parse(const char *text, char *error, size_t error_size)
{
    reader r = {text, 0, error, error_size, 0};
    json_value *root = calloc(1, sizeof *root);
    if (!root) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    if (read_value(&r, root, 0)) {
        skip_space(&r);
        if (text[r.pos] != '\0')
            reader_fail(&r, "text after the document");
    }
    if (r.failed) {
        free_contents(root);
        free(root);
        return NULL;
    }
    return root;
}

json_value *json_load_file(const char *path)
{
    char *text = read_whole_file(path, NULL);
    if (!text)
        return NULL;
    char error[160];
    json_value *root = json_parse(text, error, sizeof error);
    if (!root)
        printf("%s is not valid JSON: %s\n", path, error);
    free(text);
    return root;
}

void json_free(json_value *value)
{
    if (!value)
        return;
    free_contents(value);
    free(value);
}

/* ======================================================================== */
/* Accessors                                                                */
/* ======================================================================== */

const json_value *json_get(const json_value *object, const char *key)
{
    if (!object || object->type != JSON_OBJECT)
        return NULL;
    for (int i = 0; i < object->n; i++)
        if (strcmp(object->keys[i], key) == 0)
            return &object->items[i];
    return NULL;
}

static void fixture_error(const char *problem)
{
    printf("FAIL fixture: %s; regenerate the fixtures with tests/reference/reference.py --write\n", problem);
    exit(1);
}

const json_value *json_require(const json_value *object, const char *key)
{
    const json_value *v = json_get(object, key);
    if (!v) {
        char problem[160];
        snprintf(problem, sizeof problem, "object member '%s' is missing", key);
        fixture_error(problem);
    }
    return v;
}

const json_value *json_require_array(const json_value *value, const char *name)
{
    if (!value || value->type != JSON_ARRAY) {
        char message[160];
        snprintf(message, sizeof message, "%s is not an array", name);
        fixture_error(message);
    }
    return value;
}

const json_value *json_item(const json_value *array, int index)
{
    if (!array || array->type != JSON_ARRAY || index < 0 || index >= array->n) {
        char message[160];
        snprintf(message, sizeof message, "array item %d is missing", index);
        fixture_error(message);
    }
    return &array->items[index];
}

double json_number(const json_value *value, const char *name)
{
    if (!value || value->type != JSON_NUMBER) {
        char message[160];
        snprintf(message, sizeof message, "%s is not a number", name);
        fixture_error(message);
    }
    return value->number;
}

const char *json_string(const json_value *value, const char *name)
{
    if (!value || value->type != JSON_STRING) {
        char message[160];
        snprintf(message, sizeof message, "%s is not a string", name);
        fixture_error(message);
    }
    return value->string;
}
