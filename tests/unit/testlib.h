/* testlib.h - a minimal unit-test harness for newsfs.
 *
 *   static void test_something(void) { CHECK(x == 1); CHECK_STR(a, "b"); }
 *   int main(void) { RUN(test_something); return tl_done(); }
 *
 * A test passes when none of its checks failed; SKIP("why") marks it
 * skipped. tl_done() prints "N passed, N failed, N skipped" (the line the
 * runner adds up) and returns non-zero when something failed. Set
 * TEST_FIXTURES to the fixtures directory (the runner does).
 */
#ifndef TESTLIB_H
#define TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int tl_passed, tl_failed, tl_skipped, tl_cur_failed, tl_cur_skipped;
static const char *tl_cur_name;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            tl_cur_failed++;                                                          \
            fprintf(stderr, "  %s:%d: %s: check failed: %s\n", __FILE__, __LINE__,    \
                    tl_cur_name, #cond);                                              \
        }                                                                             \
    } while (0)

#define CHECK_MSG(cond, ...)                                                          \
    do {                                                                              \
        if (!(cond)) {                                                                \
            tl_cur_failed++;                                                          \
            fprintf(stderr, "  %s:%d: %s: check failed: %s: ", __FILE__, __LINE__,     \
                    tl_cur_name, #cond);                                              \
            fprintf(stderr, __VA_ARGS__);                                             \
            fputc('\n', stderr);                                                      \
        }                                                                             \
    } while (0)

#define CHECK_STR(got, want)                                                          \
    do {                                                                              \
        const char *g_ = (got), *w_ = (want);                                         \
        if (!g_ || !w_ || strcmp(g_, w_) != 0) {                                      \
            tl_cur_failed++;                                                          \
            fprintf(stderr, "  %s:%d: %s: %s\n    got:  %s\n    want: %s\n",           \
                    __FILE__, __LINE__, tl_cur_name, #got, g_ ? g_ : "(null)",         \
                    w_ ? w_ : "(null)");                                               \
        }                                                                             \
    } while (0)

#define CHECK_INT(got, want)                                                          \
    do {                                                                              \
        long long g_ = (long long)(got), w_ = (long long)(want);                       \
        if (g_ != w_) {                                                               \
            tl_cur_failed++;                                                          \
            fprintf(stderr, "  %s:%d: %s: %s = %lld, want %lld\n", __FILE__, __LINE__, \
                    tl_cur_name, #got, g_, w_);                                       \
        }                                                                             \
    } while (0)

#define SKIP(why)                                                                     \
    do {                                                                              \
        tl_cur_skipped = 1;                                                           \
        fprintf(stderr, "  skip %s: %s\n", tl_cur_name, why);                         \
        return;                                                                       \
    } while (0)

#define RUN(fn)                                                                       \
    do {                                                                              \
        tl_cur_name = #fn;                                                            \
        tl_cur_failed = tl_cur_skipped = 0;                                           \
        fn();                                                                         \
        if (tl_cur_failed) {                                                          \
            tl_failed++;                                                              \
            printf("FAIL %s\n", #fn);                                                 \
        } else if (tl_cur_skipped) {                                                  \
            tl_skipped++;                                                             \
            printf("skip %s\n", #fn);                                                 \
        } else {                                                                      \
            tl_passed++;                                                              \
            printf("ok   %s\n", #fn);                                                 \
        }                                                                             \
        fflush(stdout);                                                               \
    } while (0)

static inline int tl_done(void)
{
    printf("%d passed, %d failed, %d skipped\n", tl_passed, tl_failed, tl_skipped);
    return tl_failed ? 1 : 0;
}

/* Path of a fixture file: $TEST_FIXTURES/name (default tests/fixtures). */
static inline const char *tl_fixture(const char *name)
{
    static char buf[4096];
    const char *dir = getenv("TEST_FIXTURES");
    snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "tests/fixtures", name);
    return buf;
}

/* Remove an index file and its WAL companions (-wal, -shm). */
static inline void tl_remove_db(const char *path)
{
    char p[4096];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* Read a whole file into a NUL-terminated buffer (caller frees); NULL on error. */
static inline char *tl_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

#endif
