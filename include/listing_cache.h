/* listing_cache.h - a bounded in-memory cache of what a listing shows of an
 * article (view name, size, mtime, topic count), shared by the daemon's
 * threads.
 *
 * Listing a search directory looks up every matching article by id. From
 * SQLite that costs about 2 us an entry even with the pages cached (B-tree
 * descent and row decoding), which made those lookups two thirds of the
 * daemon's time for a query matching thousands of articles. Served from
 * here, a lookup is a hash probe and a copy.
 *
 * Entries belong to one index generation: a lookup under another
 * generation misses, and a store under a newer one empties the cache
 * first. Memory is fixed at creation; when the cache is full it is emptied
 * and refills with what the next listings need (listings touch articles
 * uniformly, so a smarter eviction order would buy little).
 */
#ifndef NFS_LISTING_CACHE_H
#define NFS_LISTING_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"

typedef struct listing_cache listing_cache;

/* One article as a listing shows it; id 0: no such article. */
typedef struct {
    int64_t id;
    int64_t size, mtime;
    int ntopics;
    char vname[NFS_NAME_MAX + 1]; /* view names are at most NFS_NAME_MAX bytes */
} listing_row;

/* A cache using at most about budget bytes (never NULL). */
listing_cache *listing_cache_new(size_t budget);
void listing_cache_free(listing_cache *lc);

/* For each ids[i], i < n, cached under generation gen: rows[i] filled;
 * the other rows are left alone. Returns how many were found. */
size_t listing_cache_get(listing_cache *lc, int64_t gen, const int64_t *ids, size_t n,
                         listing_row *rows);

/* Store rows[0..n) (those with an id) under generation gen. */
void listing_cache_put(listing_cache *lc, int64_t gen, const listing_row *rows, size_t n);

/* Counters for tests and diagnostics. */
typedef struct {
    size_t entries, max_entries, resets;
} listing_cache_stats;
void listing_cache_get_stats(listing_cache *lc, listing_cache_stats *out);

#endif
