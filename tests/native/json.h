/* json.h: a small JSON reader for the test fixtures (RFC 8259 values, UTF-8
 * text). It builds a tree in memory; numbers are read with strtod, which
 * round-trips the shortest-repr doubles that Python's json module writes. */
#ifndef MINIREC_TEST_JSON_H
#define MINIREC_TEST_JSON_H

#include <stddef.h>

typedef enum json_type {
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
} json_type;

typedef struct json_value {
    json_type type;
    double number;             /* JSON_NUMBER */
    char *string;              /* JSON_STRING: UTF-8, NUL-terminated */
    int n;                     /* JSON_ARRAY items or JSON_OBJECT members */
    struct json_value *items;  /* (n,) array items or member values */
    char **keys;               /* (n,) member names, JSON_OBJECT only */
} json_value;

/* Parses a whole document. Returns NULL and writes a message with the byte
 * offset to `error` when the text is not valid JSON. Free with json_free. */
json_value *json_parse(const char *text, char *error, size_t error_size);
/* Reads and parses a file; on failure prints the reason and returns NULL. */
json_value *json_load_file(const char *path);
void json_free(json_value *value);

/* Member `key` of an object, or NULL when absent or `object` is no object. */
const json_value *json_get(const json_value *object, const char *key);

/* Accessors for fixture code. Each prints what was expected and exits with
 * status 1 when the fixture lacks the key or has another type, because a
 * malformed fixture makes every later check meaningless. `name` labels the
 * value in that message. */
const json_value *json_require(const json_value *object, const char *key);
const json_value *json_require_array(const json_value *value, const char *name);
const json_value *json_item(const json_value *array, int index);
double json_number(const json_value *value, const char *name);
const char *json_string(const json_value *value, const char *name);

#endif
