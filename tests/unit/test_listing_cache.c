/* test_listing_cache.c - the listing-row cache: hits return what was
 * stored, other generations miss, a full cache empties and keeps working,
 * names of every length round-trip, and threads share it safely. */
#include <pthread.h>

#include "listing_cache.h"
#include "testlib.h"

static listing_row row_of(int64_t id)
{
    listing_row r = {.id = id, .size = id * 10, .mtime = 1600000000 + id, .ntopics = (int)(id % 5)};
    snprintf(r.vname, sizeof r.vname, "2021-03-%02d 第%lld篇文章.txt", (int)(id % 28) + 1,
             (long long)id);
    return r;
}

static int row_equal(const listing_row *a, const listing_row *b)
{
    return a->id == b->id && a->size == b->size && a->mtime == b->mtime &&
           a->ntopics == b->ntopics && strcmp(a->vname, b->vname) == 0;
}

static void test_hits_and_misses(void)
{
    listing_cache *lc = listing_cache_new(1 << 20);
    listing_row in[3] = {row_of(7), row_of(8), row_of(1000000007)};
    listing_cache_put(lc, 1, in, 3);
    int64_t ids[4] = {8, 9, 1000000007, 7};
    listing_row out[4] = {{0}};
    CHECK_INT(listing_cache_get(lc, 1, ids, 4, out), 3);
    CHECK(row_equal(&out[0], &in[1]));
    CHECK_INT(out[1].id, 0); /* not stored: left alone */
    CHECK(row_equal(&out[2], &in[2]));
    CHECK(row_equal(&out[3], &in[0]));
    /* another generation: nothing */
    listing_row other[4] = {{0}};
    CHECK_INT(listing_cache_get(lc, 2, ids, 4, other), 0);
    CHECK_INT(other[0].id, 0);
    /* a store under a newer generation forgets the old rows */
    listing_row changed = row_of(7);
    snprintf(changed.vname, sizeof changed.vname, "renamed.txt");
    listing_cache_put(lc, 2, &changed, 1);
    listing_row got[4] = {{0}};
    CHECK_INT(listing_cache_get(lc, 2, ids, 4, got), 1);
    CHECK_STR(got[3].vname, "renamed.txt");
    /* an older generation's store is ignored */
    listing_cache_put(lc, 1, in, 3);
    CHECK_INT(listing_cache_get(lc, 1, ids, 4, got), 0);
    listing_cache_free(lc);
}

/* Far more rows than fit: the cache empties itself, never grows, and
 * whatever it answers is right. */
static void test_full_cache_empties(void)
{
    listing_cache *lc = listing_cache_new(64 << 10);
    listing_cache_stats st;
    listing_cache_get_stats(lc, &st);
    size_t cap = st.max_entries;
    CHECK(cap >= 64);
    for (int64_t id = 1; id <= (int64_t)cap * 5; id++) {
        listing_row r = row_of(id);
        listing_cache_put(lc, 1, &r, 1);
    }
    listing_cache_get_stats(lc, &st);
    CHECK(st.resets >= 4);
    CHECK(st.entries > 0 && st.entries <= cap);
    size_t found = 0;
    for (int64_t id = 1; id <= (int64_t)cap * 5; id++) {
        listing_row out = {0};
        if (listing_cache_get(lc, 1, &id, 1, &out) == 1) {
            found++;
            listing_row want = row_of(id);
            CHECK(row_equal(&out, &want));
        }
    }
    CHECK_INT(found, st.entries);
    listing_cache_free(lc);
}

/* Names of 0 to NFS_NAME_MAX bytes come back whole; a row with no id or
 * an unterminated name is not stored. */
static void test_name_lengths(void)
{
    listing_cache *lc = listing_cache_new(1 << 20);
    for (int len = 0; len <= NFS_NAME_MAX; len++) {
        listing_row r = row_of(len + 1);
        memset(r.vname, 'a' + len % 26, (size_t)len);
        r.vname[len] = '\0';
        listing_cache_put(lc, 1, &r, 1);
    }
    for (int len = 0; len <= NFS_NAME_MAX; len++) {
        int64_t id = len + 1;
        listing_row out = {0};
        CHECK_INT(listing_cache_get(lc, 1, &id, 1, &out), 1);
        CHECK_INT(strlen(out.vname), len);
    }
    listing_row bad = row_of(5000);
    memset(bad.vname, 'x', sizeof bad.vname);
    listing_cache_put(lc, 1, &bad, 1);
    listing_row none = row_of(0);
    listing_cache_put(lc, 1, &none, 1);
    int64_t ids[2] = {5000, 0};
    listing_row out[2] = {{0}};
    CHECK_INT(listing_cache_get(lc, 1, ids, 2, out), 0);
    listing_cache_free(lc);
}

typedef struct {
    listing_cache *lc;
    int64_t first;
    int bad;
} worker_arg;

static void *worker(void *p)
{
    worker_arg *w = p;
    for (int64_t id = w->first; id < w->first + 20000; id++) {
        listing_row r = row_of(id % 3000 + 1);
        listing_cache_put(w->lc, 1, &r, 1);
        int64_t probe = (id * 7) % 3000 + 1;
        listing_row out = {0};
        if (listing_cache_get(w->lc, 1, &probe, 1, &out) == 1) {
            listing_row want = row_of(probe);
            w->bad += !row_equal(&out, &want);
        }
    }
    return NULL;
}

static void test_threads(void)
{
    listing_cache *lc = listing_cache_new(128 << 10); /* small: resets under load */
    pthread_t th[4];
    worker_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (worker_arg){lc, i * 20000, 0};
        CHECK_INT(pthread_create(&th[i], NULL, worker, &args[i]), 0);
    }
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        bad += args[i].bad;
    }
    CHECK_INT(bad, 0);
    listing_cache_free(lc);
}

int main(void)
{
    RUN(test_hits_and_misses);
    RUN(test_full_cache_empties);
    RUN(test_name_lengths);
    RUN(test_threads);
    return tl_done();
}
