/* check.c: the assertion functions and test runner declared in check.h. */
#include "check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *current_test = "(setup)";
static int current_failures;

/* ======================================================================== */
/* Reporting                                                                */
/* ======================================================================== */

/* Prints "FAIL test (file:line): <description>: " and leaves the line open. */
static void begin_failure(const char *file, int line, const char *fmt, va_list args)
{
    const char *base = strrchr(file, '/');
    current_failures++;
    printf("FAIL %s (%s:%d): ", current_test, base ? base + 1 : file, line);
    vprintf(fmt, args);
    printf(": ");
}

void check_fail(const char *file, int line, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    begin_failure(file, line, fmt, args);
    va_end(args);
    printf("failed\n");
}

/* ======================================================================== */
/* Checks                                                                   */
/* ======================================================================== */

int check_true(const char *file, int line, int condition, const char *source, const char *fmt, ...)
{
    if (condition)
        return 1;
    va_list args;
    va_start(args, fmt);
    begin_failure(file, line, fmt, args);
    va_end(args);
    printf("expected (%s) to hold\n", source);
    return 0;
}

int check_int(const char *file, int line, long long actual, long long expected, const char *fmt, ...)
{
    if (actual == expected)
        return 1;
    va_list args;
    va_start(args, fmt);
    begin_failure(file, line, fmt, args);
    va_end(args);
    printf("expected %lld, got %lld\n", expected, actual);
    return 0;
}

int check_same(const char *file, int line, double actual, double expected, const char *fmt, ...)
{
    if (memcmp(&actual, &expected, sizeof actual) == 0 || (isnan(actual) && isnan(expected)))
        return 1;
    va_list args;
    va_start(args, fmt);
    begin_failure(file, line, fmt, args);
    va_end(args);
    printf("expected %.17g, got %.17g (difference %.3g)\n", expected, actual, actual - expected);
    return 0;
}

int check_near(const char *file, int line, difference_stat *stat, double actual, double expected,
               const char *fmt, ...)
{
    double difference = fabs(actual - expected);
    if (stat) {
        stat->n_values++;
        if (!(difference <= stat->max_abs))
            stat->max_abs = difference;
    }
    if (difference <= FIXTURE_TOLERANCE)
        return 1;
    va_list args;
    va_start(args, fmt);
    begin_failure(file, line, fmt, args);
    va_end(args);
    printf("expected %.17g, got %.17g (difference %.3g, tolerance %g)\n", expected, actual,
           difference, FIXTURE_TOLERANCE);
    return 0;
}

int check_str(const char *file, int line, const char *actual, const char *expected, const char *fmt, ...)
{
    if (actual && expected && strcmp(actual, expected) == 0)
        return 1;
    va_list args;
    va_start(args, fmt);
    begin_failure(file, line, fmt, args);
    va_end(args);
    printf("expected \"%s\", got \"%s\"\n", expected ? expected : "(NULL)", actual ? actual : "(NULL)");
    return 0;
}

int check_contains(const char *file, int line, const char *text, const char *part, const char *fmt, ...)
{
    if (text && part && strstr(text, part))
        return 1;
    va_list args;
    va_start(args, fmt);
    begin_failure(file, line, fmt, args);
    va_end(args);
    printf("expected text containing \"%s\", got \"%s\"\n", part ? part : "(NULL)", text ? text : "(NULL)");
    return 0;
}

int check_status(const char *file, int line, mr_status actual, mr_status expected, const mr_error *err,
                 const char *fmt, ...)
{
    if (actual == expected)
        return 1;
    va_list args;
    va_start(args, fmt);
    begin_failure(file, line, fmt, args);
    va_end(args);
    printf("expected status %d (%s), got %d (%s)", (int)expected, mr_status_name(expected),
           (int)actual, mr_status_name(actual));
    if (err && actual != MR_OK)
        printf(" with message \"%s\"", err->message);
    printf("\n");
    return 0;
}

/* ======================================================================== */
/* Runner and helpers                                                       */
/* ======================================================================== */

void print_difference_stats(const difference_stat *stats, int n)
{
    for (int i = 0; i < n; i++)
        printf("max |difference| %s: %.3g over %ld values\n", stats[i].name, stats[i].max_abs,
               stats[i].n_values);
}

static int run_one(const test_case *test)
{
    current_test = test->name;
    current_failures = 0;
    test->run();
    printf("%s %s\n", current_failures ? "FAIL" : "ok", test->name);
    fflush(stdout);
    return current_failures == 0;
}

int test_main(int argc, char **argv, const test_case *tests, int n_tests)
{
    int passed = 0, run = 0, unknown = 0;
    if (argc <= 1) {
        for (int i = 0; i < n_tests; i++, run++)
            passed += run_one(&tests[i]);
    } else {
        for (int a = 1; a < argc; a++) {
            int found = 0;
            for (int i = 0; i < n_tests; i++) {
                if (strcmp(argv[a], tests[i].name) == 0) {
                    passed += run_one(&tests[i]);
                    run++;
                    found = 1;
                }
            }
            if (!found) {
                printf("FAIL unknown test name '%s'\n", argv[a]);
                unknown++;
            }
        }
    }
    printf("%d of %d tests passed\n", passed, run);
    return passed == run && unknown == 0 ? 0 : 1;
}

char *read_whole_file(const char *path, size_t *size_out)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("cannot open %s\n", path);
        return NULL;
    }
    size_t size = 0, capacity = 4096;
    char *data = malloc(capacity);
    for (;;) {
        if (!data)
            break;
        size += fread(data + size, 1, capacity - size - 1, f);
        if (size < capacity - 1)
            break;
        capacity *= 2;
        char *grown = realloc(data, capacity);
        if (!grown) {
            free(data);
            data = NULL;
        } else {
            data = grown;
        }
    }
    int failed = ferror(f) || !data;
    fclose(f);
    if (failed) {
        printf("cannot read %s\n", path);
        free(data);
        return NULL;
    }
    data[size] = '\0';
    if (size_out)
        *size_out = size;
    return data;
}
