/* listing_cache.c - the listing rows of articles by id, in fixed memory,
 * shared by threads (listing_cache.h). An open-addressing hash of offsets
 * into an arena of records, each record its row and its name together (a
 * lookup touches two cache lines, not three); emptied whole when full or
 * when the generation moves on. */
#include "listing_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nfs.h"

typedef struct {
    int64_t id, mtime, size;
    uint16_t ntopics, name_len;
    char name[]; /* name_len bytes, then padding to 8 */
} lc_record;

struct listing_cache {
    pthread_mutex_t lock;
    int64_t gen;
    uint32_t *slots; /* record offset / 8 + 1; 0 = empty */
    size_t slot_mask, n_entries, max_entries;
    int slot_bits;
    char *arena;
    size_t arena_used, arena_cap;
    size_t resets;
};

/* bytes a cached article costs on average: a record with an 88-byte name
 * (the mean view name of the synthetic corpus) and two slots */
#define LC_BYTES_PER_ENTRY 128

static inline size_t record_size(size_t name_len)
{
    return (sizeof(lc_record) + name_len + 7) & ~(size_t)7;
}

listing_cache *listing_cache_new(size_t budget)
{
    listing_cache *lc = nfs_xcalloc(1, sizeof *lc);
    pthread_mutex_init(&lc->lock, NULL);
    lc->max_entries = budget / LC_BYTES_PER_ENTRY;
    if (lc->max_entries < 64)
        lc->max_entries = 64;
    lc->slot_bits = 1;
    while (((size_t)1 << lc->slot_bits) < 2 * lc->max_entries)
        lc->slot_bits++;
    lc->slot_mask = ((size_t)1 << lc->slot_bits) - 1;
    size_t slots_bytes = (lc->slot_mask + 1) * sizeof(uint32_t);
    lc->arena_cap = budget > slots_bytes + 65536 ? budget - slots_bytes : 65536;
    if (lc->arena_cap > (size_t)UINT32_MAX * 8)
        lc->arena_cap = (size_t)UINT32_MAX * 8;
    /* large: pages become resident only as the cache fills */
    lc->slots = nfs_xcalloc(lc->slot_mask + 1, sizeof(uint32_t));
    lc->arena = nfs_xmalloc(lc->arena_cap);
    return lc;
}

void listing_cache_free(listing_cache *lc)
{
    if (!lc)
        return;
    pthread_mutex_destroy(&lc->lock);
    free(lc->slots);
    free(lc->arena);
    free(lc);
}

static inline size_t slot_of(const listing_cache *lc, int64_t id)
{
    return (size_t)(((uint64_t)id * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - lc->slot_bits));
}

static inline const lc_record *record_at(const listing_cache *lc, uint32_t slot_value)
{
    return (const lc_record *)(lc->arena + (size_t)(slot_value - 1) * 8);
}

/* The record of id, probing from slot s, or NULL. */
static const lc_record *find(const listing_cache *lc, int64_t id, size_t s)
{
    for (;; s = (s + 1) & lc->slot_mask) {
        uint32_t v = lc->slots[s];
        if (!v)
            return NULL;
        const lc_record *r = record_at(lc, v);
        if (r->id == id)
            return r;
    }
}

static void empty(listing_cache *lc)
{
    if (!lc->n_entries)
        return;
    memset(lc->slots, 0, (lc->slot_mask + 1) * sizeof(uint32_t));
    lc->n_entries = 0;
    lc->arena_used = 0;
    lc->resets++;
}

size_t listing_cache_get(listing_cache *lc, int64_t gen, const int64_t *ids, size_t n,
                         listing_row *rows)
{
    enum { CHUNK = 64 };
    size_t found = 0;
    pthread_mutex_lock(&lc->lock);
    for (size_t base = 0; gen == lc->gen && lc->n_entries && base < n; base += CHUNK) {
        size_t m = n - base < CHUNK ? n - base : CHUNK;
        size_t slot[CHUNK];
        const lc_record *rec[CHUNK];
        /* the probes of a batch are independent: start every memory load
         * before waiting for any */
        for (size_t i = 0; i < m; i++) {
            slot[i] = slot_of(lc, ids[base + i]);
            __builtin_prefetch(&lc->slots[slot[i]]);
        }
        for (size_t i = 0; i < m; i++) {
            rec[i] = find(lc, ids[base + i], slot[i]);
            if (rec[i])
                __builtin_prefetch(rec[i]);
        }
        for (size_t i = 0; i < m; i++) {
            const lc_record *r = rec[i];
            if (!r)
                continue;
            listing_row *row = &rows[base + i];
            row->id = r->id;
            row->size = r->size;
            row->mtime = r->mtime;
            row->ntopics = r->ntopics;
            memcpy(row->vname, r->name, r->name_len);
            row->vname[r->name_len] = '\0';
            found++;
        }
    }
    pthread_mutex_unlock(&lc->lock);
    return found;
}

void listing_cache_put(listing_cache *lc, int64_t gen, const listing_row *rows, size_t n)
{
    pthread_mutex_lock(&lc->lock);
    if (gen > lc->gen) {
        empty(lc);
        lc->gen = gen;
    }
    for (size_t i = 0; gen == lc->gen && i < n; i++) {
        const listing_row *r = &rows[i];
        size_t len = strnlen(r->vname, sizeof r->vname);
        if (!r->id || len >= sizeof r->vname || r->ntopics < 0 || r->ntopics > UINT16_MAX)
            continue; /* never the case for rows the indexer makes */
        size_t s = slot_of(lc, r->id);
        if (find(lc, r->id, s))
            continue;
        size_t need = record_size(len);
        if (lc->n_entries == lc->max_entries || lc->arena_used + need > lc->arena_cap) {
            empty(lc);
            s = slot_of(lc, r->id);
        }
        lc_record *rec = (lc_record *)(lc->arena + lc->arena_used);
        rec->id = r->id;
        rec->mtime = r->mtime;
        rec->size = r->size;
        rec->ntopics = (uint16_t)r->ntopics;
        rec->name_len = (uint16_t)len;
        memcpy(rec->name, r->vname, len);
        while (lc->slots[s])
            s = (s + 1) & lc->slot_mask;
        lc->slots[s] = (uint32_t)(lc->arena_used / 8 + 1);
        lc->arena_used += need;
        lc->n_entries++;
    }
    pthread_mutex_unlock(&lc->lock);
}

void listing_cache_get_stats(listing_cache *lc, listing_cache_stats *out)
{
    pthread_mutex_lock(&lc->lock);
    out->entries = lc->n_entries;
    out->max_entries = lc->max_entries;
    out->resets = lc->resets;
    pthread_mutex_unlock(&lc->lock);
}
