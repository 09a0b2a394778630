/* check.h: assertions and a test runner for the native test programs.
 *
 * A failed check prints the test name, file:line, what was checked, the expected
 * and the actual value, marks the running test failed and lets it continue.
 * test_main() returns 1 when any check failed, so a program that returns its
 * value exits non-zero on failure. Every check returns 1 when it passed, so a
 * test can skip the checks that depend on it. */
#ifndef MINIREC_TEST_CHECK_H
#define MINIREC_TEST_CHECK_H

#include <stddef.h>

#include "minirec.h"

/* Largest allowed |actual - expected| when comparing with the numpy fixtures.
 * Native builds are expected to match exactly. The bound leaves room for a
 * libm whose log (used by the Gaussian draws) rounds differently. */
#define FIXTURE_TOLERANCE 1e-9

typedef struct test_case {
    const char *name; /* unit and case, e.g. "rng_gauss_matches_randn" */
    void (*run)(void);
} test_case;

/* Largest absolute difference seen by CHECK_NEAR for one group of values. */
typedef struct difference_stat {
    const char *name;
    double max_abs;
    long n_values;
} difference_stat;

/* Runs every test, or only those named on the command line, printing "ok NAME"
 * or "FAIL NAME". Returns 0 when all checks passed, 1 otherwise (also for an
 * unknown test name). */
int test_main(int argc, char **argv, const test_case *tests, int n_tests);

/* Prints "max |difference| NAME: VALUE over N values" for each group. */
void print_difference_stats(const difference_stat *stats, int n);

/* Prints a failure for the running test without checking anything. */
void check_fail(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define CHECK(condition, ...) check_true(__FILE__, __LINE__, (condition), #condition, __VA_ARGS__)
#define CHECK_INT(actual, expected, ...) \
    check_int(__FILE__, __LINE__, (long long)(actual), (long long)(expected), __VA_ARGS__)
#define CHECK_SAME(actual, expected, ...) \
    check_same(__FILE__, __LINE__, (actual), (expected), __VA_ARGS__)
#define CHECK_NEAR(stat, actual, expected, ...) \
    check_near(__FILE__, __LINE__, (stat), (actual), (expected), __VA_ARGS__)
#define CHECK_STR(actual, expected, ...) \
    check_str(__FILE__, __LINE__, (actual), (expected), __VA_ARGS__)
#define CHECK_CONTAINS(text, part, ...) \
    check_contains(__FILE__, __LINE__, (text), (part), __VA_ARGS__)
#define CHECK_STATUS(actual, expected, err, ...) \
    check_status(__FILE__, __LINE__, (actual), (expected), (err), __VA_ARGS__)
#define FAIL(...) check_fail(__FILE__, __LINE__, __VA_ARGS__)

#if defined(__GNUC__)
#define CHECK_FORMAT(index) __attribute__((format(printf, index, index + 1)))
#else
#define CHECK_FORMAT(index)
#endif

int check_true(const char *file, int line, int condition, const char *source, const char *fmt, ...)
    CHECK_FORMAT(5);
int check_int(const char *file, int line, long long actual, long long expected, const char *fmt, ...)
    CHECK_FORMAT(5);
/* Bitwise-equal doubles (NaN equals NaN); prints both with 17 digits. */
int check_same(const char *file, int line, double actual, double expected, const char *fmt, ...)
    CHECK_FORMAT(5);
/* |actual - expected| <= FIXTURE_TOLERANCE; records the difference in `stat`
 * when it is not NULL. */
int check_near(const char *file, int line, difference_stat *stat, double actual, double expected,
               const char *fmt, ...) CHECK_FORMAT(6);
int check_str(const char *file, int line, const char *actual, const char *expected, const char *fmt, ...)
    CHECK_FORMAT(5);
int check_contains(const char *file, int line, const char *text, const char *part, const char *fmt, ...)
    CHECK_FORMAT(5);
/* Compares statuses by name and, on failure, prints the error message. */
int check_status(const char *file, int line, mr_status actual, mr_status expected, const mr_error *err,
                 const char *fmt, ...) CHECK_FORMAT(6);

/* Reads a whole file into a NUL-terminated buffer that the caller frees.
 * Returns NULL (after printing why) when it cannot be read. */
char *read_whole_file(const char *path, size_t *size_out);

#endif
